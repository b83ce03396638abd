/**
 * The hashed requirements format pip and uv read and write (`name==version ; marker \ --hash=sha256:...`,
 * comments after `#`): the toolchain's lock and every Python layer's lock are in it, so pip, uv,
 * pip-audit, OSV-Scanner, Dependabot and Renovate read them as they are.
 */

export interface PinnedRequirement {
  /** The name as written. */
  readonly name: string;
  readonly version: string;
  /** The environment marker after `;`, when there is one. */
  readonly marker?: string;
  readonly hashes: readonly string[];
  /** The comment lines that follow the entry, without `#` and the spaces around it (`via pydantic`, `wheel: x.whl`). */
  readonly comments: readonly string[];
}

/**
 * Every `name==version` entry of a requirements file, with its marker, hashes and the comments under it.
 * Lines of other kinds (options, ranges, includes) are not pins and are left out; `problems` names them.
 */
export function parsePinnedRequirements(text: string): { readonly pins: readonly PinnedRequirement[]; readonly problems: readonly string[] } {
  const pins: { name: string; version: string; marker?: string; hashes: string[]; comments: string[] }[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    const comment = /^\s*#\s?(.*)$/.exec(line);
    if (comment) {
      // A comment line right under an entry (indented, as uv writes `# via`) belongs to it.
      if (/^\s+#/.test(line) && pins.length > 0) pins[pins.length - 1].comments.push(comment[1].trim());
      continue;
    }
    while (/\\\s*$/.test(line) && index + 1 < lines.length) line = line.replace(/\\\s*$/, ' ') + lines[++index];
    const content = line.replace(/(^|\s)#.*$/, '').trim();
    if (!content) continue;
    const hashes = [...content.matchAll(/--hash[=\s]sha256:([0-9a-fA-F]{64})/g)].map((match) => match[1].toLowerCase());
    const requirement = content.replace(/--hash[=\s]\S+/g, '').trim();
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;,]+)\s*(?:;\s*(.+))?$/.exec(requirement);
    if (!match) {
      problems.push(content);
      continue;
    }
    pins.push({ name: match[1], version: match[2], ...(match[3] ? { marker: match[3].trim() } : {}), hashes, comments: [] });
  }
  return { pins, problems };
}

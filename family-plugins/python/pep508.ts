/**
 * Python's dependency specifiers (PEP 508) and versions (PEP 440), as far as the
 * import coverage rule needs them: read a Requires-Dist line, decide whether its
 * marker holds on a Lambda runtime, and whether a version satisfies it.
 */

/** PEP 503 normalised name: lower case, runs of "-", "_" and "." become "-". */
export function normalisePythonName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

export type Marker =
  | { readonly op: 'and' | 'or'; readonly left: Marker; readonly right: Marker }
  | { readonly op: 'compare'; readonly left: MarkerValue; readonly comparator: string; readonly right: MarkerValue };

export type MarkerValue = { readonly variable: string } | { readonly literal: string };

export interface Requirement {
  /** As written, e.g. "cryptography>=3.4.0; extra == 'cryptography'". */
  readonly raw: string;
  readonly name: string;
  /** PEP 503 normalised. */
  readonly key: string;
  readonly extras: readonly string[];
  /** Version specifiers, e.g. ">=3.4.0,<5"; empty for any version. */
  readonly specifier: string;
  readonly marker?: Marker;
}

/** The marker variables of the environment a requirement is evaluated for. */
export type MarkerEnvironment = Readonly<Record<string, string>>;

/** The marker environment of a Lambda Python runtime: CPython on Amazon Linux, for one architecture. */
export function lambdaMarkerEnvironment(pythonVersion: string, architecture: 'x86_64' | 'arm64'): MarkerEnvironment {
  return {
    python_version: pythonVersion,
    python_full_version: `${pythonVersion}.0`,
    implementation_name: 'cpython',
    implementation_version: `${pythonVersion}.0`,
    platform_python_implementation: 'CPython',
    os_name: 'posix',
    sys_platform: 'linux',
    platform_system: 'Linux',
    platform_machine: architecture === 'arm64' ? 'aarch64' : 'x86_64',
    platform_release: '',
    platform_version: '',
  };
}

const COMPARATORS = ['===', '==', '!=', '<=', '>=', '~=', '<', '>', 'not in', 'in'];

class MarkerParser {
  private position = 0;

  constructor(private readonly text: string) {}

  parse(): Marker {
    const marker = this.or();
    this.space();
    if (this.position < this.text.length) this.fail('unexpected text');
    return marker;
  }

  private fail(why: string): never {
    throw new Error(`invalid marker "${this.text}": ${why} at ${this.position}`);
  }

  private space(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position += 1;
  }

  private keyword(word: string): boolean {
    this.space();
    const rest = this.text.slice(this.position);
    if (rest.startsWith(word) && !/[\w.]/.test(rest[word.length] ?? '')) {
      this.position += word.length;
      return true;
    }
    return false;
  }

  private or(): Marker {
    let left = this.and();
    while (this.keyword('or')) left = { op: 'or', left, right: this.and() };
    return left;
  }

  private and(): Marker {
    let left = this.atom();
    while (this.keyword('and')) left = { op: 'and', left, right: this.atom() };
    return left;
  }

  private atom(): Marker {
    this.space();
    if (this.text[this.position] === '(') {
      this.position += 1;
      const inner = this.or();
      this.space();
      if (this.text[this.position] !== ')') this.fail('expected ")"');
      this.position += 1;
      return inner;
    }
    const left = this.value();
    this.space();
    const rest = this.text.slice(this.position);
    const comparator = COMPARATORS.find((candidate) => {
      if (!rest.startsWith(candidate)) return false;
      return !/^(not in|in)$/.test(candidate) || !/\w/.test(rest[candidate.length] ?? '');
    });
    if (!comparator) {
      // "not  in" with extra spaces
      const spaced = /^not\s+in(?!\w)/.exec(rest);
      if (!spaced) this.fail('expected a comparison');
      this.position += spaced[0].length;
      return { op: 'compare', left, comparator: 'not in', right: this.value() };
    }
    this.position += comparator.length;
    return { op: 'compare', left, comparator, right: this.value() };
  }

  private value(): MarkerValue {
    this.space();
    const quote = this.text[this.position];
    if (quote === '"' || quote === "'") {
      const end = this.text.indexOf(quote, this.position + 1);
      if (end < 0) this.fail('unterminated string');
      const literal = this.text.slice(this.position + 1, end);
      this.position = end + 1;
      return { literal };
    }
    const match = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.position));
    if (!match) this.fail('expected a variable or a quoted string');
    this.position += match[0].length;
    // Legacy spellings (PEP 345) still appear in old metadata.
    const legacy: Record<string, string> = {
      'os.name': 'os_name',
      'sys.platform': 'sys_platform',
      'platform.version': 'platform_version',
      'platform.machine': 'platform_machine',
      'platform.python_implementation': 'platform_python_implementation',
      python_implementation: 'platform_python_implementation',
    };
    return { variable: legacy[match[0]] ?? match[0] };
  }
}

export function parseMarker(text: string): Marker {
  return new MarkerParser(text).parse();
}

/** Reads one requirement, as in METADATA's Requires-Dist or a requirements file line. */
export function parseRequirement(raw: string): Requirement {
  const text = raw.trim();
  const semicolon = findMarkerStart(text);
  const head = (semicolon >= 0 ? text.slice(0, semicolon) : text).trim();
  const markerText = semicolon >= 0 ? text.slice(semicolon + 1).trim() : '';
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(.*)$/.exec(head);
  if (!match) throw new Error(`invalid requirement "${raw}"`);
  const extras = (match[2] ?? '')
    .split(',')
    .map((extra) => extra.trim())
    .filter(Boolean)
    .map(normalisePythonName);
  let specifier = (match[3] ?? '').trim();
  if (specifier.startsWith('@')) specifier = '';
  specifier = specifier.replace(/^\((.*)\)$/, '$1').replace(/\s+/g, '');
  return {
    raw: text,
    name: match[1],
    key: normalisePythonName(match[1]),
    extras,
    specifier,
    ...(markerText ? { marker: parseMarker(markerText) } : {}),
  };
}

/** The ";" that starts the marker: not one inside a URL (name @ url ; marker needs a space before it). */
function findMarkerStart(text: string): number {
  if (text.includes('@')) {
    const spaced = text.search(/\s;/);
    return spaced >= 0 ? spaced + 1 : -1;
  }
  return text.indexOf(';');
}

function valueOf(value: MarkerValue, env: MarkerEnvironment): string {
  if ('literal' in value) return value.literal;
  const found = env[value.variable];
  if (found === undefined) throw new Error(`unknown marker variable ${value.variable}`);
  return found;
}

const VERSION_VARIABLES = new Set(['python_version', 'python_full_version', 'implementation_version', 'platform_release']);

function compare(left: string, comparator: string, right: string, versions: boolean): boolean {
  if (comparator === 'in') return right.includes(left);
  if (comparator === 'not in') return !right.includes(left);
  if (versions && parseVersion(left) && (parseVersion(right) || right.endsWith('.*'))) return satisfies(left, `${comparator}${right}`);
  if (comparator === '==' || comparator === '===') return left === right;
  if (comparator === '!=') return left !== right;
  return false;
}

/** Whether a marker holds in `env`; `extra` is compared by normalised name. */
export function evaluateMarker(marker: Marker, env: MarkerEnvironment): boolean {
  if (marker.op !== 'compare') {
    return marker.op === 'and'
      ? evaluateMarker(marker.left, env) && evaluateMarker(marker.right, env)
      : evaluateMarker(marker.left, env) || evaluateMarker(marker.right, env);
  }
  const isExtra = (value: MarkerValue): boolean => 'variable' in value && value.variable === 'extra';
  let left = valueOf(marker.left, env);
  let right = valueOf(marker.right, env);
  if (isExtra(marker.left) || isExtra(marker.right)) {
    left = normalisePythonName(left);
    right = normalisePythonName(right);
  }
  const versions = [marker.left, marker.right].some((value) => 'variable' in value && VERSION_VARIABLES.has(value.variable));
  return compare(left, marker.comparator, right, versions);
}

/**
 * Whether a requirement applies to a distribution installed with `extras`:
 * its marker holds for the runtime with no extra, or with one of them.
 */
export function requirementApplies(requirement: Requirement, env: MarkerEnvironment, extras: readonly string[]): boolean {
  if (!requirement.marker) return true;
  return ['', ...extras].some((extra) => evaluateMarker(requirement.marker!, { ...env, extra }));
}

/** A distribution as the dependency walk sees it: its normalised name, what it requires, and the extras it was asked for. */
export interface DeclaringDistribution {
  readonly key: string;
  readonly requires: readonly Requirement[];
  readonly extras?: readonly string[];
}

/** One requirement that applies, and the distribution it names. */
export interface AppliedRequirement {
  readonly from: string;
  readonly requirement: Requirement;
}

/**
 * Every requirement that applies among distributions installed together: markers evaluated for `env`,
 * extras followed from the ones each was asked for and through the requirements that ask for more
 * (python-jose[cryptography] -> cryptography). Each (distribution, extras) pair is visited once; a
 * requirement is listed once per distribution.
 */
export function appliedRequirements(distributions: ReadonlyMap<string, DeclaringDistribution>, env: MarkerEnvironment): AppliedRequirement[] {
  const extras = new Map<string, Set<string>>();
  for (const dist of distributions.values()) if (dist.extras?.length) extras.set(dist.key, new Set(dist.extras.map(normalisePythonName)));
  const applied: AppliedRequirement[] = [];
  const listed = new Set<string>();
  const seen = new Set<string>();
  const queue = [...distributions.values()].filter((dist) => dist.requires.length > 0).map((dist) => dist.key);
  while (queue.length > 0) {
    const key = queue.shift()!;
    const dist = distributions.get(key)!;
    const active = [...(extras.get(key) ?? [])].sort();
    const state = `${key}[${active.join(',')}]`;
    if (seen.has(state)) continue;
    seen.add(state);
    for (const requirement of dist.requires) {
      if (!requirementApplies(requirement, env, active)) continue;
      if (!listed.has(`${key}\n${requirement.raw}`)) {
        listed.add(`${key}\n${requirement.raw}`);
        applied.push({ from: key, requirement });
      }
      const found = distributions.get(requirement.key);
      if (!found) continue;
      const wanted = extras.get(found.key) ?? new Set<string>();
      const before = wanted.size;
      requirement.extras.forEach((extra) => wanted.add(extra));
      extras.set(found.key, wanted);
      if (wanted.size !== before && found.requires.length > 0) queue.push(found.key);
    }
  }
  return applied;
}

/** A Requires-Dist line as a requirement; undefined for one this parser cannot read (it is then not judged). */
export function tryParseRequirement(line: string): Requirement | undefined {
  try {
    return parseRequirement(line);
  } catch {
    return undefined;
  }
}

interface Version {
  readonly epoch: number;
  readonly release: readonly number[];
  /** Pre-release: [rank, number]; rank 0 a, 1 b, 2 rc. */
  readonly pre?: readonly [number, number];
  readonly post?: number;
  readonly dev?: number;
}

export function parseVersion(text: string): Version | undefined {
  const match =
    /^\s*v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\d*))?(?:(?:-(\d+))|(?:[-_.]?(?:post|rev|r)[-_.]?(\d*)))?(?:[-_.]?dev[-_.]?(\d*))?(?:\+[a-z0-9.]+)?\s*$/i.exec(
      text,
    );
  if (!match) return undefined;
  const preRank: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, c: 2, rc: 2, pre: 2, preview: 2 };
  const postText = match[5] ?? match[6];
  return {
    epoch: Number(match[1] ?? 0),
    release: match[2].split('.').map(Number),
    ...(match[3] ? { pre: [preRank[match[3].toLowerCase()], Number(match[4] || 0)] as const } : {}),
    ...(postText !== undefined ? { post: Number(postText || 0) } : {}),
    ...(match[7] !== undefined ? { dev: Number(match[7] || 0) } : {}),
  };
}

/** PEP 440 order: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  if (x.epoch !== y.epoch) return x.epoch - y.epoch;
  const length = Math.max(x.release.length, y.release.length);
  for (let i = 0; i < length; i += 1) {
    const difference = (x.release[i] ?? 0) - (y.release[i] ?? 0);
    if (difference !== 0) return difference;
  }
  // dev releases sort before pre-releases, which sort before the release, which sorts before post-releases.
  const phase = (v: Version): number[] => {
    if (v.pre) return [1, v.pre[0], v.pre[1], v.post ?? -1, v.dev ?? Infinity];
    if (v.post !== undefined) return [3, 0, 0, v.post, v.dev ?? Infinity];
    if (v.dev !== undefined) return [0, 0, 0, -1, v.dev];
    return [2, 0, 0, -1, Infinity];
  };
  const [p, q] = [phase(x), phase(y)];
  for (let i = 0; i < p.length; i += 1) if (p[i] !== q[i]) return p[i] < q[i] ? -1 : 1;
  return 0;
}

/** Whether `version` satisfies every clause of a specifier such as ">=1.0,<2,!=1.5.*". An empty specifier allows any version. */
export function satisfies(version: string, specifier: string): boolean {
  return specifier
    .split(',')
    .map((clause) => clause.trim())
    .filter(Boolean)
    .every((clause) => {
      const match = /^(===|==|!=|<=|>=|~=|<|>)\s*(.+)$/.exec(clause);
      if (!match) return true;
      const [, op, target] = match as unknown as [string, string, string];
      if (op === '===') return version === target;
      if (target.endsWith('.*')) {
        const prefix = target.slice(0, -2).split('.').map(Number);
        const release = parseVersion(version)?.release ?? [];
        const equal = prefix.every((part, i) => (release[i] ?? 0) === part);
        return op === '!=' ? !equal : equal;
      }
      const order = compareVersions(version, target);
      switch (op) {
        case '==':
          return order === 0;
        case '!=':
          return order !== 0;
        case '<=':
          return order <= 0;
        case '>=':
          return order >= 0;
        case '<':
          return order < 0;
        case '>':
          return order > 0;
        default: {
          // ~=X.Y.Z means >=X.Y.Z and ==X.Y.*
          const release = parseVersion(target)?.release ?? [];
          const prefix = release.slice(0, Math.max(1, release.length - 1)).join('.');
          return order >= 0 && satisfies(version, `==${prefix}.*`);
        }
      }
    });
}

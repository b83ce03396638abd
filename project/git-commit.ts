import * as fs from 'node:fs';
import * as path from 'node:path';

const SHA = /^[0-9a-f]{40}$/;

/** The commit a HEAD file points at, given a way to read refs; undefined when it cannot be told. */
export function commitFromHead(head: string, readRef: (ref: string) => string | undefined): string | undefined {
  const trimmed = head.trim();
  if (SHA.test(trimmed)) return trimmed;
  const ref = /^ref: (\S+)$/.exec(trimmed)?.[1];
  if (!ref) return undefined;
  const direct = readRef(ref)?.trim();
  if (direct && SHA.test(direct)) return direct;
  const packed = readRef('packed-refs') ?? '';
  for (const line of packed.split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha && SHA.test(sha)) return sha;
  }
  return undefined;
}

/**
 * The commit being deployed: GITHUB_SHA in GitHub Actions, GIT_COMMIT where a CI
 * sets it, else what .git/HEAD says. Read from files, never by running git.
 */
export function currentCommit(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const variable of ['GITHUB_SHA', 'GIT_COMMIT']) {
    const value = env[variable];
    if (value && SHA.test(value)) return value;
  }
  const gitDir = path.join(projectRoot, '.git');
  const read = (file: string): string | undefined => {
    try {
      return fs.readFileSync(path.join(gitDir, file), 'utf8');
    } catch {
      return undefined;
    }
  };
  const head = read('HEAD');
  return head ? commitFromHead(head, read) : undefined;
}

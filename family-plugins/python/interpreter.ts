import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PythonInterpreter {
  readonly path: string;
  /** Major and minor, e.g. "3.12". */
  readonly version: string;
  /** e.g. "3.12.1". */
  readonly fullVersion: string;
}

/** Where an interpreter of `version` (e.g. "3.12") may be: PYTHON3_12, python3.12 on PATH, pyenv, the usual prefixes. */
export function pythonCandidates(version: string, env: NodeJS.ProcessEnv): string[] {
  const candidates: string[] = [];
  const override = env[`PYTHON${version.replace('.', '_')}`];
  if (override) candidates.push(override);
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) candidates.push(path.join(dir, `python${version}`));
  const pyenvRoot = env['PYENV_ROOT'] ?? path.join(os.homedir(), '.pyenv');
  const versions = path.join(pyenvRoot, 'versions');
  if (fs.existsSync(versions)) {
    for (const installed of fs.readdirSync(versions).sort().reverse()) {
      if (installed === version || installed.startsWith(`${version}.`)) candidates.push(path.join(versions, installed, 'bin', `python${version}`));
    }
  }
  candidates.push(`/usr/bin/python${version}`, `/usr/local/bin/python${version}`);
  return [...new Set(candidates)];
}

/** The first candidate that runs and reports `version`; undefined when the machine has none. */
export function findPython(version: string, env: NodeJS.ProcessEnv = process.env): PythonInterpreter | undefined {
  for (const candidate of pythonCandidates(version, env)) {
    if (!fs.existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8', env: { PATH: env['PATH'] ?? '' } });
    const fullVersion = probe.stdout.trim();
    if (probe.status === 0 && fullVersion.split('.').slice(0, 2).join('.') === version) return { path: candidate, version, fullVersion };
  }
  return undefined;
}

/** What to say when no interpreter of `version` is found: where it looked, and how to get one. */
export function noPythonReason(version: string, env: NodeJS.ProcessEnv = process.env): string {
  const looked = pythonCandidates(version, env).slice(0, 3).join(', ');
  return (
    `no Python ${version} interpreter on this machine (looked at ${looked}, pyenv and /usr); ` +
    `install one (\`pyenv install ${version}\`, or Debian: apt-get install python${version}) or set PYTHON${version.replace('.', '_')} to its path`
  );
}

import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import { startGoal } from './goals';
import { Goal, now, ratio, summarise, Summary } from './stats';

/**
 * `npm start` when nothing changed, as a user waits for it: from spawning `npm start -- --port 0 --json` to the first
 * answer of its API (`GET /`), whole processes; against `npm start -- --skip-build` (serving alone, no build and no
 * synth) in the same run.
 */

export interface StartBenchResult {
  /** A no-change `npm start` to its first answer. */
  readonly start: Summary;
  /** `npm start -- --skip-build` to its first answer: what serving alone costs. */
  readonly skipBuild: Summary;
  /** start / skipBuild. */
  readonly ratio: number;
  readonly goal: Goal;
}

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** Stops the process group of a started `npm start` as Ctrl-C does, and waits for it. */
function interrupt(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    try {
      process.kill(-child.pid!, 'SIGINT');
    } catch {
      resolve();
    }
  });
}

/** One `npm start` (with `extra` arguments) from spawn until each of `paths` answered 200 (default GET /); the process is stopped afterwards. */
export async function startOnce(cwd: string, env: NodeJS.ProcessEnv, extra: readonly string[], paths: readonly string[] = ['/']): Promise<number> {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = now();
  const child = spawn(npm, ['start', '--silent', '--', '--port', '0', '--json', ...extra], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /"url":\s*"([^"]+)"/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.once('exit', (code) => reject(new Error(`npm start ${extra.join(' ')} exited (${code}) before serving:\n${stderr}`)));
    });
    const statuses = await Promise.all(paths.map((path) => get(`${url}${path}`)));
    const seconds = now() - started;
    const failed = paths.filter((_, i) => statuses[i] !== 200);
    if (failed.length) throw new Error(`${failed.map((path) => `GET ${path} answered ${statuses[paths.indexOf(path)]}`).join(', ')}\n${stderr}`);
    return seconds;
  } finally {
    await interrupt(child);
  }
}

/** `runs` no-change starts and `runs` starts with --skip-build, interleaved, after one of each that is not counted. */
export async function benchStart(runs: number, cwd: string, env: NodeJS.ProcessEnv, before?: number): Promise<StartBenchResult> {
  const quiet = { ...env, NO_COLOR: '1' };
  await startOnce(cwd, quiet, []);
  await startOnce(cwd, quiet, ['--skip-build']);
  const [full, skip]: number[][] = [[], []];
  for (let run = 0; run < runs; run++) {
    full.push(await startOnce(cwd, quiet, []));
    skip.push(await startOnce(cwd, quiet, ['--skip-build']));
  }
  const [start, skipBuild] = [summarise(full), summarise(skip)];
  return { start, skipBuild, ratio: ratio(start.median, skipBuild.median), goal: startGoal(start.median, before) };
}

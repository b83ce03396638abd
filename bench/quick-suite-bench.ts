import { spawnSync } from 'node:child_process';
import { quickSuiteGoal } from './goals';
import { Goal, now, summarise, Summary } from './stats';

/**
 * `npm run test:unit`, the quick suite of the pure tests, as a developer runs it: a whole npm process, with no global
 * setup (no toolchain, no build), after one run that is not counted (Jest's transform cache warm, as it is after the
 * first run on a machine).
 */

export interface QuickSuiteBenchResult {
  readonly seconds: Summary;
  /** Test files and tests it ran (from the last run). */
  readonly suites: number;
  readonly tests: number;
  readonly goal: Goal;
}

function runOnce(cwd: string, env: NodeJS.ProcessEnv): { seconds: number; suites: number; tests: number } {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const started = now();
  const result = spawnSync(npm, ['run', '--silent', 'test:unit', '--', '--json'], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = now() - started;
  if (result.status !== 0) throw new Error(`npm run test:unit failed (${result.status}):\n${result.stderr.slice(-4000)}`);
  const report = JSON.parse(result.stdout) as { numTotalTestSuites: number; numTotalTests: number };
  return { seconds, suites: report.numTotalTestSuites, tests: report.numTotalTests };
}

export function benchQuickSuite(runs: number, cwd: string, env: NodeJS.ProcessEnv): QuickSuiteBenchResult {
  const quiet: NodeJS.ProcessEnv = { ...env, NO_COLOR: '1' };
  delete quiet['TEST_PROJECT_ROOT'];
  runOnce(cwd, quiet);
  const timed = Array.from({ length: runs }, () => runOnce(cwd, quiet));
  const seconds = summarise(timed.map((run) => run.seconds));
  const last = timed[timed.length - 1];
  return { seconds, suites: last.suites, tests: last.tests, goal: quickSuiteGoal(seconds.median) };
}

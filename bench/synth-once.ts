import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CDKTF_APP_NODE_FLAGS } from '../use-cases/synth';
import { now } from './stats';

/** One synthesis as cdktf runs the app (its Node flags, main.ts), into `outdir`, as a whole process: its seconds. */
export function synthOnce(root: string, env: NodeJS.ProcessEnv, outdir: string): Promise<number> {
  const started = now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CDKTF_APP_NODE_FLAGS, '--import', 'tsx', 'main.ts'], {
      cwd: root,
      env: { ...env, CDKTF_OUTDIR: outdir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(now() - started) : reject(new Error(`synth failed: ${stderr}`))));
  });
}

/** npm as a user runs it, on this platform. */
export const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** One whole process, from spawn to exit; fails the bench when it does. */
export function processSeconds(root: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): number {
  const started = now();
  const result = spawnSync(command, args, { cwd: root, env, encoding: 'utf8' });
  const seconds = now() - started;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error?.message}`);
  return seconds;
}

/**
 * The repository's cdktf context (cdktf.json). CDKTF_CONTEXT_JSON replaces the whole of it, so a figure that adds
 * environments or functions starts from this, and what it builds matches what the project's own configuration uses.
 */
export function repositoryContext(root: string): Record<string, unknown> {
  return (JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')) as { context: Record<string, unknown> }).context;
}

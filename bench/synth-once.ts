import { spawn } from 'node:child_process';
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

import { ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../../project/free-port';
import { ensurePythonToolchain } from './toolchain';
import { localQueueFailed } from './errors';

/**
 * moto's AWS server (`python -m moto.server` of the project's Python toolchain, pinned with hashes in
 * toolchain/requirements.lock.txt) on a free loopback port: the SQS-compatible server of a local run, and the AWS
 * the tests run against. When it cannot start this fails with its output; it does not skip.
 */
export interface MotoProcess {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startMotoServer(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly toolHome: string;
  readonly progress?: (line: string) => void;
  /** A script to run in place of `-m moto.server`, taking its arguments (one that extends moto's server), and its environment. */
  readonly script?: { readonly path: string; readonly env?: Readonly<Record<string, string>> };
}): Promise<MotoProcess> {
  const { python } = await ensurePythonToolchain({
    env: options.env,
    projectRoot: options.toolHome,
    ...(options.progress ? { progress: options.progress } : {}),
  });
  const port = await freePort();
  const entry = options.script ? [options.script.path] : ['-m', 'moto.server'];
  const child: ChildProcess = spawn(python, [...entry, '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.script?.env },
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = (): Promise<void> =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  const until = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw localQueueFailed(`${python} ${entry.join(' ')}`, `exited with ${child.exitCode}`, stderr);
    try {
      if ((await fetch(`${endpoint}/moto-api/`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) {
      child.kill('SIGKILL');
      throw localQueueFailed(`${python} ${entry.join(' ')}`, `did not answer on ${endpoint} within 30 s`, stderr);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { endpoint, stop };
}

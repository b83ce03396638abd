import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findPython } from '../../../family-plugins/python/interpreter';
import { PROJECT_ROOT } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';

/** The local run's Python process (python-process.ts starts runtime/bootstrap.py), as a process: what Ctrl-C in the terminal (SIGINT to the whole group) does to it. */
describe('the local Python runtime client', () => {
  it('ends quietly on an interrupt, with no KeyboardInterrupt traceback', async () => {
    const python = findPython('3.12');
    expect(python).toBeDefined();
    const task = makeTempDir('bootstrap-interrupt');
    // A handler module whose import takes a while: the interrupt arrives during init, where the client spends its time.
    fs.writeFileSync(path.join(task, 'slow.py'), 'import time\ntime.sleep(30)\n\ndef handler(event, context):\n    return 1\n');
    const child = spawn(python!.path, ['-I', '-S', '-B', '-u', path.join(PROJECT_ROOT, 'family-plugins', 'python', 'runtime', 'bootstrap.py'), task], {
      env: { PATH: process.env['PATH'] ?? '', _HANDLER: 'slow.handler', AWS_LAMBDA_RUNTIME_API: '127.0.0.1:9' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    child.kill('SIGINT');
    const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    expect(ended.signal).toBe('SIGINT');
    expect(stderr).not.toContain('KeyboardInterrupt');
    expect(stderr).not.toContain('Traceback');
  });
});

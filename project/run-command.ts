import { spawn } from 'node:child_process';

export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  /** stdout and stderr as they came, the last 64 KiB, for error messages. */
  readonly output: string;
  /** True when the command itself was not found. */
  readonly missing: boolean;
}

/** Runs a command without a shell and collects what it prints; never rejects. */
export function runCommand(command: string, args: readonly string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString('utf8')).slice(-65536);
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      keep(chunk);
    });
    child.stderr.on('data', keep);
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ code: 127, stdout, output: error.message, missing: error.code === 'ENOENT' }));
    // A process ended by a signal has no exit code and often no output: the signal says what happened.
    child.on('close', (code, signal) => {
      const said = signal ? `${output && !output.endsWith('\n') ? `${output}\n` : output}(ended by signal ${signal})` : output;
      resolve({ code: code ?? 1, stdout, output: said, missing: false });
    });
  });
}

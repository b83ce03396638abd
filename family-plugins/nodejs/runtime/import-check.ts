/**
 * Imports every package given in argv[2] (a JSON list) the way a function in Lambda
 * would: ES import through NODE_PATH, else require. Prints one JSON result per line.
 * Runs inside a sandbox that holds only the layer under test.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { installNodePathResolution } from './node-path-resolution';

interface ImportResult {
  name: string;
  ok: boolean;
  how?: 'import' | 'require';
  error?: string;
  code?: string;
}

async function check(name: string, requireFromTask: NodeRequire): Promise<ImportResult> {
  try {
    await import(name);
    return { name, ok: true, how: 'import' };
  } catch (importError) {
    try {
      requireFromTask(name);
      return { name, ok: true, how: 'require' };
    } catch {
      const error = importError as NodeJS.ErrnoException;
      return { name, ok: false, error: `${error.name}: ${error.message.split('\n')[0]}`, code: error.code ?? 'ERROR' };
    }
  }
}

async function main(): Promise<void> {
  installNodePathResolution();
  const names = JSON.parse(process.argv[2] ?? '[]') as string[];
  const requireFromTask = createRequire(path.join(process.env['LAMBDA_TASK_ROOT'] ?? process.cwd(), 'index.js'));
  for (const name of names) process.stdout.write(`${JSON.stringify(await check(name, requireFromTask))}\n`);
}

void main();

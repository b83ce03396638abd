/**
 * Runs inside a sandbox that holds one layer: imports the package in argv[2] the
 * way a function would (ES import through NODE_PATH) and prints the milliseconds.
 */
import { performance } from 'node:perf_hooks';
import { installNodePathResolution } from '../family-plugins/nodejs/runtime/node-path-resolution';

async function main(): Promise<void> {
  installNodePathResolution();
  const name = process.argv[2] ?? '';
  const started = performance.now();
  await import(name);
  process.stdout.write(`${JSON.stringify({ name, ms: performance.now() - started })}\n`);
}

void main();

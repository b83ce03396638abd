import * as fs from 'node:fs';
import * as path from 'node:path';

/** Removes the project copy the tests ran against and every temporary folder of the run (its parent, which the setup made). */
export default function globalTeardown(): void {
  const root = process.env['TEST_PROJECT_ROOT'];
  if (root && path.basename(root) === 'project' && path.basename(path.dirname(root)).startsWith('layer-stacks-tests-')) {
    fs.rmSync(path.dirname(root), { recursive: true, force: true });
  }
}

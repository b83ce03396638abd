import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * A new temporary folder. Under `npm test` the global setup points TMPDIR beside the project copy, so the teardown
 * removes it with the run; the quick suite (`npm run test:unit`) uses the machine's temporary folder.
 */
export function makeTempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), `${prefix}-`));
}

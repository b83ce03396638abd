// Installs CDK Terrain (frameworks/cdktn) from its lockfile when what is installed is not what the lockfile says:
// `npm test` runs it first, so the comparison of both frameworks and the type check against cdktn run on a fresh clone.
// `npm run cdktn:install` installs it unconditionally. Plain JavaScript with Node's built-ins only.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'cdktn');
const stamp = join(folder, 'node_modules', '.installed-from');
const digest = createHash('sha256')
  .update(readFileSync(join(folder, 'package-lock.json')))
  .digest('hex');
const force = process.argv.includes('--force');

if (force || !existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  process.stderr.write('installing CDK Terrain into frameworks/cdktn (npm ci from its lockfile) ...\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // No package of this set has install scripts; --ignore-scripts keeps it that way.
  const result = spawnSync(npm, ['ci', '--prefix', folder, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`error: npm ci in frameworks/cdktn failed (exit ${result.status ?? result.signal}); it needs the npm registry once.\n`);
    process.exit(1);
  }
  writeFileSync(stamp, digest);
}

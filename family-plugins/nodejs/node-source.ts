import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerSourceInvalid } from '../../builder/errors';
import { LayerSource, parseJson } from '../../builder/layer-sources';

export function readNodeSource(dir: string, folder: string, name: string): Omit<LayerSource, 'options'> {
  const lockFile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(lockFile)) {
    throw layerSourceInvalid(
      folder,
      'package.json has no package-lock.json beside it, so the build would not be reproducible. ' +
        `Run \`npm install --package-lock-only --prefix ${folder}\` and commit the lockfile.`,
    );
  }
  // Each file read once: what is parsed here is what the build hashes.
  const files = new Map<string, Buffer>();
  for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
    const full = path.join(dir, file);
    if (fs.existsSync(full)) files.set(file, fs.readFileSync(full));
  }
  const manifest = parseJson(files.get('package.json')!, 'package.json', folder);
  const lock = parseJson(files.get('package-lock.json')!, 'package-lock.json', folder);
  if (typeof lock['lockfileVersion'] !== 'number' || lock['lockfileVersion'] < 2) {
    throw layerSourceInvalid(
      folder,
      `package-lock.json has lockfileVersion ${String(lock['lockfileVersion'])}; npm 7 or later writes 2 or 3. ` +
        `Run \`npm install --package-lock-only --prefix ${folder}\` with a current npm.`,
    );
  }
  const dependencies = manifest['dependencies'];
  const provides = dependencies && typeof dependencies === 'object' ? Object.keys(dependencies).sort() : [];
  if (provides.length === 0) {
    throw layerSourceInvalid(folder, 'package.json lists no "dependencies"; a layer with nothing to provide is a mistake.');
  }
  return { name, family: 'nodejs', dir, files, provides };
}

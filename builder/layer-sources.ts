import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerKind } from './manifest';
import { layerSourceInvalid } from '../project/errors';
import { toPosix } from '../project/paths';

/** The files of a layer folder that decide what gets installed. */
export interface LayerSource {
  readonly name: string;
  readonly kind: LayerKind;
  /** Absolute path of layers/<name>. */
  readonly dir: string;
  /** File name -> bytes, for every file the install reads. */
  readonly files: ReadonlyMap<string, Buffer>;
  /** Top-level packages the layer declares; functions import these from it. */
  readonly provides: readonly string[];
}

/** Files of a Node.js layer that npm reads; `.npmrc` only when present. */
const NODE_INPUT_FILES = ['package.json', 'package-lock.json', '.npmrc'];

function readJson(file: string, folder: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw layerSourceInvalid(folder, `${path.basename(file)} is not valid JSON (${(error as Error).message}).`);
  }
}

export function readLayerSource(projectRoot: string, name: string): LayerSource {
  const dir = path.join(projectRoot, 'layers', name);
  const folder = toPosix(path.relative(projectRoot, dir));
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw layerSourceInvalid(folder, 'a layer folder name may hold only letters, digits, "-" and "_".');
  }
  const packageJson = path.join(dir, 'package.json');
  if (!fs.existsSync(packageJson)) {
    throw layerSourceInvalid(
      folder,
      'no package.json. A Node.js layer is a folder with package.json and package-lock.json ' +
        '(see README "Adding a layer"); remove the folder if it is not a layer.',
    );
  }
  const lockFile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(lockFile)) {
    throw layerSourceInvalid(
      folder,
      'package.json has no package-lock.json beside it, so the build would not be reproducible. ' +
        `Run \`npm install --package-lock-only --prefix ${folder}\` and commit the lockfile.`,
    );
  }
  const manifest = readJson(packageJson, folder);
  const lock = readJson(lockFile, folder);
  if (typeof lock['lockfileVersion'] !== 'number' || (lock['lockfileVersion'] as number) < 2) {
    throw layerSourceInvalid(
      folder,
      `package-lock.json has lockfileVersion ${String(lock['lockfileVersion'])}; npm 7 or later writes 2 or 3. ` +
        `Run \`npm install --package-lock-only --prefix ${folder}\` with a current npm.`,
    );
  }
  const dependencies = manifest['dependencies'];
  const provides =
    dependencies && typeof dependencies === 'object' ? Object.keys(dependencies as Record<string, string>).sort() : [];
  if (provides.length === 0) {
    throw layerSourceInvalid(folder, 'package.json lists no "dependencies"; a layer with nothing to provide is a mistake.');
  }
  const files = new Map<string, Buffer>();
  for (const file of NODE_INPUT_FILES) {
    const full = path.join(dir, file);
    if (fs.existsSync(full)) files.set(file, fs.readFileSync(full));
  }
  return { name, kind: 'nodejs', dir, files, provides };
}

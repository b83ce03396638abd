import * as path from 'node:path';
import { familiesIn, listLayerFolders } from '../config/config-sources';
import { toPosix } from '../project/paths';
import { layerSourceInvalid } from './errors';
import { builderFor } from './family-builders';
import { LAYER_OPTIONS_FILE, LayerSource, readOptions } from './layer-sources';

/** Reading layers/: each folder's sources, one per runtime family it has packages for, each read by its family's builder. */

/** The sources in one layer folder: one per runtime family it has packages for. */
export function readLayerSources(projectRoot: string, name: string): LayerSource[] {
  return readLayerSourcesIn(path.join(projectRoot, 'layers', name), name, projectRoot);
}

/** The sources in any folder laid out like a layer folder (`dir`), named `name`; messages show it relative to `root`. */
export function readLayerSourcesIn(dir: string, name: string, root: string): LayerSource[] {
  const folder = toPosix(path.relative(root, dir));
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw layerSourceInvalid(folder, 'a layer folder name may hold only letters, digits, "-" and "_" (at most 64).');
  }
  const kinds = familiesIn(dir);
  if (kinds.length === 0) {
    throw layerSourceInvalid(
      folder,
      'neither package.json (Node.js packages) nor requirements.txt (Python packages). ' +
        'See docs/layers.md, "Adding a layer"; remove the folder if it is not a layer.',
    );
  }
  const { options, bytes } = readOptions(dir, folder);
  return kinds.map((kind) => {
    const source = builderFor(kind).readSource(dir, folder, name);
    const files = new Map(source.files);
    if (bytes) files.set(LAYER_OPTIONS_FILE, bytes);
    return { ...source, files, options };
  });
}

/** Every layer source of the project, sorted by folder then runtime family. */
export function readAllLayerSources(projectRoot: string): LayerSource[] {
  return Object.keys(listLayerFolders(projectRoot)).flatMap((name) => readLayerSources(projectRoot, name));
}

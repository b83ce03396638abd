import * as path from 'node:path';
import { familiesIn, listLayerFolders } from '../config/config-sources';
import { toPosix } from '../project/paths';
import { layerSourceInvalid } from './errors';
import { BuildFamilies, ReadSourceOptions } from './family-builders';
import { LAYER_OPTIONS_FILE, LayerSource, readOptions } from './layer-sources';

/** Reading layers/: each folder's sources, one per runtime family it has packages for, each read by its family's builder. */

/** The sources in one layer folder: one per runtime family it has packages for. */
export function readLayerSources(families: BuildFamilies, projectRoot: string, name: string, options: ReadSourceOptions = {}): LayerSource[] {
  return readLayerSourcesIn(families, path.join(projectRoot, 'layers', name), name, projectRoot, options);
}

/** The sources in any folder laid out like a layer folder (`dir`), named `name`; messages show it relative to `root`. */
export function readLayerSourcesIn(families: BuildFamilies, dir: string, name: string, root: string, reading: ReadSourceOptions = {}): LayerSource[] {
  const folder = toPosix(path.relative(root, dir));
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) {
    throw layerSourceInvalid(folder, 'a layer folder name may hold only letters, digits, "-" and "_" (at most 64).');
  }
  const ids = familiesIn(families, dir);
  if (ids.length === 0) {
    throw layerSourceInvalid(
      folder,
      `${families.families.map((family, index) => `${index === 0 ? 'neither' : 'nor'} ${family.packageFile} (${family.name} packages)`).join(' ')}. ` +
        'See docs/layers.md, "Adding a layer"; remove the folder if it is not a layer.',
    );
  }
  const { options, bytes } = readOptions(dir, folder);
  return ids.map((id) => {
    const source: Omit<LayerSource, 'options'> = families.byId(id).readSource(dir, folder, name, reading);
    const files = new Map(source.files);
    if (bytes) files.set(LAYER_OPTIONS_FILE, bytes);
    return { ...source, files, options };
  });
}

/** Every layer source of the project, sorted by folder then runtime family. */
export function readAllLayerSources(families: BuildFamilies, projectRoot: string, options: ReadSourceOptions = {}): LayerSource[] {
  return Object.keys(listLayerFolders(families, projectRoot)).flatMap((name) => readLayerSources(families, projectRoot, name, options));
}

import * as path from 'node:path';
import { formatBytes } from '../../project/bytes';
import { LAYER_RECORD_FILE, PREVIOUS_RECORD_FILE, readRecord } from '../../builder/layer-build';
import { readManifest } from '../../artifacts/manifest';
import { listTree } from '../../builder/tree';
import { builtLayerUnknown } from '../../project/errors';
import { LayerInspection, inspectLayer } from '../../verification/layer-inspection';
import { Command, writeJson } from '../command';

export const layersInspectCommand: Command = {
  usage: 'npm run layers:inspect -- [<layer name or id>] [--json]',
  help: `For each built layer (or the one named): its packages and versions, unzipped and
zipped size, the ten largest packages, headroom against Lambda's limits (250 MiB
unzipped together with the function, 50 MiB for a direct upload), and the packages
added, removed or upgraded since the build before.`,
  options: {
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the inspections as JSON on stdout' },
  },
  allowPositionals: true,
  run(values, positionals, { project, err, out }) {
    const buildDir = project.buildDir(values['build-dir'] as string | undefined);
    const manifest = readManifest(buildDir);
    const wanted = positionals[0];
    const layers = manifest.layers.filter((layer) => !wanted || layer.id === wanted || layer.name === wanted);
    if (wanted && layers.length === 0)
      throw builtLayerUnknown(
        wanted,
        manifest.layers.map((layer) => layer.id),
        'layers:inspect',
      );
    const biggestBundle = (kind: string): number =>
      Math.max(0, ...manifest.bundles.filter((bundle) => bundle.family === kind).map((bundle) => bundle.unzippedBytes));
    const inspections: LayerInspection[] = layers.map((layer) => {
      const variantDir = path.dirname(path.join(buildDir, layer.treeDir));
      const previous = readRecord(path.join(variantDir, PREVIOUS_RECORD_FILE));
      const current = readRecord(path.join(variantDir, LAYER_RECORD_FILE)) ?? layer;
      return inspectLayer(project.families.byId(layer.family), current, listTree(path.join(buildDir, layer.treeDir)), biggestBundle(layer.family), previous);
    });
    if (values['json']) {
      writeJson(out, inspections);
      return 0;
    }
    for (const inspection of inspections) {
      out.write(`${err.bold(inspection.id)}  content ${inspection.contentHash.slice(0, 16)}\n`);
      out.write(`  size      ${formatBytes(inspection.unzippedBytes)} unzipped, ~${formatBytes(inspection.zippedBytes)} zipped\n`);
      out.write(
        `  headroom  ${formatBytes(inspection.headroom.unzippedBytes)} of 250 MiB unzipped (with a ${formatBytes(inspection.headroom.functionBytes)} function), ` +
          `${formatBytes(inspection.headroom.directUploadBytes)} of 50 MiB direct upload\n`,
      );
      const sbom = layers.find((layer) => layer.id === inspection.id)?.sbom;
      if (sbom) out.write(`  sbom      ${path.relative(process.cwd(), path.join(buildDir, sbom)) || sbom} (CycloneDX 1.6)\n`);
      out.write(`  packages  ${inspection.packages.map((pkg) => `${pkg.name}@${pkg.version}${pkg.direct ? '' : '*'}`).join(', ')}   (* = a dependency)\n`);
      out.write('  largest\n');
      for (const pkg of inspection.largest) out.write(`    ${formatBytes(pkg.bytes).padStart(10)}  ${pkg.name}@${pkg.version}\n`);
      if (!inspection.changes) out.write('  changes   no earlier build to compare with\n');
      else {
        const { added, removed, upgraded } = inspection.changes;
        if (!added.length && !removed.length && !upgraded.length) out.write('  changes   none since the previous build\n');
        for (const line of added) out.write(`  added     ${line}\n`);
        for (const line of removed) out.write(`  removed   ${line}\n`);
        for (const line of upgraded) out.write(`  upgraded  ${line}\n`);
      }
    }
    return 0;
  },
};

/* eslint-disable @typescript-eslint/no-require-imports -- the builders and the local process load when first used, as the CLI's commands do (cli/main.ts) */
import { nodejsFamily } from './definition';
import { FamilyPlugin } from '../plugin';
import { NODE_NATIVE_CODE } from './native-code';
import { readNodeSource } from './node-source';
import { NODEJS_ERROR_CODES } from './errors';

/**
 * Node.js as a plug-in, everything of it in this folder: what it is (definition.ts), how its layers and function build
 * (npm, esbuild), how it runs locally (its runtime client, runtime/, and the AWS SDK stand-in, runtime-sdk/), and its
 * errors. The builders and the local process load when first used, so a command that only reads pays for none.
 */
export const nodejsPlugin: FamilyPlugin = {
  ...nodejsFamily,
  readSource: (dir, folder, name) => readNodeSource(dir, folder, name),
  inputFiles: (source) => source.files,
  buildLayer: (target, source, options) => (require('./node-layer') as typeof import('./node-layer')).buildNodeLayer(target, source, options),
  functionCode: (projectRoot, staging, target) => (require('./node-bundle') as typeof import('./node-bundle')).bundleNode(projectRoot, staging, target),
  buildWarnings: () => [],
  nativeCode: NODE_NATIVE_CODE,
  checkLayerImports: (layer, treeDir, runtime, options) =>
    (require('./layer-imports') as typeof import('./layer-imports')).checkNodeLayer(layer, treeDir, runtime, options),
  localProcess: (options, artifacts, runtime) => (require('./node-process') as typeof import('./node-process')).nodeProcess(options, artifacts, runtime),
  commands: [],
  errorCodes: NODEJS_ERROR_CODES,
};

/* eslint-disable @typescript-eslint/no-require-imports -- the builder, the local process and the command load when first used, as the shipped plug-ins' do */
import { FamilyPlugin } from '../../../family-plugins/plugin';
import { ShellLayerSource, readShellSource } from './build';
import { shellFamily } from './definition';
import { SHELL_ERROR_CODES } from './errors';

/**
 * A runtime family that exists only in the tests, as one plug-in folder: bash functions on Lambda's OS-only runtime
 * (definition.ts), layers of vendored libraries (build.ts), its local process and layer check (process.ts, with its
 * runtime client runtime/bootstrap.mjs), its errors and a command of its own. The tests copy this folder into a copy of
 * the project as family-plugins/shell/ and add one line to family-plugins/registry.ts; nothing else in the project
 * changes (__tests__/family-plugins/third-family.test.ts, docs/architecture.md "Adding a family").
 */
export const shellPlugin: FamilyPlugin<ShellLayerSource> = {
  ...shellFamily,
  readSource: (dir, folder, name) => readShellSource(dir, folder, name),
  inputFiles: (source) => source.files,
  buildLayer: (target, source, options) => (require('./build') as typeof import('./build')).buildShellLayer(target, source, options),
  functionCode: (projectRoot, staging, target) => (require('./build') as typeof import('./build')).shellFunctionCode(projectRoot, staging, target),
  buildWarnings: () => [],
  checkLayerImports: (layer, treeDir, runtime, options) =>
    (require('./process') as typeof import('./process')).checkShellLayer(layer, treeDir, runtime, options),
  localProcess: (options, artifacts, runtime) => (require('./process') as typeof import('./process')).shellProcess(options, artifacts, runtime),
  commands: [
    {
      name: 'shell:packages',
      summary: 'The libraries each shell layer folder vendors (the test-only shell family)',
      load: () => (require('./commands/packages') as typeof import('./commands/packages')).shellPackagesCommand,
    },
  ],
  errorCodes: SHELL_ERROR_CODES,
};

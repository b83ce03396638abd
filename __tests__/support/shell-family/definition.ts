import { FamilyDefinition } from '../../../families/family';
import { AMAZON_LINUX_2023 } from '../../../families/platform';

export const SHELL_RUNTIMES = ['provided.al2023'] as const;
export type ShellRuntime = (typeof SHELL_RUNTIMES)[number];

/** Where a layer tree records its packages: one folder per package with a PACKAGE file naming it and its version. */
export const PACKAGES_DIR = 'share/shell-packages';

/**
 * A family that exists only in the tests: functions written as bash scripts on Lambda's OS-only runtime
 * (provided.al2023), as in AWS's custom-runtime tutorial. A layer folder's `Shellfile` lists its libraries
 * (`greet 1.2.0`), vendored as `vendor/<name>-<version>/<name>.sh`; a layer puts each on PATH as /opt/bin/<name>.sh, and
 * a function's `. greet.sh` (or `source greet.sh`) lines are its imports, found by bash on PATH as on Lambda.
 */
export const shellFamily: FamilyDefinition<'shell', ShellRuntime> = {
  id: 'shell',
  name: 'Shell',
  runtimes: SHELL_RUNTIMES,
  defaultRuntime: 'provided.al2023',
  runtimeName: /^provided\.al\d+$/,
  packageFile: 'Shellfile',
  importsBy: 'package',
  bareImportsCanBeOwn: true,
  importable: () => true,
  builtIn: () => undefined,
  shippedWithRuntime: () => undefined,
  layerVariantOf: () => 'shell',
  variantMismatch: (variant) => `it is built for ${variant}`,
  packageUrl: (name) => ({ type: 'generic', name }),
  packageProperties: () => [],
  layerProperties: () => [],
  packageMetadataFile: 'PACKAGE',
  packageMetadataEntry: (name) => `${PACKAGES_DIR}/${name}/PACKAGE`,
  layerRoot: 'bin',
  // bash finds `. name.sh` on PATH: the function's own folder first (as this family's bootstrap sets it), then /opt/bin.
  moduleSearchPath: (_runtime, dirs) => [dirs.task, `${dirs.opt}/bin`],
  runtimePackagesDir: (_runtime, dirs) => `${dirs.runtime}/lib`,
  ownsFile: (pkg, file) => file.startsWith(`${pkg.path}/`) || (pkg.modules ?? []).some((module) => file === `bin/${module}.sh`),
  bundlesFunction: false,
  strategyLayers: { single: ['tools'], hybrid: ['tools'], split: ['tools'] },
  apiFunction: { name: 'api', entry: 'handlers/shell_api', handler: 'function.handler', framework: 'bash' },
  missingImport: {
    runtimeHas: 'no libraries, only the operating system',
    lambdaSays: (module) => `every request would fail at init: bash: ${module}.sh: No such file or directory`,
    howToAdd: (module, packageFiles) => `Add "${module} <version>" to ${packageFiles} and vendor it as vendor/${module}-<version>/${module}.sh`,
  },
  compareVersions: (a, b) => a.localeCompare(b, 'en', { numeric: true }),
  platform: () => AMAZON_LINUX_2023,
};

import { FamilyDefinition } from '../../families/family';
import { AMAZON_LINUX_2023 } from '../../families/platform';
import { TYPESCRIPT_POWERTOOLS } from './powertools';
import { NODE_RUNTIME_PACKAGES } from './runtime-modules';
import { compareSemVer } from './semver';

/** Node.js major version that a Lambda runtime runs, e.g. 24 for nodejs24.x. */
export function nodeMajorOf(runtime: NodeRuntime): number {
  return Number(/^nodejs(\d+)\.x$/.exec(runtime)![1]);
}

export const NODE_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;
export type NodeRuntime = (typeof NODE_RUNTIMES)[number];

/** Node.js: layers from package.json and package-lock.json under nodejs/node_modules, the function bundled by esbuild. */
export const nodejsFamily: FamilyDefinition<'nodejs', NodeRuntime> = {
  id: 'nodejs',
  name: 'Node.js',
  runtimes: NODE_RUNTIMES,
  defaultRuntime: 'nodejs24.x',
  runtimeName: /^nodejs\d+\.x$/,
  packageFile: 'package.json',
  importsBy: 'package',
  bareImportsCanBeOwn: false,
  importable: (path) => /^nodejs\/(node\d+\/)?node_modules\/(@[^/]+\/)?[^/@]+$/.test(path),
  builtIn: (module) => (module.startsWith('node:') ? 'Node.js built-in' : undefined),
  shippedWithRuntime: (module) =>
    NODE_RUNTIME_PACKAGES.some((pattern) => (pattern.endsWith('/*') ? module.startsWith(pattern.slice(0, -1)) : module === pattern))
      ? 'AWS SDK for JavaScript v3, shipped with the runtime'
      : undefined,
  powertools: TYPESCRIPT_POWERTOOLS,
  variantMismatch: (variant) => `it is built for ${variant}`,
  packageUrl: (name) => {
    const [namespace, own] = name.startsWith('@') ? (name.split('/') as [string, string]) : [undefined, name];
    return { type: 'npm', ...(namespace ? { namespace } : {}), name: own };
  },
  packageProperties: () => [],
  layerProperties: () => [],
  packageMetadataFile: 'package.json',
  packageMetadataEntry: (name) => `nodejs/node_modules/${name}/package.json`,
  missingImport: {
    runtimeHas: 'Node.js built-ins and the AWS SDK v3',
    lambdaSays: (module) => `every request would fail with Runtime.ImportModuleError: Cannot find package '${module}' imported from /var/task/index.mjs`,
    howToAdd: (module, packageFiles) => `Add it to ${packageFiles} (npm install --save-exact --package-lock-only --prefix layers/<layer> ${module})`,
  },
  layerRoot: 'nodejs',
  moduleSearchPath: (runtime, dirs) => [
    `${dirs.opt}/nodejs/node${nodeMajorOf(runtime)}/node_modules`,
    `${dirs.opt}/nodejs/node_modules`,
    `${dirs.runtime}/node_modules`,
    dirs.runtime,
    dirs.task,
  ],
  runtimePackagesDir: (_runtime, dirs) => `${dirs.runtime}/node_modules`,
  // Its folder, not the packages nested in its own node_modules.
  ownsFile: (pkg, file) => file.startsWith(`${pkg.path}/`) && !file.startsWith(`${pkg.path}/node_modules/`),
  bundlesFunction: true,
  layerVariantOf: () => 'nodejs',
  strategyLayers: { single: ['dependencies'], hybrid: ['dependencies-minimal'], split: ['stable', 'framework'] },
  apiFunction: { name: 'api', entry: 'handlers/api/index.ts', handler: 'index.handler', framework: 'Node.js' },
  compareVersions: compareSemVer,
  // Node.js 22 and later run on Amazon Linux 2023.
  platform: () => AMAZON_LINUX_2023,
};

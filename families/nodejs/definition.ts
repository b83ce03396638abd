import { FamilyDefinition } from '../family';
import { NODE_RUNTIME_PACKAGES } from './runtime-modules';
import { compareSemVer } from './semver';

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
  builtIn: (module) => (module.startsWith('node:') ? 'Node.js built-in' : undefined),
  shippedWithRuntime: (module) =>
    NODE_RUNTIME_PACKAGES.some((pattern) => (pattern.endsWith('/*') ? module.startsWith(pattern.slice(0, -1)) : module === pattern))
      ? 'AWS SDK for JavaScript v3, shipped with the runtime'
      : undefined,
  compareVersions: compareSemVer,
};

import { FamilyDefinition } from '../family';
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
  compareVersions: compareSemVer,
};

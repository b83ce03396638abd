import { PLUGINS } from '../../family-plugins/registry';
import { BundleArtifact, LayerArtifact } from '../../artifacts/manifest';
import { Architecture, Runtime } from '../../config/environments';
import { FunctionDeployment } from '../../rules/deployment';
import { ManagedLayer, managedLayersOf } from '../../config/managed-layers';

/** The managed layers of an environment, its family from the shipped plug-ins. */
export function managedLayersOfEnv(env: Parameters<typeof managedLayersOf>[1]): ManagedLayer[] {
  return managedLayersOf(PLUGINS.ofRuntime(env.runtime), env);
}

/** A deployment the rules check, with its runtime's family from the shipped plug-ins (as deploymentOf adds it). */
export function deploymentFor(parts: Omit<FunctionDeployment, 'family' | 'families'>): FunctionDeployment {
  return { ...parts, family: PLUGINS.ofRuntime(parts.env.runtime), families: PLUGINS };
}

/** A manifest entry for a layer, as the builder would write it; no tree behind it. */
export function layerArtifact(
  name = 'dependencies',
  architecture: Architecture = 'x86_64',
  contentHash = 'a'.repeat(64),
  overrides: Partial<LayerArtifact> = {},
): LayerArtifact {
  return {
    id: `${name}/nodejs-${architecture}`,
    name,
    family: 'nodejs',
    architecture,
    variant: 'nodejs',
    treeDir: `layers/${name}/nodejs-${architecture}/tree`,
    inputHash: 'b'.repeat(64),
    contentHash,
    fileCount: 3,
    unzippedBytes: 300,
    zippedBytes: 200,
    slimmedBytes: 0,
    provides: ['hono'],
    packages: [
      { name: 'hono', version: '4.13.19', path: 'nodejs/node_modules/hono', direct: true },
      { name: 'helper', version: '1.0.0', path: 'nodejs/node_modules/helper', direct: false },
    ],
    tool: { name: 'npm', version: '11.0.0' },
    ...overrides,
  };
}

/** A built Python layer's manifest entry. */
export function pythonLayerArtifact(
  name = 'dependencies',
  pythonVersion = '3.12',
  architecture: Architecture = 'x86_64',
  overrides: Partial<LayerArtifact> = {},
): LayerArtifact {
  return layerArtifact(name, architecture, 'f'.repeat(64), {
    id: `${name}/python${pythonVersion}-${architecture}`,
    family: 'python',
    variant: `python${pythonVersion}`,
    treeDir: `layers/${name}/python${pythonVersion}-${architecture}/tree`,
    provides: ['fastapi', 'mangum'],
    packages: [
      { name: 'fastapi', version: '0.115.0', path: 'python/fastapi-0.115.0.dist-info', direct: true, modules: ['fastapi'] },
      { name: 'mangum', version: '0.17.0', path: 'python/mangum-0.17.0.dist-info', direct: true, modules: ['mangum'] },
    ],
    tool: { name: 'pip', version: '23.2.1' },
    ...overrides,
  });
}

export function bundleArtifact(runtime: Runtime = 'nodejs24.x'): BundleArtifact {
  const kind = PLUGINS.ofRuntime(runtime).id;
  return {
    id: `api/${runtime}-12345678`,
    function: 'api',
    family: kind,
    runtime,
    dir: `functions/api/${runtime}-12345678`,
    handler: kind === 'python' ? 'main.handler' : 'index.handler',
    framework: PLUGINS.byId(kind).apiFunction.framework,
    externals: ['hono'],
    ...(kind === 'python'
      ? {
          imports: [
            { module: 'fastapi', specifier: 'fastapi', file: 'handlers/python_api/main.py', line: 10 },
            { module: 'mangum', specifier: 'mangum', file: 'handlers/python_api/main.py', line: 12 },
            { module: 'json', specifier: 'json', file: 'handlers/python_api/contract.py', line: 7 },
            { module: 'contract', specifier: 'contract', file: 'handlers/python_api/main.py', line: 15 },
          ],
          ownModules: ['contract', 'main'],
          importsReadBy: 'ast of Python 3.12.1',
        }
      : {
          imports: [{ module: 'hono', specifier: 'hono', file: 'handlers/api/app.ts', line: 1 }],
          ownModules: [],
          importsReadBy: 'esbuild 0.28.2',
        }),
    unchecked: [],
    sources: { 'handlers/api/index.ts': 'c'.repeat(64) },
    contentHash: 'd'.repeat(64),
    fileCount: 1,
    unzippedBytes: 100,
    zippedBytes: 80,
  };
}

/** The repository's layer folders and the runtime families each has packages for, as loadConfig is given them. */
export const REPOSITORY_LAYERS = {
  dependencies: ['nodejs', 'python'],
  'dependencies-minimal': ['nodejs', 'python'],
  stable: ['nodejs', 'python'],
  framework: ['nodejs', 'python'],
  adapters: ['python'],
} as const;

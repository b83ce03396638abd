import { BundleArtifact, LayerArtifact } from '../../builder/manifest';
import { Architecture, NodeRuntime } from '../../config/environments';

/** A manifest entry for a layer, as the builder would write it; no tree behind it. */
export function layerArtifact(name = 'dependencies', architecture: Architecture = 'x86_64', contentHash = 'a'.repeat(64)): LayerArtifact {
  return {
    id: `${name}/nodejs-${architecture}`,
    name,
    kind: 'nodejs',
    architecture,
    treeDir: `layers/${name}/nodejs-${architecture}/tree`,
    inputHash: 'b'.repeat(64),
    contentHash,
    fileCount: 3,
    unzippedBytes: 300,
    provides: ['hono'],
    packages: [
      { name: 'hono', version: '4.13.19', path: 'nodejs/node_modules/hono', direct: true },
      { name: 'helper', version: '1.0.0', path: 'nodejs/node_modules/helper', direct: false },
    ],
    tool: { name: 'npm', version: '11.0.0' },
  };
}

export function bundleArtifact(runtime: NodeRuntime = 'nodejs24.x'): BundleArtifact {
  return {
    id: `api/${runtime}-12345678`,
    function: 'api',
    runtime,
    dir: `functions/api/${runtime}-12345678`,
    handler: 'index.handler',
    externals: ['hono'],
    importsFromLayers: ['hono'],
    sources: { 'handlers/api/index.ts': 'c'.repeat(64) },
    contentHash: 'd'.repeat(64),
    fileCount: 1,
    unzippedBytes: 100,
  };
}

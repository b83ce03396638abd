import * as fs from 'node:fs';
import * as path from 'node:path';
import { EnvironmentArtifacts } from '../../builder/artifact-check';
import { layerTargetFor } from '../../builder/build-plan';
import { acquireBuildLock } from '../../builder/build';
import { Architecture } from '../../config/environments';
import { NodeRuntime, nodejsFamily } from './definition';
import { FunctionProcess, LocalApiOptions, layerTrees, sandboxIdentity } from '../../local-lambda/local-api';
import { lambdaNodeBinary } from './node-binary';
import { NODE_RUNTIME_CLIENT, RUNTIME_SCRIPTS, compileRuntimeScript } from './runtime-scripts';
import { folderDigest, keptSandbox } from '../../local-lambda/sandbox';
import { silentProgress } from '../../project/progress';
import { buildNodeLayer } from './node-layer';
import { readNodeSource } from './node-source';

/** The AWS SDK that Lambda's Node.js runtimes ship, as a layer folder of this tool's: what stands in for it here. */
const RUNTIME_SDK = 'family-plugins/nodejs/runtime-sdk';

/**
 * The AWS SDK that Lambda's Node.js runtimes ship in /var/runtime/node_modules,
 * built once (and reused) from family-plugins/nodejs/runtime-sdk. Layers come first on
 * NODE_PATH, so it only serves what no layer provides, as on Lambda.
 */
async function buildRuntimeSdkStandIn(
  toolHome: string,
  buildDir: string,
  architecture: Architecture,
  log: (line: string) => void,
): Promise<{ readonly nodeModules: string; readonly contentHash: string }> {
  const dir = path.join(toolHome, RUNTIME_SDK);
  const source = { ...readNodeSource(dir, RUNTIME_SDK, 'runtime-sdk'), options: { exclude: [] } };
  const target = layerTargetFor(nodejsFamily, source, architecture, nodejsFamily.defaultRuntime);
  const localBuild = path.join(buildDir, 'local');
  fs.mkdirSync(localBuild, { recursive: true });
  // Several local runs may start at once from one build folder; one builds, the others wait and reuse.
  const release = await acquireBuildLock(localBuild, { ...silentProgress, info: log });
  let result;
  try {
    result = await buildNodeLayer(target, source, { toolHome, buildDir: localBuild, env: process.env, step: silentProgress.step('runtime SDK') });
  } finally {
    release();
  }
  if (!result.cached) log(`built the runtime's AWS SDK stand-in for /var/runtime (${result.artifact.packages.length} packages)`);
  return { nodeModules: path.join(localBuild, result.artifact.treeDir, 'nodejs', 'node_modules'), contentHash: result.artifact.contentHash };
}

export async function nodeProcess(options: LocalApiOptions, artifacts: EnvironmentArtifacts, name: string): Promise<FunctionProcess> {
  const runtime = name as NodeRuntime;
  const { env, log } = options;
  const home = options.toolHome ?? options.projectRoot;
  const node = lambdaNodeBinary(runtime, home);
  if (node.source === 'system') log(`note: using this Node ${node.version} for ${env.runtime}; runtimes/ has no binary for it`);
  const sdk = await buildRuntimeSdkStandIn(home, options.buildDir, env.architecture, log);
  const sandbox = await keptSandbox(
    { ...env, runtime, family: nodejsFamily },
    path.join(options.buildDir, artifacts.bundle.dir),
    layerTrees(options, artifacts),
    {
      identity: sandboxIdentity(artifacts, sdk.contentHash, folderDigest(path.join(home, NODE_RUNTIME_CLIENT))),
      runtimePackages: { copy: sdk.nodeModules },
      prepare: async (plan) => {
        await compileRuntimeScript(home, RUNTIME_SCRIPTS.bootstrap, path.join(plan.runtimeDir, 'bootstrap.mjs'), runtime);
      },
    },
  );
  return {
    sandbox,
    command: node.path,
    args: [path.join(sandbox.runtimeDir, 'bootstrap.mjs')],
    environment: {
      PATH: `${path.dirname(node.path)}:/usr/local/bin:/usr/bin:/bin:${path.join(sandbox.optDir, 'bin')}`,
      NODE_PATH: sandbox.searchPath.join(path.delimiter),
    },
    interpreter: { name: 'Node', version: node.version, path: node.path },
    runtimePackages: `the AWS SDK v3 from ${RUNTIME_SDK}, in /var/runtime/node_modules`,
  };
}

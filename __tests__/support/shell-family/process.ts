import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LayerArtifact } from '../../../artifacts/manifest';
import { EnvironmentArtifacts } from '../../../builder/artifact-check';
import { FunctionProcess, LocalApiOptions, layerTrees, sandboxIdentity } from '../../../local-lambda/local-api';
import { LayerImportCheck } from '../../../local-lambda/layer-import-check';
import { folderDigest, keptSandbox } from '../../../local-lambda/sandbox';
import { runCommand } from '../../../project/run-command';
import { ShellRuntime, shellFamily } from './definition';
import { bashNotFound } from './errors';

/** Where the family's runtime client is, once the folder is a plug-in: family-plugins/shell/runtime under the tool's home. */
export const SHELL_RUNTIME_CLIENT = 'family-plugins/shell/runtime';

/** The machine's bash, found on PATH as a shell finds it, and its version. */
export function findBash(lookup: NodeJS.ProcessEnv): { readonly path: string; readonly version: string } {
  const searched = lookup['PATH'] ?? '';
  for (const dir of searched.split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, 'bash');
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(candidate, ['-c', 'printf %s "$BASH_VERSION"'], { encoding: 'utf8' }).stdout;
    if (version) return { path: candidate, version };
  }
  throw bashNotFound(searched);
}

/** The PATH a function's bash sees: its task root, the layers' /opt/bin, then the system's. */
function functionPath(searchPath: readonly string[]): string {
  return [...searchPath, '/usr/local/bin', '/usr/bin', '/bin'].join(':');
}

/**
 * The function on this machine's bash, in Lambda's layout: the runtime client (runtime/bootstrap.mjs, on this Node,
 * standing in for the bootstrap a custom runtime ships) speaks the Runtime API and runs the handler in bash for each event.
 */
export async function shellProcess(options: LocalApiOptions, artifacts: EnvironmentArtifacts, name: string): Promise<FunctionProcess> {
  const runtime = name as ShellRuntime;
  const bash = findBash(options.lookup ?? process.env);
  const home = options.toolHome ?? options.projectRoot;
  const client = path.join(home, SHELL_RUNTIME_CLIENT);
  const sandbox = await keptSandbox(
    { ...options.env, runtime, family: shellFamily },
    path.join(options.buildDir, artifacts.bundle.dir),
    layerTrees(options, artifacts),
    {
      identity: sandboxIdentity(artifacts, folderDigest(client), bash.path),
      prepare: (plan) => fs.copyFileSync(path.join(client, 'bootstrap.mjs'), path.join(plan.runtimeDir, 'bootstrap.mjs')),
    },
  );
  return {
    sandbox,
    command: process.execPath,
    args: [path.join(sandbox.runtimeDir, 'bootstrap.mjs')],
    environment: { PATH: functionPath(sandbox.searchPath), SHELL_FAMILY_BASH: bash.path },
    interpreter: { name: 'bash', version: bash.version, path: bash.path },
    runtimePackages: 'nothing (provided.al2023 ships no libraries)',
  };
}

/** Sources every library of a built layer, alone, in bash, with only the layer's bin/ on PATH: what `npm run check:layers` runs. */
export async function checkShellLayer(
  layer: LayerArtifact,
  treeDir: string,
  _runtime: string,
  options: { readonly env: NodeJS.ProcessEnv },
): Promise<LayerImportCheck> {
  const bash = findBash(options.env);
  const results = await Promise.all(
    layer.packages.map(async (pkg) => {
      const run = await runCommand(bash.path, ['-c', '. "$1.sh"', 'check', pkg.name], {
        cwd: treeDir,
        env: { PATH: functionPath([path.join(treeDir, 'bin')]) },
      });
      return { module: pkg.name, ok: run.code === 0, error: run.output.trim() };
    }),
  );
  return {
    layer: layer.id,
    status: results.every((result) => result.ok) ? 'passed' : 'failed',
    imported: results.filter((result) => result.ok).map((result) => result.module),
    failures: results.filter((result) => !result.ok).map((result) => ({ module: result.module, error: result.error })),
    skipped: [],
    interpreter: `bash ${bash.version}`,
  };
}

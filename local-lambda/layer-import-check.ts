import * as path from 'node:path';
import { LayerArtifact } from '../artifacts/manifest';
import { runCommand } from '../project/run-command';
import { ProjectConfig } from '../config/environments';
import { FamilyDefinition } from '../families/family';
import { FamilyRegistry } from '../families/registry';

/** How a family imports every module of one built layer, alone in Lambda's layout, with its runtime's interpreter. */
export type LayerImportChecker = (
  layer: LayerArtifact,
  treeDir: string,
  runtime: string,
  options: { readonly projectRoot: string; readonly env: NodeJS.ProcessEnv },
) => Promise<LayerImportCheck>;

export interface ImportFailure {
  readonly module: string;
  readonly error: string;
}

export interface LayerImportCheck {
  readonly layer: string;
  /** passed: every module imported; failed: at least one did not; skipped: the check could not run here. */
  readonly status: 'passed' | 'failed' | 'skipped';
  readonly imported: readonly string[];
  readonly failures: readonly ImportFailure[];
  /** Modules or whole layers not checked, and why. */
  readonly skipped: readonly { readonly module?: string; readonly reason: string }[];
  /** The interpreter that ran the imports, e.g. "node v24.21.0" or "python 3.12". */
  readonly interpreter?: string;
}

export interface RawResult {
  name: string;
  ok: boolean;
  error?: string;
  code?: string;
}

export const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** Runs an import script and reads its one-JSON-object-per-line report. */
export async function runLines(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number; lines: RawResult[]; stderr: string }> {
  const result = await runCommand(command, args, options);
  const lines = result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as RawResult);
  return { code: result.code, lines, stderr: result.output };
}

/** The runtime a layer is checked under: that of an environment that attaches it, else its family's default. */
export function runtimeForLayer(family: FamilyDefinition, layer: LayerArtifact, config: ProjectConfig): string {
  // A variant that is a runtime (a Python layer's wheels are for one) is checked under it.
  if (family.runtimes.includes(layer.variant)) return layer.variant;
  const user = config.environments.find(
    (env) => env.layers.includes(layer.name) && family.runtimes.includes(env.runtime) && env.architecture === layer.architecture,
  );
  return user?.runtime ?? family.defaultRuntime;
}

/** Turns raw import results into the verdict; a package with no root entry point is not importable by name, so not a failure. */
export function judgeImports(layer: string, results: readonly RawResult[], interpreter: string, skipped: LayerImportCheck['skipped'] = []): LayerImportCheck {
  const imported = results.filter((result) => result.ok).map((result) => result.name);
  const noEntry = results.filter((result) => !result.ok && result.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  const failures = results
    .filter((result) => !result.ok && result.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED')
    .map((result) => ({ module: result.name, error: result.error ?? 'failed' }));
  return {
    layer,
    status: failures.length ? 'failed' : 'passed',
    imported,
    failures,
    skipped: [...skipped, ...noEntry.map((result) => ({ module: result.name, reason: 'the package has no root entry point to import' }))],
    interpreter,
  };
}

/**
 * The seed's import test, automated: each built layer alone in a Lambda-like layout,
 * and every module its packages provide imported by the runtime's interpreter.
 */
export async function checkLayerImports(
  families: FamilyRegistry<FamilyDefinition & { readonly checkLayerImports: LayerImportChecker }>,
  layers: readonly LayerArtifact[],
  buildDir: string,
  projectRoot: string,
  config: ProjectConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LayerImportCheck[]> {
  const checks: LayerImportCheck[] = [];
  for (const layer of layers) {
    const treeDir = path.join(buildDir, layer.treeDir);
    const family = families.byId(layer.family);
    checks.push(await family.checkLayerImports(layer, treeDir, runtimeForLayer(family, layer, config), { projectRoot, env }));
  }
  return checks;
}

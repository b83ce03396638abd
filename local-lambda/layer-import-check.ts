import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LayerArtifact } from '../artifacts/manifest';
import { runCommand } from '../project/run-command';
import { DEFAULT_RUNTIME, NodeRuntime, ProjectConfig, Runtime, runtimeFamilyOf } from '../config/environments';
import { lambdaNodeBinary } from './node-binary';
import { findPython, noPythonReason } from '../project/python-interpreter';
import { createSandbox } from './sandbox';
import { RUNTIME_SCRIPTS, compileRuntimeScript } from './runtime-scripts';

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

interface RawResult {
  name: string;
  ok: boolean;
  error?: string;
  code?: string;
}

const HOST_ARCH = process.arch === 'arm64' ? 'arm64' : 'x86_64';

/** Runs an import script and reads its one-JSON-object-per-line report. */
async function runLines(
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
export function runtimeForLayer(layer: LayerArtifact, config: ProjectConfig): Runtime {
  const user = config.environments.find(
    (env) => env.layers.includes(layer.name) && runtimeFamilyOf(env.runtime) === layer.kind && env.architecture === layer.architecture,
  );
  if (layer.kind === 'python') return `python${layer.pythonVersion}` as Runtime;
  return user?.runtime ?? DEFAULT_RUNTIME.nodejs;
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

async function checkNodeLayer(layer: LayerArtifact, treeDir: string, runtime: NodeRuntime, projectRoot: string): Promise<LayerImportCheck> {
  const node = lambdaNodeBinary(runtime, projectRoot);
  const emptyTask = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'empty-task-'));
  const sandbox = createSandbox({ runtime, name: 'check', project: 'layer' }, emptyTask, [treeDir]);
  try {
    const script = await compileRuntimeScript(projectRoot, RUNTIME_SCRIPTS.importCheck, path.join(sandbox.runtimeDir, 'import-check.mjs'), runtime);
    const run = await runLines(node.path, [script, JSON.stringify(layer.provides)], {
      cwd: sandbox.taskRoot,
      env: { PATH: '/usr/bin:/bin', NODE_PATH: sandbox.nodePath, LAMBDA_TASK_ROOT: sandbox.taskRoot },
    });
    if (run.lines.length !== layer.provides.length) {
      return {
        layer: layer.id,
        status: 'failed',
        imported: [],
        failures: [{ module: '(all)', error: run.stderr.trim().split('\n').pop() ?? `exit ${run.code}` }],
        skipped: [],
      };
    }
    return judgeImports(layer.id, run.lines, `node ${node.version}`);
  } finally {
    fs.rmSync(sandbox.root, { recursive: true, force: true });
    fs.rmSync(emptyTask, { recursive: true, force: true });
  }
}

const PYTHON_IMPORTS = `
import importlib, json, sys
sys.path.insert(0, sys.argv[1])
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
        print(json.dumps({"name": name, "ok": True}))
    except BaseException as error:
        print(json.dumps({"name": name, "ok": False, "error": "%s: %s" % (type(error).__name__, error)}))
`;

/** Whether a module of a Python layer has compiled extensions (which only load on their own architecture). */
function isNative(treeDir: string, module: string): boolean {
  const site = path.join(treeDir, 'python');
  const stack = [path.join(site, module)];
  if (fs.readdirSync(site).some((entry) => entry.startsWith(`${module}.`) && /\.(so|pyd)$/.test(entry))) return true;
  while (stack.length) {
    const dir = stack.pop()!;
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) continue;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) stack.push(path.join(dir, entry.name));
      else if (/\.(so|pyd)$/.test(entry.name)) return true;
    }
  }
  return false;
}

async function checkPythonLayer(layer: LayerArtifact, treeDir: string, env: NodeJS.ProcessEnv): Promise<LayerImportCheck> {
  const version = layer.pythonVersion!;
  const python = findPython(version, env);
  if (!python) {
    return {
      layer: layer.id,
      status: 'skipped',
      imported: [],
      failures: [],
      skipped: [{ reason: noPythonReason(version, env) }],
    };
  }
  const modules = [...new Set(layer.packages.flatMap((pkg) => pkg.modules ?? []))].sort();
  const skipped: { module: string; reason: string }[] = [];
  let runnable = modules;
  if (layer.architecture !== HOST_ARCH) {
    runnable = modules.filter((module) => !isNative(treeDir, module));
    for (const module of modules.filter((m) => !runnable.includes(m))) {
      skipped.push({ module, reason: `compiled for ${layer.architecture}; this machine is ${HOST_ARCH}` });
    }
  }
  const root = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'python-layer-'));
  try {
    const opt = path.join(root, 'opt');
    fs.cpSync(treeDir, opt, { recursive: true });
    // -I: no PYTHONPATH, no user site; -S: no site-packages. Only the stdlib and /opt/python, as the layer alone.
    const run = await runLines(python.path, ['-I', '-S', '-c', PYTHON_IMPORTS, path.join(opt, 'python'), JSON.stringify(runnable)], {
      cwd: root,
      env: { PATH: '/usr/bin:/bin', PYTHONDONTWRITEBYTECODE: '1' },
    });
    if (run.lines.length !== runnable.length) {
      return {
        layer: layer.id,
        status: 'failed',
        imported: [],
        failures: [{ module: '(all)', error: run.stderr.trim().split('\n').pop() ?? `exit ${run.code}` }],
        skipped,
      };
    }
    return judgeImports(layer.id, run.lines, `python ${version}`, skipped);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The seed's import test, automated: each built layer alone in a Lambda-like layout,
 * and every module its packages provide imported by the runtime's interpreter.
 */
export async function checkLayerImports(
  layers: readonly LayerArtifact[],
  buildDir: string,
  projectRoot: string,
  config: ProjectConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LayerImportCheck[]> {
  const checks: LayerImportCheck[] = [];
  for (const layer of layers) {
    const treeDir = path.join(buildDir, layer.treeDir);
    const runtime = runtimeForLayer(layer, config);
    checks.push(
      layer.kind === 'python' ? await checkPythonLayer(layer, treeDir, env) : await checkNodeLayer(layer, treeDir, runtime as NodeRuntime, projectRoot),
    );
  }
  return checks;
}

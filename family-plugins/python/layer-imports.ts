import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonRuntime, pythonVersionOf } from './definition';
import { HOST_ARCH, LayerImportChecker, judgeImports, runLines } from '../../local-lambda/layer-import-check';
import { findPython, noPythonReason } from './interpreter';

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

/** A Python layer's top-level modules, each imported by CPython of the layer's version with only the standard library and /opt/python. */
export const checkPythonLayer: LayerImportChecker = async (layer, treeDir, _runtime, { env }) => {
  const version = pythonVersionOf(layer.variant as PythonRuntime);
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
};

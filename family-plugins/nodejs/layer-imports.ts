import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NodeRuntime, nodejsFamily } from './definition';
import { LayerImportChecker, judgeImports, runLines } from '../../local-lambda/layer-import-check';
import { lambdaNodeBinary } from './node-binary';
import { RUNTIME_SCRIPTS, compileRuntimeScript } from './runtime-scripts';
import { createSandbox } from '../../local-lambda/sandbox';

/** A Node.js layer's packages, each imported by name by the runtime's Node in a sandbox holding only the layer. */
export const checkNodeLayer: LayerImportChecker = async (layer, treeDir, name, { projectRoot }) => {
  const runtime = name as NodeRuntime;
  const node = lambdaNodeBinary(runtime, projectRoot);
  const emptyTask = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'empty-task-'));
  const sandbox = createSandbox({ runtime, family: nodejsFamily, name: 'check', project: 'layer' }, emptyTask, [treeDir]);
  try {
    const script = await compileRuntimeScript(projectRoot, RUNTIME_SCRIPTS.importCheck, path.join(sandbox.runtimeDir, 'import-check.mjs'), runtime);
    const run = await runLines(node.path, [script, JSON.stringify(layer.provides)], {
      cwd: sandbox.taskRoot,
      env: { PATH: '/usr/bin:/bin', NODE_PATH: sandbox.searchPath.join(path.delimiter), LAMBDA_TASK_ROOT: sandbox.taskRoot },
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
};

/* eslint-disable @typescript-eslint/no-require-imports -- the builders and the local process load when first used, as the CLI's commands do (cli/main.ts) */
import { pythonFamily } from './definition';
import { FamilyPlugin } from '../plugin';
import { floatingPackages, floatingWarning } from './floating';
import { pythonDependencyCheck } from './dependency-check';
import { PYTHON_NATIVE_CODE } from './native-code';
import { PythonLayerSource, pythonInputFiles, readPythonSource } from './python-source';
import { PYTHON_ERROR_CODES } from './errors';

/**
 * Python as a plug-in, everything of it in this folder: what it is (definition.ts), how its layers build (uv or pip,
 * from locks, with the project's own toolchain), its function copied and its imports read, how it runs locally (its
 * runtime client, runtime/bootstrap.py), its commands (layers:lock, layers:audit, toolchain), its errors, and its
 * advisories (pip-audit). The builders, the local process and the commands load when first used.
 */
export const pythonPlugin: FamilyPlugin<PythonLayerSource> = {
  ...pythonFamily,
  readSource: (dir, folder, name, options) => readPythonSource(dir, folder, name, options),
  inputFiles: (source, target) => pythonInputFiles(source, target),
  buildLayer: (target, source, options) => (require('./python-layer') as typeof import('./python-layer')).buildPythonLayer(target, source, options),
  functionInputs: (projectRoot, target, toolHome) =>
    (require('./copy-function') as typeof import('./copy-function')).pythonFunctionInputs(projectRoot, target, toolHome),
  functionCode: (projectRoot, staging, target, env, toolHome) =>
    (require('./copy-function') as typeof import('./copy-function')).copyPython(projectRoot, staging, target, env, toolHome),
  buildWarnings: (target, source, artifact) => {
    const unpinned = floatingPackages(source, artifact.packages);
    return unpinned.length ? [floatingWarning(target.id, target.layer, unpinned, artifact.packages.length)] : [];
  },
  checkLayerImports: (layer, treeDir, runtime, options) =>
    (require('./layer-imports') as typeof import('./layer-imports')).checkPythonLayer(layer, treeDir, runtime, options),
  nativeCode: PYTHON_NATIVE_CODE,
  dependencyCheck: pythonDependencyCheck,
  localProcess: (options, artifacts, runtime) => (require('./python-process') as typeof import('./python-process')).pythonProcess(options, artifacts, runtime),
  commands: [
    {
      name: 'layers:lock',
      summary: "Lock Python layers: uv's resolution for every target, one wheel per distribution pinned by version and sha256, beside requirements.txt",
      load: () => (require('./commands/layers-lock') as typeof import('./commands/layers-lock')).layersLockCommand,
    },
    {
      name: 'layers:audit',
      summary: 'Known advisories for the versions the Python layers are locked to (pip-audit); exit code 1 when one is not accepted',
      load: () => (require('./commands/layers-audit') as typeof import('./commands/layers-audit')).layersAuditCommand,
    },
    {
      name: 'toolchain',
      summary: "Install (or check) the project's Python toolchain: uv, pip, pip-audit, moto and boto3, pinned with hashes",
      load: () => (require('./commands/toolchain') as typeof import('./commands/toolchain')).toolchainCommand,
    },
  ],
  errorCodes: PYTHON_ERROR_CODES,
  queueServer: (project, progress) =>
    (require('./moto-server') as typeof import('./moto-server')).startMotoServer({
      env: project.env,
      toolHome: project.home,
      ...(progress ? { progress } : {}),
    }),
  advisories: (project, environment, buildDir) => (require('./audit') as typeof import('./audit')).environmentAdvisories(project, environment, buildDir),
};

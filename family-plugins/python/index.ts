/* eslint-disable @typescript-eslint/no-require-imports -- the builders and the local process load when first used, as the CLI's commands do (cli/main.ts) */
import { pythonFamily } from '../../families/python/definition';
import { FamilyPlugin } from '../plugin';
import { floatingPackages, floatingWarning } from './floating';
import { pythonDependencyCheck } from './dependency-check';
import { PYTHON_NATIVE_CODE } from './native-code';
import { PythonLayerSource, pythonInputFiles, readPythonSource } from './python-source';

/**
 * Python as a plug-in: what it is (families/python), how its layers build (uv or pip, from locks), its function copied
 * and its imports read, how it runs locally. The builders and the local process load when first used.
 */
export const pythonPlugin: FamilyPlugin<PythonLayerSource> = {
  ...pythonFamily,
  readSource: (dir, folder, name, options) => readPythonSource(dir, folder, name, options),
  inputFiles: (source, target) => pythonInputFiles(source, target),
  buildLayer: (target, source, options) => (require('./python-layer') as typeof import('./python-layer')).buildPythonLayer(target, source, options),
  functionCode: (projectRoot, staging, target, env, toolHome) =>
    (require('./python-bundle') as typeof import('./python-bundle')).copyPython(projectRoot, staging, target, env, toolHome),
  buildWarnings: (target, source, artifact) => {
    const unpinned = floatingPackages(source, artifact.packages);
    return unpinned.length ? [floatingWarning(target.id, target.layer, unpinned, artifact.packages.length)] : [];
  },
  checkLayerImports: (layer, treeDir, runtime, options) =>
    (require('./layer-imports') as typeof import('./layer-imports')).checkPythonLayer(layer, treeDir, runtime, options),
  nativeCode: PYTHON_NATIVE_CODE,
  dependencyCheck: pythonDependencyCheck,
  localProcess: (options, artifacts, runtime) => (require('./python-process') as typeof import('./python-process')).pythonProcess(options, artifacts, runtime),
};

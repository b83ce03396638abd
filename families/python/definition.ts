import { FamilyDefinition } from '../family';
import { compareVersions } from './pep508';
import { PYTHON_RUNTIME_DISTRIBUTIONS, pythonStdlib } from './runtime-modules';

export const PYTHON_RUNTIMES = ['python3.12', 'python3.13', 'python3.14'] as const;
export type PythonRuntime = (typeof PYTHON_RUNTIMES)[number];

/** Python: layers from requirements.txt and their locks under python/, versions in PEP 440's order. */
export const pythonFamily: FamilyDefinition<'python', PythonRuntime> = {
  id: 'python',
  name: 'Python',
  runtimes: PYTHON_RUNTIMES,
  defaultRuntime: 'python3.12',
  runtimeName: /^python\d+\.\d+$/,
  packageFile: 'requirements.txt',
  importsBy: 'module',
  bareImportsCanBeOwn: true,
  builtIn: () => undefined,
  shippedWithRuntime: (module, runtime) => {
    if (pythonStdlib(pythonVersionOf(runtime)).has(module)) return 'standard library';
    const shipped = PYTHON_RUNTIME_DISTRIBUTIONS.find((dist) => dist.modules.includes(module));
    return shipped ? `${shipped.name}, shipped with the runtime` : undefined;
  },
  compareVersions,
};

/** "3.12" for python3.12. */
export function pythonVersionOf(runtime: PythonRuntime): string {
  return runtime.slice('python'.length);
}

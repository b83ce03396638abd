import { FamilyDefinition, LambdaDirs } from '../../families/family';
import { AMAZON_LINUX_2023 } from '../../families/platform';
import { PYTHON_POWERTOOLS } from './powertools';
import { compareVersions } from './pep508';
import { DISTRIBUTION_OF_MODULE, PYTHON_RUNTIME_DISTRIBUTIONS, pythonStdlib } from './runtime-modules';

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
  importable: () => true,
  builtIn: () => undefined,
  shippedWithRuntime: (module, runtime) => {
    if (pythonStdlib(pythonVersionOf(runtime)).has(module)) return 'standard library';
    const shipped = PYTHON_RUNTIME_DISTRIBUTIONS.find((dist) => dist.modules.includes(module));
    return shipped ? `${shipped.name}, shipped with the runtime` : undefined;
  },
  powertools: PYTHON_POWERTOOLS,
  variantMismatch: (variant) => `its wheels are for Python ${pythonVersionOf(variant as PythonRuntime)}`,
  packageUrl: (name) => ({ type: 'pypi', name: name.toLowerCase().replace(/[-_.]+/g, '-') }),
  packageProperties: (pkg) => ('wheel' in pkg && typeof pkg.wheel === 'string' ? [['lambda-layer-stacks:python:wheel', pkg.wheel]] : []),
  layerProperties: (variant) => [['aws:lambda:layer:python-version', pythonVersionOf(variant as PythonRuntime)]],
  packageMetadataFile: 'METADATA',
  packageMetadataEntry: (name, version) => `python/${name}-${version}.dist-info/METADATA`,
  missingImport: {
    runtimeHas: 'the standard library and boto3',
    lambdaSays: (module, handlerModule, lazy) =>
      lazy
        ? `requests that reach that code would fail with ModuleNotFoundError: No module named '${module}'`
        : `every request would fail with Runtime.ImportModuleError: Unable to import module '${handlerModule}': No module named '${module}'`,
    howToAdd: (module, packageFiles) => {
      const distribution = DISTRIBUTION_OF_MODULE[module];
      const what = distribution ? `the distribution that provides it (${distribution})` : module;
      return `Add ${what} to ${packageFiles} (and refresh its lock: npm run layers:lock)`;
    },
  },
  layerRoot: 'python',
  // Lambda's order: the function, the layers (both layouts), then what the runtime ships.
  moduleSearchPath: (runtime, dirs) => [
    dirs.task,
    `${dirs.opt}/python/lib/${runtime}/site-packages`,
    `${dirs.opt}/python`,
    pythonSite(runtime, dirs),
    dirs.runtime,
  ],
  runtimePackagesDir: (runtime, dirs) => pythonSite(runtime, dirs),
  // Its dist-info folder, and its modules: a package folder under python/, or a single module file.
  ownsFile: (pkg, file) =>
    file.startsWith(`${pkg.path}/`) || (pkg.modules ?? []).some((module) => file.startsWith(`python/${module}/`) || isModuleFile(file, `python/${module}`)),
  bundlesFunction: false,
  layerVariantOf: (runtime) => runtime,
  strategyLayers: { single: ['dependencies'], hybrid: ['dependencies-minimal'], split: ['stable', 'framework', 'adapters'] },
  apiFunction: { name: 'api', entry: 'handlers/python_api', handler: 'main.handler', framework: 'FastAPI' },
  compareVersions,
  // Python 3.12 and later run on Amazon Linux 2023.
  platform: () => AMAZON_LINUX_2023,
};

/** A single-file module: `python/six.py`, `python/_cffi_backend.cpython-312-x86_64-linux-gnu.so`. */
function isModuleFile(file: string, stem: string): boolean {
  return file.startsWith(stem) && /^(\.[^/]*)?\.(py|so|pyd)$/.test(file.slice(stem.length));
}

/** The runtime's own site-packages, where it ships boto3. */
function pythonSite(runtime: string, dirs: LambdaDirs): string {
  return `${dirs.lang}/lib/${runtime}/site-packages`;
}

/** "3.12" for python3.12. */
export function pythonVersionOf(runtime: PythonRuntime): string {
  return runtime.slice('python'.length);
}

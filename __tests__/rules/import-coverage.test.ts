import * as fs from 'node:fs';
import * as path from 'node:path';
import { FunctionImport } from '../../artifacts/manifest';
import { PythonPackage } from '../../family-plugins/python/python-package';
import { RawPythonFile, moduleOfFile, ownModulesOf, readPythonImports, resolvePythonImports } from '../../family-plugins/python/python-imports';
import { EnvironmentConfig } from '../../config/environments';
import { loadConfig } from '../../config/load-config';
import { assertDeployable } from '../../rules';
import { FunctionDeployment } from '../../rules/deployment';
import { checkImportCoverage, importCoverage, providerOf } from '../../rules/import-coverage';
import {
  bundleArtifact,
  layerArtifact,
  pythonLayerArtifact,
  REPOSITORY_LAYERS as availableLayers,
  managedLayersOfEnv,
  deploymentFor,
} from '../support/artifacts';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { PLUGINS } from '../../family-plugins/registry';

const environment = (settings: Record<string, unknown> = {}): EnvironmentConfig =>
  loadConfig({ families: PLUGINS, context: { environments: { dev: settings } }, env: {}, availableLayers }).environments[0];

const imp = (module: string, line: number, extra: Partial<FunctionImport> = {}): FunctionImport => ({
  module,
  specifier: module,
  file: 'handlers/python_api/main.py',
  line,
  ...extra,
});

const pkg = (name: string, version: string, modules: string[], extra: Partial<PythonPackage> = {}): PythonPackage => ({
  name,
  version,
  path: `python/${name}-${version}.dist-info`,
  direct: true,
  modules,
  ...extra,
});

/** The Python function on python3.12 with one layer holding `packages`, importing `imports`. */
function pythonDeployment(
  imports: FunctionImport[],
  packages: PythonPackage[],
  settings: Record<string, unknown> = {},
  ownModules = ['main', 'app', 'app.routes'],
): FunctionDeployment {
  const env = environment({ runtime: 'python3.12', ...settings });
  return deploymentFor({
    env,
    layers: [pythonLayerArtifact('dependencies', '3.12', env.architecture, { packages })],
    managed: managedLayersOfEnv(env),
    bundle: { ...bundleArtifact('python3.12'), imports, ownModules },
  });
}

describe('what provides each import of the Python function', () => {
  const packages = [
    pkg('fastapi', '0.115.0', ['fastapi']),
    pkg('python-jose', '3.3.0', ['jose']),
    pkg('typing_extensions', '4.12.2', ['typing_extensions'], { direct: false }),
  ];

  it('finds every kind of provider: a layer, the standard library, boto3 on the runtime, own modules, relative imports', () => {
    const coverage = importCoverage(
      pythonDeployment(
        [
          imp('fastapi', 10),
          imp('jose', 11),
          imp('json', 7),
          imp('boto3', 19, { file: 'handlers/python_api/app/store.py', lazy: true }),
          imp('dateutil', 3),
          imp('app', 12),
          imp('app.routes', 2, { own: true, specifier: '.routes', file: 'handlers/python_api/app/__init__.py' }),
          imp('typing_extensions', 4),
        ],
        packages,
      ),
    );
    expect(coverage.rows.map((row) => [row.module, row.provider?.kind, row.provider?.layer, row.provider?.detail])).toEqual([
      ['app', 'own', undefined, "the function's own code"],
      ['app.routes', 'own', undefined, "the function's own code"],
      ['boto3', 'runtime', undefined, 'boto3, shipped with the runtime'],
      ['dateutil', 'runtime', undefined, 'python-dateutil, shipped with the runtime'],
      ['fastapi', 'layer', 'dependencies', 'fastapi 0.115.0'],
      ['jose', 'layer', 'dependencies', 'python-jose 3.3.0'],
      ['json', 'runtime', undefined, 'standard library'],
      ['typing_extensions', 'layer', 'dependencies', 'typing_extensions 4.12.2'],
    ]);
    expect(coverage.rows.find((row) => row.module === 'boto3')?.lazy).toBe(true);
  });

  it('knows the standard library of each Python version: audioop is gone in 3.13', () => {
    expect(providerOf(pythonDeployment([], []), { module: 'audioop' })?.detail).toBe('standard library');
    expect(providerOf(pythonDeployment([], [], { runtime: 'python3.13' }), { module: 'audioop' })).toBeUndefined();
    expect(providerOf(pythonDeployment([], [], { runtime: 'python3.14' }), { module: 'annotationlib' })?.detail).toBe('standard library');
  });

  it('takes what the Powertools layer holds from the pinned table, for hybrid', () => {
    const deployment = pythonDeployment([imp('aws_lambda_powertools', 3), imp('aws_xray_sdk', 4)], [], { layerStrategy: 'hybrid' });
    expect(importCoverage(deployment).rows.map((row) => [row.module, row.provider?.kind, row.provider?.layer])).toEqual([
      ['aws_lambda_powertools', 'managed', 'powertools-python'],
      ['aws_xray_sdk', 'managed', 'powertools-python'],
    ]);
    expect(importCoverage(deployment).assumptions).toEqual([]);
    const newer = pythonDeployment([imp('aws_lambda_powertools', 3)], [], { layerStrategy: 'hybrid', powertoolsPythonLayerVersion: 99 });
    expect(importCoverage(newer).assumptions).toEqual([
      'powertools-python version 99 is outside the versions the table in family-plugins/python/powertools.ts describes (1-27); its contents are assumed to be the same.',
    ]);
  });

  it('lets the last layer that has a module provide it, as Lambda extracts layers over each other', () => {
    const env = environment({ runtime: 'python3.12', layerStrategy: 'split' });
    const deployment: FunctionDeployment = deploymentFor({
      env,
      layers: [
        pythonLayerArtifact('stable', '3.12', 'x86_64', { packages: [pkg('six', '1.16.0', ['six'])] }),
        pythonLayerArtifact('framework', '3.12', 'x86_64', { packages: [pkg('six', '1.17.0', ['six'])] }),
      ],
      managed: [],
      bundle: { ...bundleArtifact('python3.12'), imports: [imp('six', 1)], ownModules: [] },
    });
    expect(providerOf(deployment, { module: 'six' })).toEqual({ kind: 'layer', layer: 'framework', detail: 'six 1.17.0' });
  });

  it('refuses an import nothing provides, naming the environment, the file and line, the layers and what they hold, and the fix', () => {
    const deployment = pythonDeployment([imp('fastapi', 10), imp('mangum', 12)], packages);
    const findings = checkImportCoverage(deployment);
    expect(findings).toHaveLength(1);
    expect(findings[0].severity).toBe('error');
    expect(findings[0].message).toBe(
      'api-dev: handlers/python_api/main.py:12 imports mangum, and nothing the function gets provides it: layers dependencies ' +
        '(fastapi 0.115.0, python-jose 3.3.0; 3 packages in all); the python3.12 runtime (the standard library and boto3). ' +
        "On Lambda every request would fail with Runtime.ImportModuleError: Unable to import module 'main': No module named 'mangum'. " +
        'Add mangum to layers/dependencies/requirements.txt (and refresh its lock: npm run layers:lock), or attach a layer that provides it.',
    );
    expect(() => assertDeployable([deployment])).toThrow(
      /^The function would fail on Lambda \(1 problem\); nothing was deployed:\n {2}- \[import-coverage\] api-dev: handlers\/python_api\/main\.py:12 imports mangum/,
    );
  });

  it('names the distribution when the module is called otherwise (jwt is PyJWT), and says what a lazy import breaks', () => {
    const [finding] = checkImportCoverage(pythonDeployment([imp('jwt', 5, { lazy: true })], packages));
    expect(finding.message).toContain("requests that reach that code would fail with ModuleNotFoundError: No module named 'jwt'");
    expect(finding.message).toContain('Add the distribution that provides it (PyJWT) to layers/dependencies/requirements.txt');
  });

  it('only warns about an optional import (try/except ImportError, if TYPE_CHECKING), and not at all when it is provided', () => {
    const findings = checkImportCoverage(
      pythonDeployment(
        [
          imp('ujson', 14, { optional: 'try/except ImportError' }),
          imp('mypy_boto3_dynamodb', 19, { optional: 'if TYPE_CHECKING' }),
          imp('fastapi', 20, { optional: 'try/except ImportError' }),
        ],
        packages,
      ),
    );
    expect(findings.map((finding) => [finding.severity, finding.message])).toEqual([
      [
        'warning',
        'api-dev: handlers/python_api/main.py:19 imports mypy_boto3_dynamodb optionally (if TYPE_CHECKING), and nothing the function gets provides it; the function runs without it.',
      ],
      [
        'warning',
        'api-dev: handlers/python_api/main.py:14 imports ujson optionally (try/except ImportError), and nothing the function gets provides it; the function runs without it.',
      ],
    ]);
  });

  it('counts a module as required when one of its imports is not guarded', () => {
    const [row] = importCoverage(
      pythonDeployment([imp('ujson', 14, { optional: 'try/except ImportError' }), imp('ujson', 30, { file: 'handlers/python_api/app/x.py' })], packages),
    ).rows;
    expect(row).toMatchObject({
      module: 'ujson',
      locations: [
        { file: 'handlers/python_api/app/x.py', line: 30 },
        { file: 'handlers/python_api/main.py', line: 14 },
      ],
    });
    expect(row.optional).toBeUndefined();
  });

  it('refuses an own import that resolves to no module, and a relative import that cannot work', () => {
    const findings = checkImportCoverage(
      pythonDeployment(
        [
          imp('app.missing', 3, { own: true, specifier: '.missing' }),
          imp('..x', 4, { own: true, problem: 'attempted relative import beyond top-level package' }),
        ],
        packages,
      ),
    );
    expect(findings.map((finding) => finding.message)).toEqual([
      'api-dev: handlers/python_api/main.py:4 imports ..x, which cannot work: attempted relative import beyond top-level package. Use an absolute import of the module (the task root /var/task is on the path).',
      "api-dev: handlers/python_api/main.py:3 imports app.missing, the function's own module, but the task root has no such module. Check the file name or the relative import.",
    ]);
  });
});

describe('declared dependencies of the distributions in the layers', () => {
  const check = (packages: PythonPackage[], settings: Record<string, unknown> = {}) => importCoverage(pythonDeployment([], packages, settings));

  it('finds a dependency nothing provides, and accepts one the runtime ships', () => {
    const coverage = check([pkg('needy', '1.0.0', ['needy'], { requires: ['ghost>=1.0', 'botocore>=1.30'] })]);
    expect(coverage.gaps).toEqual([{ layer: 'dependencies', distribution: 'needy', version: '1.0.0', requirement: 'ghost>=1.0', missing: 'ghost' }]);
    const [finding] = checkImportCoverage(pythonDeployment([], [pkg('needy', '1.0.0', ['needy'], { requires: ['ghost>=1.0'] })]));
    expect(finding).toEqual({
      rule: 'import-coverage',
      severity: 'error',
      message:
        'api-dev: needy 1.0.0 in layer dependencies requires ghost>=1.0, and no attached layer or the python3.12 runtime provides ghost; ' +
        'importing needy would fail. Add ghost to layers/dependencies/requirements.txt (or lock the layer with npm run layers:lock, which resolves every dependency).',
    });
  });

  it('evaluates markers for the runtime: Python version, platform and architecture', () => {
    const needy = [
      pkg('needy', '1.0.0', ['needy'], {
        requires: ['old; python_version < "3.10"', 'win; sys_platform == "win32"', 'arm; platform_machine == "aarch64"', 'new; python_version >= "3.13"'],
      }),
    ];
    expect(check(needy).gaps.map((gap) => gap.missing)).toEqual([]);
    expect(check(needy, { architecture: 'arm64' }).gaps.map((gap) => gap.missing)).toEqual(['arm']);
    expect(check(needy, { runtime: 'python3.13' }).gaps.map((gap) => gap.missing)).toEqual(['new']);
  });

  it('follows extras: python-jose[cryptography] needs cryptography, which needs cffi, which needs pycparser', () => {
    const jose = pkg('python-jose', '3.3.0', ['jose'], { requires: ['rsa', 'cryptography>=3.4.0; extra == "cryptography"'], extras: ['cryptography'] });
    const rest = [
      pkg('rsa', '4.9', ['rsa'], { direct: false }),
      pkg('cryptography', '43.0.1', ['cryptography'], { direct: false, requires: ['cffi>=1.12; platform_python_implementation != "PyPy"'] }),
    ];
    expect(check([jose, ...rest]).gaps.map((gap) => gap.missing)).toEqual(['cffi']);
    expect(check([{ ...jose, extras: [] }, rest[0]]).gaps).toEqual([]);
    // An extra requested by a dependency's requirement (gadget[full]) turns on that dependency's extra-only requirements.
    const chain = [
      pkg('app-lib', '1.0', ['app_lib'], { requires: ['python-gadget[full]>=2'] }),
      pkg('python-gadget', '2.1.0', ['gadget'], { direct: false, requires: ['alpha>=1.0; extra == "full"'] }),
    ];
    expect(check(chain).gaps.map((gap) => `${gap.distribution} -> ${gap.missing}`)).toEqual(['python-gadget -> alpha']);
  });

  it('warns when a dependency is there at a version its specifier does not allow', () => {
    const coverage = check([pkg('fastapi', '0.115.0', ['fastapi'], { requires: ['pydantic<3,>=2.7'] }), pkg('pydantic', '1.10.0', ['pydantic'])]);
    expect(coverage.gaps).toEqual([]);
    expect(coverage.conflicts).toEqual([
      {
        layer: 'dependencies',
        distribution: 'fastapi',
        version: '0.115.0',
        requirement: 'pydantic<3,>=2.7',
        missing: 'pydantic',
        found: '1.10.0',
        foundIn: 'dependencies',
      },
    ]);
  });
});

describe('what provides each import of the Node.js function', () => {
  const nodeImports = (modules: string[]): FunctionImport[] => modules.map((module) => ({ module, specifier: module, file: 'handlers/api/app.ts', line: 1 }));

  it('a layer for its packages, the runtime for built-ins and the AWS SDK, the Powertools layer by pattern', () => {
    const env = environment({ layerStrategy: 'hybrid' });
    const deployment: FunctionDeployment = deploymentFor({
      env,
      layers: [layerArtifact('dependencies-minimal')],
      managed: managedLayersOfEnv(env),
      bundle: { ...bundleArtifact(), imports: nodeImports(['hono', 'node:crypto', '@aws-sdk/client-dynamodb', '@aws-lambda-powertools/logger', 'helper']) },
    });
    expect(importCoverage(deployment).rows.map((row) => [row.module, row.provider?.kind, row.provider?.detail])).toEqual([
      ['@aws-lambda-powertools/logger', 'managed', 'version 44'],
      ['@aws-sdk/client-dynamodb', 'runtime', 'AWS SDK for JavaScript v3, shipped with the runtime'],
      ['helper', 'layer', 'helper 1.0.0'],
      ['hono', 'layer', 'hono 4.13.19'],
      ['node:crypto', 'runtime', 'Node.js built-in'],
    ]);
  });

  it('refuses a package nothing provides, with the package.json to add it to', () => {
    const deployment: FunctionDeployment = deploymentFor({
      env: environment(),
      layers: [layerArtifact()],
      managed: [],
      bundle: { ...bundleArtifact(), imports: nodeImports(['ghost']) },
    });
    const [finding] = checkImportCoverage(deployment);
    expect(finding.message).toContain(
      "On Lambda every request would fail with Runtime.ImportModuleError: Cannot find package 'ghost' imported from /var/task/index.mjs.",
    );
    expect(finding.message).toContain(
      'Add it to layers/dependencies/package.json (npm install --save-exact --package-lock-only --prefix layers/<layer> ghost)',
    );
  });
});

describe("reading a Python function's imports", () => {
  const raw = (file: string, imports: RawPythonFile['imports']): RawPythonFile => ({ path: file, imports, unchecked: [] });
  const at = (module: string | null, level: number, line = 1) => ({ module, level, names: [], line, optional: null, lazy: false, dynamic: false });

  it('names modules by file and resolves relative imports from the importing package, as Python 3 does', () => {
    expect(['main.py', 'app/__init__.py', 'app/routes.py'].map(moduleOfFile)).toEqual(['main', 'app', 'app.routes']);
    expect(ownModulesOf(['main.py', 'app/routes.py', 'lib/deep/x.py'])).toEqual(['app', 'app.routes', 'lib', 'lib.deep', 'lib.deep.x', 'main']);
    const { imports } = resolvePythonImports(
      [
        raw('app/routes.py', [at('store', 1), at(null, 1, 2), at('version', 1, 3), at('x', 2, 4), at('fastapi.responses', 0, 5)]),
        raw('app/__init__.py', [at('routes', 1)]),
        raw('main.py', [at('ids', 1)]),
      ],
      'handlers/python_api',
    );
    expect(imports.map((i) => [i.file, i.module, i.own ?? false, i.problem ?? ''])).toEqual([
      ['handlers/python_api/app/routes.py', 'app.store', true, ''],
      ['handlers/python_api/app/routes.py', 'app', true, ''],
      ['handlers/python_api/app/routes.py', 'app.version', true, ''],
      ['handlers/python_api/app/routes.py', '..x', true, 'attempted relative import beyond top-level package'],
      ['handlers/python_api/app/routes.py', 'fastapi', false, ''],
      ['handlers/python_api/app/__init__.py', 'app.routes', true, ''],
      ['handlers/python_api/main.py', '.ids', true, 'attempted relative import with no known parent package (the file is a top-level module)'],
    ]);
  });

  it('parses the fixture function with an interpreter: optional, lazy, own and layer imports, by line', async () => {
    const taskRoot = path.join(PROJECT_ROOT, '__tests__', 'fixtures', 'python_function');
    const read = await readPythonImports(
      PROJECT_ROOT,
      taskRoot,
      ['main.py', 'app/__init__.py', 'app/routes.py', 'app/store.py', 'app/version.py'],
      '3.12',
      'handlers/python_api',
      process.env,
    );
    expect(read.readBy).toMatch(/^ast of Python 3\.\d+\.\d+/);
    expect(read.ownModules).toEqual(['app', 'app.routes', 'app.store', 'app.version', 'main']);
    expect(
      read.imports.map(
        (i) =>
          `${i.file.replace('handlers/python_api/', '')}:${i.line} ${i.module}${i.own ? ' own' : ''}${i.optional ? ` (${i.optional})` : ''}${i.lazy ? ' lazy' : ''}`,
      ),
    ).toEqual([
      'main.py:7 json',
      'main.py:8 typing',
      'main.py:10 alpha',
      'main.py:11 app',
      'main.py:14 ujson (try/except ImportError)',
      'main.py:19 mypy_boto3_dynamodb (if TYPE_CHECKING)',
      'app/routes.py:1 sys',
      'app/routes.py:3 app own',
      'app/routes.py:4 app.version own',
      'app/store.py:2 boto3 lazy',
    ]);
  });

  it('sees literal dynamic imports, lists computed ones it cannot follow, and refuses a file that does not parse', async () => {
    const dir = makeTempDir('dynamic-imports');
    fs.writeFileSync(
      path.join(dir, 'main.py'),
      'import importlib\nplugin = importlib.import_module("plugins.csv")\nname = "x"\nother = importlib.import_module(name)\nlegacy = __import__("yaml")\n',
    );
    const read = await readPythonImports(PROJECT_ROOT, dir, ['main.py'], '3.12', 'fn', process.env);
    expect(read.imports.map((i) => [i.module, i.line, i.dynamic ?? false])).toEqual([
      ['importlib', 1, false],
      ['plugins', 2, true],
      ['yaml', 5, true],
    ]);
    expect(read.unchecked).toEqual([{ file: 'fn/main.py', line: 4, call: 'importlib.import_module(name)' }]);
    fs.writeFileSync(path.join(dir, 'broken.py'), 'def handler(:\n');
    await expect(readPythonImports(PROJECT_ROOT, dir, ['broken.py'], '3.12', 'fn', process.env)).rejects.toThrow(
      /^fn\/broken\.py: line 1: .*Runtime\.UserCodeSyntaxError/,
    );
  });
});

import { FunctionImport } from '../../../artifacts/manifest';
import { handlerModule, importsReachedFrom } from '../../../family-plugins/python/reachable-imports';

const PREFIX = 'handlers/python_api';
const at = (file: string, module: string, extra: Partial<FunctionImport> = {}): FunctionImport => ({
  module: module.split('.')[0],
  specifier: module,
  file: `${PREFIX}/${file}`,
  line: 1,
  ...extra,
});

// The seed's task root with the worker beside the API: main imports the web framework, the worker only the store.
const IMPORTS: FunctionImport[] = [
  at('main.py', 'fastapi'),
  at('main.py', 'mangum'),
  at('main.py', 'store'),
  at('main.py', 'contract'),
  at('contract.py', 'json'),
  at('store.py', 'boto3', { lazy: true }),
  at('store.py', 'time'),
  at('worker.py', 'json'),
  at('worker.py', 'store'),
  at('worker.py', 'probe'),
  at('probe.py', 'os'),
  at('jobs/__init__.py', 'logging'),
  at('jobs/daily.py', 'requests'),
  at('jobs/daily.py', 'jobs.util', { module: 'jobs.util', own: true, specifier: '.util' }),
  at('jobs/util.py', 'pydantic'),
  at('jobs/other.py', 'numpy'),
];
const OWN = ['contract', 'jobs', 'jobs.daily', 'jobs.other', 'jobs.util', 'main', 'probe', 'store', 'worker'];
const modules = (handler: string): string[] => [...new Set(importsReachedFrom(IMPORTS, OWN, PREFIX, handler).map((i) => i.specifier))].sort();

describe('importsReachedFrom', () => {
  it("gives each handler of a shared task root only what its module reaches: the worker never the API's framework", () => {
    expect(modules('worker.handler')).toEqual(['boto3', 'json', 'os', 'probe', 'store', 'time']);
    expect(modules('main.handler')).toEqual(['boto3', 'contract', 'fastapi', 'json', 'mangum', 'store', 'time']);
  });

  it("follows relative imports, runs each package's __init__ on the way, and leaves a sibling no one imports out", () => {
    expect(modules('jobs.daily.handler')).toEqual(['.util', 'logging', 'pydantic', 'requests']);
  });

  it('counts every submodule of a package that is imported whole', () => {
    const imports = [at('run.py', 'jobs'), ...IMPORTS];
    const reached = importsReachedFrom(imports, [...OWN, 'run'], PREFIX, 'run.handler').map((i) => i.specifier);
    expect(reached).toEqual(expect.arrayContaining(['numpy', 'pydantic', 'requests', 'logging']));
  });

  it('reads the module from the handler setting', () => {
    expect(handlerModule('main.handler')).toBe('main');
    expect(handlerModule('app.jobs.run')).toBe('app.jobs');
  });
});

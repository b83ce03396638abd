import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from './processes';

export interface WheelSpec {
  readonly name: string;
  readonly version: string;
  /** Wheel tag, e.g. py3-none-any or cp312-cp312-manylinux2014_x86_64. @default "py3-none-any" */
  readonly tag?: string;
  readonly requires?: readonly string[];
  readonly files: Readonly<Record<string, string>>;
  readonly topLevel?: readonly string[];
  readonly executable?: readonly string[];
}

/** Writes a wheel with __tests__/support/make_wheel.py; returns its path. */
export function makeWheel(dir: string, spec: WheelSpec): string {
  const result = spawnSync(
    'python3',
    [path.join(__dirname, 'make_wheel.py'), dir, JSON.stringify({ ...spec, ...(spec.topLevel ? { top_level: spec.topLevel } : {}) })],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`make_wheel failed: ${result.stderr}`);
  return result.stdout.trim();
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The wheels the Python layer tests build from, with no index: alpha depends on
 * beta and ships a console script, a test folder and a stray compiled file;
 * native has a wheel per architecture for CPython 3.12 only; armonly exists only
 * for aarch64.
 */
export function makeFixtureWheels(): { dir: string; wheels: Record<string, string> } {
  const dir = makeTempDir('wheels');
  const wheels: Record<string, string> = {};
  wheels['alpha'] = makeWheel(dir, {
    name: 'alpha',
    version: '1.0.0',
    requires: ['beta>=1.0'],
    files: {
      'alpha/__init__.py': 'import beta\nVALUE = "alpha+" + beta.VALUE\n\ndef main():\n    print(VALUE)\n',
      'alpha/tests/test_alpha.py': 'def test_nothing():\n    pass\n',
      'alpha/__pycache__/__init__.cpython-312.pyc': 'not really bytecode',
      'alpha-1.0.0.dist-info/entry_points.txt': '[console_scripts]\nalpha = alpha:main\n',
    },
    topLevel: ['alpha'],
  });
  wheels['beta'] = makeWheel(dir, { name: 'beta', version: '1.0.0', files: { 'beta.py': 'VALUE = "beta"\n' } });
  for (const arch of ['x86_64', 'aarch64']) {
    wheels[`native-${arch}`] = makeWheel(dir, {
      name: 'native',
      version: '1.0.0',
      tag: `cp312-cp312-manylinux2014_${arch}`,
      files: {
        'native/__init__.py': 'ARCH = "' + arch + '"\n',
        [`native/_speedups.cpython-312-${arch}-linux-gnu.so`]: `compiled for ${arch}`,
      },
      topLevel: ['native'],
    });
  }
  wheels['armonly'] = makeWheel(dir, {
    name: 'armonly',
    version: '1.0.0',
    tag: 'py3-none-manylinux2014_aarch64',
    files: { 'armonly/__init__.py': 'X = 1\n' },
  });
  return { dir, wheels };
}

/** pip's environment for the tests: no config files, no index, only the fixture wheels. */
export function offlinePipEnv(wheelDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['PIP_INDEX_URL'];
  delete env['PIP_EXTRA_INDEX_URL'];
  return { ...env, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: wheelDir, ...extra };
}

/** A project folder with layers/<name>/requirements.txt (and optional layer.config.json). */
export function makePythonProject(requirements: string, options: { name?: string; exclude?: string[]; prefix?: string } = {}): string {
  const root = makeTempDir(options.prefix ?? 'python-project');
  const layerDir = path.join(root, 'layers', options.name ?? 'pylayer');
  fs.mkdirSync(layerDir, { recursive: true });
  fs.writeFileSync(path.join(layerDir, 'requirements.txt'), requirements);
  if (options.exclude) fs.writeFileSync(path.join(layerDir, 'layer.config.json'), JSON.stringify({ exclude: options.exclude }));
  return root;
}

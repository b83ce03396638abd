import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { makeTempDir } from './temp-dirs';
import { makeWheelScript } from '../../package-fixtures/wheels';
import { FIXTURES, REPO_ROOT } from './test-project';
import { craftElf } from './crafted-elf';
import { cachedWheelFiles, wheelCacheDir } from '../../family-plugins/python/wheel-cache';

export interface WheelSpec {
  readonly name: string;
  readonly version: string;
  /** Wheel tag, e.g. py3-none-any or cp312-cp312-manylinux2014_x86_64. @default "py3-none-any" */
  readonly tag?: string;
  readonly requires?: readonly string[];
  /** Extras it offers (Provides-Extra). */
  readonly extras?: readonly string[];
  /** Text, or the bytes of a file (`{ from: path }`), by path in the wheel. */
  readonly files: Readonly<Record<string, string | { readonly from: string }>>;
  readonly topLevel?: readonly string[];
  readonly executable?: readonly string[];
}

/** Writes a wheel with package-fixtures/make_wheel.py; returns its path. */
export function makeWheel(dir: string, spec: WheelSpec): string {
  const result = spawnSync('python3', [makeWheelScript(REPO_ROOT), dir, JSON.stringify({ ...spec, ...(spec.topLevel ? { top_level: spec.topLevel } : {}) })], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`make_wheel failed: ${result.stderr}`);
  return result.stdout.trim();
}

export function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * The wheels the Python layer tests build from, with no index: alpha depends on
 * beta and ships a console script, a test folder and a stray compiled file;
 * native has a wheel per architecture for CPython 3.12 only, each with an ELF shared object of its architecture; armonly exists only
 * for aarch64; python-gadget installs the module gadget (a name that differs from
 * its distribution's); needy declares a dependency, ghost, that exists nowhere, only
 * on the architecture this machine is not (so pip, which evaluates markers for the
 * machine it runs on, leaves it out).
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
    // A shared object as the loader sees one: a small ELF of the architecture, needing only libc.
    const elf = path.join(makeTempDir('fixture-elf'), 'speedups.so');
    fs.writeFileSync(elf, craftElf({ machine: arch === 'aarch64' ? 183 : 62, needed: ['libc.so.6'], versions: { 'libc.so.6': ['GLIBC_2.17'] } }));
    wheels[`native-${arch}`] = makeWheel(dir, {
      name: 'native',
      version: '1.0.0',
      tag: `cp312-cp312-manylinux2014_${arch}`,
      files: {
        'native/__init__.py': 'ARCH = "' + arch + '"\n',
        [`native/_speedups.cpython-312-${arch}-linux-gnu.so`]: { from: elf },
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
  wheels['python-gadget'] = makeWheel(dir, {
    name: 'python-gadget',
    version: '2.1.0',
    requires: ['beta>=1.0', 'alpha>=1.0; extra == "full"'],
    extras: ['full'],
    files: { 'gadget/__init__.py': 'NAME = "gadget"\n' },
    topLevel: ['gadget'],
  });
  wheels['needy'] = makeWheel(dir, {
    name: 'needy',
    version: '1.0.0',
    requires: [`ghost>=1.0; platform_machine == "${OTHER_MACHINE}"`],
    files: { 'needy/__init__.py': 'import ghost\n' },
    topLevel: ['needy'],
  });
  return { dir, wheels };
}

/** The architecture this machine is not, as Lambda names it and as Python's platform_machine does. */
export const OTHER_ARCHITECTURE = process.arch === 'arm64' ? 'x86_64' : 'arm64';
const OTHER_MACHINE = OTHER_ARCHITECTURE === 'arm64' ? 'aarch64' : 'x86_64';

/**
 * The resolver's and installers' environment for the tests: no index and no network, only the fixture wheels
 * (UV_NO_INDEX, which the project turns into uv's and pip's --no-index, UV_OFFLINE, which uv reads itself, and
 * UV_FIND_LINKS), and a wheel cache of its own in a temporary folder, so locked builds of fixture layers never
 * write to the user's cache. `extra` may unset a variable (undefined).
 */
export function offlineWheelEnv(wheelDir: string, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('UV_') || key.startsWith('PIP_')) delete env[key];
  const result: NodeJS.ProcessEnv = { ...env, UV_NO_INDEX: '1', UV_OFFLINE: '1', UV_FIND_LINKS: wheelDir, PYTHON_WHEEL_CACHE: makeTempDir('wheel-cache') };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete result[key];
    else result[key] = value;
  }
  return result;
}

let byName: string | undefined;

/**
 * The run's wheel cache (the global setup filled it with every locked wheel) as a plain folder of wheels by file name,
 * hard links made once per test process: a folder of wheels another machine with the same wheels would have, for
 * UV_FIND_LINKS.
 */
export function cachedWheelsByName(): string {
  if (byName) return byName;
  const dir = makeTempDir('cached-wheels');
  for (const file of cachedWheelFiles(wheelCacheDir(process.env))) {
    const link = path.join(dir, path.basename(file));
    if (!fs.existsSync(link)) fs.linkSync(file, link);
  }
  byName = dir;
  return dir;
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

/** The small Python function of __tests__/fixtures/python_function, copied as `root`'s handlers/python_api (the Python function's folder). */
export function copyFixtureFunction(root: string): string {
  const target = path.join(root, 'handlers', 'python_api');
  fs.cpSync(path.join(FIXTURES, 'python_function'), target, { recursive: true });
  return target;
}

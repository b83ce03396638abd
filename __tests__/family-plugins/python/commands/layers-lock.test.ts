import * as fs from 'node:fs';
import * as path from 'node:path';
import { readLayerSources } from '../../../../builder/layer-folders';
import { layerTargetFor } from '../../../../builder/build-plan';
import { buildPythonLayer } from '../../../../family-plugins/python/python-layer';
import { LockResult, lockPythonLayer } from '../../../../family-plugins/python/lock-layer';
import {
  LockTarget,
  describeLockChangesByTarget,
  lockChanges,
  lockFileName,
  parseLockTarget,
  preferencesPylock,
  salvageLockPins,
  unmovedPackages,
} from '../../../../family-plugins/python/python-lock';
import { isPythonSource } from '../../../../family-plugins/python/python-source';
import { UpgradeSettings } from '../../../../family-plugins/python/uv';
import { PLUGINS } from '../../../../family-plugins/registry';
import { silentProgress } from '../../../../project/progress';
import { makePythonProject, makeWheel, offlineWheelEnv } from '../../../support/fixture-wheels';
import { cliEnv, copyProject, runCli, PROJECT_ROOT } from '../../../support/processes';
import { makeTempDir } from '../../../support/temp-dirs';
import { SimpleIndex, serveSimpleIndex } from '../../../support/simple-index';

/**
 * Relocking keeps pins (as pip-compile and uv do with their own output files): a pull request that removes one
 * requirement shows that package, and what only it needed, leaving the lock; nothing else moves, although the index
 * has newer versions of everything. --upgrade-package and --upgrade move pins on purpose.
 */

const TARGETS = [
  { pythonVersion: '3.12', architecture: 'arm64' as const },
  { pythonVersion: '3.12', architecture: 'x86_64' as const },
];

/** alpha needs beta; gamma needs beta and delta: without gamma, delta is needed by nothing, beta still by alpha. */
function release(dir: string, version: string): void {
  makeWheel(dir, { name: 'alpha', version, requires: ['beta>=1.0'], files: { 'alpha/__init__.py': `V = "${version}"\n` } });
  makeWheel(dir, { name: 'beta', version, files: { 'beta.py': `V = "${version}"\n` } });
  makeWheel(dir, { name: 'gamma', version, requires: ['beta>=1.0', 'delta>=1.0'], files: { 'gamma/__init__.py': `V = "${version}"\n` } });
  makeWheel(dir, { name: 'delta', version, files: { 'delta.py': `V = "${version}"\n` } });
}

let first: string;
let index: SimpleIndex;

beforeAll(async () => {
  first = makeTempDir('release-1');
  release(first, '1.0.0');
  // The index holds both releases: 1.0.0 and, newer, 2.0.0 of every package.
  const both = makeTempDir('releases');
  release(both, '1.0.0');
  release(both, '2.0.0');
  index = await serveSimpleIndex(both);
});

afterAll(() => index.close());

/** Resolving against the index (what a user's machine does), not the first release's folder. */
function indexEnv(): NodeJS.ProcessEnv {
  return offlineWheelEnv(makeTempDir('no-wheels'), { UV_OFFLINE: undefined, UV_NO_INDEX: undefined, UV_FIND_LINKS: undefined, UV_DEFAULT_INDEX: index.url });
}

function lock(root: string, env: NodeJS.ProcessEnv, upgrade?: UpgradeSettings): Promise<LockResult> {
  const source = readLayerSources(PLUGINS, root, 'pylayer').find(isPythonSource)!;
  return lockPythonLayer(source, TARGETS, {
    projectRoot: root,
    toolHome: PROJECT_ROOT,
    buildDir: path.join(root, '.build'),
    env,
    step: silentProgress.step('lock'),
    upgrade,
  });
}

function versions(root: string, architecture: 'arm64' | 'x86_64' = 'x86_64'): Record<string, string> {
  const file = lockFileName({ pythonVersion: '3.12', architecture });
  const text = fs.readFileSync(path.join(root, 'layers', 'pylayer', file), 'utf8');
  return Object.fromEntries(parseLockTarget(text, file, 'pylayer').target.distributions.map((dist) => [dist.name, dist.version]));
}

const NO_CHANGES = { added: [], removed: [], moved: [], refiled: [] };

/** The command line's environment: exactly `env` (a variable it unsets stays unset), as cliEnv makes it. */
function cli(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const unset = Object.fromEntries(
    Object.keys(process.env)
      .filter((key) => !(key in env))
      .map((key) => [key, undefined]),
  );
  return cliEnv({ ...unset, ...env });
}

describe('relocking', () => {
  it('after removing one requirement, takes out only that package and what only it needed, against an index with newer versions of everything', async () => {
    const root = makePythonProject('alpha\ngamma\n');
    await lock(root, offlineWheelEnv(first));
    expect(versions(root)).toEqual({ alpha: '1.0.0', beta: '1.0.0', delta: '1.0.0', gamma: '1.0.0' });

    fs.writeFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'alpha\n');
    const result = await lock(root, indexEnv());
    expect(versions(root)).toEqual({ alpha: '1.0.0', beta: '1.0.0' });
    expect(versions(root, 'arm64')).toEqual({ alpha: '1.0.0', beta: '1.0.0' });
    const removed = {
      ...NO_CHANGES,
      removed: [
        { name: 'delta', version: '1.0.0' },
        { name: 'gamma', version: '1.0.0' },
      ],
    };
    expect(result.changes).toEqual({ 'python3.12-arm64': removed, 'python3.12-x86_64': removed });
    expect(describeLockChangesByTarget(result.changes)).toEqual(['python3.12-arm64, python3.12-x86_64:', '  - delta 1.0.0', '  - gamma 1.0.0']);
    expect(index.requests).toContain('/simple/alpha/');

    // The same requirements locked afresh take the newest: the index really offers 2.0.0, so keeping 1.0.0 above was the lock's doing.
    const fresh = makePythonProject('alpha\n');
    await lock(fresh, indexEnv());
    expect(versions(fresh)).toEqual({ alpha: '2.0.0', beta: '2.0.0' });
  });

  it('moves the packages --upgrade-package names, and what must move with them; --upgrade moves everything', async () => {
    const root = makePythonProject('alpha\ngamma\n');
    await lock(root, offlineWheelEnv(first));
    const unchanged = await lock(root, indexEnv());
    expect(unchanged.changed).toBe(false);
    expect(describeLockChangesByTarget(unchanged.changes)).toEqual([]);

    const beta = await lock(root, indexEnv(), { packages: ['Beta'] });
    expect(versions(root)).toEqual({ alpha: '1.0.0', beta: '2.0.0', delta: '1.0.0', gamma: '1.0.0' });
    expect(beta.changes['python3.12-x86_64']).toEqual({ ...NO_CHANGES, moved: [{ name: 'beta', from: '1.0.0', to: '2.0.0' }] });

    const all = await lock(root, indexEnv(), { all: true });
    expect(versions(root)).toEqual({ alpha: '2.0.0', beta: '2.0.0', delta: '2.0.0', gamma: '2.0.0' });
    expect(describeLockChangesByTarget(all.changes)).toEqual([
      'python3.12-arm64, python3.12-x86_64:',
      '  ~ alpha 1.0.0 -> 2.0.0',
      '  ~ delta 1.0.0 -> 2.0.0',
      '  ~ gamma 1.0.0 -> 2.0.0',
    ]);
  });

  it("works offline after a removal, from the wheel cache a build filled, with no folder of wheels and uv's own cache empty", async () => {
    const root = makePythonProject('alpha\ngamma\n');
    const cache = makeTempDir('wheel-cache');
    await lock(root, offlineWheelEnv(first));
    const source = readLayerSources(PLUGINS, root, 'pylayer').find(isPythonSource)!;
    const target = layerTargetFor(PLUGINS.byId(source.family), source, 'x86_64', 'python3.12');
    await buildPythonLayer(target, source, {
      toolHome: PROJECT_ROOT,
      buildDir: path.join(root, '.build'),
      env: offlineWheelEnv(first, { PYTHON_WHEEL_CACHE: cache }),
      step: silentProgress.step('b'),
    });
    fs.rmSync(path.join(root, '.build'), { recursive: true });
    fs.writeFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'alpha\n');
    const offline = offlineWheelEnv(makeTempDir('no-wheels'), { UV_NO_INDEX: undefined, UV_FIND_LINKS: undefined, PYTHON_WHEEL_CACHE: cache });
    const result = await lock(root, offline);
    expect(versions(root)).toEqual({ alpha: '1.0.0', beta: '1.0.0' });
    expect(describeLockChangesByTarget(result.changes)).toEqual(['python3.12-arm64, python3.12-x86_64:', '  - delta 1.0.0', '  - gamma 1.0.0']);
  });

  it('moves a pin the requirements no longer allow, and only that one', async () => {
    const root = makePythonProject('alpha\ngamma\n');
    await lock(root, offlineWheelEnv(first));
    fs.writeFileSync(path.join(root, 'layers', 'pylayer', 'requirements.txt'), 'alpha\ngamma\ndelta>=2\n');
    const result = await lock(root, indexEnv());
    expect(versions(root)).toEqual({ alpha: '1.0.0', beta: '1.0.0', delta: '2.0.0', gamma: '1.0.0' });
    expect(result.changes['python3.12-arm64']).toEqual({ ...NO_CHANGES, moved: [{ name: 'delta', from: '1.0.0', to: '2.0.0' }] });
  });
});

describe('what a relock changed', () => {
  const target = (distributions: [string, string, string?][]): LockTarget => ({
    pythonVersion: '3.12',
    architecture: 'x86_64',
    distributions: distributions.map(([name, version, sha]) => ({
      name,
      version,
      wheel: `${name}-${version}-py3-none-any.whl`,
      sha256: (sha ?? 'a').repeat(64),
    })),
  });

  it('lists additions, removals, moves and files replaced under one version, by name; a first lock adds everything', () => {
    const before = target([
      ['Alpha', '1.0'],
      ['beta', '1.0'],
      ['gone', '3.0'],
      ['same', '1.0'],
    ]);
    const after = target([
      ['alpha', '1.0', 'b'],
      ['beta', '1.1'],
      ['new-one', '0.1'],
      ['same', '1.0'],
    ]);
    const changes = lockChanges(before, after);
    expect(changes).toEqual({
      added: [{ name: 'new-one', version: '0.1' }],
      removed: [{ name: 'gone', version: '3.0' }],
      moved: [{ name: 'beta', from: '1.0', to: '1.1' }],
      refiled: [
        { name: 'alpha', version: '1.0', from: 'Alpha-1.0-py3-none-any.whl sha256:aaaaaaaaaaaa', to: 'alpha-1.0-py3-none-any.whl sha256:bbbbbbbbbbbb' },
      ],
    });
    expect(lockChanges(undefined, after).added.map((dist) => dist.name)).toEqual(['alpha', 'beta', 'new-one', 'same']);
    expect(lockChanges(after, after)).toEqual(NO_CHANGES);
    expect(describeLockChangesByTarget({ x: changes, y: NO_CHANGES })).toEqual([
      'x:',
      '  - gone 3.0',
      '  + new-one 0.1',
      '  ~ beta 1.0 -> 1.1',
      '  ~ alpha 1.0 (Alpha-1.0-py3-none-any.whl sha256:aaaaaaaaaaaa -> alpha-1.0-py3-none-any.whl sha256:bbbbbbbbbbbb)',
    ]);
  });

  it('reads the pins of a lock that cannot be read as one, from both sides of a conflict, the higher where they differ', () => {
    const conflicted = [
      '# header',
      '<<<<<<< HEAD',
      'alpha==1.0.0 \\',
      '    --hash=sha256:aa',
      '    # wheel alpha-1.0.0-py3-none-any.whl',
      'Beta==1.10 \\',
      '=======',
      'alpha==1.2.0 \\',
      'beta==1.9',
      '>>>>>>> other',
      'gamma==2.0.0rc1 \\',
    ].join('\n');
    expect(salvageLockPins(conflicted)).toEqual([
      { name: 'alpha', version: '1.2.0' },
      { name: 'Beta', version: '1.10' },
      { name: 'gamma', version: '2.0.0rc1' },
    ]);
    expect(salvageLockPins('<<<<<<< HEAD\n')).toEqual([]);
  });

  it('names the packages --upgrade-package named that moved nowhere', () => {
    const after = target([
      ['alpha', '2.0'],
      ['beta', '1.0'],
    ]);
    const changes = { x: { ...NO_CHANGES, moved: [{ name: 'alpha', from: '1.0', to: '2.0' }] } };
    expect(unmovedPackages([after], changes, ['Alpha', 'BETA', 'beta', 'gone'])).toEqual([{ name: 'beta', version: '1.0' }]);
  });

  it('gives the resolver the existing pins as a PEP 751 file of names and versions', () => {
    expect(preferencesPylock(target([['alpha', '1.0']]))).toBe(
      'lock-version = "1.0"\ncreated-by = "lambda-layer-stacks"\n\n[[packages]]\nname = "alpha"\nversion = "1.0"\n',
    );
  });
});

describe('npm run layers:lock -- --upgrade-package on the command line', () => {
  let copy: string;

  beforeAll(async () => {
    copy = copyProject('relock-cli');
    fs.mkdirSync(path.join(copy, 'layers', 'pyfix'), { recursive: true });
    fs.writeFileSync(path.join(copy, 'layers', 'pyfix', 'requirements.txt'), 'alpha\ngamma\n');
    const locked = await runCli(['layers:lock', 'pyfix'], { cwd: copy, env: cli(offlineWheelEnv(first)) });
    expect(locked.stderr).toContain('+ alpha 1.0.0');
    expect(locked.code).toBe(0);
  });

  /** A layer folder of its own in the shared copy, removed afterwards whatever happens, so a failure here fails no other test. */
  async function withLayer(name: string, requirements: string, work: (dir: string) => Promise<void>): Promise<void> {
    const dir = path.join(copy, 'layers', name);
    fs.mkdirSync(dir);
    try {
      fs.writeFileSync(path.join(dir, 'requirements.txt'), requirements);
      await work(dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  const lockFiles = () =>
    fs
      .readdirSync(path.join(copy, 'layers', 'pyfix'))
      .filter((file) => file.endsWith('.lock.txt'))
      .map((file) => fs.readFileSync(path.join(copy, 'layers', 'pyfix', file), 'utf8'));

  it('refuses a name no lock pins, and --upgrade with --upgrade-package, before resolving anything', async () => {
    const before = lockFiles();
    const unknown = await runCli(['layers:lock', 'pyfix', '--upgrade-package', 'alhpa'], { cwd: copy, env: cli(indexEnv()) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--upgrade-package "alhpa" names no package the locks of pyfix pin.');
    const both = await runCli(['layers:lock', 'pyfix', '--upgrade', '--upgrade-package', 'beta'], { cwd: copy, env: cli(indexEnv()) });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--upgrade and --upgrade-package ask for different things; give one.');
    expect(lockFiles()).toEqual(before);
  });

  it("writes again a lock that cannot be read (a merge conflict in it), as the build's refusal says to, keeping its pins", async () => {
    await withLayer('pyconflict', 'alpha\ngamma\n', async (layer) => {
      expect((await runCli(['layers:lock', 'pyconflict'], { cwd: copy, env: cli(offlineWheelEnv(first)) })).code).toBe(0);
      const file = path.join(layer, lockFileName({ pythonVersion: '3.12', architecture: 'x86_64' }));
      const good = fs.readFileSync(file, 'utf8');
      // Two branches each changed requirements.txt and relocked: the lock's header conflicts.
      fs.writeFileSync(
        file,
        good.replace(/^(# from requirements\.txt sha256:)(\w+)$/m, `<<<<<<< HEAD\n$1$2\n=======\n$1${'0'.repeat(64)}\n>>>>>>> other-branch`),
      );
      const refused = await runCli(['build', '--build-dir', path.join(makeTempDir('conflict-build'), 'b')], { cwd: copy, env: cli(offlineWheelEnv(first)) });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('(<<<<<<< HEAD; =======; >>>>>>> other-branch); run `npm run layers:lock -- pyconflict` to write it again.');
      // Against the index, which offers 2.0.0 of everything: the conflicted lock's pins are kept all the same.
      const relocked = await runCli(['layers:lock', 'pyconflict'], { cwd: copy, env: cli(indexEnv()) });
      expect(relocked.code).toBe(0);
      expect(relocked.stderr).toContain(
        `layers/pyconflict/${path.basename(file)} could not be read as a lock (a merge conflict?): written again, keeping the pins its lines held (the higher where the sides differ)`,
      );
      expect(relocked.stderr).not.toMatch(/^\s+[-+~] /m);
      expect(fs.readFileSync(file, 'utf8')).toBe(good);
      const again = await runCli(['layers:lock', 'pyconflict'], { cwd: copy, env: cli(indexEnv()) });
      expect(again.stderr).toContain('no lock changed');
      expect(again.stderr).toContain('Locked 1 layer(s): nothing changed, the lock files already say this.');
    });
  });

  it('says which package named by --upgrade-package stays, and at what', async () => {
    await withLayer('pyheld', 'alpha\ngamma\ndelta<2\n', async () => {
      expect((await runCli(['layers:lock', 'pyheld'], { cwd: copy, env: cli(offlineWheelEnv(first)) })).code).toBe(0);
      const result = await runCli(['layers:lock', 'pyheld', '--upgrade-package', 'delta', '--upgrade-package', 'alpha'], { cwd: copy, env: cli(indexEnv()) });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('    ~ alpha 1.0.0 -> 2.0.0\n');
      expect(result.stderr).toContain('  delta stays at 1.0.0: nothing newer fits the requirements, or the index has nothing newer\n');
      expect(result.stderr).not.toContain('alpha stays');
    });
  });

  it('moves the packages named, says so per target, and reports the changes in --json', async () => {
    const result = await runCli(['layers:lock', 'pyfix', '--upgrade-package', 'beta', '--upgrade-package', 'DELTA', '--json'], {
      cwd: copy,
      env: cli(indexEnv()),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('python3.12-arm64, python3.12-x86_64:\n    ~ beta 1.0.0 -> 2.0.0\n    ~ delta 1.0.0 -> 2.0.0\n');
    const json = JSON.parse(result.stdout) as { locked: { layer: string; changed: boolean; changes: Record<string, unknown> }[] };
    expect(json.locked.map((layer) => [layer.layer, layer.changed])).toEqual([['pyfix', true]]);
    expect(json.locked[0].changes['python3.12-x86_64']).toEqual({
      ...NO_CHANGES,
      moved: [
        { name: 'beta', from: '1.0.0', to: '2.0.0' },
        { name: 'delta', from: '1.0.0', to: '2.0.0' },
      ],
    });
  });
});

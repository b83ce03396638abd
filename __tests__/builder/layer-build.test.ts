import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundleTargetOf, layerTargetFor } from '../../builder/build-plan';
import { bundleFunction } from '../../builder/function-build';
import { acquireBuildLock } from '../../builder/build';
import { readLayerSources } from '../../builder/layer-folders';
import { buildNodeLayer } from '../../family-plugins/nodejs/node-layer';
import { LayerBuildResult } from '../../builder/layer-build';
import { locateNpm } from '../../family-plugins/nodejs/npm';
import { silentProgress } from '../../project/progress';
import { NORMALISED_MTIME_SECONDS, listTree, normaliseTree, treeDrift, fingerprintTree } from '../../builder/tree';
import { loadConfig } from '../../config/load-config';
import { FixtureProject, makeFixtureProject, packFixturePackages } from '../support/fixture-layer';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { makeFakeNpm } from '../../package-fixtures/fake-npm';
import { PLUGINS } from '../../family-plugins/registry';

describe('tree normalisation', () => {
  it('materialises links inside the tree, drops empty folders, fixes modes and times', () => {
    const root = makeTempDir('normalise');
    fs.mkdirSync(path.join(root, 'pkg', 'empty', 'deeper'), { recursive: true });
    fs.writeFileSync(path.join(root, 'pkg', 'real.js'), 'x', { mode: 0o600 });
    fs.writeFileSync(path.join(root, 'pkg', 'tool'), 'y', { mode: 0o700 });
    fs.symlinkSync('real.js', path.join(root, 'pkg', 'alias.js'));
    normaliseTree(root);
    expect(fs.lstatSync(path.join(root, 'pkg', 'alias.js')).isSymbolicLink()).toBe(false);
    expect(fs.readFileSync(path.join(root, 'pkg', 'alias.js'), 'utf8')).toBe('x');
    expect(fs.existsSync(path.join(root, 'pkg', 'empty'))).toBe(false);
    expect(listTree(root).map((entry) => [entry.path, entry.mode.toString(8)])).toEqual([
      ['pkg/alias.js', '644'],
      ['pkg/real.js', '644'],
      ['pkg/tool', '755'],
    ]);
    expect(Math.floor(fs.statSync(path.join(root, 'pkg', 'tool')).mtimeMs / 1000)).toBe(NORMALISED_MTIME_SECONDS);
    expect(fingerprintTree(root)).toEqual({ fileCount: 3, unzippedBytes: 3, normalised: true });
  });

  it('refuses a link to a file outside the tree, naming it', () => {
    const root = makeTempDir('normalise-outside');
    const outside = path.join(makeTempDir('outside-file'), 'secret');
    fs.writeFileSync(outside, 's');
    fs.symlinkSync(outside, path.join(root, 'leak'));
    expect(() => normaliseTree(root)).toThrow(/leak .* is a symlink to .*secret, outside the tree/);
  });

  it('reports drift in count, size and touch', () => {
    const recorded = { fileCount: 2, unzippedBytes: 10 };
    expect(treeDrift(recorded, undefined)).toBe('the tree is missing');
    expect(treeDrift(recorded, { fileCount: 1, unzippedBytes: 10, normalised: true })).toBe('1 files, the build wrote 2');
    expect(treeDrift(recorded, { fileCount: 2, unzippedBytes: 9, normalised: true })).toBe('9 bytes, the build wrote 10');
    expect(treeDrift(recorded, { fileCount: 2, unzippedBytes: 10, normalised: false })).toMatch(/touched/);
    expect(treeDrift(recorded, { fileCount: 2, unzippedBytes: 10, normalised: true })).toBeUndefined();
  });
});

describe("the Node.js layers' download cache", () => {
  /** A project with the repository's Node.js dependencies layer alone. */
  function project(): string {
    const root = makeTempDir('npm-cache-project');
    fs.mkdirSync(path.join(root, 'layers', 'dependencies'), { recursive: true });
    for (const file of ['package.json', 'package-lock.json']) {
      fs.copyFileSync(path.join(PROJECT_ROOT, 'layers', 'dependencies', file), path.join(root, 'layers', 'dependencies', file));
    }
    return root;
  }

  function build(root: string, env: NodeJS.ProcessEnv): Promise<LayerBuildResult> {
    const source = readLayerSources(PLUGINS, root, 'dependencies').find((candidate) => candidate.family === 'nodejs')!;
    return buildNodeLayer(layerTargetFor(PLUGINS.byId(source.family), source, 'x86_64', 'nodejs24.x'), source, {
      toolHome: PROJECT_ROOT,
      buildDir: path.join(root, '.build'),
      env,
      step: silentProgress.step('test'),
    });
  }

  it("is npm's own (npm_config_cache), not one inside .build: a build after deleting .build downloads nothing", async () => {
    // The tests run offline; the run's npm cache (npm_config_cache) was filled once by the global setup's build.
    expect(process.env['npm_config_offline']).toBe('true');
    const root = project();
    const first = await build(root, process.env);
    expect(fs.existsSync(path.join(root, '.build', 'cache', 'npm'))).toBe(false);
    fs.rmSync(path.join(root, '.build'), { recursive: true });
    const again = await build(root, process.env);
    expect(again.cached).toBe(false);
    expect(again.artifact.contentHash).toBe(first.artifact.contentHash);
  });

  it('says so when npm is offline and its cache lacks a package', async () => {
    const root = project();
    await expect(build(root, { ...process.env, npm_config_cache: makeTempDir('empty-npm-cache') })).rejects.toThrow(
      'Layer "dependencies": npm is offline (npm_config_offline, or offline in .npmrc) and its download cache lacks a package of package-lock.json.',
    );
  });
});

describe('Node.js layer build', () => {
  let packages: string;
  let project: FixtureProject;

  beforeAll(() => {
    packages = makeTempDir('fixture-packages');
    packFixturePackages(packages, '1.0.0');
    packFixturePackages(packages, '1.0.1');
    project = makeFixtureProject(path.join(packages, 'tarballs'));
  });

  async function build(root: string, buildDir: string, env: NodeJS.ProcessEnv = process.env): Promise<LayerBuildResult> {
    const [source] = readLayerSources(PLUGINS, root, 'fixture');
    return buildNodeLayer(layerTargetFor(PLUGINS.byId(source.family), source, 'x86_64', 'nodejs24.x'), source, {
      toolHome: PROJECT_ROOT,
      buildDir,
      env,
      step: silentProgress.step('test'),
    });
  }

  async function buildWithUmask(root: string, buildDir: string, umask: number): Promise<LayerBuildResult> {
    const previous = process.umask(umask);
    try {
      return await build(root, buildDir);
    } finally {
      process.umask(previous);
    }
  }

  it('gives identical trees and hashes from two folders and two umasks', async () => {
    const copy = makeTempDir('fixture-copy');
    fs.cpSync(project.root, copy, { recursive: true });
    const firstBuild = path.join(project.root, '.build');
    const secondBuild = path.join(makeTempDir('elsewhere'), 'build');
    const first = await buildWithUmask(project.root, firstBuild, 0o022);
    const second = await buildWithUmask(copy, secondBuild, 0o077);
    expect([first.cached, second.cached]).toEqual([false, false]);
    expect(second.artifact.contentHash).toBe(first.artifact.contentHash);
    expect(second.artifact.inputHash).toBe(first.artifact.inputHash);
    const firstTree = listTree(path.join(firstBuild, first.artifact.treeDir));
    expect(listTree(path.join(secondBuild, second.artifact.treeDir))).toEqual(firstTree);
    expect(firstTree.map((entry) => `${entry.mode.toString(8)} ${entry.path}`)).toEqual([
      '644 nodejs/node_modules/fixture-a/index.js',
      '644 nodejs/node_modules/fixture-a/package.json',
      '755 nodejs/node_modules/fixture-b/bin/cli.js',
      '644 nodejs/node_modules/fixture-b/index.js',
      '644 nodejs/node_modules/fixture-b/package.json',
    ]);
    expect(fingerprintTree(path.join(secondBuild, second.artifact.treeDir))?.normalised).toBe(true);
    // Each package with package-lock.json's integrity (SHA-512) and the packages its dependencies resolve to, for the SBOM.
    const sha512 = { alg: 'SHA-512', content: expect.stringMatching(/^[0-9a-f]{128}$/) };
    expect(first.artifact.packages).toEqual([
      {
        name: 'fixture-a',
        version: '1.0.0',
        path: 'nodejs/node_modules/fixture-a',
        direct: true,
        hashes: [sha512],
        dependsOn: ['nodejs/node_modules/fixture-b'],
      },
      { name: 'fixture-b', version: '1.0.0', path: 'nodejs/node_modules/fixture-b', direct: true, hashes: [sha512] },
    ]);
    expect(first.artifact).toMatchObject({ fileCount: 5, family: 'nodejs', architecture: 'x86_64', provides: ['fixture-a', 'fixture-b'] });
  });

  it('reuses an unchanged tree without running npm', async () => {
    // Its own copy of the project: the lockfile is edited below.
    const root = makeTempDir('cache-project');
    fs.cpSync(project.root, root, { recursive: true });
    const buildDir = path.join(makeTempDir('cache'), 'build');
    const first = await build(root, buildDir);
    // An npm that leaves a mark if it is ever run, reporting the same version as the real one.
    const fakeNpm = makeFakeNpm(PROJECT_ROOT);
    const fakeEnv = { ...process.env, npm_execpath: fakeNpm.execpath };

    const second = await build(root, buildDir, fakeEnv);
    expect(second.cached).toBe(true);
    expect(second.artifact).toEqual(first.artifact);
    expect(fakeNpm.ran()).toBe(false);

    // The same fake npm is noticed as soon as the inputs differ, so the check above can fail.
    fs.appendFileSync(path.join(root, 'layers', 'fixture', 'package-lock.json'), ' ');
    await expect(build(root, buildDir, fakeEnv)).rejects.toThrow(/npm ci failed/);
    expect(fakeNpm.ran()).toBe(true);
  });

  it('gives a new content hash when the lockfile changes', async () => {
    const upgraded = makeFixtureProject(path.join(packages, 'tarballs'), '1.0.1', 'fixture-upgraded');
    const before = await build(project.root, path.join(makeTempDir('before'), 'build'));
    const after = await build(upgraded.root, path.join(makeTempDir('after'), 'build'));
    expect(after.artifact.inputHash).not.toBe(before.artifact.inputHash);
    expect(after.artifact.contentHash).not.toBe(before.artifact.contentHash);
    expect(after.artifact.packages.find((pkg) => pkg.name === 'fixture-b')?.version).toBe('1.0.1');
  });

  it('rebuilds a tree that was changed after the build', async () => {
    const buildDir = path.join(makeTempDir('drift'), 'build');
    const first = await build(project.root, buildDir);
    fs.rmSync(path.join(buildDir, first.artifact.treeDir, 'nodejs', 'node_modules', 'fixture-a'), { recursive: true });
    const second = await build(project.root, buildDir);
    expect(second.cached).toBe(false);
    expect(second.reason).toBe('tree changed since the build: 3 files, the build wrote 5');
    expect(second.artifact.contentHash).toBe(first.artifact.contentHash);
  });

  it('explains a missing lockfile and a folder dependency', async () => {
    const broken = makeTempDir('broken');
    fs.mkdirSync(path.join(broken, 'layers', 'nolock'), { recursive: true });
    fs.writeFileSync(path.join(broken, 'layers', 'nolock', 'package.json'), '{"dependencies":{"a":"1.0.0"}}');
    expect(() => readLayerSources(PLUGINS, broken, 'nolock')).toThrow(
      'Layer folder layers/nolock: package.json has no package-lock.json beside it, so the build would not be reproducible. ' +
        'Run `npm install --package-lock-only --prefix layers/nolock` and commit the lockfile.',
    );
    const linked = path.join(broken, 'layers', 'linked');
    fs.mkdirSync(path.join(broken, 'local-package'), { recursive: true });
    fs.mkdirSync(linked, { recursive: true });
    fs.writeFileSync(path.join(linked, 'package.json'), '{"dependencies":{"local-package":"file:../../local-package"}}');
    fs.writeFileSync(path.join(linked, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}');
    const [source] = readLayerSources(PLUGINS, broken, 'linked');
    await expect(
      buildNodeLayer(layerTargetFor(PLUGINS.byId(source.family), source, 'x86_64', 'nodejs24.x'), source, {
        toolHome: PROJECT_ROOT,
        buildDir: path.join(broken, '.build'),
        env: process.env,
        step: silentProgress.step('t'),
      }),
    ).rejects.toThrow(/depends on the folder file:..\/..\/local-package; npm links folders/);
  });
});

describe('build lock', () => {
  it("makes a second build wait for the first, and takes over a dead holder's lock", async () => {
    const buildDir = makeTempDir('lock');
    const messages: string[] = [];
    const progress = { ...silentProgress, info: (message: string) => messages.push(message) };
    const release = await acquireBuildLock(buildDir, progress);
    let secondHasIt = false;
    const second = acquireBuildLock(buildDir, progress).then((releaseSecond) => {
      secondHasIt = true;
      return releaseSecond;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(secondHasIt).toBe(false);
    expect(messages[0]).toMatch(/waiting for another build .* \(pid \d+\)/);
    release();
    (await second)();
    expect(secondHasIt).toBe(true);

    fs.writeFileSync(path.join(buildDir, '.lock'), '2147483646');
    const taken = await acquireBuildLock(buildDir, progress, 1000);
    expect(fs.readFileSync(path.join(buildDir, '.lock'), 'utf8')).toBe(String(process.pid));
    taken();
    expect(fs.existsSync(path.join(buildDir, '.lock'))).toBe(false);
  });
});

describe('function bundle', () => {
  it("leaves layer packages external and records, from esbuild's metafile, which file imports each at which line", async () => {
    const buildDir = makeTempDir('bundle');
    const config = loadConfig({ families: PLUGINS, context: {}, env: {}, availableLayers: { dependencies: ['nodejs', 'python'] } });
    const target = bundleTargetOf(PLUGINS, config.environments[0], readLayerSources(PLUGINS, PROJECT_ROOT, 'dependencies'));
    const bundle = await bundleFunction(PLUGINS, PROJECT_ROOT, buildDir, target);
    const code = fs.readFileSync(path.join(buildDir, bundle.dir, 'index.mjs'), 'utf8');
    expect(code).toMatch(/from "hono"/);
    expect(code).toMatch(/from "@aws-sdk\/client-dynamodb"/);
    expect(code).not.toMatch(/class Hono\b/);
    expect(bundle.imports).toEqual([
      { module: 'hono', specifier: 'hono', file: 'handlers/api/app.ts', line: 1 },
      { module: 'hono', specifier: 'hono/aws-lambda', file: 'handlers/api/index.ts', line: 1 },
      { module: 'node:crypto', specifier: 'node:crypto', file: 'handlers/api/message-ids.ts', line: 1 },
      { module: '@aws-sdk/client-dynamodb', specifier: '@aws-sdk/client-dynamodb', file: 'handlers/api/messages-store.ts', line: 1 },
    ]);
    expect(bundle.importsReadBy).toMatch(/^esbuild \d+\.\d+\.\d+$/);
    expect(Object.keys(bundle.sources)).toContain('handlers/api/app.ts');
    expect(bundle.handler).toBe('index.handler');
    expect(locateNpm().version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

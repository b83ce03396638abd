import { BUILDER_VERSION, bundleTargetOf, inputHashOf, planBuild } from '../../builder/build-plan';
import { LayerSource } from '../../builder/layer-sources';
import { TreeFile, contentHashOf, normalisedMode } from '../../builder/tree';
import { loadConfig } from '../../config/load-config';
import { PLUGINS } from '../../family-plugins/registry';

const file = (filePath: string, mode = 0o644, sha256 = 'x', size = 1): TreeFile => ({ path: filePath, mode, size, sha256 });

describe('content hash', () => {
  it('depends on paths, modes and bytes, not on listing order', () => {
    const base = contentHashOf([file('a'), file('b/c', 0o755)]).contentHash;
    expect(contentHashOf([file('b/c', 0o755), file('a')]).contentHash).toBe(base);
    expect(contentHashOf([file('a'), file('b/c', 0o644)]).contentHash).not.toBe(base);
    expect(contentHashOf([file('a'), file('b/d', 0o755)]).contentHash).not.toBe(base);
    expect(contentHashOf([file('a', 0o644, 'y'), file('b/c', 0o755)]).contentHash).not.toBe(base);
  });

  it('counts files and bytes', () => {
    expect(contentHashOf([file('a', 0o644, 'x', 10), file('b', 0o644, 'y', 5)])).toMatchObject({ fileCount: 2, unzippedBytes: 15 });
  });

  it('keeps executable bits and flattens everything else', () => {
    expect(normalisedMode(0o100700)).toBe(0o755);
    expect(normalisedMode(0o100711)).toBe(0o755);
    expect(normalisedMode(0o100600)).toBe(0o644);
    expect(normalisedMode(0o100666)).toBe(0o644);
  });
});

/** inputHashOf of `base` below, at BUILDER_VERSION 6. */
const PINNED_INPUT_HASH = '9f336925bf0e5737b1474f2362b8cef223803a6a6acb86bd8bbfe6f288cc42ad';

describe('input hash', () => {
  const files = new Map([
    ['package.json', Buffer.from('{"dependencies":{"a":"1"}}')],
    ['package-lock.json', Buffer.from('{"lockfileVersion":3}')],
  ]);
  const base = { family: 'nodejs' as const, architecture: 'x86_64' as const, variant: 'nodejs', files, tool: { name: 'npm', version: '11.0.0' } };

  it('changes with the lockfile, the architecture and the npm version, and nothing else', () => {
    const hash = inputHashOf(base);
    expect(inputHashOf({ ...base, files: new Map([...files].reverse()) })).toBe(hash);
    expect(inputHashOf({ ...base, files: new Map([...files, ['package-lock.json', Buffer.from('{"lockfileVersion":3} ')]]) })).not.toBe(hash);
    expect(inputHashOf({ ...base, architecture: 'arm64' })).not.toBe(hash);
    expect(inputHashOf({ ...base, tool: { name: 'npm', version: '11.0.1' } })).not.toBe(hash);
    expect(inputHashOf({ ...base, family: 'python' })).not.toBe(hash);
  });

  it('is pinned: what it covers changes only with BUILDER_VERSION, so no old record is taken for a new one', () => {
    // A change to the hashed fields (a key renamed, one added) changes this value; bump BUILDER_VERSION with it and pin the new one.
    expect([BUILDER_VERSION, inputHashOf(base)]).toEqual([6, PINNED_INPUT_HASH]);
  });
});

describe('build plan', () => {
  const source = (name: string, provides: string[], family: 'nodejs' | 'python' = 'nodejs'): LayerSource => ({
    name,
    family,
    dir: `/x/${name}`,
    files: new Map(),
    provides,
    options: { exclude: [] },
  });
  const sources = [source('dependencies', ['hono', '@aws-sdk/client-dynamodb']), source('dependencies', ['fastapi'], 'python'), source('extra', ['zod'])];

  it('builds each used layer once per architecture, and every other layer folder for the default architecture', () => {
    const config = loadConfig({
      families: PLUGINS,
      context: { environments: { prod: { architecture: 'arm64' } } },
      env: {},
      availableLayers: { dependencies: ['nodejs', 'python'], extra: ['nodejs'] },
    });
    const plan = planBuild(PLUGINS, config, sources);
    expect(plan.layers.map((target) => target.id)).toEqual([
      'dependencies/nodejs-arm64',
      'dependencies/nodejs-x86_64',
      'dependencies/python3.12-x86_64',
      'extra/nodejs-x86_64',
    ]);
    expect(plan.unused).toEqual(['dependencies/python3.12-x86_64', 'extra/nodejs-x86_64']);
    expect(planBuild(PLUGINS, config, sources, { onlyUsed: true }).layers.map((target) => target.id)).toEqual([
      'dependencies/nodejs-arm64',
      'dependencies/nodejs-x86_64',
    ]);
  });

  it('shares a bundle between environments with the same runtime and layer packages', () => {
    const config = loadConfig({
      families: PLUGINS,
      context: { environments: { staging: { runtime: 'nodejs22.x' }, prod: { layers: ['dependencies', 'extra'] } } },
      env: {},
      availableLayers: { dependencies: ['nodejs', 'python'], extra: ['nodejs'] },
    });
    const plan = planBuild(PLUGINS, config, sources);
    expect(plan.bundles).toHaveLength(3);
    const dev = bundleTargetOf(PLUGINS, config.environments[0], sources);
    expect(dev.externals).toEqual(['@aws-sdk/client-dynamodb', 'hono']);
    expect(bundleTargetOf(PLUGINS, config.environments[2], sources).externals).toEqual(['@aws-sdk/client-dynamodb', 'hono', 'zod']);
  });
});

import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAllLayerSources } from '../../builder/build';
import { PROJECT_ROOT } from '../support/processes';
import { PLUGINS } from '../../family-plugins/registry';

const rootPackage = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

const sources = readAllLayerSources(PLUGINS, PROJECT_ROOT);

describe.each(sources.filter((source) => source.family === 'nodejs').map((source) => [source.name, source] as const))('layers/%s (Node.js)', (name, source) => {
  const lock = JSON.parse(fs.readFileSync(path.join(source.dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };

  it('pins every package it provides to an exact version', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(source.dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const [pkg, range] of Object.entries(manifest.dependencies)) {
      expect(`${pkg}@${range}`).toMatch(/@\d+\.\d+\.\d+$/);
      expect(lock.packages[`node_modules/${pkg}`]?.version).toBe(range);
    }
  });

  it('provides the same versions the handler is type-checked and tested against', () => {
    for (const pkg of source.provides) {
      if (rootPackage.devDependencies[pkg] === undefined) continue;
      expect(`${pkg}@${rootPackage.devDependencies[pkg]}`).toBe(`${pkg}@${lock.packages[`node_modules/${pkg}`]?.version}`);
    }
    expect(name).toMatch(/^[a-z0-9-]+$/);
  });
});

describe.each(sources.filter((source) => source.family === 'python').map((source) => [source.name, source] as const))('layers/%s (Python)', (_name, source) => {
  it('pins every requirement to one version', () => {
    const lines = fs
      .readFileSync(path.join(source.dir, 'requirements.txt'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const line of lines) expect(line).toMatch(/^[A-Za-z0-9_.-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*$/);
  });
});

describe("the seed's strategies have their layer folders", () => {
  it('holds Node.js and Python packages for single and hybrid, and the split layers for both', () => {
    const has = (name: string, family: 'nodejs' | 'python'): boolean => sources.some((source) => source.name === name && source.family === family);
    for (const name of ['dependencies', 'dependencies-minimal', 'stable', 'framework']) {
      expect([name, has(name, 'nodejs'), has(name, 'python')]).toEqual([name, true, true]);
    }
    expect([has('adapters', 'nodejs'), has('adapters', 'python')]).toEqual([false, true]);
  });

  it("lists the seed's requirements-layer.txt in the single layer, and its minimal list for hybrid", () => {
    const provides = (name: string): readonly string[] => sources.find((source) => source.name === name && source.family === 'python')!.provides;
    expect(provides('dependencies')).toEqual([
      'fastapi',
      'mangum',
      'pydantic',
      'pydantic-settings',
      'pyjwt',
      'python-jose',
      'python-multipart',
      'requests',
      'typing-extensions',
    ]);
    expect(provides('dependencies-minimal')).toEqual(['fastapi', 'mangum', 'pydantic', 'pydantic-settings', 'pyjwt', 'python-jose', 'python-multipart']);
    expect([...provides('stable'), ...provides('framework'), ...provides('adapters')].sort()).toEqual(
      [...provides('dependencies')].filter((n) => n !== 'typing-extensions').sort(),
    );
  });
});

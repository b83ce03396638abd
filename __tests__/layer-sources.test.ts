import * as fs from 'node:fs';
import * as path from 'node:path';
import { readAllLayerSources } from '../builder/build';
import { PROJECT_ROOT } from './support/processes';

const rootPackage = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};

describe.each(readAllLayerSources(PROJECT_ROOT).map((source) => [source.name, source] as const))('layers/%s', (name, source) => {
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

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { locateNpm } from '../../family-plugins/nodejs/npm';
import { makeTempDir } from './temp-dirs';

function npm(args: string[], cwd: string): string {
  const { command, args: prefix } = locateNpm();
  const result = spawnSync(command, [...prefix, ...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Packs two tiny packages into tarballs: fixture-a depends on fixture-b, and
 * fixture-b ships an executable. No registry is involved.
 */
export function packFixturePackages(dir: string, bVersion = '1.0.0'): void {
  const a = path.join(dir, 'src', 'fixture-a');
  const b = path.join(dir, 'src', `fixture-b-${bVersion}`);
  fs.mkdirSync(a, { recursive: true });
  fs.mkdirSync(path.join(b, 'bin'), { recursive: true });
  fs.writeFileSync(
    path.join(a, 'package.json'),
    JSON.stringify({ name: 'fixture-a', version: '1.0.0', main: 'index.js', dependencies: { 'fixture-b': '^1.0.0' } }),
  );
  fs.writeFileSync(path.join(a, 'index.js'), 'module.exports = "a" + require("fixture-b");\n');
  fs.writeFileSync(
    path.join(b, 'package.json'),
    JSON.stringify({ name: 'fixture-b', version: bVersion, main: 'index.js', bin: { 'fixture-b': 'bin/cli.js' } }),
  );
  fs.writeFileSync(path.join(b, 'index.js'), `module.exports = "b${bVersion}";\n`);
  fs.writeFileSync(path.join(b, 'bin', 'cli.js'), '#!/usr/bin/env node\nconsole.log("b");\n', { mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'tarballs'), { recursive: true });
  npm(['pack', a, b, '--pack-destination', path.join(dir, 'tarballs')], dir);
}

export interface FixtureProject {
  readonly root: string;
  readonly layerDir: string;
}

/**
 * A project folder with one Node.js layer, layers/fixture, whose dependencies are
 * tarballs vendored in the project (file:../../vendor/...), so copies of the folder
 * have byte-identical layer sources.
 */
export function makeFixtureProject(tarballs: string, bVersion = '1.0.0', prefix = 'fixture-project'): FixtureProject {
  const root = makeTempDir(prefix);
  const layerDir = path.join(root, 'layers', 'fixture');
  fs.mkdirSync(layerDir, { recursive: true });
  fs.cpSync(tarballs, path.join(root, 'vendor'), { recursive: true });
  fs.writeFileSync(
    path.join(layerDir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'layer-fixture',
        version: '1.0.0',
        private: true,
        dependencies: {
          'fixture-a': 'file:../../vendor/fixture-a-1.0.0.tgz',
          'fixture-b': `file:../../vendor/fixture-b-${bVersion}.tgz`,
        },
      },
      null,
      2,
    )}\n`,
  );
  npm(['install', '--package-lock-only'], layerDir);
  return { root, layerDir };
}

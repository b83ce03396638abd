import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateNpm } from '../family-plugins/nodejs/npm';

export interface FakeNpm {
  /** The value for npm_execpath, so the builder picks this npm. */
  readonly execpath: string;
  /** Whether anything ran it. */
  ran(): boolean;
  remove(): void;
}

/** A copy of fake-npm/ (an npm that only records that it ran) that reports the real npm's version, so input hashes match the real one's. */
export function makeFakeNpm(projectRoot: string, env: NodeJS.ProcessEnv = process.env): FakeNpm {
  const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'fake-npm-'));
  fs.cpSync(path.join(projectRoot, 'package-fixtures', 'fake-npm'), dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'npm', version: locateNpm(env).version }));
  return {
    execpath: path.join(dir, 'bin', 'npm-cli.js'),
    ran: () => fs.existsSync(path.join(dir, 'ran')),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

import { freePort } from '../../project/free-port';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readManifest } from '../../artifacts/manifest';
import { copySources } from './test-project';
import { makeTempDir } from './temp-dirs';

/** The project the tests run against: a temporary copy of the repository (see test-project.ts), never the repository itself. */
export const PROJECT_ROOT = ((): string => {
  const root = process.env['TEST_PROJECT_ROOT'];
  // Only the global setup of `npm test` makes the copy; the quick suite (`npm run test:unit`) has none, and its tests
  // must not need one. Falling back to the repository would let a test write into it.
  if (!root) throw new Error('this test needs the project copy the global setup of `npm test` makes; a *.unit.test.ts must not import support/processes');
  return root;
})();

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment tests start the CLI with: no colour, none of the developer's overrides. */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const key of [
    'PROJECT_NAME',
    'AWS_REGION',
    'STATE_BUCKET',
    'ARTIFACT_BUCKET',
    'GITHUB_REPOSITORY',
    'BUILD_DIR',
    'CDKTF_CONTEXT_JSON',
    'CDKTF_OUTDIR',
    'PORT',
  ])
    delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** Runs a command in a real process and collects its output. */
export function runProcess(command: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs `npx tsx <script> <args>` in a real process and collects its output. */
export function runNode(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; nodeFlags?: readonly string[] } = {},
): Promise<CliResult> {
  return runProcess(process.execPath, [...(options.nodeFlags ?? []), '--import', 'tsx', script, ...args], options);
}

/** `npm run <script> -- <args>` in a project folder, as a user runs it (npm, the project's launcher, the compiled CLI). */
export function runNpm(cwd: string, script: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = cliEnv()): Promise<CliResult> {
  return runProcess(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', script, '--', ...args], { cwd, env });
}

export function runCli(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CliResult> {
  return runNode(path.join(options.cwd ?? PROJECT_ROOT, 'cli', 'main.ts'), args, options);
}

export { freePort };

/** A copy of the project's sources in another folder, sharing node_modules (and, through the environment, the run's wheel and npm caches). */
export function copyProject(prefix: string): string {
  const copy = path.join(makeTempDir(prefix), 'deeper', 'project');
  copySources(PROJECT_ROOT, copy);
  return copy;
}

/** What a build leaves for those who use it: the manifest and the trees and bundles it lists. */
const BUILD_OUTPUTS = ['manifest.json', 'layers', 'functions'];

/**
 * Copies the project's build to `dest`: its outputs only, never its cache, its scratch space or its
 * lock, which a build running in another test may be changing meanwhile.
 */
export function copyBuildTo(dest: string, options: { preserveTimestamps?: boolean } = {}): string {
  for (const name of BUILD_OUTPUTS) {
    fs.cpSync(path.join(PROJECT_ROOT, '.build', name), path.join(dest, name), { recursive: true, preserveTimestamps: options.preserveTimestamps ?? false });
  }
  return dest;
}

/** The project's build in a temp folder, with one package taken out of its Node.js dependencies layer: the seed's incident. */
export function buildWithoutPackage(prefix: string, packageName: string): string {
  const buildDir = copyBuildTo(path.join(makeTempDir(prefix), 'build'));
  const layer = readManifest(buildDir).layers.find((candidate) => candidate.id === 'dependencies/nodejs-x86_64')!;
  fs.rmSync(path.join(buildDir, layer.treeDir, 'nodejs', 'node_modules', packageName), { recursive: true });
  return buildDir;
}

export interface LocalServer {
  readonly url: string;
  readonly info: Record<string, unknown>;
  readonly child: ChildProcess;
  stderr(): string;
  stop(): Promise<number | null>;
}

/**
 * Starts `cli/main.ts start --skip-build --port 0 --json` and waits for it to serve; with `npm`, the real `npm start -- --port 0
 * --json` (its own process group, so stopping it stops the CLI npm ran too).
 */
export function startLocalServer(
  extraArgs: string[] = [],
  env: NodeJS.ProcessEnv = cliEnv(),
  options: {
    readonly cwd?: string;
    /** Build and synthesise first, as a plain `npm start` does. */ readonly build?: boolean;
    /** Through npm and the project's launcher, as a user starts it (builds first). */ readonly npm?: boolean;
    /** Node's own flags for the CLI's process (not through npm), e.g. `--require` of a preload. */ readonly nodeFlags?: readonly string[];
  } = {},
): Promise<LocalServer> {
  return new Promise((resolve, reject) => {
    const cwd = options.cwd ?? PROJECT_ROOT;
    const child = options.npm
      ? spawn(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['start', '--silent', '--', '--port', '0', '--json', ...extraArgs], {
          cwd,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(
          process.execPath,
          [
            ...(options.nodeFlags ?? []),
            '--import',
            'tsx',
            'cli/main.ts',
            'start',
            ...(options.build ? [] : ['--skip-build']),
            '--port',
            '0',
            '--json',
            ...extraArgs,
          ],
          {
            cwd,
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
    let stdout = '';
    let stderr = '';
    let settled = false;
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      try {
        const info = JSON.parse(stdout) as Record<string, unknown>;
        settled = true;
        resolve({
          url: String(info['url']),
          info,
          child,
          stderr: () => stderr,
          stop: async () => {
            if (child.exitCode === null) {
              if (options.npm) process.kill(-child.pid!, 'SIGINT');
              else child.kill('SIGINT');
            }
            return exited;
          },
        });
      } catch {
        // not complete yet
      }
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`local server exited with ${code} before serving:\n${stderr}`));
    });
  });
}

export async function request(
  url: string,
  init: { method?: string; body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: init.headers,
    body: init.body,
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

import { nodejsFamily } from '../../family-plugins/nodejs/definition';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RUNTIME_SCRIPTS, compileRuntimeScript } from '../../family-plugins/nodejs/runtime-scripts';
import { LAMBDA_RESPONSE_LIMIT, LocalFunction } from '../../local-lambda/local-function';
import { lambdaNodeBinary } from '../../family-plugins/nodejs/node-binary';
import { createSandbox, keptSandbox, nodeModulesAncestor, planSandbox, sandboxListing, SandboxPlan } from '../../local-lambda/sandbox';
import { PROJECT_ROOT } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { FIXTURES } from '../support/test-project';

const env = { runtime: 'nodejs24.x' as const, family: nodejsFamily, name: 'test', project: 'runtime' };
const node = lambdaNodeBinary(env.runtime, PROJECT_ROOT);

/** A layer with one dual-format package, the way npm would install it. */
function makeLayer(): string {
  const tree = makeTempDir('layer-tree');
  const pkg = path.join(tree, 'nodejs', 'node_modules', 'greeter');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'greeter', version: '1.0.0', exports: { '.': { import: './index.mjs', require: './index.cjs' } } }),
  );
  fs.writeFileSync(path.join(pkg, 'index.mjs'), 'export const greet = (who) => `hello ${who} from esm`;\n');
  fs.writeFileSync(path.join(pkg, 'index.cjs'), 'exports.greet = (who) => `hello ${who} from cjs`;\n');
  return tree;
}

function makeTaskRoot(files: Record<string, string>): string {
  const dir = makeTempDir('task-root');
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

async function withFunction(
  taskFiles: Record<string, string>,
  run: (fn: LocalFunction, sandbox: SandboxPlan, logs: string[]) => Promise<void>,
  layers: string[] = [makeLayer()],
  timeoutSeconds = 5,
  maxInFlight?: number,
): Promise<void> {
  const sandbox = createSandbox(env, makeTaskRoot(taskFiles), layers);
  const bootstrap = await compileRuntimeScript(PROJECT_ROOT, RUNTIME_SCRIPTS.bootstrap, path.join(sandbox.runtimeDir, 'bootstrap.mjs'));
  const logs: string[] = [];
  const fn = new LocalFunction({
    command: node.path,
    args: [bootstrap],
    taskRoot: sandbox.taskRoot,
    timeoutSeconds,
    ...(maxInFlight !== undefined ? { maxInFlight } : {}),
    functionArn: 'arn:aws:lambda:ap-northeast-1:123456789012:function:test',
    log: (line) => logs.push(line),
    displayPath: (text) => text.split(sandbox.root).join(''),
    environment: { PATH: '/usr/bin:/bin', NODE_PATH: sandbox.searchPath.join(path.delimiter), LAMBDA_TASK_ROOT: sandbox.taskRoot, _HANDLER: 'index.handler' },
  });
  await fn.start();
  try {
    await run(fn, sandbox, logs);
  } finally {
    await fn.stop();
    fs.rmSync(sandbox.root, { recursive: true, force: true });
  }
}

describe('the runtime interface client resolves imports as Lambda does', () => {
  it('finds layer packages for an ES module handler through NODE_PATH', async () => {
    await withFunction({ 'index.mjs': "import { greet } from 'greeter';\nexport const handler = async (event) => greet(event.who);\n" }, async (fn) => {
      expect(await fn.invoke({ who: 'esm' })).toEqual({ ok: true, payload: 'hello esm from esm', coldStart: true });
      expect(await fn.invoke({ who: 'again' })).toEqual({ ok: true, payload: 'hello again from esm', coldStart: false });
    });
  });

  it('finds layer packages for a CommonJS handler', async () => {
    await withFunction({ 'index.js': "const { greet } = require('greeter');\nexports.handler = async (event) => greet(event.who);\n" }, async (fn) => {
      expect(await fn.invoke({ who: 'cjs' })).toMatchObject({ ok: true, payload: 'hello cjs from cjs' });
    });
  });

  it('is needed: plain Node does not search NODE_PATH for ES modules', () => {
    const sandbox = createSandbox(env, makeTaskRoot({ 'index.mjs': "import { greet } from 'greeter';\nconsole.log(greet('x'));\n" }), [makeLayer()]);
    try {
      const plain = spawnSync(node.path, [path.join(sandbox.taskRoot, 'index.mjs')], {
        env: { NODE_PATH: sandbox.searchPath.join(path.delimiter) },
        encoding: 'utf8',
      });
      expect(plain.status).not.toBe(0);
      expect(plain.stderr).toContain("Cannot find package 'greeter'");
    } finally {
      fs.rmSync(sandbox.root, { recursive: true, force: true });
    }
  });

  it('reports a missing package as Runtime.ImportModuleError with Lambda paths, and tries again on the next request', async () => {
    await withFunction(
      { 'index.mjs': "import 'not-in-any-layer';\nexport const handler = async () => 'never';\n" },
      async (fn, sandbox) => {
        const first = await fn.invoke({});
        expect(first).toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError', coldStart: true });
        if (!first.ok) {
          expect(first.errorMessage).toContain("Cannot find package 'not-in-any-layer' imported from /var/task/index.mjs");
          expect(first.errorMessage).not.toContain(sandbox.root);
        }
        expect(await fn.invoke({})).toMatchObject({ ok: false, errorType: 'Runtime.ImportModuleError', coldStart: true });
      },
      [],
    );
  });

  it('reports a missing export as Runtime.HandlerNotFound', async () => {
    await withFunction({ 'index.mjs': 'export const other = 1;\n' }, async (fn) => {
      expect(await fn.invoke({})).toMatchObject({
        ok: false,
        errorType: 'Runtime.HandlerNotFound',
        errorMessage: expect.stringContaining('index.handler is undefined'),
      });
    });
  });

  it('returns a thrown error, and keeps the process for the next request', async () => {
    await withFunction(
      { 'index.mjs': "export const handler = async (e) => { if (e.fail) throw new TypeError('bad input'); return 'fine'; };\n" },
      async (fn) => {
        expect(await fn.invoke({ fail: true })).toMatchObject({ ok: false, errorType: 'TypeError', errorMessage: 'bad input', coldStart: true });
        expect(await fn.invoke({})).toMatchObject({ ok: true, payload: 'fine', coldStart: false });
      },
    );
  });

  it('stops a function that runs past its timeout, then starts a new process', async () => {
    await withFunction(
      { 'index.mjs': 'export const handler = async (e) => { if (e.hang) await new Promise(() => setInterval(() => {}, 1000)); return "ok"; };\n' },
      async (fn, _sandbox, logs) => {
        const pid = fn.pid;
        expect(await fn.invoke({ hang: true })).toMatchObject({ ok: false, errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 1.00 seconds' });
        expect(logs).toContain('Task timed out after 1.00 seconds');
        expect(await fn.invoke({})).toMatchObject({ ok: true, payload: 'ok', coldStart: true });
        expect(fn.pid).not.toBe(pid);
      },
      [makeLayer()],
      1,
    );
  });

  it('turns a crash into Runtime.ExitError and recovers with a cold start', async () => {
    const crash = fs.readFileSync(path.join(FIXTURES, 'handlers', 'crash.mjs'), 'utf8');
    await withFunction({ 'index.mjs': crash }, async (fn) => {
      expect(await fn.invoke({ crash: true })).toMatchObject({
        ok: false,
        errorType: 'Runtime.ExitError',
        errorMessage: expect.stringContaining('exit status 3'),
      });
      expect(await fn.invoke({})).toMatchObject({ ok: true, payload: 'alive', coldStart: true });
    });
  });

  it('runs invocations one at a time, as one Lambda sandbox does', async () => {
    await withFunction(
      {
        'index.mjs':
          'let running = 0;\nexport const handler = async () => { running++; const seen = running; await new Promise((r) => setTimeout(r, 20)); running--; return seen; };\n',
      },
      async (fn) => {
        const results = await Promise.all([fn.invoke({}), fn.invoke({}), fn.invoke({})]);
        expect(results.map((result) => (result.ok ? result.payload : result.errorMessage))).toEqual([1, 1, 1]);
      },
    );
  });

  it("refuses a response over Lambda's 6 MB limit as Lambda does, and answers one just under it", async () => {
    await withFunction({ 'index.mjs': 'export const handler = async (e) => "x".repeat(e.size);\n' }, async (fn) => {
      // The limit counts the serialised result: a string of n characters is n + 2 bytes with its quotes.
      expect(await fn.invoke({ size: LAMBDA_RESPONSE_LIMIT - 2 })).toMatchObject({ ok: true });
      expect(await fn.invoke({ size: LAMBDA_RESPONSE_LIMIT - 1 })).toMatchObject({
        ok: false,
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      });
      expect(await fn.invoke({ size: 3 })).toMatchObject({ ok: true, payload: 'xxx', coldStart: false });
    });
  });

  it('throttles an invocation beyond the reserved concurrency, instead of queueing without end', async () => {
    await withFunction(
      { 'index.mjs': 'export const handler = async () => { await new Promise((r) => setTimeout(r, 100)); return "done"; };\n' },
      async (fn) => {
        const results = await Promise.all([fn.invoke({}), fn.invoke({}), fn.invoke({}), fn.invoke({})]);
        expect(results.map((result) => (result.ok ? result.payload : result.errorType))).toEqual(['done', 'done', 'done', 'Local.Throttled']);
      },
      [],
      5,
      3,
    );
  });
});

describe('sandbox layout', () => {
  it('puts the bundle in /var/task, layers in /opt in order, and sets NODE_PATH as Lambda does', () => {
    const plan = planSandbox('/sandbox', env, '/build/bundle', ['/build/a', '/build/b']);
    expect(plan.copies).toEqual([
      { from: '/build/bundle', to: '/sandbox/var/task' },
      { from: '/build/a', to: '/sandbox/opt' },
      { from: '/build/b', to: '/sandbox/opt' },
    ]);
    expect(plan.searchPath).toEqual([
      '/sandbox/opt/nodejs/node24/node_modules',
      '/sandbox/opt/nodejs/node_modules',
      '/sandbox/var/runtime/node_modules',
      '/sandbox/var/runtime',
      '/sandbox/var/task',
    ]);
  });

  it('lets a later layer override an earlier one, as Lambda extracts them in order', () => {
    const first = makeLayer();
    const second = makeLayer();
    fs.writeFileSync(path.join(second, 'nodejs', 'node_modules', 'greeter', 'index.mjs'), 'export const greet = () => "second";\n');
    const sandbox = createSandbox(env, makeTaskRoot({ 'index.mjs': '' }), [first, second]);
    expect(fs.readFileSync(path.join(sandbox.optDir, 'nodejs', 'node_modules', 'greeter', 'index.mjs'), 'utf8')).toContain('second');
    fs.rmSync(sandbox.root, { recursive: true, force: true });
  });

  it('refuses a temp folder with node_modules above it, which would hide a missing package', () => {
    const parent = makeTempDir('leaky');
    fs.mkdirSync(path.join(parent, 'node_modules'));
    fs.mkdirSync(path.join(parent, 'tmp'));
    expect(nodeModulesAncestor(path.join(parent, 'tmp'))).toBe(parent);
    expect(() => createSandbox(env, makeTaskRoot({}), [], { tempDir: path.join(parent, 'tmp') })).toThrow(
      /has a node_modules folder in .*leaky.*Point TMPDIR at a folder with no node_modules above it/,
    );
    expect(nodeModulesAncestor(makeTempDir('clean'))).toBeUndefined();
  });

  it('keeps a sandbox for the next run of the same build, and makes it again when anything in it changed', async () => {
    const tempDir = makeTempDir('kept');
    const [task, layer] = [makeTaskRoot({ 'index.mjs': 'export const handler = async () => 1;\n' }), makeLayer()];
    let prepared = 0;
    const keep = (identity: string, keepMs?: number) =>
      keptSandbox(env, task, [layer], {
        identity,
        tempDir,
        ...(keepMs !== undefined ? { keepMs } : {}),
        prepare: (plan) => {
          prepared += 1;
          fs.writeFileSync(path.join(plan.runtimeDir, 'bootstrap.mjs'), '// the runtime client\n');
        },
      });
    const first = await keep('build 1');
    expect(fs.readFileSync(path.join(first.optDir, 'nodejs', 'node_modules', 'greeter', 'index.mjs'), 'utf8')).toContain('from esm');
    expect(fs.existsSync(path.join(first.runtimeDir, 'bootstrap.mjs'))).toBe(true);
    // The same build again: the same sandbox, nothing copied or prepared again.
    const again = await keep('build 1');
    expect([again.root, prepared]).toEqual([first.root, 1]);
    // A function wrote into its /var/task (read-only on Lambda): the next run gets a sandbox made afresh, without it.
    fs.writeFileSync(path.join(first.taskRoot, 'written.txt'), 'x');
    const remade = await keep('build 1');
    expect([remade.root, prepared]).toEqual([first.root, 2]);
    expect(fs.existsSync(path.join(remade.taskRoot, 'written.txt'))).toBe(false);
    // A file changed in place, same size: seen too.
    fs.writeFileSync(path.join(remade.taskRoot, 'index.mjs'), 'export const handler = async () => 2;\n');
    fs.utimesSync(path.join(remade.taskRoot, 'index.mjs'), new Date(0), new Date(0));
    expect((await keep('build 1')).root).toBe(first.root);
    expect(prepared).toBe(3);
    expect(fs.readFileSync(path.join(first.taskRoot, 'index.mjs'), 'utf8')).toContain('=> 1');
    // Another build: another sandbox; one nobody used for longer than it is kept is removed when another is made.
    const other = await keep('build 2', 0);
    expect(other.root).not.toBe(first.root);
    expect(fs.existsSync(first.root)).toBe(false);
    expect(() => sandboxListing(path.join(tempDir, 'nothing'))).toThrow();
  });

  it('refuses to keep a sandbox under a temp folder with node_modules above it', async () => {
    const parent = makeTempDir('leaky-kept');
    fs.mkdirSync(path.join(parent, 'node_modules'));
    fs.mkdirSync(path.join(parent, 'tmp'));
    await expect(keptSandbox(env, makeTaskRoot({}), [], { identity: 'x', tempDir: path.join(parent, 'tmp') })).rejects.toThrow(
      /has a node_modules folder in .*leaky-kept/,
    );
  });

  it('uses the Node major of the runtime', () => {
    expect(node.version).toMatch(/^v24\./);
    expect(lambdaNodeBinary('nodejs22.x', PROJECT_ROOT).version).toMatch(/^v22\./);
    expect(() =>
      lambdaNodeBinary('nodejs22.x', makeTempDir('no-runtimes'), { arch: 'x64', platform: 'linux', execPath: '/usr/bin/node', version: 'v20.1.0' }),
    ).toThrow(/needs Node.js 22 \(the nodejs22.x runtime\).*npm ci --prefix runtimes/);
  });
});

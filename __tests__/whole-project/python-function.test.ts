import { configFor } from '../support/project-config';
import { isPythonSource } from '../../family-plugins/python/python-source';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BuildOptions, runBuild } from '../../builder/build';
import { readLayerSources as readSources } from '../../builder/layer-folders';
import { silentProgress } from '../../project/progress';
import { LocalApi, startLocalApi } from '../../local-lambda/local-api';
import { cachedWheelsByName, copyFixtureFunction, makeFixtureWheels, makePythonProject, offlineWheelEnv } from '../support/fixture-wheels';
import { cliEnv, copyProject, PROJECT_ROOT, request, runCli, runNode, startLocalServer } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { lockPythonLayer } from '../../family-plugins/python/lock-layer';
import { wheelCacheDir } from '../../family-plugins/python/wheel-cache';
import { contractOverHttp, expiryOverHttp } from '../support/contract-cases';
import { PLUGINS } from '../../family-plugins/registry';
import { projectContext } from '../../use-cases/context';
import { servedFromBuildFolder } from '../../use-cases/start';

/**
 * The seed's own function (handlers/python_api: FastAPI + Mangum) against the repository's own
 * Python layers, built from their committed locks and the real wheels (FastAPI, Starlette, pydantic
 * with its compiled pydantic-core, Mangum, cryptography and cffi), which the global setup put in the
 * wheel cache; every test runs offline (UV_OFFLINE).
 */
const PYTHON_CONTEXT = JSON.stringify({ defaults: { function: 'python' } });
const FRAMEWORK_ONLY = JSON.stringify({ defaults: { function: 'python', layers: ['framework'] } });

/** A folder with the repository's layers and handlers, every environment on the Python function with `defaults`. */
async function seedProject(defaults: Record<string, unknown> = {}, edit?: (root: string) => Promise<void>) {
  const root = makeTempDir('seed-function');
  fs.cpSync(path.join(PROJECT_ROOT, 'layers'), path.join(root, 'layers'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'handlers'), path.join(root, 'handlers'), { recursive: true });
  await edit?.(root);
  const config = configFor(root, { defaults: { function: 'python', ...defaults } });
  const options: BuildOptions = {
    families: PLUGINS,
    projectRoot: root,
    toolHome: PROJECT_ROOT,
    buildDir: path.join(root, '.build'),
    config,
    progress: silentProgress,
    env: process.env,
    onlyUsed: true,
  };
  return { root, config, options };
}

/** The incident, done the way it happens now: mangum==0.17.0 taken out of the single layer's requirements, and the layer locked again (offline, from the wheel cache). */
async function withoutMangum(root: string): Promise<void> {
  const file = path.join(root, 'layers', 'dependencies', 'requirements.txt');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('mangum==0.17.0\n', ''));
  const source = readSources(PLUGINS, root, 'dependencies').find(isPythonSource)!;
  await lockPythonLayer(
    source,
    [
      { pythonVersion: '3.12', architecture: 'arm64' },
      { pythonVersion: '3.12', architecture: 'x86_64' },
    ],
    {
      projectRoot: root,
      toolHome: PROJECT_ROOT,
      buildDir: path.join(root, '.build'),
      env: { ...offlineWheelEnv(cachedWheelsByName()), PYTHON_WHEEL_CACHE: wheelCacheDir(process.env) },
      step: silentProgress.step('relock'),
    },
  );
}

async function serve(project: Awaited<ReturnType<typeof seedProject>>, skipChecks = false): Promise<LocalApi> {
  const { root, config, options } = project;
  const environment = config.environments[0];
  return startLocalApi({
    families: PLUGINS,
    env: environment,
    artifacts: servedFromBuildFolder(projectContext(root, {}, PLUGINS, PROJECT_ROOT), environment, options.buildDir, skipChecks, () => undefined),
    buildDir: options.buildDir,
    projectRoot: root,
    toolHome: PROJECT_ROOT,
    port: 0,
    log: () => undefined,
  });
}

describe("the seed's FastAPI function and the repository's Python layers", () => {
  it.each([
    ['single', 'x86_64'],
    ['single', 'arm64'],
    ['hybrid', 'x86_64'],
    ['hybrid', 'arm64'],
    ['split', 'x86_64'],
    ['split', 'arm64'],
  ])('builds strategy %s on %s with every import and every declared dependency provided, and no false alarm', async (layerStrategy, architecture) => {
    const report = await runBuild((await seedProject({ layerStrategy, architecture })).options);
    expect(report.warnings).toEqual([]);
    const bundle = report.bundles[0];
    expect(bundle.handler).toBe('main.handler');
    expect([...new Set(bundle.imports.filter((imported) => !imported.own).map((imported) => imported.module))].sort()).toEqual([
      'base64',
      'binascii',
      'boto3',
      'botocore',
      'contract',
      'datetime',
      'fastapi',
      'ids',
      'json',
      'logging',
      'mangum',
      'os',
      're',
      'starlette',
      'store',
      'threading',
      'time',
      'typing',
    ]);
  });

  it("refuses to build without mangum, by name, with the seed's error and the fix", async () => {
    const error = await runBuild((await seedProject({}, withoutMangum)).options).then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error?.message).toContain(
      '  - [import-coverage] api-dev: handlers/python_api/main.py:12 imports mangum, and nothing the function gets provides it: layers dependencies ' +
        '(PyJWT 2.9.0, fastapi 0.120.4, pydantic 2.9.0, pydantic-settings 2.5.2, python-jose 3.5.0, python-multipart 0.0.22, requests 2.32.5, typing_extensions 4.12.2; ' +
        '26 packages in all); the python3.12 runtime (the standard library and boto3). ' +
        "On Lambda every request would fail with Runtime.ImportModuleError: Unable to import module 'main': No module named 'mangum'. " +
        'Add mangum to layers/dependencies/requirements.txt (and refresh its lock: npm run layers:lock), or attach a layer that provides it.',
    );
  });

  it('serves the real app locally from /var/task and /opt, with boto3 from the runtime stand-in and dynalite', async () => {
    const project = await seedProject();
    await runBuild(project.options);
    const api = await serve(project);
    try {
      expect(api.interpreter).toMatchObject({ name: 'Python', version: expect.stringMatching(/^3\.12\./) });
      expect(await request(`${api.url}/`)).toMatchObject({ status: 200, json: { status: 'ok', provider: 'aws', version: '3.0.0' } });
      const created = await request(`${api.url}/api/messages/`, {
        method: 'POST',
        body: JSON.stringify({ content: 'Layer test message', author: 'System' }),
        headers: { 'content-type': 'application/json' },
      });
      expect(created).toMatchObject({ status: 201, json: { content: 'Layer test message', author: 'System' } });
      expect((await request(`${api.url}/api/messages`)).json).toEqual([created.json]);
      expect((await request(`${api.url}/api/messages/?limit=0`)).status).toBe(400);
    } finally {
      await api.stop();
    }
  });

  it("the incident: without mangum, the local run refuses; told to serve it anyway, every request answers 500 with the seed's error", async () => {
    const project = await seedProject({}, withoutMangum);
    await expect(runBuild(project.options)).rejects.toThrow(/imports mangum/);
    await expect(serve(project)).rejects.toThrow(/^The function would fail on Lambda \(1 problem\); nothing was deployed:\n.*imports mangum/);
    const api = await serve(project, true);
    try {
      for (const url of [`${api.url}/`, `${api.url}/api/messages/`]) {
        const response = await request(url);
        expect(response.status).toBe(500);
        expect(response.json).toEqual({
          message: 'Internal Server Error',
          errorType: 'Runtime.ImportModuleError',
          errorMessage: "Unable to import module 'main': No module named 'mangum'",
        });
      }
    } finally {
      await api.stop();
    }
  });
});

describe("npm start on the Python function: the seed's app on its real locked packages", () => {
  it('serves every contract case as the contract says, passes npm run check:api, and the probe finds its version without state', async () => {
    const copy = copyProject('python-start');
    // The one line of configuration that puts dev on the Python function (docs/local-run.md, "The seed's Python app"), and an expiry.
    const env = cliEnv({ CDKTF_CONTEXT_JSON: JSON.stringify({ environments: { dev: { function: 'python', messageTtlDays: 30 } } }) });
    const server = await startLocalServer(['--env', 'dev'], env, { cwd: copy, build: true });
    try {
      expect(server.info).toMatchObject({
        environment: 'dev',
        interpreter: { name: 'Python', version: expect.stringMatching(/^3\.12\./) },
        layers: [{ name: 'dependencies' }],
      });
      expect(server.stderr()).toMatch(/layer {5}dependencies -> \/opt .*fastapi@0\.120\.4, mangum@0\.17\.0, pydantic@2\.9\.0/);
      expect(await contractOverHttp(server.url)).toEqual([]);
      expect(await expiryOverHttp(server, 30)).toEqual([]);
      const check = await runCli(['check:api', server.url, '--json'], { env, cwd: copy });
      expect([check.code, (JSON.parse(check.stdout) as { ok: boolean }).ok]).toEqual([0, true]);
      const probe = await runCli(['probe', 'api-dev', '--function', String(server.info['functionName']), '--json'], {
        env: { ...env, AWS_ENDPOINT_URL_LAMBDA: server.url, AWS_REGION: 'ap-northeast-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
        cwd: copy,
      });
      expect(probe.stderr).not.toContain('ENOTFOUND');
      expect([probe.code, JSON.parse(probe.stdout)]).toEqual([
        0,
        expect.objectContaining({ function: 'multicloud-auto-deploy-dev-api', version: '1', ok: true }),
      ]);
    } finally {
      await server.stop();
    }
  });
});

describe('the Python function through the command line', () => {
  let healthy: string;
  let frameworkOnly: string;

  beforeAll(async () => {
    // Builds of this repository's own sources into temporary folders, as `npm run build` would make them.
    const build = async (context: string): Promise<string> => {
      const buildDir = makeTempDir('python-cli-build');
      const config = configFor(PROJECT_ROOT, JSON.parse(context) as Record<string, unknown>);
      await runBuild({ families: PLUGINS, projectRoot: PROJECT_ROOT, buildDir, config, progress: silentProgress, env: process.env, onlyUsed: true }).catch(
        () => undefined,
      );
      return buildDir;
    };
    healthy = await build(PYTHON_CONTEXT);
    frameworkOnly = await build(FRAMEWORK_ONLY);
  });

  it('doctor shows each import, where, and what provides it; exit code 0', async () => {
    const result = await runCli(['doctor', 'api-dev', '--build-dir', healthy], { env: cliEnv({ CDKTF_CONTEXT_JSON: PYTHON_CONTEXT }) });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    const row = (module: string) =>
      lines
        .find((line) => line.trim().startsWith(`${module} `))
        ?.trim()
        .split(/\s{2,}/);
    expect(row('mangum')).toEqual(['mangum', 'handlers/python_api/main.py:12', 'layer dependencies: mangum 0.17.0']);
    expect(row('starlette')).toEqual(['starlette', 'handlers/python_api/main.py:13', 'layer dependencies: starlette 0.49.3']);
    expect(row('boto3')).toEqual(['boto3', 'handlers/python_api/store.py:28 +1', 'python3.12 runtime: boto3, shipped with the runtime', '(inside a function)']);
    expect(row('contract')).toEqual(['contract', 'handlers/python_api/main.py:15', 'own code (/var/task)']);
    expect(row('json')).toEqual(['json', 'handlers/python_api/contract.py:9 +1', 'python3.12 runtime: standard library']);
    expect(result.stdout).toMatch(/Declared dependencies: every one of the \d+ distributions in the layers has what it requires\./);
    expect(result.stdout).toContain('All 18 required imports are provided.');
    expect(result.stdout).toMatch(
      /Native code: \d+ shared object\(s\) in the layers and the bundle, every one for x86_64 and Amazon Linux 2023 \(glibc 2\.34\)\./,
    );
  });

  it('doctor --json, and exit code 1 with MISSING when the attached layers lack mangum', async () => {
    const result = await runCli(['doctor', 'api-dev', '--build-dir', frameworkOnly, '--json'], { env: cliEnv({ CDKTF_CONTEXT_JSON: FRAMEWORK_ONLY }) });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as { ok: boolean; missing: number; rows: { module: string; provider?: { kind: string; layer?: string } }[] };
    expect(report).toMatchObject({ ok: false, missing: 1 });
    expect(report.rows.find((row) => row.module === 'mangum')).toEqual({
      module: 'mangum',
      locations: [{ file: 'handlers/python_api/main.py', line: 12 }],
      lazy: false,
      own: false,
    });
    expect(report.rows.find((row) => row.module === 'fastapi')?.provider).toEqual({ kind: 'layer', layer: 'framework', detail: 'fastapi 0.120.4' });
    const text = await runCli(['doctor', 'api-dev', '--build-dir', frameworkOnly], { env: cliEnv({ CDKTF_CONTEXT_JSON: FRAMEWORK_ONLY }) });
    expect(text.stdout).toMatch(/mangum +handlers\/python_api\/main\.py:12 +MISSING/);
  });

  it("npm start refuses to serve it; --skip-checks serves it loudly and it answers 500 with the seed's error", async () => {
    const env = cliEnv({ CDKTF_CONTEXT_JSON: FRAMEWORK_ONLY });
    const refused = await runCli(['start', '--skip-build', '--build-dir', frameworkOnly, '--port', '0'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("Unable to import module 'main': No module named 'mangum'");
    const server = await startLocalServer(['--build-dir', frameworkOnly, '--skip-checks'], env);
    try {
      expect(server.stderr()).toContain('!! --skip-checks: the deployment rules are not enforced.');
      expect(server.stderr()).toMatch(
        /warning: --skip-checks: serving what the deployment rules refuse: \[import-coverage\] api-dev: handlers\/python_api\/main\.py:12 imports mangum/,
      );
      expect(server.info).toMatchObject({ interpreter: { name: 'Python' }, skipChecks: true });
      const response = await request(`${server.url}/`);
      expect(response.status).toBe(500);
      expect(response.json).toMatchObject({ errorType: 'Runtime.ImportModuleError', errorMessage: "Unable to import module 'main': No module named 'mangum'" });
      // The rollout's probe, straight to the function through Lambda's Invoke API, says the same and fails.
      const probe = await runCli(['probe', 'api-dev', '--function', String(server.info['functionName']), '--version', '4'], {
        env: { ...env, AWS_ENDPOINT_URL_LAMBDA: server.url, AWS_REGION: 'ap-northeast-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
      });
      expect(probe.code).toBe(1);
      expect(probe.stderr).toContain(
        "✗ GET / on multicloud-auto-deploy-dev-api:4: the function failed: Runtime.ImportModuleError: Unable to import module 'main': No module named 'mangum'",
      );
    } finally {
      await server.stop();
    }
  });

  it('synth refuses too, before writing anything, with the same message', async () => {
    const copy = copyProject('python-synth');
    await withoutMangum(copy);
    const env = cliEnv({ CDKTF_CONTEXT_JSON: PYTHON_CONTEXT });
    const synth = await runCli(['synth'], { env, cwd: copy });
    expect(synth.code).toBe(1);
    expect(synth.stderr).toContain('handlers/python_api/main.py:12 imports mangum, and nothing the function gets provides it');
    // The failed build left its manifest; the cdktf app alone (what `cdktf synth` runs) refuses it as well.
    const app = await runNode('main.ts', [], { env, cwd: copy });
    expect(app.code).toBe(1);
    expect(app.stderr).toContain("Unable to import module 'main': No module named 'mangum'");
    expect(fs.existsSync(path.join(copy, 'cdktf.out'))).toBe(false);
  });
});

describe('a small Python function served locally', () => {
  let wheels: string;

  beforeAll(() => {
    wheels = makeFixtureWheels().dir;
  });

  function fixtureProject(requirements: string) {
    const root = makePythonProject(requirements, { name: 'py' });
    copyFixtureFunction(root);
    const config = configFor(root, { defaults: { function: 'python', layers: ['py'] } });
    return {
      root,
      config,
      options: {
        families: PLUGINS,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        buildDir: path.join(root, '.build'),
        config,
        progress: silentProgress,
        env: offlineWheelEnv(wheels),
        onlyUsed: true,
      },
    };
  }

  it("answers through /var/task and /opt, with Lambda's sys.path order, and reaches DynamoDB with the runtime's boto3", async () => {
    const project = fixtureProject('alpha==1.0.0\n');
    await runBuild(project.options);
    const api = await serve(project);
    try {
      const root = (await request(`${api.url}/`)).json as { alpha: string; path: string[] };
      expect(root.alpha).toBe('alpha+beta');
      expect(root.path.map((entry) => entry.slice(api.sandbox.root.length))).toEqual([
        '/var/task',
        '/opt/python/lib/python3.12/site-packages',
        '/opt/python',
        '/var/lang/lib/python3.12/site-packages',
        '/var/runtime',
      ]);
      expect(api.runtimePackages).toMatch(/^boto3 \d+\.\d+\.\d+ \(botocore .*\) from \/.*, linked into \/var\/lang\/lib\/python3\.12\/site-packages$/);
      expect(await request(`${api.url}/tables`)).toMatchObject({ status: 200, json: { tables: ['multicloud-auto-deploy-dev-messages'] } });
      expect((await request(`${api.url}/nope`)).status).toBe(404);
    } finally {
      await api.stop();
    }
  });

  it("says which Python to install when the runtime's version is not on the machine", async () => {
    const root = makePythonProject('alpha==1.0.0\n', { name: 'py' });
    copyFixtureFunction(root);
    const config = configFor(root, { defaults: { function: 'python', runtime: 'python3.14', layers: ['py'] } });
    const buildDir = path.join(root, '.build');
    await runBuild({
      families: PLUGINS,
      projectRoot: root,
      toolHome: PROJECT_ROOT,
      buildDir,
      config,
      progress: silentProgress,
      env: offlineWheelEnv(wheels),
      onlyUsed: true,
    });
    const nowhere = makeTempDir('no-python');
    await expect(
      startLocalApi({
        families: PLUGINS,
        env: config.environments[0],
        artifacts: servedFromBuildFolder(projectContext(root, {}, PLUGINS, PROJECT_ROOT), config.environments[0], buildDir, false, () => undefined),
        buildDir,
        projectRoot: root,
        toolHome: PROJECT_ROOT,
        port: 0,
        log: () => undefined,
        lookup: { PATH: nowhere, PYENV_ROOT: nowhere },
      }),
    ).rejects.toThrow(
      /^The local run needs Python 3\.14 \(the python3\.14 runtime\) to run the function, and there is no Python 3\.14 interpreter on this machine \(looked at .*\); install one \(`pyenv install 3\.14`, or Debian: apt-get install python3\.14\) or set PYTHON3_14 to its path\.$/,
    );
  });

  it('reports an init failure as Lambda does, for a layer without the module', async () => {
    const project = fixtureProject('beta==1.0.0\n');
    await expect(runBuild(project.options)).rejects.toThrow(/main\.py:10 imports alpha/);
    const api = await serve(project, true);
    try {
      expect((await request(`${api.url}/`)).json).toMatchObject({
        errorType: 'Runtime.ImportModuleError',
        errorMessage: "Unable to import module 'main': No module named 'alpha'",
      });
    } finally {
      await api.stop();
    }
  });
});

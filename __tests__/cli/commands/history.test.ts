import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DeleteLayerVersionCommand, LambdaClient, PublishLayerVersionCommand } from '@aws-sdk/client-lambda';
import { deploymentsFrom, rollbackChanges, rollbackTarget } from '../../../history/deployments';
import { readDeploymentState } from '../../../history/terraform-state';
import { commitFromHead } from '../../../project/git-commit';
import { MotoServer, createBucket, startMoto } from '../../support/moto';
import { STAGING, terraformStateFile } from '../../support/terraform-state';
import { PROJECT_ROOT, cliEnv, copyBuildTo, runCli, runNode } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';
import { Json } from '../../support/json';

const { region: REGION, stack: STACK, stateKey: STATE_KEY, layer: LAYER, function: FUNCTION } = STAGING;
const STATE_BUCKET = 'history-test-state';
const ARTIFACT_BUCKET = 'history-test-artifacts';
const PLAIN_BUCKET = 'history-test-unversioned';
const CODE_KEY = 'functions/multicloud-auto-deploy/staging/api.zip';
const COMMITS = ['1111111111111111111111111111111111111111', '2222222222222222222222222222222222222222', '3333333333333333333333333333333333333333'];

/** A state file with logical names unlike the stacks' own: history finds resources by type. */
function terraformState(
  serial: number,
  commit: string,
  layerArn: string,
  contentHash: string,
  codeHash: string,
  codeVersion: string,
  versions: Record<string, unknown> = {},
  packages = 'hono@4.13.19',
): string {
  return terraformStateFile({
    serial,
    lineage: '6a0c9a3e-4d2f-4b51-a4b8-000000000001',
    outputs: { deployed_commit: commit, api_url: 'https://example.execute-api.ap-northeast-1.amazonaws.com', ...versions },
    resources: [
      { mode: 'data', type: 'archive_file', name: 'whatever', provider: 'archive', attributes: { output_base64sha256: codeHash } },
      // The stack's other functions (named in function_versions), listed before the API's: the API is the one the output
      // function_name names. Their code goes through the artifact bucket as the API's does (here the same object version).
      ...Object.keys((versions['function_versions'] as Record<string, string> | undefined) ?? {}).map((name) => ({
        type: 'aws_lambda_function',
        name: `a_${name}`,
        attributes: {
          function_name: `${FUNCTION.replace(/-api$/, '')}-${name}`,
          layers: [layerArn],
          source_code_hash: Buffer.from(`${name} ${serial}`).toString('base64'),
          s3_bucket: ARTIFACT_BUCKET,
          s3_key: CODE_KEY,
          s3_object_version: codeVersion,
        },
      })),
      {
        type: 'aws_lambda_layer_version',
        name: `renamed_layer_${serial}`,
        attributes: {
          arn: layerArn,
          layer_arn: layerArn.replace(/:\d+$/, ''),
          layer_name: LAYER,
          version: layerArn.split(':').pop(),
          description: `content ${contentHash} | nodejs24.x x86_64 | ${packages}`,
          skip_destroy: true,
        },
      },
      {
        type: 'aws_lambda_function',
        name: 'not_the_usual_name',
        attributes: {
          function_name: FUNCTION,
          layers: [layerArn],
          source_code_hash: codeHash,
          s3_bucket: ARTIFACT_BUCKET,
          s3_key: CODE_KEY,
          s3_object_version: codeVersion,
          filename: null,
        },
      },
    ],
  });
}

/**
 * The outputs per deploy: none of the rollout's or the audit's before stacks recorded them; then live on
 * the newest, deployed from a workflow run; then a canary of 3 beside live 2, from a laptop, as a rollback.
 */
const VERSION_OUTPUTS: Array<Record<string, unknown>> = [
  {},
  {
    newest_version: '2',
    live_version: '2',
    canary: { version: '', percent: 0 },
    deployed_by: 'octocat',
    deployed_from: 'https://github.com/o/r/actions/runs/11',
    rolled_back_to_serial: '',
    rollback_scope: '',
    function_name: FUNCTION,
    function_versions: { stats: '1' },
    function_live_versions: { stats: '1' },
  },
  {
    newest_version: '3',
    live_version: '2',
    canary: { version: '3', percent: 10 },
    deployed_by: 'alice (local)',
    deployed_from: 'local machine build-7',
    rolled_back_to_serial: '1',
    rollback_scope: 'layers',
    // A stack of several functions: the API named by function_name, the others' versions by name.
    function_name: FUNCTION,
    function_versions: { worker: '5', stats: '2' },
    function_live_versions: { worker: '4', stats: '2' },
  },
];
/** The direct packages each deploy's layer description lists. */
const LAYER_PACKAGES = ['hono@4.11.0', '@aws-sdk/client-dynamodb@3.1000.0, hono@4.12.0', '@aws-sdk/client-dynamodb@3.1164.0, hono@4.13.19'];

interface HistoryFixture {
  readonly moto: MotoServer;
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
  readonly layerArns: readonly string[];
  readonly codeVersions: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/**
 * A moto server holding three deploys of the staging stack: five layer versions (v1 predates the history;
 * v2, v3, v4 are the deploys; v5 is unused), three code versions and three state versions. A test that
 * deletes or adds something makes its own, so every test passes alone and in any order.
 */
async function historyFixture(): Promise<HistoryFixture> {
  const moto = await startMoto(REGION);
  const s3 = new S3Client(moto.sdk);
  const lambda = new LambdaClient(moto.sdk);
  const layerArns: string[] = [];
  const codeVersions: string[] = [];
  for (const bucket of [STATE_BUCKET, ARTIFACT_BUCKET, PLAIN_BUCKET]) await createBucket(moto, s3, bucket, bucket !== PLAIN_BUCKET);
  for (let i = 1; i <= 5; i++) {
    const published = await lambda.send(
      new PublishLayerVersionCommand({ LayerName: LAYER, Content: { ZipFile: Buffer.from(`layer zip ${i}`) }, CompatibleRuntimes: ['nodejs24.x'] }),
    );
    layerArns.push(published.LayerVersionArn!);
  }
  // Three deploys, each a new code version and a new state version, as Terraform writes them.
  for (let i = 0; i < 3; i++) {
    const code = await s3.send(new PutObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: CODE_KEY, Body: `code ${i}` }));
    codeVersions.push(code.VersionId!);
    const state = terraformState(
      2 * i + 1,
      COMMITS[i],
      layerArns[i + 1],
      `${i}`.repeat(16),
      `Y29kZSBoYXNo${i}=`,
      code.VersionId!,
      VERSION_OUTPUTS[i],
      LAYER_PACKAGES[i],
    );
    await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: state }));
    // Distinct LastModified seconds, as separate deploys have.
    await new Promise((resolve) => setTimeout(resolve, 1100));
  }
  await s3.send(new PutObjectCommand({ Bucket: PLAIN_BUCKET, Key: STATE_KEY, Body: terraformState(1, COMMITS[0], layerArns[1], 'a'.repeat(16), 'x', 'v') }));
  return {
    moto,
    s3,
    lambda,
    layerArns,
    codeVersions,
    env: cliEnv({ ...moto.env, STATE_BUCKET, ARTIFACT_BUCKET }),
    stop: async () => {
      s3.destroy();
      lambda.destroy();
      await moto.stop();
    },
  };
}

/** Runs a test against a fixture of its own, for a test that changes what it finds. */
async function withOwnFixture(test: (fixture: HistoryFixture) => Promise<void>): Promise<void> {
  const fixture = await historyFixture();
  try {
    await test(fixture);
  } finally {
    await fixture.stop();
  }
}

/** The fixture the tests that only read share. */
let shared: HistoryFixture;
let layerArns: readonly string[];
let codeVersions: readonly string[];
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  shared = await historyFixture();
  ({ layerArns, codeVersions, env } = shared);
}, 60_000);

afterAll(async () => {
  await shared?.stop();
});

describe('npm run history', () => {
  it('lists every deployment newest first, from the state versions, finding resources by type', async () => {
    const result = await runCli(['history', STACK, '--json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { deployments: Json[] };
    expect(report.deployments.map((deployment) => [deployment['serial'], deployment['commit'], deployment['terraformVersion']])).toEqual([
      [5, COMMITS[2], '1.11.4'],
      [3, COMMITS[1], '1.11.4'],
      [1, COMMITS[0], '1.11.4'],
    ]);
    expect(report.deployments[0]['layers']).toEqual([
      {
        arn: layerArns[3],
        layerName: LAYER,
        version: 4,
        contentHash: '2222222222222222',
        packages: {
          list: [
            { name: '@aws-sdk/client-dynamodb', version: '3.1164.0' },
            { name: 'hono', version: '4.13.19' },
          ],
          complete: true,
        },
      },
    ]);
    expect(report.deployments.map((deployment) => [deployment['origin'], deployment['rollback']])).toEqual([
      [
        { by: 'alice (local)', from: 'local machine build-7' },
        { serial: 1, scope: 'layers' },
      ],
      [{ by: 'octocat', from: 'https://github.com/o/r/actions/runs/11' }, undefined],
      [undefined, undefined],
    ]);
    expect(report.deployments[0]['function']).toEqual({
      functionName: FUNCTION,
      layers: [layerArns[3]],
      codeHash: 'Y29kZSBoYXNo2=',
      s3: { bucket: ARTIFACT_BUCKET, key: CODE_KEY, version: codeVersions[2] },
    });
    expect(report.deployments.every((deployment) => typeof deployment['time'] === 'string' && deployment['stateVersionId'])).toBe(true);
    // Each other function's code and layers, found by its whole name: the API's with its own name for "api".
    const deployed = (name: string, serial: number, i: number) => ({
      functionName: `${FUNCTION.replace(/-api$/, '')}-${name}`,
      layers: [layerArns[i + 1]],
      codeHash: Buffer.from(`${name} ${serial}`).toString('base64'),
      s3: { bucket: ARTIFACT_BUCKET, key: CODE_KEY, version: codeVersions[i] },
    });
    expect(report.deployments.map((deployment) => deployment['functions'])).toEqual([
      [
        { name: 'stats', newest: '2', live: '2', deployed: deployed('stats', 5, 2) },
        { name: 'worker', newest: '5', live: '4', deployed: deployed('worker', 5, 2) },
      ],
      [{ name: 'stats', newest: '1', live: '1', deployed: deployed('stats', 3, 1) }],
      undefined,
    ]);
    expect(report.deployments.map((deployment) => deployment['versions'])).toEqual([
      { newest: '3', live: '2', canary: { version: '3', percent: 10 } },
      { newest: '2', live: '2' },
      undefined,
    ]);
    const text = await runCli(['history', STACK], { env });
    expect(text.stdout).toContain(`serial 5 `);
    expect(text.stdout).toContain(`layers ${LAYER}:4`);
    expect(text.stdout).toContain('function versions: newest 3, live 2, canary 3 at 10%\n      stats: newest 2, live 2\n      worker: newest 5, live 4\n');
    expect(text.stdout).toContain('function versions: newest 2, live 2\n      stats: newest 1, live 1\n');
    expect(text.stdout).toContain('function versions: newest -, live -\n');
    expect(text.stdout).toContain('      by alice (local) from local machine build-7\n      rollback to serial 1 (layers only)\n');
    expect(text.stdout).toContain('      by octocat from https://github.com/o/r/actions/runs/11\n      function versions');
    expect(text.stdout).toContain('      by (not recorded)\n');
  });

  it('warns of a state version it cannot read, naming its version id, and lists the others', () =>
    withOwnFixture(async ({ s3: ownS3, env: ownEnv }) => {
      const broken = await ownS3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: '{"version": 4, "serial": 7, "resources": [' }));
      const history = await runCli(['history', STACK], { env: ownEnv });
      expect(history.code).toBe(0);
      expect(history.stderr).toContain(`warning: state version ${broken.VersionId} of s3://${STATE_BUCKET}/${STATE_KEY} could not be read (not JSON`);
      expect(history.stdout).toContain('serial 5 ');
    }));

  it('says that history needs bucket versioning, and how to turn it on', async () => {
    const result = await runCli(['history', STACK], { env: { ...env, STATE_BUCKET: PLAIN_BUCKET } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`History needs versioning on the state bucket ${PLAIN_BUCKET}, and it is off`);
    expect(result.stderr).toContain(`aws s3api put-bucket-versioning --bucket ${PLAIN_BUCKET} --versioning-configuration Status=Enabled`);
  });
});

describe('npm run rollback', () => {
  it('prints the target and what would change with --dry-run, and writes nothing', async () => {
    const buildDir = makeTempDir('rollback-dry');
    const result = await runCli(['rollback', STACK, '--to', '1', '--dry-run', '--build-dir', buildDir, '--json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Json;
    expect(report['target']).toMatchObject({ serial: 1, commit: COMMITS[0], layers: [layerArns[1]], codeHash: 'Y29kZSBoYXNo0=' });
    expect(report['changes']).toEqual([
      `layer ${layerArns[1]} is attached again`,
      `layer ${layerArns[3]} is detached (its version stays in Lambda)`,
      'function code: Y29kZSBoYXNo2= → Y29kZSBoYXNo0=',
      `deployed commit: ${COMMITS[2]} → ${COMMITS[0]}`,
    ]);
    expect(report['scope']).toBe('layers and code');
    expect(report['layers']).toEqual([
      {
        layerName: LAYER,
        from: 4,
        to: 2,
        packages: {
          added: [],
          removed: [{ name: '@aws-sdk/client-dynamodb', version: '3.1164.0' }],
          changed: [{ name: 'hono', from: '4.13.19', to: '4.11.0' }],
          complete: true,
        },
      },
    ]);
    expect(result.stderr).toContain(`  layer ${LAYER}: version 4 → version 2; hono 4.13.19 → 4.11.0, @aws-sdk/client-dynamodb 3.1164.0 removed\n`);
    expect(result.stderr).toContain('Dry run: nothing was written or applied.');
    expect(fs.existsSync(path.join(buildDir, 'pins'))).toBe(false);
  });

  it("refuses a layers-only rollback to layers that lack a package the current code needs (the seed's incident), and takes what the runtime ships as provided", async () => {
    const buildDir = copyBuildTo(path.join(makeTempDir('rollback-layers-only'), 'build'), { preserveTimestamps: true });
    // Serial 1's layer holds hono only; the code's other package, the AWS SDK, is the nodejs24.x runtime's (as the import check says).
    const fine = await runCli(['rollback', STACK, '--target', '1', '--layers-only', '--dry-run', '--build-dir', buildDir, '--json'], { env });
    expect(fine.code).toBe(0);
    expect(JSON.parse(fine.stdout).currentCode).toEqual({ status: 'passed', missing: [] });
    expect(fine.stderr).toContain(
      'current code against those layers: all 2 package(s) the code takes from outside its bundle are provided (@aws-sdk/client-dynamodb: nodejs24.x runtime: AWS SDK for JavaScript v3, shipped with the runtime; hono: layer',
    );
    // Each function's own code against its own layers: stats alone needing zod refuses, naming stats.
    const manifestFile = path.join(buildDir, 'manifest.json');
    const original = fs.readFileSync(manifestFile, 'utf8');
    const statsNeeds = JSON.parse(original) as { bundles: { function: string; externals: string[] }[] };
    for (const bundle of statsNeeds.bundles) if (bundle.function === 'stats') bundle.externals = [...bundle.externals, 'zod'];
    fs.writeFileSync(manifestFile, JSON.stringify(statsNeeds));
    const stats = await runCli(['rollback', STACK, '--target', '3', '--layers-only', '--dry-run', '--build-dir', buildDir], { env });
    expect([stats.code, stats.stderr]).toEqual([1, expect.stringContaining(`The current code of ${STACK} stats needs zod from outside its bundle`)]);
    fs.writeFileSync(manifestFile, original);
    // Code that needs a package neither serial 1's layer nor the runtime has is refused.
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { bundles: { externals: string[] }[] };
    for (const bundle of manifest.bundles) bundle.externals = [...bundle.externals, 'zod'];
    fs.writeFileSync(manifestFile, JSON.stringify(manifest));
    const result = await runCli(['rollback', STACK, '--target', '1', '--layers-only', '--dry-run', '--build-dir', buildDir], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `The current code of ${STACK} needs zod from outside its bundle, and neither the nodejs24.x runtime nor the layers of serial 1 provide it: a layers-only rollback would deploy code that cannot import its packages`,
    );
    // Without a current build to read, the check says it did not run, and why; it does not pass.
    const unbuilt = await runCli(['rollback', STACK, '--target', '1', '--layers-only', '--dry-run', '--build-dir', makeTempDir('rollback-unbuilt'), '--json'], {
      env,
    });
    expect(unbuilt.code).toBe(0);
    expect(JSON.parse(unbuilt.stdout).currentCode).toEqual({ status: 'skipped', missing: [] });
    expect(unbuilt.stderr).toMatch(/current code against those layers: not checked: the current build could not be read \(.*\); run npm run build first/);
  });

  it("reads the workflow's target form and names a bad one", async () => {
    const steps = await runCli(['rollback', STACK, '--target', '~2', '--dry-run', '--json'], { env });
    expect(steps.code).toBe(0);
    expect(JSON.parse(steps.stdout).target.serial).toBe(1);
    const bad = await runCli(['rollback', STACK, '--target', '1; rm -rf /', '--dry-run'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--target takes a state serial such as 41, or ~N for N deployments back (~1 is the previous one), got "1; rm -rf /".');
    const both = await runCli(['rollback', STACK, '--target', '1', '--to', '1'], { env });
    expect(both.stderr).toContain('--target replaces --to and --steps; give one of them.');
    // What the command line alone refuses is refused before AWS is asked (here there is none to ask).
    const offline = cliEnv({});
    const none = await runCli(['rollback', STACK, '--dry-run'], { env: offline });
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('Give either --to <serial> or --steps <n> or --target <serial|~n>.')]);
    const notDeployed = await runCli(['rollback', STACK, '--to', '1', '--function', 'worker', '--dry-run'], { env: offline });
    expect([notDeployed.code, notDeployed.stderr]).toEqual([
      2,
      expect.stringContaining(
        `There is no function "worker"; functions are api, stats. ${STACK} deploys its API and the declared functions of the API's family (nodejs), unless its "functions" setting names others`,
      ),
    ]);
  });

  it('pins the previous deployment with --steps 1, and the pin reaches the synthesised stack', async () => {
    const buildDir = path.join(PROJECT_ROOT, '.build-rollback-test');
    const outdir = path.join(PROJECT_ROOT, 'cdktf.out.rollback-test');
    fs.rmSync(buildDir, { recursive: true, force: true });
    copyBuildTo(buildDir, { preserveTimestamps: true });
    try {
      const result = await runCli(['rollback', STACK, '--steps', '1', '--build-dir', buildDir], { env });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`Next: npm run deploy -- ${STACK}`);
      expect(result.stderr).toContain('That deploy removes the pin; the deploy after it deploys the current build again.');
      const pin = JSON.parse(fs.readFileSync(path.join(buildDir, 'pins', `${STACK}.json`), 'utf8'));
      const code = { bucket: ARTIFACT_BUCKET, key: CODE_KEY, version: codeVersions[1] };
      // Every function of serial 3 the stack deploys: the API and stats.
      expect(pin).toEqual({
        stack: STACK,
        serial: 3,
        commit: COMMITS[1],
        scope: 'layers and code',
        functions: {
          api: { layers: [layerArns[2]], code: { codeHash: 'Y29kZSBoYXNo1=', s3: code } },
          stats: { layers: [layerArns[2]], code: { codeHash: Buffer.from('stats 3').toString('base64'), s3: code } },
        },
        replacesSerial: 5,
      });

      const synth = await runNode('main.ts', [], { env: { ...env, BUILD_DIR: buildDir, CDKTF_OUTDIR: outdir } });
      expect(synth.code).toBe(0);
      expect(synth.stderr).toContain(`note: ${STACK} is pinned to serial 3 (layers and code of api, stats) by a rollback`);
      const stack = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
      const functionNamed = (json: { resource: Record<string, Record<string, Record<string, unknown>>> }, name: string) =>
        Object.values(json.resource['aws_lambda_function']).find((candidate) => candidate['function_name'] === name)!;
      const fn = functionNamed(stack, FUNCTION);
      expect(fn).toMatchObject({
        layers: [layerArns[2]],
        s3_bucket: ARTIFACT_BUCKET,
        s3_key: CODE_KEY,
        s3_object_version: codeVersions[1],
        source_code_hash: 'Y29kZSBoYXNo1=',
      });
      expect(functionNamed(stack, `${FUNCTION.replace(/-api$/, '')}-stats`)).toMatchObject({
        layers: [layerArns[2]],
        s3_object_version: codeVersions[1],
        source_code_hash: Buffer.from('stats 3').toString('base64'),
      });
      expect(stack.output.rolled_back_to_serial.value).toBe('3');
      expect(stack.output.rollback_scope.value).toBe('layers and code');
      const other = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', 'api-dev', 'cdk.tf.json'), 'utf8'));
      expect(other.output.rolled_back_to_serial.value).toBe('');

      // Layers only: the same target's layers, with the current build's code.
      const layersOnly = await runCli(['rollback', STACK, '--steps', '1', '--layers-only', '--build-dir', buildDir, '--json'], { env });
      expect(layersOnly.code).toBe(0);
      expect(JSON.parse(layersOnly.stdout).currentCode).toEqual({ status: 'passed', missing: [] });
      expect(layersOnly.stderr).toContain(
        `current code against those layers: all 2 package(s) the code takes from outside its bundle are provided (@aws-sdk/client-dynamodb: layer ${LAYER}: @aws-sdk/client-dynamodb 3.1000.0; hono: layer ${LAYER}: hono 4.12.0)`,
      );
      expect(JSON.parse(fs.readFileSync(path.join(buildDir, 'pins', `${STACK}.json`), 'utf8'))).toEqual({
        stack: STACK,
        serial: 3,
        commit: COMMITS[1],
        scope: 'layers',
        functions: { api: { layers: [layerArns[2]] }, stats: { layers: [layerArns[2]] } },
        replacesSerial: 5,
      });
      const resynth = await runNode('main.ts', [], { env: { ...env, BUILD_DIR: buildDir, CDKTF_OUTDIR: outdir } });
      expect(resynth.code).toBe(0);
      const pinned = JSON.parse(fs.readFileSync(path.join(outdir, 'stacks', STACK, 'cdk.tf.json'), 'utf8'));
      const pinnedFn = functionNamed(pinned, FUNCTION);
      expect(pinnedFn['layers']).toEqual([layerArns[2]]);
      // The code is this build's, through its own artifact object, not serial 3's.
      expect(pinnedFn['s3_object_version']).toMatch(/^\$\{aws_s3_object\..+\.version_id\}$/);
      expect(pinnedFn['source_code_hash']).toMatch(/^\$\{data\.archive_file\..+\.output_base64sha256\}$/);
      expect(pinned.output.rollback_scope.value).toBe('layers');
      expect(pinned.output.deployed_by.value).toMatch(/ \(local\)$/);
    } finally {
      fs.rmSync(buildDir, { recursive: true, force: true });
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('rolls back one function with --function, every other deploying as built, and names a function the target or the stack lacks', async () => {
    const result = await runCli(['rollback', STACK, '--to', '3', '--function', 'stats', '--dry-run', '--json'], { env });
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as Json;
    expect(Object.keys(report['functions'])).toEqual(['stats']);
    expect(report['functions']['stats']).toMatchObject({
      layers: [layerArns[2]],
      codeHash: Buffer.from('stats 3').toString('base64'),
      changes: [
        `layer ${layerArns[2]} is attached again`,
        `layer ${layerArns[3]} is detached (its version stays in Lambda)`,
        `function code: ${Buffer.from('stats 5').toString('base64')} → ${Buffer.from('stats 3').toString('base64')}`,
      ],
    });
    expect(report['asBuilt']).toEqual(['api']);
    expect(result.stderr).toContain(', layers and code, function stats alone\n  stats:\n    layer ');
    expect(result.stderr).toContain('  api: stays as built\n');

    const missing = await runCli(['rollback', STACK, '--to', '1', '--function', 'stats', '--dry-run'], { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('--function stats cannot be rolled back to serial 1: serial 1 has no function stats (it has api).');
    // Serial 3 has the API and stats, and the stack deploys both: nothing stays as built, nothing is left out.
    const all = await runCli(['rollback', STACK, '--to', '3', '--dry-run', '--json'], { env });
    expect(JSON.parse(all.stdout)).toMatchObject({ asBuilt: [], notRestored: [] });
    const bad = await runCli(['rollback', STACK, '--to', '3', '--function', 'Stats; rm', '--dry-run'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--function takes a function\'s name from the configuration, such as api or worker, got "Stats; rm".');
  });

  it('refuses a serial that is not in the history, naming the ones there are', async () => {
    const result = await runCli(['rollback', STACK, '--to', '4', '--dry-run'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Serial 4 is not in the history of this stack; its serials are 5, 3, 1.');
  });

  it('refuses a deployment whose code version is gone from the artifact bucket', () =>
    withOwnFixture(async (own) => {
      await own.s3.send(new DeleteObjectCommand({ Bucket: ARTIFACT_BUCKET, Key: CODE_KEY, VersionId: own.codeVersions[0] }));
      const result = await runCli(['rollback', STACK, '--to', '1', '--dry-run'], { env: own.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `The function code of serial 1 (s3://${ARTIFACT_BUCKET}/${CODE_KEY}, version ${own.codeVersions[0]}) is no longer in the artifact bucket`,
      );
    }));

  it('refuses a deployment whose layer version no longer exists', () =>
    withOwnFixture(async (own) => {
      await own.lambda.send(new DeleteLayerVersionCommand({ LayerName: LAYER, VersionNumber: 2 }));
      const result = await runCli(['rollback', STACK, '--to', '1', '--dry-run'], { env: own.env });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`Layer version ${own.layerArns[1]} of serial 1 no longer exists (pruned or deleted)`);
    }));
});

describe('deciding without AWS', () => {
  const state = (serial: number, layer: string, code: string) =>
    readDeploymentState(terraformState(serial, COMMITS[0], `arn:aws:lambda:${REGION}:123456789012:layer:${LAYER}:${layer}`, 'f'.repeat(16), code, 'v'));
  const history = deploymentsFrom([
    { versionId: 'a', lastModified: '2026-11-01T00:00:00.000Z', state: state(1, '1', 'c1') },
    { versionId: 'b', lastModified: '2026-11-02T00:00:00.000Z', state: state(2, '2', 'c2') },
    { versionId: 'b2', lastModified: '2026-11-02T00:00:01.000Z', state: state(2, '2', 'c2') },
    { versionId: 'c', lastModified: '2026-11-03T00:00:00.000Z', state: state(3, '3', 'c3') },
  ]);

  it('keeps one entry per serial, newest first', () => {
    expect(history.map((deployment) => [deployment.serial, deployment.stateVersionId])).toEqual([
      [3, 'c'],
      [2, 'b2'],
      [1, 'a'],
    ]);
  });

  it('resolves rollback targets by serial or by steps, and explains the misses', () => {
    expect(rollbackTarget(history, { steps: 2 }).target.serial).toBe(1);
    expect(rollbackTarget(history, { to: 2 }).target.serial).toBe(2);
    expect(() => rollbackTarget(history, { steps: 3 })).toThrow('The history holds 3 deployment(s) (serials 3, 2, 1); 3 step(s) back is beyond it.');
    expect(() => rollbackTarget(history, { to: 3 })).toThrow('Serial 3 is the current deployment; choose an earlier one');
    expect(() => rollbackTarget(history, {})).toThrow('Give either --to <serial> or --steps <n>.');
    expect(rollbackChanges(history[0], history[0])).toEqual(['layers: unchanged', 'function code: unchanged']);
  });

  it('reads the commit from git files without running git', () => {
    const sha = 'a'.repeat(40);
    expect(commitFromHead(`${sha}\n`, () => undefined)).toBe(sha);
    expect(commitFromHead('ref: refs/heads/main\n', (ref) => (ref === 'refs/heads/main' ? `${sha}\n` : undefined))).toBe(sha);
    expect(commitFromHead('ref: refs/heads/main\n', (ref) => (ref === 'packed-refs' ? `# pack-refs\n${sha} refs/heads/main\n` : undefined))).toBe(sha);
    expect(commitFromHead('garbage', () => undefined)).toBeUndefined();
  });
});

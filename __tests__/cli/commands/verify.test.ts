import { nodejsFamily } from '../../../family-plugins/nodejs/definition';
import { pythonFamily } from '../../../family-plugins/python/definition';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateFunctionCommand, LambdaClient, PublishLayerVersionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DeleteLogGroupCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { readManifest } from '../../../artifacts/manifest';
import { comparableEntry, judgeDeployment, missingModulesIn, DeployedStackFacts } from '../../../verification/deployment-check';
import { entriesFromDescription, expectedEntries, layerContent } from '../../../verification/gather';
import { zipEntryNames } from '../../../verification/zip-entries';
import { MotoServer, createBucket, startMoto } from '../../support/moto';
import { STAGING, terraformStateFile } from '../../support/terraform-state';
import { LocalServer, PROJECT_ROOT, buildWithoutPackage, cliEnv, runCli, startLocalServer } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';
import { zipFolder } from '../../support/zip';

const { region: REGION, stack: STACK, stateKey: STATE_KEY, layer: LAYER, function: FUNCTION } = STAGING;
const STATE_BUCKET = 'verify-test-state';
const ROLE = 'arn:aws:iam::123456789012:role/verify-test';

const manifest = readManifest(path.join(PROJECT_ROOT, '.build'));
const nodeLayer = manifest.layers.find((layer) => layer.id === 'dependencies/nodejs-x86_64')!;
const treeDir = path.join(PROJECT_ROOT, '.build', nodeLayer.treeDir);

let moto: MotoServer;
let lambda: LambdaClient;
let s3: S3Client;
let logs: CloudWatchLogsClient;
let outdir: string;
let archive: Buffer;

function state(apiUrl: string, layers: string[]): string {
  return terraformStateFile({
    serial: 7,
    lineage: 'verify',
    outputs: { api_url: apiUrl, function_name: FUNCTION, ...(localTable ? { table_name: localTable } : {}) },
    resources: [
      {
        type: 'aws_lambda_function',
        name: 'fn',
        attributes: { function_name: FUNCTION, layers, runtime: 'nodejs24.x', architectures: ['x86_64'], source_code_hash: 'x' },
      },
    ],
  });
}

async function publish(architectures: ('x86_64' | 'arm64')[]): Promise<string> {
  const published = await lambda.send(
    new PublishLayerVersionCommand({
      LayerName: LAYER,
      Content: { ZipFile: archive },
      CompatibleRuntimes: ['nodejs24.x'],
      CompatibleArchitectures: architectures,
    }),
  );
  return published.LayerVersionArn!;
}

async function deployed(apiUrl: string, stateLayers: string[], liveLayers: string[]): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: state(apiUrl, stateLayers) }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, Layers: liveLayers }));
}

interface VerifyReport {
  ok: boolean;
  strict: boolean;
  causes: { cause: string; evidence: string }[];
  checks: { name: string; status: 'passed' | 'failed' | 'skipped'; detail: string }[];
  counts: { passed: number; failed: number; skipped: number };
  logs: string[];
}

/** The local API's table, where verify removes what its create check wrote (its DynamoDB is the local run's). */
let localTable: string | undefined;
let localDynamoDb: string | undefined;

async function verify(extra: string[] = [], outDir = outdir): Promise<{ code: number; stdout: string; stderr: string; report: VerifyReport }> {
  const result = await runCli(['verify', STACK, '--json', ...extra], {
    env: cliEnv({ ...moto.env, STATE_BUCKET, CDKTF_OUTDIR: outDir, ...(localDynamoDb ? { AWS_ENDPOINT_URL_DYNAMODB: localDynamoDb } : {}) }),
  });
  return { ...result, report: JSON.parse(result.stdout) };
}

beforeAll(async () => {
  moto = await startMoto(REGION);
  s3 = new S3Client(moto.sdk);
  lambda = new LambdaClient(moto.sdk);
  logs = new CloudWatchLogsClient(moto.sdk);
  await createBucket(moto, s3, STATE_BUCKET);
  await new IAMClient(moto.sdk).send(new CreateRoleCommand({ RoleName: 'verify-test', AssumeRolePolicyDocument: '{}' }));
  // The archive this "deploy" built, where the synthesised stack keeps it.
  outdir = makeTempDir('verify-out');
  fs.mkdirSync(path.join(outdir, 'stacks', STACK, 'archives'), { recursive: true });
  const zip = path.join(outdir, 'stacks', STACK, 'archives', 'layer-dependencies.zip');
  zipFolder(treeDir, zip);
  archive = fs.readFileSync(zip);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: FUNCTION,
      Runtime: 'nodejs24.x',
      Role: ROLE,
      Handler: 'index.handler',
      Code: { ZipFile: archive },
      Architectures: ['x86_64'],
    }),
  );
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('npm run verify, against moto and the local API', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(['--env', 'staging']);
    localTable = String(server.info['tableName']);
    localDynamoDb = String(server.info['dynamodbEndpoint']);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('passes when the layers in the state are attached, are the built archive, and the API answers', async () => {
    const arn = await publish(['x86_64']);
    await deployed(server.url, [arn], [arn]);
    const { code, report, stderr } = await verify();
    expect(report.causes).toEqual([]);
    expect(code).toBe(0);
    const names = report.checks.map((check) => `${check.status} ${check.name}`);
    expect(names).toEqual([
      'passed layers attached',
      `passed layer ${LAYER}:${arn.split(':').pop()} content`,
      // moto gives no HTTP location for a layer's zip: the package check could not run, and says so.
      `skipped layer ${LAYER}:${arn.split(':').pop()} packages`,
      'passed API health',
      'passed API list',
      'passed API create',
      'passed API list-after-create',
      'passed API cleanup',
    ]);
    expect(report.checks[2]?.detail).toMatch(/^not checked: Lambda gave no downloadable location/);
    expect(report.counts).toEqual({ passed: 7, failed: 0, skipped: 1 });
    expect(stderr).toContain('✓ layers attached');
    expect(stderr).toMatch(new RegExp(`- layer ${LAYER}:\\d+ packages \\(skipped\\): not checked: Lambda gave no downloadable location`));
    expect(stderr).toContain('7 passed, 0 failed, 1 skipped\n');
    // It left nothing behind: the message it created is gone from the table, and said so.
    const created = report.checks.find((check) => check.name === 'API create')!.detail.split(' ')[1];
    expect(report.checks.find((check) => check.name === 'API cleanup')!.detail).toBe(`removed ${created} from ${localTable}: verify leaves no message behind`);
    const listed = (await (await fetch(`${server.url}/api/messages/?limit=100`)).json()) as { id: string }[];
    expect(listed.map((message) => message.id)).not.toContain(created);
  });

  it('fails, saying the message stays, when it cannot remove what its create check wrote', async () => {
    const arn = await publish(['x86_64']);
    await deployed(server.url, [arn], [arn]);
    const withoutTable = terraformStateFile({
      serial: 8,
      lineage: 'verify',
      outputs: { api_url: server.url, function_name: FUNCTION },
      resources: [
        {
          type: 'aws_lambda_function',
          name: 'fn',
          attributes: { function_name: FUNCTION, layers: [arn], runtime: 'nodejs24.x', architectures: ['x86_64'], source_code_hash: 'x' },
        },
      ],
    });
    await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: withoutTable }));
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.checks.find((check) => check.name === 'API cleanup')).toEqual({
      name: 'API cleanup',
      status: 'failed',
      detail: expect.stringMatching(/^the message [0-9a-f-]{36} stays: the state has no table_name output to remove it from$/),
    });
  });

  it('fails with --strict when a check could not run, saying that nothing failed', async () => {
    const arn = await publish(['x86_64']);
    await deployed(server.url, [arn], [arn]);
    const { code, report, stderr } = await verify(['--strict']);
    expect(code).toBe(1);
    expect(report).toMatchObject({ ok: false, strict: true, counts: { passed: 7, failed: 0, skipped: 1 }, causes: [] });
    expect(stderr).toContain('7 passed, 0 failed, 1 skipped (--strict: a skipped check fails)');
    expect(stderr).toContain('Nothing failed, but 1 check(s) could not run, and --strict counts that as a failure.');
  });

  it('skips, with the reason, the checks it has nothing to compare with: no archive of this deploy, no build manifest', async () => {
    const arn = await publish(['x86_64']);
    await deployed(server.url, [arn], [arn]);
    const elsewhere = makeTempDir('verify-no-archives');
    const result = await runCli(['verify', STACK, '--json', '--build-dir', path.join(elsewhere, 'no-build')], {
      env: cliEnv({ ...moto.env, STATE_BUCKET, CDKTF_OUTDIR: elsewhere, AWS_ENDPOINT_URL_DYNAMODB: localDynamoDb! }),
    });
    const report = JSON.parse(result.stdout) as VerifyReport;
    expect(result.code).toBe(0);
    const version = arn.split(':').pop();
    expect(report.checks.filter((check) => check.status === 'skipped')).toEqual([
      {
        name: `layer ${LAYER}:${version} content`,
        status: 'skipped',
        detail:
          "not checked: the archive this deploy built (archives/layer-dependencies.zip in the stack folder) is not here; verify beside the deploy's stack folder",
      },
      {
        name: `layer ${LAYER}:${version} packages`,
        status: 'skipped',
        detail: 'not checked: there is no build manifest here to list the packages the layer should hold (--build-dir)',
      },
    ]);
    expect(report.counts).toEqual({ passed: 6, failed: 0, skipped: 2 });
  });

  it('checks a rolled-back layer against what the restored deployment recorded, not against this build', async () => {
    // The restored layer is an older build: not this deploy's archive.
    const older = path.join(makeTempDir('verify-rollback'), 'older.zip');
    zipFolder(treeDir, older, ['nodejs/node_modules/hono/']);
    const published = await lambda.send(
      new PublishLayerVersionCommand({
        LayerName: LAYER,
        Content: { ZipFile: fs.readFileSync(older) },
        CompatibleRuntimes: ['nodejs24.x'],
        CompatibleArchitectures: ['x86_64'],
      }),
    );
    const arn = published.LayerVersionArn!;
    const restoredState = terraformStateFile({
      serial: 3,
      lineage: 'verify',
      outputs: { api_url: server.url, function_name: FUNCTION },
      resources: [
        {
          type: 'aws_lambda_layer_version',
          name: 'layer',
          attributes: {
            arn,
            layer_name: LAYER,
            code_sha256: published.Content!.CodeSha256,
            description: 'content 0123456789abcdef | nodejs24.x x86_64 | hono@4.13.19',
          },
        },
      ],
    });
    await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: restoredState }));
    const rolledBack = terraformStateFile({
      serial: 9,
      lineage: 'verify',
      outputs: { api_url: server.url, function_name: FUNCTION, table_name: localTable!, rolled_back_to_serial: '3', rollback_scope: 'layers' },
      resources: [
        {
          type: 'aws_lambda_function',
          name: 'fn',
          attributes: { function_name: FUNCTION, layers: [arn], runtime: 'nodejs24.x', architectures: ['x86_64'], source_code_hash: 'x' },
        },
      ],
    });
    await s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key: STATE_KEY, Body: rolledBack }));
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FUNCTION, Layers: [arn] }));
    const { code, report } = await verify();
    const version = arn.split(':').pop();
    expect(report.checks.find((check) => check.name === `layer ${LAYER}:${version} content`)).toEqual({
      name: `layer ${LAYER}:${version} content`,
      status: 'passed',
      detail: `CodeSha256 ${published.Content!.CodeSha256} is the archive serial 3 deployed`,
    });
    expect(report.checks.find((check) => check.name === `layer ${LAYER}:${version} packages`)).toMatchObject({ status: 'skipped' });
    expect(report.causes).toEqual([]);
    expect(code).toBe(0);
  });

  it('names a layer that is not attached', async () => {
    const arn = await publish(['x86_64']);
    await deployed(server.url, [arn], []);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.causes).toContainEqual({ cause: 'layer not attached', evidence: `not attached: ${LAYER}:${arn.split(':').pop()}` });
  });

  it("names a layer built for another architecture, and a layer that is not this deploy's archive", async () => {
    const arn = await publish(['arm64']);
    await deployed(server.url, [arn], [arn]);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.causes.map((c) => c.cause)).toEqual(['architecture or runtime mismatch']);
    fs.writeFileSync(path.join(outdir, 'stacks', STACK, 'archives', 'layer-dependencies.zip'), 'another build');
    try {
      const other = await verify();
      expect(other.report.checks.find((check) => check.name.endsWith(' content'))).toMatchObject({
        status: 'failed',
        detail: expect.stringContaining('but this deploy built'),
      });
    } finally {
      fs.writeFileSync(path.join(outdir, 'stacks', STACK, 'archives', 'layer-dependencies.zip'), archive);
    }
  });

  it('names an API that does not answer', async () => {
    const arn = await publish(['x86_64']);
    await deployed('http://127.0.0.1:9', [arn], [arn]);
    const { code, report } = await verify();
    expect(code).toBe(1);
    expect(report.causes).toEqual([{ cause: 'API not reachable', evidence: expect.stringMatching(/HTTP 0 no answer/) }]);
  });
});

describe('npm run verify when a package is missing from the layer', () => {
  it("prints the function's latest log events and names the missing module", async () => {
    const buildDir = buildWithoutPackage('verify-incident', 'hono');
    const broken = await startLocalServer(['--env', 'staging', '--build-dir', buildDir]);
    try {
      const arn = await publish(['x86_64']);
      await deployed(broken.url, [arn], [arn]);
      const group = `/aws/lambda/${FUNCTION}`;
      await logs.send(new CreateLogGroupCommand({ logGroupName: group }));
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: '2026/11/25/[$LATEST]abc' }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: '2026/11/25/[$LATEST]abc',
          logEvents: [
            { timestamp: Date.now() - 1000, message: 'INIT_START Runtime Version: nodejs:24.v12' },
            {
              timestamp: Date.now(),
              message:
                'ERROR Uncaught Exception {"errorType":"Runtime.ImportModuleError","errorMessage":"Error: Cannot find package \'hono\' imported from /var/task/index.mjs"}',
            },
          ],
        }),
      );
      const { code, report, stderr } = await verify();
      expect(code).toBe(1);
      expect(report.checks.find((check) => check.name === 'API health')).toMatchObject({ status: 'failed', detail: expect.stringContaining('HTTP 500') });
      expect(report.causes).toContainEqual({ cause: 'package missing from a layer', evidence: 'the function log says it cannot import hono' });
      expect(stderr).toContain(`Latest log events of /aws/lambda/${FUNCTION}:`);
      expect(stderr).toContain("Cannot find package 'hono'");
    } finally {
      // The log events are this test's: no other test may read them.
      await logs.send(new DeleteLogGroupCommand({ logGroupName: `/aws/lambda/${FUNCTION}` })).catch(() => undefined);
      await broken.stop();
    }
  });
});

describe('the layer download path (where moto serves no content)', () => {
  it('lists a downloaded layer zip and finds a package the build put in it missing', async () => {
    const full = path.join(makeTempDir('zips'), 'full.zip');
    const partial = path.join(path.dirname(full), 'partial.zip');
    zipFolder(treeDir, full);
    zipFolder(treeDir, partial, ['nodejs/node_modules/hono/']);
    const server = http.createServer((req, res) => {
      const file = req.url === '/full.zip' ? full : req.url === '/partial.zip' ? partial : undefined;
      if (!file) {
        res.writeHead(403);
        res.end('AccessDenied');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/zip' });
      res.end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const good = await layerContent(`${base}/full.zip`);
      const missing = await layerContent(`${base}/partial.zip`);
      expect(await layerContent(`${base}/expired`)).toEqual({ unavailable: 'downloading the layer answered HTTP 403' });
      expect(await layerContent('s3://')).toEqual({ unavailable: 'Lambda gave no downloadable location (s3://)' });
      const facts = (content: typeof good): DeployedStackFacts => ({
        stack: STACK,
        functionName: FUNCTION,
        desired: { layers: ['arn:aws:lambda:ap-northeast-1:123456789012:layer:x:1'] },
        live: { layers: ['arn:aws:lambda:ap-northeast-1:123456789012:layer:x:1'], runtime: 'nodejs24.x', architectures: ['x86_64'] },
        layers: [
          { arn: 'arn:aws:lambda:ap-northeast-1:123456789012:layer:x:1', own: true, exists: true, content, expected: expectedEntries(nodejsFamily, nodeLayer) },
        ],
        api: [],
        logs: [],
      });
      const packagesCheck = (verdict: ReturnType<typeof judgeDeployment>) => verdict.checks.find((check) => check.name === 'layer x:1 packages');
      expect(packagesCheck(judgeDeployment(facts(good)))).toEqual({
        name: 'layer x:1 packages',
        status: 'passed',
        detail: `all ${nodeLayer.packages.length} packages of the build are in the zip`,
      });
      // Without the content, the check is skipped (counted apart), never passed; --strict makes that a failure.
      const unreadable = judgeDeployment(facts({ unavailable: 'downloading the layer answered HTTP 403' }));
      expect(unreadable.checks.find((check) => check.name === 'layer x:1 content')).toEqual({
        name: 'layer x:1 content',
        status: 'skipped',
        detail: 'not checked: Lambda reported no CodeSha256 for it',
      });
      expect(packagesCheck(unreadable)).toEqual({
        name: 'layer x:1 packages',
        status: 'skipped',
        detail: 'not checked: downloading the layer answered HTTP 403',
      });
      expect(unreadable.counts.passed + unreadable.counts.failed + unreadable.counts.skipped).toBe(unreadable.checks.length);
      expect(unreadable.counts).toEqual({ passed: 1, failed: 0, skipped: 2 });
      const answering = {
        ...facts({ unavailable: 'x' }),
        api: (['health', 'list', 'create', 'list-after-create', 'cleanup'] as const).map((step) => ({ step, ok: true, detail: 'HTTP 200', ms: 1 })),
      };
      expect(judgeDeployment(answering).ok).toBe(true);
      expect(judgeDeployment(answering, { strict: true }).ok).toBe(false);
      expect(judgeDeployment(facts(missing)).causes).toEqual([{ cause: 'package missing from a layer', evidence: 'x:1 lacks hono@4.13.19' }]);
      // After a rollback, what the restored layer version's description lists is what must be inside.
      const described = {
        arn: 'arn:aws:lambda:ap-northeast-1:123456789012:layer:x:1',
        layerName: 'x',
        version: 1,
        packages: { list: [{ name: 'hono', version: '4.13.19' }], complete: true },
      };
      const restored = (content: typeof good): DeployedStackFacts => ({
        ...facts(content),
        layers: [
          {
            ...facts(content).layers[0],
            expected: entriesFromDescription(described, nodejsFamily),
            reference: { archive: 'serial 3 deployed', packages: 'the description of x:1' },
          },
        ],
      });
      expect(packagesCheck(judgeDeployment(restored(good)))).toEqual({
        name: 'layer x:1 packages',
        status: 'passed',
        detail: 'all 1 packages of the description of x:1 are in the zip',
      });
      expect(judgeDeployment(restored(missing)).causes).toEqual([{ cause: 'package missing from a layer', evidence: 'x:1 lacks hono@4.13.19' }]);
      expect(entriesFromDescription({ ...described, packages: { list: [{ name: 'PyJWT', version: '2.9.0' }], complete: true } }, pythonFamily)).toEqual([
        { pkg: 'PyJWT@2.9.0', entry: 'python/PyJWT-2.9.0.dist-info/METADATA' },
      ]);
      // pip and wheels spell a distribution's folder differently; the comparison does not care.
      expect(comparableEntry('python/PyJWT-2.9.0.dist-info/METADATA')).toBe(comparableEntry('python/pyjwt-2.9.0.dist-info/METADATA'));
      expect(comparableEntry('python/typing-extensions-4.12.2.dist-info/METADATA')).toBe(comparableEntry('python/typing_extensions-4.12.2.dist-info/METADATA'));
      expect(comparableEntry('python/typing_extensions-4.12.2.dist-info/METADATA')).not.toBe(
        comparableEntry('python/typing_extensions-4.12.3.dist-info/METADATA'),
      );
      expect(comparableEntry('nodejs/node_modules/Hono/package.json')).toBe('nodejs/node_modules/Hono/package.json');
      expect(zipEntryNames(fs.readFileSync(full))).toContain('nodejs/node_modules/hono/package.json');
      expect(createHash('sha256').update(fs.readFileSync(full)).digest('base64')).toMatch(/=$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('names a missing function, and platform errors in the log', () => {
    const verdict = judgeDeployment({
      stack: STACK,
      functionName: FUNCTION,
      desired: { layers: [] },
      layers: [],
      api: [],
      logs: ['Error: /opt/nodejs/node_modules/sharp/build/Release/sharp.node: invalid ELF header'],
    });
    expect(verdict.ok).toBe(false);
    expect(verdict.causes.map((c) => c.cause)).toEqual(['function missing', 'architecture or runtime mismatch']);
  });

  it('reads import errors of both runtimes from log lines', () => {
    expect(
      missingModulesIn(["Error: Cannot find module 'zod'", "Runtime.ImportModuleError: Unable to import module 'main': No module named 'mangum'"]),
    ).toEqual(['zod', 'mangum']);
  });
});

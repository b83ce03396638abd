import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateAliasCommand, CreateFunctionCommand, LambdaClient, PublishVersionCommand, UpdateFunctionCodeCommand } from '@aws-sdk/client-lambda';
import { judgeCanary } from '../../rollout/canary';
import { canaryMetrics, currentLiveVersion, publishedVersions } from '../../rollout/lambda';
import { MotoServer, startMoto } from '../support/moto';
import { cliEnv, runCli } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { zipFolder } from '../support/zip';

function functionZip(text: string): Buffer {
  const dir = makeTempDir('rollout-aws-code');
  fs.mkdirSync(path.join(dir, 'code'));
  fs.writeFileSync(path.join(dir, 'code', 'index.mjs'), `export const handler = async () => (${JSON.stringify(text)});\n`);
  zipFolder(path.join(dir, 'code'), path.join(dir, 'code.zip'));
  return fs.readFileSync(path.join(dir, 'code.zip'));
}

/**
 * The rollout's reads against moto's server: the alias and versions from Lambda's
 * API, and the canary's metrics from CloudWatch by ExecutedVersion, then judged.
 */

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto.stop();
});

describe('Lambda reads', () => {
  it("finds no live version before the first deploy, then the alias's version and every published one", async () => {
    const lambda = new LambdaClient(moto.sdk);
    const iam = new IAMClient(moto.sdk);
    try {
      const name = 'multicloud-auto-deploy-dev-api';
      expect(await currentLiveVersion(lambda, name)).toBeUndefined();
      const role = await iam.send(
        new CreateRoleCommand({
          RoleName: 'multicloud-auto-deploy-dev-api',
          AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
        }),
      );
      await lambda.send(
        new CreateFunctionCommand({
          FunctionName: name,
          Runtime: 'nodejs22.x',
          Role: role.Role!.Arn!,
          Handler: 'index.handler',
          Code: { ZipFile: functionZip('one') },
          Publish: true,
        }),
      );
      await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: functionZip('two') }));
      await lambda.send(new PublishVersionCommand({ FunctionName: name }));
      expect(await currentLiveVersion(lambda, name)).toBeUndefined();
      await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
      expect(await currentLiveVersion(lambda, name)).toBe('1');
      expect(await publishedVersions(lambda, name)).toEqual(['1', '2']);

      // npm run promote reads the same, and says what would move before any Terraform runs.
      const env = cliEnv(moto.env);
      const dryRun = await runCli(['promote', 'api-dev', '--to', '2', '--dry-run', '--json'], { env });
      expect(dryRun.stderr).toContain('live: version 1 → version 2 on multicloud-auto-deploy-dev-api');
      expect(dryRun.stderr).toContain('Dry run: nothing changed.');
      expect(dryRun.code).toBe(0);
      expect(JSON.parse(dryRun.stdout)).toEqual({ stack: 'api-dev', function: name, from: '1', to: '2', dryRun: true, changed: false });
      const already = await runCli(['promote', 'api-dev', '--to', '1'], { env });
      expect(already).toMatchObject({ code: 0 });
      expect(already.stderr).toContain('live already points to version 1; nothing to do.');
      const gone = await runCli(['promote', 'api-dev', '--to', '9'], { env });
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('multicloud-auto-deploy-dev-api has no version 9; its published versions are 1, 2.');
    } finally {
      lambda.destroy();
      iam.destroy();
    }
  });
});

describe('canary metrics from CloudWatch', () => {
  const functionName = 'canary-prod-api';
  const dimensions = (version: string) => [
    { Name: 'FunctionName', Value: functionName },
    { Name: 'Resource', Value: `${functionName}:live` },
    { Name: 'ExecutedVersion', Value: version },
  ];

  async function put(cloudwatch: CloudWatchClient, metric: string, version: string, value: number, at: Date): Promise<void> {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [{ MetricName: metric, Dimensions: dimensions(version), Value: value, Timestamp: at, Unit: 'Count' }],
      }),
    );
  }

  it("reads the new version's errors, throttles and invocations only, and the judgement follows them", async () => {
    const cloudwatch = new CloudWatchClient(moto.sdk);
    try {
      const start = new Date(Date.now() - 10 * 60_000);
      const minute = (n: number) => new Date(start.getTime() + n * 60_000 + 5_000);
      for (let n = 0; n < 3; n++) {
        await put(cloudwatch, 'Invocations', '6', 40, minute(n));
        await put(cloudwatch, 'Errors', '6', 0, minute(n));
        await put(cloudwatch, 'Throttles', '6', 0, minute(n));
        // The previous version's failures share the alias but are not the canary's.
        await put(cloudwatch, 'Errors', '5', 9, minute(n));
      }
      const clean = await canaryMetrics(cloudwatch, functionName, '6', start, minute(5));
      expect(clean.invocations.reduce((sum, point) => sum + point.value, 0)).toBe(120);
      expect(clean.errors.reduce((sum, point) => sum + point.value, 0)).toBe(0);
      expect(clean.throttles.every((point) => point.value === 0)).toBe(true);
      expect(judgeCanary(clean, 600, 600)).toMatchObject({ decision: 'promote', invocations: 120 });

      await put(cloudwatch, 'Errors', '6', 3, minute(4));
      const failing = await canaryMetrics(cloudwatch, functionName, '6', start, minute(5));
      expect(failing.errors.reduce((sum, point) => sum + point.value, 0)).toBe(3);
      expect(judgeCanary(failing, 300, 600)).toEqual({ decision: 'revert', reason: 'the new version had 3 error(s) in 120 invocation(s) after 300 s' });

      const otherVersion = await canaryMetrics(cloudwatch, functionName, '7', start, minute(5));
      expect(otherVersion).toEqual({ errors: [], throttles: [], invocations: [] });
    } finally {
      cloudwatch.destroy();
    }
  });
});

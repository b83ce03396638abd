import * as fs from 'node:fs';
import * as path from 'node:path';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { CanaryOptions, liveOn } from '../../rollout/plan';
import { PhaseFailed, RolloutReport, applyAliasOnly, runRollout } from '../../rollout/run';
import { PROMOTE_PLAN, PromotionRefused, planPromotion, promote, readPromotionRecord } from '../../rollout/promote';
import { terraformIn } from '../../rollout/terraform';
import { MotoServer, startMoto } from '../support/moto';
import { LocalServer, buildWithoutPackage, cliEnv, runCli, startLocalServer } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { FAKE_TERRAFORM, terraformCalls } from '../support/test-project';

/**
 * The rollout's phases run for real: Terraform is a stand-in process that keeps a small
 * state per stack folder (providers cannot be downloaded here), the probe invokes the
 * local function process through its Invoke API, and the canary's metrics come from
 * moto's CloudWatch. What a real AWS account adds (Terraform's provider, Lambda's own
 * versions and weighted alias) is not exercised here.
 */

const FUNCTION = 'multicloud-auto-deploy-dev-api';

let healthy: LocalServer;
let broken: LocalServer;
let moto: MotoServer;
let cloudwatch: CloudWatchClient;
const clients: LambdaClient[] = [];

beforeAll(async () => {
  const tampered = buildWithoutPackage('rollout-broken', 'hono');
  [healthy, broken, moto] = await Promise.all([startLocalServer(), startLocalServer(['--build-dir', tampered]), startMoto()]);
  cloudwatch = new CloudWatchClient(moto.sdk);
});

afterAll(async () => {
  for (const client of clients) client.destroy();
  cloudwatch?.destroy();
  await Promise.all([healthy?.stop(), broken?.stop(), moto?.stop()]);
});

interface Stack {
  readonly dir: string;
  state(): { serial: number; newest: number; live: string | null; canaryVersion: string; canaryPercent: number };
  calls(): string[][];
  deploy(build: string): void;
}

/** A stack folder for the stand-in Terraform, deployed `deploys` times (live on the newest) before the test. */
function stackFolder(deploys: number): Stack {
  const dir = makeTempDir('rollout-stack');
  if (deploys > 0) {
    fs.writeFileSync(
      path.join(dir, 'fake.tfstate.json'),
      JSON.stringify({ serial: deploys, build: `build ${deploys}`, newest: deploys, live: String(deploys), canaryVersion: '', canaryPercent: 0 }),
    );
  }
  fs.writeFileSync(path.join(dir, 'build.txt'), 'the build under test\n');
  return {
    dir,
    state: () => JSON.parse(fs.readFileSync(path.join(dir, 'fake.tfstate.json'), 'utf8')),
    calls: () => terraformCalls(dir),
    deploy: (build) => fs.writeFileSync(path.join(dir, 'build.txt'), build),
  };
}

function lambdaAt(server: LocalServer): LambdaClient {
  const client = new LambdaClient({
    region: 'ap-northeast-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
}

async function rollout(
  stack: Stack,
  options: { server?: LocalServer; previousLive?: string; canary?: CanaryOptions; savedPlan?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ report: RolloutReport; said: string[]; logsAskedFor: string[] }> {
  const said: string[] = [];
  const logsAskedFor: string[] = [];
  const report = await runRollout({
    stack: 'api-dev',
    functionName: FUNCTION,
    terraform: terraformIn(stack.dir, { ...process.env, TERRAFORM: FAKE_TERRAFORM, ...options.env }, () => undefined),
    lambda: lambdaAt(options.server ?? healthy),
    cloudwatch,
    ...(options.previousLive !== undefined ? { previousLive: options.previousLive } : {}),
    ...(options.canary ? { canary: options.canary } : {}),
    ...(options.savedPlan ? { savedPlan: options.savedPlan } : {}),
    approve: () => Promise.resolve(true),
    say: (line) => said.push(line),
    logs: (version) => {
      logsAskedFor.push(version);
      return Promise.resolve([`START RequestId: 1 Version: ${version}`, 'ERROR Uncaught Exception {"errorType":"Runtime.ImportModuleError"}']);
    },
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 200))),
    pollSeconds: 0.2,
  });
  return { report, said, logsAskedFor };
}

const applies = (stack: Stack) => stack.calls().filter((call) => call[0] === 'apply' || call[0] === 'plan');

describe('a rollout with live on an earlier version', () => {
  it('publishes with live held, probes the new version directly, then moves live to it', async () => {
    const stack = stackFolder(4);
    const { report, said } = await rollout(stack, { previousLive: '4' });
    expect(report).toMatchObject({ ok: true, firstDeploy: false, previousLive: '4', newVersion: '5', live: '5' });
    expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
      ['publish', true],
      ['probe', true],
      ['go-live', true],
    ]);
    expect(report.summary).toBe('Version 5 is live; version 4 stays published for an instant rollback.');
    expect(said[0]).toBe('Publishing the new version; live stays on version 4.');
    expect(applies(stack)).toEqual([
      ['plan', '-input=false', '-lock-timeout=10m', '-out=rollout-publish.tfplan', '-var=live_version=4', '-var=canary_version=', '-var=canary_percent=0'],
      ['apply', '-input=false', '-lock-timeout=10m', 'rollout-publish.tfplan'],
      ['plan', '-input=false', '-lock-timeout=10m', '-out=rollout-go-live.tfplan', '-var=live_version=5', '-var=canary_version=', '-var=canary_percent=0'],
      ['apply', '-input=false', '-lock-timeout=10m', 'rollout-go-live.tfplan'],
    ]);
    expect(stack.state()).toMatchObject({ newest: 5, live: '5', canaryVersion: '' });
    expect(healthy.stderr()).toMatch(/Lambda Invoke \/2015-03-31\/functions\/multicloud-auto-deploy-dev-api\/invocations\?Qualifier=5 -> 200\n/);
  });

  it("keeps live on the previous version when the new one fails the probe (the seed's missing package), with the answer and its logs", async () => {
    const stack = stackFolder(4);
    const { report, logsAskedFor } = await rollout(stack, { server: broken, previousLive: '4' });
    expect(report).toMatchObject({ ok: false, previousLive: '4', newVersion: '5', live: '4' });
    expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
      ['publish', true],
      ['probe', false],
    ]);
    expect(report.summary).toMatch(
      /^version 5 did not answer the probe: GET \/: the function failed: Runtime\.ImportModuleError: .*Cannot find package 'hono'.*\. version 5 did not answer the probe, so live stays on version 4; nothing took traffic\.$/s,
    );
    expect(report.probe!.map((result) => result.errorType)).toEqual(['Runtime.ImportModuleError', 'Runtime.ImportModuleError']);
    expect(report.probe![0].answer).toMatch(/^\{"errorMessage":".*Cannot find package 'hono'/);
    expect(logsAskedFor).toEqual(['5']);
    expect(report.logs).toHaveLength(2);
    // No apply ever pointed live at 5: the only apply was the publishing one, with live held on 4.
    expect(
      applies(stack)
        .filter((call) => call[0] === 'plan')
        .map((call) => call.find((arg) => arg.startsWith('-var=live_version'))),
    ).toEqual(['-var=live_version=4']);
    expect(stack.state()).toMatchObject({ newest: 5, live: '4' });
  });

  it('returns live to the previous version when the move to the new one fails', async () => {
    const stack = stackFolder(4);
    const { report } = await rollout(stack, { previousLive: '4', env: { FAKE_TERRAFORM_FAIL_APPLY_TO: '5' } });
    expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
      ['publish', true],
      ['probe', true],
      ['go-live', false],
      ['revert', true],
    ]);
    expect(report).toMatchObject({ ok: false, live: '4' });
    expect(report.summary).toMatch(/version 5 failed while taking traffic \(go-live\); live returns to version 4\.$/);
    expect(stack.state()).toMatchObject({ live: '4' });
  });
});

describe('a deploy that does not change the function', () => {
  it('publishes no version, so nothing is probed or moved, and says so', async () => {
    const stack = stackFolder(4);
    stack.deploy('build 4');
    const { report } = await rollout(stack, { previousLive: '4' });
    expect(report).toMatchObject({
      ok: true,
      live: '4',
      summary: 'Applied; the function did not change, so there was nothing to probe and version 4 stays live.',
    });
    expect(report.phases).toEqual([{ phase: 'publish', ok: true, detail: 'no new version: the function did not change, version 4 stays live' }]);
    expect(applies(stack).filter((call) => call[0] === 'apply')).toHaveLength(1);
  });
});

describe('a canary', () => {
  async function putMetric(functionName: string, metric: string, version: string, value: number): Promise<void> {
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: 'AWS/Lambda',
        MetricData: [
          {
            MetricName: metric,
            Dimensions: [
              { Name: 'FunctionName', Value: functionName },
              { Name: 'Resource', Value: `${functionName}:live` },
              { Name: 'ExecutedVersion', Value: version },
            ],
            Value: value,
            Timestamp: new Date(),
            Unit: 'Count',
          },
        ],
      }),
    );
  }

  it('gives the new version its share beside live, and reverts at its first error', async () => {
    const stack = stackFolder(20);
    await putMetric(FUNCTION, 'Invocations', '21', 12);
    await putMetric(FUNCTION, 'Errors', '21', 2);
    const { report } = await rollout(stack, { previousLive: '20', canary: { percent: 10, watchSeconds: 60 } });
    expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
      ['publish', true],
      ['probe', true],
      ['canary', true],
      ['watch', false],
      ['revert', true],
    ]);
    expect(report.canary).toEqual({
      decision: 'revert',
      reason: expect.stringMatching(/^the new version had 2 error\(s\) in 12 invocation\(s\) after \d+ s$/),
    });
    expect(report).toMatchObject({ ok: false, newVersion: '21', live: '20' });
    expect(report.summary).toMatch(/version 21 failed while taking traffic \(watch\); live returns to version 20\.$/);
    const plans = applies(stack)
      .filter((call) => call[0] === 'plan')
      .map((call) => call.slice(4).join(' '));
    expect(plans).toEqual([
      '-var=live_version=20 -var=canary_version= -var=canary_percent=0',
      '-var=live_version=20 -var=canary_version=21 -var=canary_percent=10',
      '-var=live_version=20 -var=canary_version= -var=canary_percent=0',
    ]);
    expect(stack.state()).toMatchObject({ newest: 21, live: '20', canaryVersion: '', canaryPercent: 0 });
  });

  it('promotes after a clean window', async () => {
    const stack = stackFolder(30);
    await putMetric(FUNCTION, 'Invocations', '31', 30);
    await putMetric(FUNCTION, 'Errors', '31', 0);
    await putMetric(FUNCTION, 'Throttles', '31', 0);
    // The previous version's errors are not the canary's.
    await putMetric(FUNCTION, 'Errors', '30', 5);
    const { report, said } = await rollout(stack, { previousLive: '30', canary: { percent: 25, watchSeconds: 1 } });
    expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
      ['publish', true],
      ['probe', true],
      ['canary', true],
      ['watch', true],
      ['go-live', true],
    ]);
    expect(said).toContain("Canary: version 31 takes 25% of live's traffic.");
    expect(report.canary).toMatchObject({ decision: 'promote', invocations: 30 });
    expect(stack.state()).toMatchObject({ newest: 31, live: '31', canaryVersion: '', canaryPercent: 0 });
  });
});

describe("a stack's first deploy", () => {
  it('goes live in the publishing apply, says so, and still probes', async () => {
    const stack = stackFolder(0);
    const { report, said } = await rollout(stack);
    expect(said[0]).toBe('First deploy of this stack: there is no earlier version, so the new one goes live in this apply.');
    expect(report).toMatchObject({ ok: true, firstDeploy: true, newVersion: '1', live: '1', summary: "Version 1 is live (the stack's first deploy)." });
    expect(report.phases.map((phase) => phase.phase)).toEqual(['publish', 'probe']);
    expect(applies(stack)[0]).toContain('-var=live_version=');
    expect(stack.state()).toMatchObject({ newest: 1, live: '1' });
  });
});

describe('the reviewed plan (CI)', () => {
  it('is applied unchanged, and refused with what to do when the state moved after it was made', async () => {
    const stack = stackFolder(4);
    const terraform = terraformIn(stack.dir, { ...process.env, TERRAFORM: FAKE_TERRAFORM }, () => undefined);
    await terraform.run(['plan', '-input=false', '-lock=false', '-out=plan.tfplan', '-var=live_version=4', '-var=canary_version=', '-var=canary_percent=0']);
    // Someone else applied in between.
    await terraform.run(['plan', '-input=false', '-out=other.tfplan', '-var=live_version=3']);
    expect((await terraform.run(['apply', '-input=false', 'other.tfplan'])).code).toBe(0);
    const { report } = await rollout(stack, { previousLive: '4', savedPlan: 'plan.tfplan' });
    expect(report.ok).toBe(false);
    expect(report.phases).toEqual([
      {
        phase: 'publish',
        ok: false,
        detail: expect.stringMatching(
          /^the state changed after this plan was made \(another apply ran in between\), so Terraform refused to apply it and nothing changed\. Plan again/,
        ),
      },
    ]);
    expect(report.summary).toMatch(/The apply that publishes failed; live stays on version 4\.$/);
  });
});

describe('moving live alone (promote, revert)', () => {
  it('refuses an apply that would change more than the alias, naming what', async () => {
    const stack = stackFolder(4);
    stack.deploy('a build that was never deployed');
    const terraform = terraformIn(stack.dir, { ...process.env, TERRAFORM: FAKE_TERRAFORM }, () => undefined);
    const error = await applyAliasOnly(terraform, 'go-live', liveOn('3')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PhaseFailed);
    expect((error as Error).message).toBe(
      'moving the alias would also change aws_lambda_function.api (update): this stack folder is not what is deployed. Move the alias from the build that was deployed, or deploy this build with npm run deploy.',
    );
    expect(stack.state()).toMatchObject({ live: '4', newest: 4 });
    stack.deploy('build 4');
    await applyAliasOnly(terraform, 'go-live', liveOn('3'));
    expect(stack.state()).toMatchObject({ live: '3', newest: 4 });
  });
});

describe('promoting a retained version', () => {
  const fakeTerraform = (stack: Stack) => terraformIn(stack.dir, { ...process.env, TERRAFORM: FAKE_TERRAFORM }, () => undefined);

  it("probes the version first and refuses one that does not answer, with the probe's answer; live does not move", async () => {
    const stack = stackFolder(4);
    stack.deploy('build 4');
    const said: string[] = [];
    const error = await promote({
      terraform: fakeTerraform(stack),
      lambda: lambdaAt(broken),
      functionName: FUNCTION,
      to: '1',
      say: (line) => said.push(line),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PromotionRefused);
    expect((error as Error).message).toMatch(
      /^version 1 did not answer the probe, so live does not move to it: GET \/: the function failed: Runtime\.ImportModuleError: .*hono/s,
    );
    expect((error as PromotionRefused).probe.every((result) => !result.ok && /hono/.test(result.answer))).toBe(true);
    expect(said[0]).toMatch(/^ {2}probe GET \/ of version 1: FAILED, /);
    expect(stack.state()).toMatchObject({ live: '4' });
    // Terraform never ran.
    expect(fs.existsSync(path.join(stack.dir, 'calls.jsonl'))).toBe(false);
  });

  it('plans the move with no lock (the plan job), then the approved job probes and applies that plan unchanged', async () => {
    const stack = stackFolder(4);
    stack.deploy('build 4');
    await planPromotion(fakeTerraform(stack), stack.dir, { functionName: FUNCTION, from: '4', to: '3' }, 'plan.json');
    expect(readPromotionRecord(stack.dir)).toEqual({ functionName: FUNCTION, from: '4', to: '3' });
    const plan = stack.calls().find((call) => call[0] === 'plan')!;
    expect(plan).toEqual(expect.arrayContaining(['-lock=false', `-out=${PROMOTE_PLAN}`, '-var=live_version=3']));
    expect(
      JSON.parse(fs.readFileSync(path.join(stack.dir, 'plan.json'), 'utf8')).resource_changes.map((change: { address: string }) => change.address),
    ).toContain('aws_lambda_alias.live');
    expect(stack.state()).toMatchObject({ live: '4' });
    const probe = await promote({
      terraform: fakeTerraform(stack),
      lambda: lambdaAt(healthy),
      functionName: FUNCTION,
      to: '1',
      savedPlan: PROMOTE_PLAN,
      say: () => undefined,
    });
    expect(probe.every((result) => result.ok)).toBe(true);
    // The saved plan is what moved live (to 3, as reviewed), not a new plan for the version probed.
    expect(stack.state()).toMatchObject({ live: '3', newest: 4 });
    expect(stack.calls().filter((call) => call[0] === 'apply')).toEqual([expect.arrayContaining([PROMOTE_PLAN])]);
  });

  it('refuses to plan a move that would change more than the alias', async () => {
    const stack = stackFolder(4);
    stack.deploy('a build that was never deployed');
    await expect(planPromotion(fakeTerraform(stack), stack.dir, { functionName: FUNCTION, to: '3' }, 'plan.json')).rejects.toThrow(
      /moving the alias would also change aws_lambda_function\.api \(update\)/,
    );
    expect(readPromotionRecord(stack.dir)).toBeUndefined();
  });
});

describe('npm run deploy and promote, before anything runs', () => {
  it('checks --canary and --watch together, and their ranges', async () => {
    const env = cliEnv();
    const alone = await runCli(['deploy', 'api-dev', '--canary', '10'], { env });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain('--canary <percent> and --watch <duration> go together.');
    const tooMuch = await runCli(['deploy', 'api-dev', '--canary', '80', '--watch', '10m'], { env });
    expect(tooMuch.stderr).toContain('--canary takes a percentage from 1 to 50, got "80".');
    const shortWatch = await runCli(['deploy', 'api-dev', '--canary', '10', '--watch', '5s'], { env });
    expect(shortWatch.stderr).toContain('--watch takes a duration from 1m to 6h such as 10m or 90s, got "5s".');
    const promote = await runCli(['promote', 'api-dev', '--to', 'previous'], { env });
    expect(promote.code).toBe(2);
    expect(promote.stderr).toContain('Name the version to make live with --to <version number>, not "previous".');
  });
});

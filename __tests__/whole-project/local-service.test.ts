import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS } from '../../local-lambda/dynamodb-local';
import { LOCAL_SQS_CREDENTIALS } from '../../local-lambda/local-queue';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { PLUGINS } from '../../family-plugins/registry';
import { loadConfig } from '../../config/load-config';
import { RolloutReport, runRollout } from '../../rollout/run';
import { terraformIn } from '../../rollout/terraform';
import { stackFunctions } from '../../use-cases/deploy';
import { makeTempDir } from '../support/temp-dirs';
import { FAKE_TERRAFORM, terraformCalls } from '../support/test-project';
import { LocalServer, PROJECT_ROOT, cliEnv, copyProject, request, runCli, startLocalServer } from '../support/processes';

/**
 * `npm start` of a service: the seed's Python API, its worker on a real local queue (moto's SQS server, from the
 * project's toolchain) fed by the local poller, its scheduled digest, and a second HTTP function behind the same port,
 * each in its own sandbox and process; and `npm run invoke` of the scheduled job.
 */

const REPOSITORY_CONTEXT = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'cdktf.json'), 'utf8')) as { context: Record<string, unknown> }).context;
const FUNCTIONS = REPOSITORY_CONTEXT['functions'] as Record<string, Record<string, unknown>>;
const CONTEXT = {
  ...REPOSITORY_CONTEXT,
  functions: {
    ...FUNCTIONS,
    // One receive before the dead-letter queue, and a short timeout (the visibility timeout is six times it), long
    // enough for a first invocation on a busy machine: one that times out is received again, and so dead-lettered.
    worker: { ...FUNCTIONS['worker'], timeoutSeconds: 3, trigger: { queue: { batchSize: 10, maxReceiveCount: 1 } } },
    // A second HTTP function behind the API: the digest's code answering a route of its own.
    report: {
      family: 'python',
      source: 'handlers/python_api',
      handler: 'digest.handler',
      trigger: { http: { routes: ['GET /api/digest/{day}'] } },
      data: ['table:read'],
    },
    // A job whose handler is wrong (a helper, not a handler): its answer cannot be marshalled, so it fails every invocation.
    stale: { family: 'python', source: 'handlers/python_api', handler: 'probe.probe_answer', trigger: { schedule: { expression: 'rate(1 day)' } } },
  },
  environments: { dev: { function: 'python' } },
};

async function until<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('npm start of a service: every function, each in its own sandbox', () => {
  let copy: string;
  let server: LocalServer;
  let env: NodeJS.ProcessEnv;
  let dynamo: DynamoDBClient;
  let sqs: SQSClient;

  beforeAll(async () => {
    copy = copyProject('local-service');
    env = cliEnv({ CDKTF_CONTEXT_JSON: JSON.stringify(CONTEXT) });
    server = await startLocalServer(['--env', 'dev', '--schedules-at-start'], env, { cwd: copy, build: true });
    dynamo = new DynamoDBClient({ endpoint: String(server.info['dynamodbEndpoint']), region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS });
    sqs = new SQSClient({ endpoint: String(server.info['sqsEndpoint']), region: 'ap-northeast-1', credentials: LOCAL_SQS_CREDENTIALS });
  });

  afterAll(async () => {
    dynamo?.destroy();
    sqs?.destroy();
    await server?.stop();
  });

  it('lists every function with its trigger and its own layers, and the local queue', () => {
    const functions = server.info['functions'] as {
      name: string;
      functionName: string;
      trigger: { type: string };
      layers: { name: string }[];
      sandbox: string;
    }[];
    expect(functions.map((fn) => [fn.name, fn.trigger.type])).toEqual([
      ['api', 'http'],
      ['worker', 'queue'],
      ['digest', 'schedule'],
      ['report', 'http'],
      ['stale', 'schedule'],
    ]);
    // The API imports the web framework; the others need nothing the runtime does not ship, so their layers are none.
    expect(functions.map((fn) => fn.layers.map((layer) => layer.name))).toEqual([['dependencies'], [], [], [], []]);
    expect(new Set(functions.map((fn) => fn.sandbox)).size).toBe(5);
    expect(server.info['queues']).toEqual([{ name: 'multicloud-auto-deploy-dev-worker', url: expect.stringContaining('multicloud-auto-deploy-dev-worker') }]);
    expect(server.stderr()).toContain('worker    multicloud-auto-deploy-dev-worker: queue, batches of 10; worker/python3.12 with no layers');
  });

  it('routes each request to the function whose route it matches, on one port', async () => {
    const report = await request(`${server.url}/api/digest/2026-12-06`);
    expect(report.status).toBe(200);
    expect(report.json).toMatchObject({ day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), messages: expect.any(Number) });
    const health = await request(`${server.url}/`);
    expect([health.status, (health.json as { status: string }).status]).toEqual([200, 'ok']);
    // The request line is logged once the answer is sent.
    const logged = (pattern: RegExp) => until(`the log line ${pattern}`, 10, () => Promise.resolve(pattern.test(server.stderr()) || undefined));
    await logged(/GET \/api\/digest\/2026-12-06 -> 200 in [\d.]+ ms( \(cold start\))? \[report\]/);
    await logged(/GET \/ -> 200 in [\d.]+ ms( \(cold start\))? \[api\]/);
  });

  it('feeds what the API sends to the worker through the real queue, and a record it fails goes to the dead-letter queue', async () => {
    for (let i = 0; i < 2; i++) {
      const created = await request(`${server.url}/api/messages/`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ content: `hi ${i}`, author: 'flo' }),
      });
      expect(created.status).toBe(201);
    }
    // The worker files each message under its author: two items, written by the worker's own process.
    const filed = await until('the worker filing both messages', 60, async () => {
      const result = await dynamo.send(
        new QueryCommand({
          TableName: 'multicloud-auto-deploy-dev-messages',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'AUTHOR#flo' } },
        }),
      );
      return result.Count === 2 ? result.Count : undefined;
    });
    expect(filed).toBe(2);
    // A record that is no message: the worker names it in its partial batch response, so the poller leaves it; after
    // maxReceiveCount (1) receives SQS moves it to the dead-letter queue.
    const queueUrl = (server.info['queues'] as { url: string }[])[0].url;
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'not a message' }));
    const dead = await until('the dead-letter queue receiving the record', 90, async () => {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: `${queueUrl}-dlq`, WaitTimeSeconds: 1 }));
      return got.Messages?.[0];
    });
    expect(dead.Body).toBe('not a message');
    expect(server.stderr()).toContain('queue multicloud-auto-deploy-dev-worker: a batch of 1, 0 done, 1 back to the queue');
  }, 200_000);

  it("answers Lambda's Invoke API for every function: the worker answers the rollout's probe", async () => {
    const answer = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-worker/invocations`, {
      method: 'POST',
      body: '{"probe":"t-9"}',
    });
    expect([answer.status, answer.json]).toEqual([200, { probe: 't-9', function: 'worker', version: expect.any(String) }]);
  });

  it('fires each scheduled function with --schedules-at-start: once as the API comes up, then at its times', async () => {
    // The digest of the day before the start: written to the table by the digest's own process.
    const ran = await until('the digest running at the start', 60, () =>
      Promise.resolve(/schedule digest: ran for (\d{4}-\d{2}-\d{2})T\d{2}:\d{2}:\d{2}Z in \d+ ms/.exec(server.stderr()) ?? undefined),
    );
    const day = new Date(Date.parse(`${ran[1]}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const item = await dynamo.send(
      new QueryCommand({
        TableName: 'multicloud-auto-deploy-dev-messages',
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'DIGEST' } },
      }),
    );
    expect(item.Items?.map((entry) => entry['sk']?.S ?? '')).toEqual([expect.stringContaining(day)]);
    // Its next time, from its cron expression in its time zone (UTC): 00:15 of the next day.
    expect(server.stderr()).toMatch(/schedule digest: next at \d{4}-\d{2}-\d{2}T00:15:00Z/);
    expect(server.stderr()).toMatch(/schedule stale: next at \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/);
    // A job that fails says so, and what Scheduler does with it on AWS.
    await until('the failing job being reported', 60, () => Promise.resolve(/schedule stale: FAILED for /.test(server.stderr()) || undefined));
    expect(server.stderr()).toMatch(
      /schedule stale: FAILED for \S+ \(Runtime\.MarshalError: [^)]*\) in \d+ ms(, cold start)?; on AWS, Scheduler retries it up to 2 time\(s\) within 3600 s, then sends the event to its dead-letter queue/,
    );
  });

  it('runs the scheduled job on demand: npm run invoke -- <stack> <function>', async () => {
    const result = await runCli(['invoke', 'api-dev', 'digest', '--skip-build', '--json'], { env, cwd: copy });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      function: 'multicloud-auto-deploy-dev-digest',
      ok: true,
      answer: { day: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/), messages: 0, authors: {} },
    });
    expect(result.stderr).toMatch(/Invoking multicloud-auto-deploy-dev-digest with \{"scheduledTime":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"\}/);
    const unknown = await runCli(['invoke', 'api-dev', 'nightly', '--skip-build'], { env, cwd: copy });
    expect([unknown.code, unknown.stderr]).toEqual([
      2,
      expect.stringContaining('There is no function "nightly"; functions are api, worker, digest, report, stale.'),
    ]);
    const unnamed = await runCli(['invoke', 'api-dev', '--skip-build'], { env, cwd: copy });
    expect([unnamed.code, unnamed.stderr]).toEqual([
      2,
      expect.stringContaining('Name a function of api-dev after the stack: api, worker, digest, report, stale.'),
    ]);
    const noFile = await runCli(['invoke', 'api-dev', 'digest', '--event-file', path.join(copy, 'no-such-event.json'), '--skip-build'], { env, cwd: copy });
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringMatching(/--event-file names .*no-such-event\.json, which cannot be read \(.*no such file/)]);
    const queue = await runCli(['invoke', 'api-dev', 'worker', '--skip-build'], { env, cwd: copy });
    expect(queue.stderr).toContain("worker is invoked by its queue trigger, which has no event to send on its own here; give one: --event '<json>'");
  });

  describe('the rollout of the service: every function probed, all aliases or none', () => {
    /** A stack folder for the stand-in Terraform: the API and each other function deployed, aliases on their newest. */
    function stackFolder(): { dir: string; state(): { live: string; functions: Record<string, { newest: number; live: string }> }; calls(): string[][] } {
      const dir = makeTempDir('service-rollout');
      const functions = {
        worker: { build: 'w1', newest: 4, live: '4' },
        digest: { build: 'd1', newest: 2, live: '2' },
        report: { build: 'r1', newest: 1, live: '1' },
        stale: { build: 's1', newest: 1, live: '1' },
      };
      fs.writeFileSync(
        path.join(dir, 'fake.tfstate.json'),
        JSON.stringify({ serial: 3, build: 'api', newest: 3, live: '3', canaryVersion: '', canaryPercent: 0, functions }),
      );
      fs.writeFileSync(path.join(dir, 'build.txt'), 'api\n');
      fs.writeFileSync(path.join(dir, 'functions.json'), JSON.stringify({ worker: 'w1', digest: 'd1', report: 'r1', stale: 's1' }));
      return {
        dir,
        state: () => JSON.parse(fs.readFileSync(path.join(dir, 'fake.tfstate.json'), 'utf8')),
        calls: () => terraformCalls(dir),
      };
    }

    async function rollout(dir: string): Promise<RolloutReport> {
      const lambda = new LambdaClient({
        region: 'ap-northeast-1',
        endpoint: server.url,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      });
      const cloudwatch = new CloudWatchClient({
        region: 'ap-northeast-1',
        endpoint: 'http://127.0.0.1:9',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      const environment = loadConfig({
        families: PLUGINS,
        context: CONTEXT,
        env: {},
        availableLayers: { dependencies: ['nodejs', 'python'] },
      }).environments.find((candidate) => candidate.name === 'dev')!;
      const previous: Record<string, string> = { worker: '4', digest: '2', report: '1', stale: '1' };
      try {
        return await runRollout({
          stack: 'api-dev',
          functionName: 'multicloud-auto-deploy-dev-api',
          terraform: terraformIn(dir, { ...process.env, TERRAFORM: FAKE_TERRAFORM }, () => undefined),
          lambda,
          cloudwatch,
          previousLive: '3',
          functions: await stackFunctions(environment, (name) => previous[name]),
          approve: () => Promise.resolve(true),
          say: () => undefined,
          logs: () => Promise.resolve([]),
          sleep: () => Promise.resolve(),
        });
      } finally {
        lambda.destroy();
        cloudwatch.destroy();
      }
    }

    it('probes only the functions that changed, each its own way, then moves their aliases in one apply', async () => {
      const stack = stackFolder();
      fs.writeFileSync(path.join(stack.dir, 'functions.json'), JSON.stringify({ worker: 'w2', digest: 'd1', report: 'r2', stale: 's1' }));
      const report = await rollout(stack.dir);
      expect(report.summary).not.toContain('did not answer');
      expect(report.ok).toBe(true);
      expect(report.probe!.map((result) => [result.route, result.ok])).toEqual([
        ['GET /', true],
        ['GET /api/messages/', true],
        ['worker: probe event', true],
        ['report: probe event', true],
      ]);
      expect(report.functions).toEqual([
        { name: 'worker', previousLive: '4', newVersion: '5', live: '5' },
        { name: 'digest', previousLive: '2', live: '2' },
        { name: 'report', previousLive: '1', newVersion: '2', live: '2' },
        { name: 'stale', previousLive: '1', live: '1' },
      ]);
      const plans = stack
        .calls()
        .filter((call) => call[0] === 'plan')
        .map((call) => call.filter((arg) => arg.startsWith('-var=function_live')));
      expect(plans).toEqual([
        ['-var=function_live_versions={"digest":"2","report":"1","stale":"1","worker":"4"}'],
        ['-var=function_live_versions={"digest":"2","report":"2","stale":"1","worker":"5"}'],
      ]);
      expect(stack.state()).toMatchObject({
        live: '3',
        functions: { worker: { newest: 5, live: '5' }, report: { newest: 2, live: '2' }, digest: { live: '2' } },
      });
    });

    it('moves no alias when one function fails its probe, and names it', async () => {
      const stack = stackFolder();
      fs.writeFileSync(path.join(stack.dir, 'functions.json'), JSON.stringify({ worker: 'w2', digest: 'd1', report: 'r1', stale: 's2' }));
      const report = await rollout(stack.dir);
      expect(report.ok).toBe(false);
      expect(report.phases.map((phase) => [phase.phase, phase.ok])).toEqual([
        ['publish', true],
        ['probe', false],
      ]);
      expect(report.summary).toMatch(/^stale \(version 2\) did not answer the probe: stale: probe event: the function failed: Runtime\.MarshalError: /);
      expect(report.summary).toContain('The probe failed, so no alias of the stack moves');
      // The worker answered, but its alias stays too: all or none.
      expect(report.functions).toEqual(expect.arrayContaining([{ name: 'worker', previousLive: '4', newVersion: '5', live: '4' }]));
      expect(stack.state()).toMatchObject({ live: '3', functions: { worker: { newest: 5, live: '4' }, stale: { newest: 2, live: '1' } } });
      expect(stack.calls().filter((call) => call[0] === 'apply')).toHaveLength(1);
    });
  });
});

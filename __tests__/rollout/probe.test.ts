import { LambdaClient } from '@aws-sdk/client-lambda';
import { invokeVersion, runProbe } from '../../rollout/lambda';
import { probeEvent } from '../../rollout/probe';
import { buildWithoutPackage, cliEnv, LocalServer, request, runCli, startLocalServer } from '../support/processes';

/**
 * The probe against the real local function process, through Lambda's Invoke API
 * that the local run answers on its own port: the SDK pointed at it with
 * AWS_ENDPOINT_URL_LAMBDA, exactly as the rollout invokes a version on AWS.
 */

const DUMMY_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'ap-northeast-1',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function lambdaAt(server: LocalServer): LambdaClient {
  return new LambdaClient({ region: 'ap-northeast-1', endpoint: server.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

function probeCli(server: LocalServer, args: string[], extra: Record<string, string> = {}) {
  return runCli(['probe', 'api-dev', '--function', String(server.info['functionName']), ...args], {
    env: cliEnv({ ...DUMMY_CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: server.url, ...extra }),
  });
}

describe('the probe against a healthy local function', () => {
  let server: LocalServer;
  let lambda: LambdaClient;

  beforeAll(async () => {
    server = await startLocalServer();
    lambda = lambdaAt(server);
  });

  afterAll(async () => {
    lambda.destroy();
    await server.stop();
  });

  it('passes: both read-only routes answer 200 with a well-formed body, through npm run probe', async () => {
    expect(server.info['functionName']).toBe('multicloud-auto-deploy-dev-api');
    const result = await probeCli(server, ['--version', '7', '--json']);
    expect(result.stderr).toMatch(/✓ GET \/ on multicloud-auto-deploy-dev-api:7: HTTP 200, a JSON object with "status": "ok"/);
    expect(result.stderr).toMatch(/✓ GET \/api\/messages\/ on multicloud-auto-deploy-dev-api:7: HTTP 200, a JSON array of messages/);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; version: string; results: Array<{ route: string; ok: boolean; status: number }> };
    expect(report).toMatchObject({ function: 'multicloud-auto-deploy-dev-api', version: '7', ok: true });
    expect(report.results.map((entry) => [entry.route, entry.ok, entry.status])).toEqual([
      ['GET /', true, 200],
      ['GET /api/messages/', true, 200],
    ]);
    // The invocations went to the function, not through the API's routes.
    expect(server.stderr()).toMatch(/Lambda Invoke \/2015-03-31\/functions\/multicloud-auto-deploy-dev-api\/invocations\?Qualifier=7 -> 200/);
  });

  it("answers Invoke with the executed version, and the function's raw result (the API Gateway response object)", async () => {
    const outcome = await invokeVersion(lambda, 'multicloud-auto-deploy-dev-api', '3', probeEvent('/', 'req-1', new Date()));
    expect(outcome.functionError).toBeUndefined();
    expect(outcome.executedVersion).toBe('3');
    const result = JSON.parse(outcome.payload) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({ status: 'ok' });
    // By full ARN, as the rollout may name it.
    const byArn = await invokeVersion(
      lambda,
      'arn:aws:lambda:ap-northeast-1:123456789012:function:multicloud-auto-deploy-dev-api',
      '5',
      probeEvent('/', 'req-2', new Date()),
    );
    expect(byArn).toMatchObject({ executedVersion: '5' });
    expect(byArn.functionError).toBeUndefined();
  });

  it('refuses other functions and unknown qualifiers as Lambda does, so a typo is not a pass', async () => {
    const results = await runProbe(lambda, 'someone-elses-function', '1');
    expect(results.map((entry) => entry.ok)).toEqual([false, false]);
    expect(results[0]).toMatchObject({ errorType: 'ResourceNotFoundException' });
    expect(results[0].detail).toMatch(
      /^Lambda refused the invocation: ResourceNotFoundException: Function not found: arn:aws:lambda:ap-northeast-1:123456789012:function:someone-elses-function/,
    );
    const badQualifier = await runProbe(lambda, 'multicloud-auto-deploy-dev-api', 'staging');
    expect(badQualifier[0]).toMatchObject({ ok: false, errorType: 'ResourceNotFoundException' });

    const cli = await probeCli(server, ['--version', '2'], {});
    expect(cli.code).toBe(0);
    const wrongName = await runCli(['probe', 'api-dev', '--function', 'nope', '--version', '2'], {
      env: cliEnv({ ...DUMMY_CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: server.url }),
    });
    expect(wrongName.code).toBe(1);
    expect(wrongName.stderr).toMatch(/✗ GET \/ on nope:2: Lambda refused the invocation: ResourceNotFoundException/);
  });

  it("keeps Lambda's path prefix away from the API's routes", async () => {
    const other = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/configuration`);
    expect(other.status).toBe(404);
    expect(other.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const otherVersions = await request(`${server.url}/2015-03-31/functions/nope/versions`);
    expect([otherVersions.status, otherVersions.headers.get('x-amzn-errortype')]).toEqual([404, 'ResourceNotFoundException']);
    const getInvoke = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/invocations`);
    expect(getInvoke.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const notJson = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/invocations`, { method: 'POST', body: '{not json' });
    expect(notJson).toMatchObject({ status: 400 });
    expect(notJson.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    const async = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/invocations`, {
      method: 'POST',
      body: '{}',
      headers: { 'x-amz-invocation-type': 'Event' },
    });
    expect(async.status).toBe(400);
    // The API itself is untouched.
    expect((await request(`${server.url}/`)).status).toBe(200);
  });

  it('without --version and with --function (no state to read), probes the newest version the function lists, as ListVersionsByFunction says', async () => {
    const result = await probeCli(server, ['--json']);
    expect(result.stderr).not.toMatch(/ENOTFOUND|state/);
    expect([result.code, JSON.parse(result.stdout)]).toEqual([0, expect.objectContaining({ version: '1', ok: true })]);
    const listed = await request(`${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/versions`);
    expect((listed.json as { Versions: { Version: string }[] }).Versions.map((version) => version.Version)).toEqual(['$LATEST', '1']);
    const other = await runCli(['probe', 'api-dev', '--function', 'nope'], { env: cliEnv({ ...DUMMY_CREDENTIALS, AWS_ENDPOINT_URL_LAMBDA: server.url }) });
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      'error: Cannot list the published versions of nope (ResourceNotFoundException: Function not found: arn:aws:lambda:ap-northeast-1:123456789012:function:nope). Check --function',
    );
  });

  it('says what to fix for a version that is not a version', async () => {
    const result = await probeCli(server, ['--version', 'latest']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--version takes a published version number, $LATEST or live, got "latest".');
  });
});

describe("the probe against the seed's incident: a package removed from the built layer", () => {
  it('fails with Runtime.ImportModuleError and the module it could not find, and exits 1', async () => {
    const buildDir = buildWithoutPackage('probe-incident', 'hono');
    const server = await startLocalServer(['--build-dir', buildDir]);
    try {
      const result = await probeCli(server, ['--version', '8', '--json']);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /✗ GET \/ on multicloud-auto-deploy-dev-api:8: the function failed: Runtime\.ImportModuleError: .*Cannot find package 'hono'/,
      );
      expect(result.stderr).toMatch(/ {4}answer: \{"errorMessage":/);
      const report = JSON.parse(result.stdout) as { ok: boolean; results: Array<{ ok: boolean; errorType: string }> };
      expect(report.ok).toBe(false);
      expect(report.results.map((entry) => [entry.ok, entry.errorType])).toEqual([
        [false, 'Runtime.ImportModuleError'],
        [false, 'Runtime.ImportModuleError'],
      ]);
      expect(server.stderr()).toMatch(/Lambda Invoke .*invocations\?Qualifier=8 -> 200 \(function error\)/);
    } finally {
      await server.stop();
    }
  });
});

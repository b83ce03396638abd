import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteFunctionCommand, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { readManifest } from '../../../artifacts/manifest';
import { ESTATE_BUCKETS, ESTATE_FUNCTIONS, Estate, startEstate } from '../../support/lambda-estate';
import { STAGING } from '../../support/terraform-state';
import { PROJECT_ROOT, cliEnv, freePort, runCli } from '../../support/processes';
import { makeTempDir } from '../../support/temp-dirs';
import { Json } from '../../support/json';

/**
 * Drift in packages, against moto's Lambda server paging as Lambda pages: what each function's alias live runs
 * (api split 75/25 between last month's version and this build's, stats moved by hand to code and a layer no
 * deployment made, worker still running though the repository no longer deploys it) against this build and the
 * retained deployments.
 */

const { stack: STACK } = STAGING;
const build = readManifest(path.join(PROJECT_ROOT, '.build'));
const layer = build.layers.find((candidate) => candidate.id === 'dependencies/nodejs-x86_64')!;
const bundleHash = (fn: string): string => build.bundles.find((bundle) => bundle.function === fn && bundle.family === 'nodejs')!.contentHash.slice(0, 16);
const lockSays = (name: string): string => layer.packages.find((pkg) => pkg.name === name)!.version;

let estate: Estate;
beforeAll(async () => {
  estate = await startEstate(build);
}, 120_000);
afterAll(async () => {
  await estate?.stop();
});

describe('npm run drift', () => {
  it('says, in packages and per function, where the environment differs from the repository, and exits 1', async () => {
    const summary = path.join(makeTempDir('drift-summary'), 'summary.md');
    const result = await runCli(['drift', STACK], { env: cliEnv({ ...estate.env, GITHUB_STEP_SUMMARY: summary }) });
    expect(result.code).toBe(1);
    const text = result.stdout;
    const [v2, v4] = [estate.layers[1], estate.layers[3]];
    // api: version 1 (75%) has last month's code and layer; its canary, version 2 (25%), is this build.
    expect(text).toContain(
      `staging api (${ESTATE_FUNCTIONS.api}): live runs version 1 (75%), code c0dec0dec0dec0de (SHA-256 ${estate.codeSha['api:1'].slice(0, 12)}); ` +
        `version 2 (25%), code ${bundleHash('api')} (SHA-256 ${estate.codeSha['api:2'].slice(0, 12)})\n` +
        `    layers: multicloud-auto-deploy-staging-dependencies:2 content 2222222222222222 ` +
        `(SBOM s3://${ESTATE_BUCKETS.artifacts}/layers/multicloud-auto-deploy/staging/manifests/2222222222222222.cdx.json), ` +
        `multicloud-auto-deploy-staging-dependencies:3 content ${layer.contentHash.slice(0, 16)} (SBOM s3://`,
    );
    expect(text).toContain(`  - staging api: version 1 (75%): code c0dec0dec0dec0de runs, this build makes ${bundleHash('api')}\n`);
    expect(text).toContain(`  - staging api: version 1 (75%): layer dependencies runs hono 4.12.0, the lock says ${lockSays('hono')}\n`);
    expect(text).toContain(
      `  - staging api: version 1 (75%): layer dependencies runs @aws-sdk/client-dynamodb 3.1000.0, the lock says ${lockSays('@aws-sdk/client-dynamodb')}\n`,
    );
    expect(text).toMatch(
      new RegExp(
        `  - staging api: version 1 \\(75%\\): layer dependencies: ${layer.packages.length - 2} package\\(s\\) the direct ones need differ from the lock \\(`,
      ),
    );
    expect(text).not.toContain('staging api: version 2');
    // stats: moved by hand to version 2, whose code no deployment made, with v4 attached by hand.
    expect(text).toContain(
      `  - staging stats: code changed outside Terraform (SHA-256 ${estate.codeSha['stats:2'].slice(0, 12)} of version 2 is no retained deployment's; the last deployment's is ${estate.codeSha['stats:1'].slice(0, 12)})\n`,
    );
    expect(text).toContain(`  - staging stats: layer ${v4} attached by hand: no retained deployment attached it\n`);
    // The build's stats needs no layer (its imports are the runtime's): v4 is only attached by hand, said once.
    expect(text.match(new RegExp(`staging stats: .*${v4}`, 'g'))).toHaveLength(1);
    // worker: running, but no longer in the repository.
    expect(text).toContain('  - staging worker: runs in Lambda, but the repository no longer deploys it (the next deploy destroys it)\n');
    expect(text).toContain('Drift: 3 of 3 function(s) of staging differ (api, stats, worker).');
    expect(fs.readFileSync(summary, 'utf8')).toMatch(/^### Drift of api-staging: differs from the repository\n\n```\nstaging api/);

    const json = await runCli(['drift', STACK, '--json'], { env: cliEnv(estate.env) });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as Json;
    expect(report['drift']).toBe(true);
    const fn = (name: string): Json => (report['functions'] as Json[]).find((candidate) => candidate['name'] === name)!;
    expect((fn('stats')['findings'] as Json[]).map((finding) => finding['kind'])).toEqual(['code-outside', 'layer-by-hand']);
    // Every finding of api, exactly: version 1 (75%) alone differs; its canary, version 2, is this build.
    expect((fn('api')['findings'] as Json[]).map((finding) => [finding['kind'], finding['version'], finding['layer']])).toEqual([
      ['code-differs', '1', undefined],
      ['layer-packages', '1', 'dependencies'],
      ['layer-packages', '1', 'dependencies'],
      ['layer-packages', '1', 'dependencies'],
    ]);
    expect((fn('worker')['findings'] as Json[]).map((finding) => finding['kind'])).toEqual(['not-in-repository']);
    expect(fn('api')['live']).toEqual([
      {
        version: '1',
        share: 0.75,
        codeSha256: estate.codeSha['api:1'],
        codeHash: 'c0dec0dec0dec0de',
        layers: [
          {
            arn: v2,
            contentHash: '2222222222222222',
            packages: 'manifest',
            manifest: `s3://${ESTATE_BUCKETS.artifacts}/layers/multicloud-auto-deploy/staging/manifests/2222222222222222.json`,
            sbom: `s3://${ESTATE_BUCKETS.artifacts}/layers/multicloud-auto-deploy/staging/manifests/2222222222222222.cdx.json`,
          },
        ],
      },
      expect.objectContaining({
        version: '2',
        share: 0.25,
        codeHash: bundleHash('api'),
        layers: [expect.objectContaining({ contentHash: layer.contentHash.slice(0, 16) })],
      }),
    ]);
    const changed = (fn('api')['findings'] as Json[]).find((finding) => (finding['message'] as string).includes('runs hono'))!;
    expect(changed).toMatchObject({
      kind: 'layer-packages',
      version: '1',
      layer: 'dependencies',
      changes: [{ name: 'hono', kind: 'upgraded', from: '4.12.0', to: lockSays('hono') }],
    });

    // --report-only (before a deploy) reports the same and exits 0.
    const reportOnly = await runCli(['drift', STACK, '--report-only'], { env: cliEnv(estate.env) });
    expect(reportOnly.code).toBe(0);
    expect(reportOnly.stdout).toContain('Drift: 3 of 3 function(s) of staging differ');
  });

  it('finds no drift once live runs what the repository deploys, and exits 0', async () => {
    const own = await startEstate(build);
    try {
      await own.lambda.send(
        new UpdateAliasCommand({ FunctionName: ESTATE_FUNCTIONS.api, Name: 'live', FunctionVersion: '2', RoutingConfig: { AdditionalVersionWeights: {} } }),
      );
      await own.lambda.send(new UpdateAliasCommand({ FunctionName: ESTATE_FUNCTIONS.stats, Name: 'live', FunctionVersion: '1' }));
      await own.lambda.send(new DeleteFunctionCommand({ FunctionName: ESTATE_FUNCTIONS.worker }));
      const result = await runCli(['drift', STACK], { env: cliEnv(own.env) });
      expect(result.stdout).toContain(
        `staging api (${ESTATE_FUNCTIONS.api}): live runs version 2, code ${bundleHash('api')} (SHA-256 ${own.codeSha['api:2'].slice(0, 12)})\n`,
      );
      expect(result.stdout).toContain('    as the repository would deploy it\n');
      expect(result.stdout).not.toContain('worker');
      expect(result.stdout).toContain('No drift: staging runs what the repository would deploy, in 2 function(s).');
      expect(result.code).toBe(0);

      // A function the build deploys that Lambda does not have is drift too.
      await own.lambda.send(new DeleteFunctionCommand({ FunctionName: ESTATE_FUNCTIONS.stats }));
      const gone = await runCli(['drift', STACK], { env: cliEnv(own.env) });
      expect(gone.code).toBe(1);
      expect(gone.stdout).toContain(
        `  - staging stats: not deployed: Lambda has no function ${ESTATE_FUNCTIONS.stats}, which serial 5 deployed and this build deploys\n`,
      );
    } finally {
      await own.stop();
    }
  }, 120_000);

  it('says which layer versions it could not read, compares those by ARN alone, and goes on', async () => {
    const denied = await startEstate(build, { pageSize: 2, faults: [{ operation: 'GetLayerVersion', page: 1, error: 'AccessDeniedException', status: 403 }] });
    try {
      const result = await runCli(['drift', STACK, '--json'], { env: cliEnv(denied.env) });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Json;
      const why = 'Lambda did not describe it (AccessDeniedException: AccessDeniedException on page 1 of GetLayerVersion (LAMBDA_FAULTS))';
      expect(report['notes']).toContain(`layer version ${denied.layers[1]} could not be read: ${why}; its packages are not compared`);
      expect(result.stderr).toContain(`warning: layer version ${denied.layers[1]} could not be read: ${why}`);
      const api = (report['functions'] as Json[]).find((fn) => fn['name'] === 'api')!;
      // Not called deleted, and not compared: said as a check that could not be made.
      expect((api['findings'] as Json[]).map((finding) => finding['kind'])).toEqual(['code-differs', 'unchecked', 'unchecked']);
      expect((api['findings'] as Json[])[1]['message']).toBe(`staging api: version 1 (75%): layer dependencies (${denied.layers[1]}) not compared: ${why}`);
    } finally {
      await denied.stop();
    }
  }, 120_000);

  it('says which Lambda read failed and what may fix it, without a stack trace, when Lambda cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const result = await runCli(['drift', STACK], { env: cliEnv({ ...estate.env, AWS_ENDPOINT_URL_LAMBDA: closed, AWS_MAX_ATTEMPTS: '1' }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Lambda could not be read for the alias live of ${ESTATE_FUNCTIONS.api} and the versions it routes to (`);
    expect(result.stderr).toContain('check the credentials, AWS_REGION, AWS_ENDPOINT_URL (when set) and the network, then run it again');
    expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('needs a build to compare with, and says which command makes it', async () => {
    const result = await runCli(['drift', STACK, '--build-dir', makeTempDir('drift-no-build')], { env: cliEnv(estate.env) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/npm run build/);
  });
});

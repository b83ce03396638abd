import * as path from 'node:path';
import { DeleteFunctionCommand, DeleteLayerVersionCommand } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readManifest } from '../../../artifacts/manifest';
import { ESTATE_BUCKETS, Estate, ESTATE_FUNCTIONS, startEstate } from '../../support/lambda-estate';
import { STAGING } from '../../support/terraform-state';
import { PROJECT_ROOT, cliEnv, runCli } from '../../support/processes';
import { Json } from '../../support/json';

/**
 * The ledger, read from moto's Lambda server paging as Lambda pages (two items a page): every version of staging's
 * layer with who runs it, the aliases with their weights, the retained deployments, packages and sizes.
 */

const { stack: STACK, layer: LAYER } = STAGING;
const build = readManifest(path.join(PROJECT_ROOT, '.build'));

let estate: Estate;
beforeAll(async () => {
  estate = await startEstate(build);
}, 120_000);
afterAll(async () => {
  await estate?.stop();
});

const ledgerOf = async (extra: string[] = []): Promise<{ code: number; report: Json; stderr: string }> => {
  const result = await runCli(['layers:consumers', STACK, '--json', ...extra], { env: cliEnv(estate.env) });
  return { code: result.code, report: JSON.parse(result.stdout) as Json, stderr: result.stderr };
};

describe('npm run layers:consumers', () => {
  it('lists every version newest first with the function versions, aliases (with weights) and retained deployments that need it', async () => {
    const { code, report, stderr } = await ledgerOf();
    // Every Node.js layer folder's name (staging's functions are Node.js), and every one a retained deployment names.
    expect(stderr).toBe(
      `Reading 3 function(s) and 4 layer(s) of ${STACK} from Lambda, and the region’s other functions...\n` +
        // v4's stored manifest contradicts its own description on Lambda: the description is shown.
        `warning: s3://${ESTATE_BUCKETS.artifacts}/layers/multicloud-auto-deploy/staging/manifests/eeeeeeeeeeeeeeee.json is not used for ${estate.layers[3]}: ` +
        "the layer version's description names hono@4.0.0, which it does not; its description is shown instead\n",
    );
    expect(code).toBe(0);
    expect(report['complete']).toBe(true);
    expect(report['incomplete']).toEqual([]);
    expect(report['regionRead']).toBe(true);
    const entries = report['entries'] as Json[];
    // Seven versions over four pages of ListLayerVersions, newest first.
    expect(entries.map((entry) => [entry['version'], entry['status']])).toEqual([
      [7, 'free'],
      [6, 'free'],
      [5, 'attached'],
      [4, 'serving'],
      [3, 'serving'],
      [2, 'serving'],
      [1, 'retained'],
    ]);
    const entry = (version: number): Json => entries.find((candidate) => candidate['version'] === version)!;
    // Every alias that routes to a version with v2: api's live sends it 75% (its canary, version 2, has v3).
    expect(entry(2)['aliases']).toEqual([
      { function: 'api', alias: 'live', version: '1', share: 0.75 },
      { function: 'api', alias: 'previous', version: '1', share: 1 },
      { function: 'worker', alias: 'beta', version: '2', share: 1 },
      { function: 'worker', alias: 'live', version: '4', share: 1 },
      { function: 'worker', alias: 'previous', version: '3', share: 1 },
    ]);
    // worker's version 4 comes on the third page of its versions, and its alias live on the second page of its aliases.
    expect(entry(2)['functionVersions']).toEqual([
      { function: 'api', version: '1' },
      { function: 'worker', version: '1' },
      { function: 'worker', version: '2' },
      { function: 'worker', version: '3' },
      { function: 'worker', version: '4' },
      { function: 'worker', version: '$LATEST' },
    ]);
    expect(entry(2)['deployments']).toEqual([
      expect.objectContaining({ serial: 5, functions: ['worker'] }),
      expect.objectContaining({ serial: 3, functions: ['api', 'worker'] }),
    ]);
    expect(entry(3)['aliases']).toEqual([{ function: 'api', alias: 'live', version: '2', share: 0.25 }]);
    expect(entry(3)['functionVersions']).toEqual([
      { function: 'api', version: '2' },
      { function: 'api', version: '$LATEST' },
    ]);
    expect(entry(4)['aliases']).toEqual([{ function: 'stats', alias: 'live', version: '2', share: 1 }]);
    expect(entry(4)['deployments']).toEqual([]);
    expect(entry(5)['outside']).toEqual([{ function: 'another-team-api', version: '$LATEST' }]);
    expect(entry(1)['deployments']).toEqual([expect.objectContaining({ serial: 1, functions: ['api'] })]);
    expect(entry(1)['functionVersions']).toEqual([]);
    // Content hash and packages: the stored manifest's (every package), else the description's (the direct ones).
    const layer = build.layers.find((candidate) => candidate.id === 'dependencies/nodejs-x86_64')!;
    expect(entry(3)['contentHash']).toBe(layer.contentHash.slice(0, 16));
    expect(entry(3)['packages']).toMatchObject({ source: 'manifest', complete: true });
    expect((entry(3)['packages'] as Json)['list']).toHaveLength(layer.packages.length);
    expect(entry(3)['unzippedBytes']).toBe(layer.unzippedBytes);
    expect(entry(2)['packages']).toEqual({
      list: [
        { name: '@aws-sdk/client-dynamodb', version: '3.1000.0', direct: true },
        { name: 'hono', version: '4.12.0', direct: true },
      ],
      source: 'manifest',
      complete: true,
    });
    expect(entry(4)['packages']).toEqual({ list: [{ name: 'hono', version: '4.0.0', direct: true }], source: 'description', complete: true });
    expect(entries.every((candidate) => typeof candidate['zippedBytes'] === 'number' && candidate['zippedBytes'] > 0)).toBe(true);
    expect(report['absent']).toEqual([]);
  });

  it('prints the ledger for a person: per layer, who runs each version and what it holds', async () => {
    const result = await runCli(['layers:consumers', STACK], { env: cliEnv(estate.env) });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(`${LAYER} (7 versions, newest first)`);
    const text = result.stdout;
    expect(text).toMatch(/^ {5}2 {2}SERVING {3}content 2222222222222222 {2}\d+ B zipped, 2\.0 KiB unzipped {2}published \S+\n/m);
    expect(text).toContain('          aliases: api live → 1 75%, api previous → 1, worker beta → 2, worker live → 4, worker previous → 3\n');
    expect(text).toContain('          function versions: api 1; worker 1, 2, 3, 4, $LATEST\n');
    expect(text).toContain('          retained deployments: serial 5 (worker), serial 3 (api, worker)\n');
    expect(text).toContain('          packages @aws-sdk/client-dynamodb 3.1000.0, hono 4.12.0\n');
    expect(text).toContain('          outside the environment: another-team-api:$LATEST\n');
    expect(text).toContain('          packages hono 4.0.0 (direct ones, from its description: no stored manifest)\n');
    expect(text).toMatch(/^ {5}1 {2}retained {2}content 1111111111111111/m);
    expect(text).toContain('\n7 layer version(s): 3 serving, 1 attached, 1 retained, 2 free.\n');
  });

  it('calls nothing free and exits 1, naming the list, when a page fails part way (and names a function Lambda does not have)', async () => {
    const faulty = await startEstate(build, {
      pageSize: 2,
      faults: [{ operation: 'ListVersionsByFunction', function: ESTATE_FUNCTIONS.worker, page: 3 }],
    });
    try {
      await faulty.lambda.send(new DeleteFunctionCommand({ FunctionName: ESTATE_FUNCTIONS.stats }));
      const result = await runCli(['layers:consumers', STACK, '--json'], { env: cliEnv(faulty.env) });
      expect(result.code).toBe(1);
      const report = JSON.parse(result.stdout) as Json;
      expect(report['complete']).toBe(false);
      expect(report['incomplete']).toEqual([
        {
          list: `versions of ${ESTATE_FUNCTIONS.worker}`,
          page: 3,
          error: expect.stringMatching(/^TooManyRequestsException: /),
        },
      ]);
      const statuses = (report['entries'] as Json[]).map((entry) => [entry['version'], entry['status']]);
      // v6 and v7 are not free while a list is incomplete; stats is gone, so v4 is no longer served.
      expect(statuses).toEqual([
        [7, 'unknown'],
        [6, 'unknown'],
        [5, 'attached'],
        [4, 'unknown'],
        [3, 'serving'],
        [2, 'serving'],
        [1, 'retained'],
      ]);
      expect(report['absent']).toEqual(['stats']);
      // worker's live points to version 4, on the page that failed: it is read on its own, so what serves is known.
      const v2 = (report['entries'] as Json[]).find((entry) => entry['version'] === 2)!;
      expect(v2['aliases']).toContainEqual({ function: 'worker', alias: 'live', version: '4', share: 1 });
      expect(v2['functionVersions']).toContainEqual({ function: 'worker', version: '4' });
      expect(result.stderr).toContain(`The ledger of ${STACK} is incomplete: versions of ${ESTATE_FUNCTIONS.worker} (page 3: TooManyRequestsException: `);
      expect(result.stderr).toContain('To read it whole: run it again (Lambda throttles list calls; the SDK retries only a few times).');
      const text = await runCli(['layers:consumers', STACK], { env: cliEnv(faulty.env) });
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(
        /^INCOMPLETE: versions of multicloud-auto-deploy-staging-worker \(page 3: TooManyRequestsException: .*\)\. No version is called free/,
      );
      expect(text.stdout).toContain('Not in Lambda: stats (configured or in a retained deployment, but no such function).');
    } finally {
      await faulty.stop();
    }
  }, 120_000);

  it('shows a deleted version something still runs or a rollback needs, from what the state recorded, and prunes around it', async () => {
    const own = await startEstate(build);
    try {
      // v2 serves api's live (75%); v1 only serial 1 needs. Both deleted behind everyone's back.
      for (const version of [1, 2]) await own.lambda.send(new DeleteLayerVersionCommand({ LayerName: LAYER, VersionNumber: version }));
      const result = await runCli(['layers:consumers', STACK, '--json'], { env: cliEnv(own.env) });
      expect(result.code).toBe(0);
      const entries = (JSON.parse(result.stdout) as Json)['entries'] as Json[];
      expect(entries.filter((entry) => entry['deleted']).map((entry) => [entry['version'], entry['status'], entry['contentHash']])).toEqual([
        [2, 'serving', '2222222222222222'],
        [1, 'retained', '1111111111111111'],
      ]);
      expect(entries.find((entry) => entry['version'] === 1)!['packages']).toMatchObject({
        source: 'manifest',
        list: [{ name: 'hono', version: '4.11.0', direct: true }],
      });
      const text = await runCli(['layers:consumers', STACK], { env: cliEnv(own.env) });
      expect(text.stdout).toMatch(
        /^ {5}2 {2}SERVING {3}content 2222222222222222 {2}size unknown \(deleted\)\n {10}DELETED from Lambda: what runs it keeps running, but no deploy or rollback can attach it again\n/m,
      );
      const prune = await runCli(['layers:prune', STACK, '--keep', '0', '--json'], { env: cliEnv(own.env) });
      expect(prune.code).toBe(0);
      expect((JSON.parse(prune.stdout) as { decisions: { version: number }[] }).decisions.map((decision) => decision.version)).toEqual([7, 6, 5, 4, 3]);
    } finally {
      await own.stop();
    }
  }, 120_000);

  it('calls nothing free, and exits 1, when the state bucket holds no deployment of the stack or a state version cannot be read', async () => {
    const own = await startEstate(build);
    try {
      // A state bucket that is not the one the deploys write: Lambda has the layer's versions, the state none.
      const elsewhere = await runCli(['layers:consumers', STACK, '--json'], { env: cliEnv({ ...own.env, STATE_BUCKET: ESTATE_BUCKETS.artifacts }) });
      expect(elsewhere.code).toBe(1);
      const report = JSON.parse(elsewhere.stdout) as Json;
      expect(report['incomplete']).toEqual([
        {
          list: `deployments of ${STACK} in s3://${ESTATE_BUCKETS.artifacts}/${STAGING.stateKey}`,
          page: 1,
          error: 'none found, though Lambda holds 7 version(s) of its layers: is STATE_BUCKET (or stateBucket in cdktf.json) the bucket the deploys write?',
        },
      ]);
      expect((report['entries'] as Json[]).some((entry) => entry['status'] === 'free')).toBe(false);
      const prune = await runCli(['layers:prune', STACK, '--keep', '0', '--apply'], { env: cliEnv({ ...own.env, STATE_BUCKET: ESTATE_BUCKETS.artifacts }) });
      expect(prune.code).toBe(1);
      expect(prune.stderr).toContain(`Nothing of ${STACK} is pruned: 1 list(s) could not be read to their end`);

      const broken = await own.s3.send(
        new PutObjectCommand({ Bucket: ESTATE_BUCKETS.state, Key: STAGING.stateKey, Body: '{"version": 4, "serial": 9, "resources": [' }),
      );
      const unreadable = await runCli(['layers:consumers', STACK, '--json'], { env: cliEnv(own.env) });
      expect(unreadable.code).toBe(1);
      const statuses = ((JSON.parse(unreadable.stdout) as Json)['entries'] as Json[]).map((entry) => entry['status']);
      expect(statuses).toEqual(['unknown', 'unknown', 'attached', 'serving', 'serving', 'serving', 'retained']);
      expect(unreadable.stderr).toContain(
        `state version ${broken.VersionId} of s3://${ESTATE_BUCKETS.state}/${STAGING.stateKey} (page 1: unreadable: not JSON`,
      );
    } finally {
      await own.stop();
    }
  }, 120_000);

  it('reads only the environment with --environment-only, and says what free then means', async () => {
    const { code, report } = await ledgerOf(['--environment-only']);
    expect(code).toBe(0);
    expect(report['regionRead']).toBe(false);
    expect((report['entries'] as Json[]).find((entry) => entry['version'] === 5)!['status']).toBe('free');
    const text = await runCli(['layers:consumers', STACK, '--environment-only'], { env: cliEnv(estate.env) });
    expect(text.stdout).toContain("The region's other functions were not read (--environment-only): free means no function of this environment needs it.");
  });
});

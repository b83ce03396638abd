import * as path from 'node:path';
import { paginateListLayerVersions } from '@aws-sdk/client-lambda';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { readManifest } from '../../../artifacts/manifest';
import { ESTATE_BUCKETS, ESTATE_FUNCTIONS, Estate, startEstate } from '../../support/lambda-estate';
import { STAGING } from '../../support/terraform-state';
import { PROJECT_ROOT, cliEnv, runCli } from '../../support/processes';

/**
 * The prune, decided by the ledger, against moto's Lambda server paging as Lambda pages: only free versions beyond
 * the newest N go, across every function of the environment and the region; nothing goes while a list or a retained
 * state version could not be read. Each test has an estate of its own (a prune deletes).
 */

const { stack: STACK, layer: LAYER, stateKey: STATE_KEY } = STAGING;
const build = readManifest(path.join(PROJECT_ROOT, '.build'));

async function withEstate(faults: Parameters<typeof startEstate>[1], test: (estate: Estate) => Promise<void>): Promise<void> {
  const estate = await startEstate(build, faults);
  try {
    await test(estate);
  } finally {
    await estate.stop();
  }
}

/** Every version left, read with the SDK's own paginator (the server gives two a page). */
async function versionsLeft(estate: Estate): Promise<number[]> {
  const versions: number[] = [];
  for await (const page of paginateListLayerVersions({ client: estate.lambda }, { LayerName: LAYER })) {
    versions.push(...(page.LayerVersions ?? []).map((version) => version.Version!));
  }
  return versions.sort((a, b) => a - b);
}

describe('npm run layers:prune', () => {
  it('deletes only free versions beyond the newest N, each kept one saying why, and only with --apply', () =>
    withEstate({ pageSize: 2 }, async (estate) => {
      const env = cliEnv(estate.env);
      const dry = await runCli(['layers:prune', STACK, '--keep', '1', '--json'], { env });
      expect(dry.code).toBe(0);
      const decisions = (JSON.parse(dry.stdout) as { decisions: { version: number; action: string; reasons: string[] }[] }).decisions;
      expect(decisions.map((decision) => [decision.version, decision.action, decision.reasons])).toEqual([
        [7, 'keep', ['one of the newest 1']],
        [6, 'delete', []],
        [5, 'keep', ['attached to another-team-api:$LATEST']],
        [4, 'keep', ['serving: stats live → 2', 'attached to stats:2, stats:$LATEST']],
        [3, 'keep', ['serving: api live → 2 25%', 'attached to api:2, api:$LATEST', 'needed by retained deployment (serial 5)']],
        [
          2,
          'keep',
          [
            'serving: api live → 1 75%, api previous → 1, worker beta → 2, worker live → 4, worker previous → 3',
            'attached to api:1, worker:1, worker:2, worker:3 and 2 more function version(s)',
            'needed by retained deployments (serials 3, 5)',
          ],
        ],
        [1, 'keep', ['needed by retained deployment (serial 1)']],
      ]);
      expect(dry.stderr).toContain('Dry run: 1 layer version(s) would be deleted. Add --apply to delete them.');
      expect(await versionsLeft(estate)).toEqual([1, 2, 3, 4, 5, 6, 7]);

      const applied = await runCli(['layers:prune', STACK, '--keep', '0', '--apply'], { env });
      expect(applied.code).toBe(0);
      expect(applied.stderr).toContain('  delete multicloud-auto-deploy-staging-dependencies:7\n');
      expect(applied.stderr).toContain('Deleted 2 layer version(s).');
      expect(await versionsLeft(estate)).toEqual([1, 2, 3, 4, 5]);
    }));

  it('deletes nothing while a list stopped part way, and says which', () =>
    withEstate({ pageSize: 2, faults: [{ operation: 'ListAliases', function: ESTATE_FUNCTIONS.worker, page: 2 }] }, async (estate) => {
      const result = await runCli(['layers:prune', STACK, '--keep', '0', '--apply'], { env: cliEnv(estate.env) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Nothing of ${STACK} is pruned: 1 list(s) could not be read to their end, and a layer version only they name would look unused: aliases of ${ESTATE_FUNCTIONS.worker} (page 2: TooManyRequestsException: `,
      );
      expect(await versionsLeft(estate)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }));

  it('refuses to delete with --environment-only (another function of the region may attach a version) but dry-runs with it, and deletes nothing while a retained state version cannot be read, naming its version id', () =>
    withEstate({ pageSize: 2 }, async (estate) => {
      const env = cliEnv(estate.env);
      const refused = await runCli(['layers:prune', STACK, '--keep', '0', '--apply', '--environment-only'], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('Deleting needs the region');
      const dry = await runCli(['layers:prune', STACK, '--keep', '0', '--environment-only'], { env });
      expect(dry.code).toBe(0);
      // Read without the region, v5 (another team's) looks free: which is why deleting needs the region read.
      expect(dry.stderr).toContain('  would delete multicloud-auto-deploy-staging-dependencies:5\n');
      expect(dry.stderr).toContain("The region's other functions were not read (--environment-only); deleting needs them read.");
      expect(await versionsLeft(estate)).toEqual([1, 2, 3, 4, 5, 6, 7]);

      // The same estate, once a state version no one can read is among the retained ones.
      const broken = await estate.s3.send(
        new PutObjectCommand({ Bucket: ESTATE_BUCKETS.state, Key: STATE_KEY, Body: '{"version": 4, "serial": 7, "resources": [' }),
      );
      const result = await runCli(['layers:prune', STACK, '--keep', '0', '--apply'], { env: cliEnv(estate.env) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `1 retained state version(s) of s3://${ESTATE_BUCKETS.state}/${STATE_KEY} could not be read, and a layer version only they reference would look unused, so nothing is pruned: version ${broken.VersionId} (written `,
      );
      expect(result.stderr).toMatch(/\): not JSON \(.*\)\. Restore or delete those state versions/);
      expect(await versionsLeft(estate)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    }));
});

import { Deployment, UnreadableStateVersion } from '../../history/deployments';
import { Ledger, ledgerOf } from '../../ledger/ledger';
import { PruneDecision, PruneOptions, planPrune } from '../../ledger/prune';
import { EnvironmentReading, FunctionSeen, LayerVersionSeen, ListingFailure } from '../../ledger/readings';
import { UserError } from '../../project/errors';

/**
 * The prune by the ledger, without I/O: only a free version beyond the newest N of its layer goes, every other one
 * says why it stays, and nothing is decided while a list or a retained state version could not be read, or (for
 * --apply) while the region's other functions were not read.
 */

const PREFIX = 'multicloud-auto-deploy-prod-';
const DEPS = `${PREFIX}dependencies`;
const EXTRA = `${PREFIX}extras`;
const layerArn = (name: string, version: number): string => `arn:aws:lambda:eu-west-1:123456789012:layer:${name}:${version}`;
const layerVersion = (layerName: string, version: number): LayerVersionSeen => ({ arn: layerArn(layerName, version), layerName, version });

const OPTIONS: PruneOptions = { stack: 'api-prod', keep: 2, unreadable: [], stateLocation: 's3://state/prod.tfstate', apply: true };

function ledger(partial: Partial<EnvironmentReading>, history: Deployment[] = []): Ledger {
  const reading: EnvironmentReading = { layerVersions: [], functions: [], outside: [], incomplete: [], ...partial };
  return ledgerOf({ reading, history, manifests: new Map(), described: () => undefined });
}

function api(versions: Record<string, string[]>, live?: string): FunctionSeen {
  const functionName = `${PREFIX}api`;
  return {
    name: 'api',
    functionName,
    exists: true,
    versions: Object.entries(versions).map(([version, layers]) => ({ functionName, version, layers })),
    aliases: live ? [{ functionName, name: 'live', version: live, weights: {} }] : [],
  };
}

function retained(serial: number, layers: string[]): Deployment {
  return {
    serial,
    time: '2025-05-01T00:00:00.000Z',
    stateVersionId: `state-${serial}`,
    lineage: 'lineage',
    terraformVersion: '1.9.0',
    layers: layers.map((arn) => ({ arn, layerName: DEPS, version: Number(arn.split(':').pop()) })),
  };
}

const actions = (decisions: PruneDecision[]): string[] =>
  decisions.map((decision) => `${decision.layerName.replace(PREFIX, '')}:${decision.version} ${decision.action}`);

function thrown(run: () => unknown): UserError {
  try {
    run();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error('planPrune did not refuse');
}

describe('planPrune', () => {
  it('keeps the newest N of each layer, counted per layer even when the versions were listed interleaved', () => {
    const of = ledger({
      layerVersions: [
        layerVersion(EXTRA, 1),
        layerVersion(DEPS, 1),
        layerVersion(EXTRA, 3),
        layerVersion(DEPS, 4),
        layerVersion(EXTRA, 2),
        layerVersion(DEPS, 2),
        layerVersion(DEPS, 3),
      ],
    });
    expect(actions(planPrune(of, OPTIONS))).toEqual([
      'dependencies:4 keep',
      'dependencies:3 keep',
      'dependencies:2 delete',
      'dependencies:1 delete',
      'extras:3 keep',
      'extras:2 keep',
      'extras:1 delete',
    ]);
  });

  it('counts the newest N by position within each layer, when given a ledger whose layers alternate', () => {
    const free = (layerName: string, version: number) => ({
      ...layerVersion(layerName, version),
      status: 'free' as const,
      aliases: [],
      functionVersions: [],
      outside: [],
      deployments: [],
    });
    const alternating: Ledger = {
      entries: [free(DEPS, 3), free(EXTRA, 3), free(DEPS, 2), free(EXTRA, 2), free(DEPS, 1), free(EXTRA, 1)],
      incomplete: [],
      absent: [],
      regionRead: true,
    };
    expect(actions(planPrune(alternating, OPTIONS))).toEqual([
      'dependencies:3 keep',
      'extras:3 keep',
      'dependencies:2 keep',
      'extras:2 keep',
      'dependencies:1 delete',
      'extras:1 delete',
    ]);
  });

  it('deletes only free versions: serving, attached and retained ones beyond the newest N stay, each saying why', () => {
    const deps = (version: number): string => layerArn(DEPS, version);
    const of = ledger(
      {
        layerVersions: [1, 2, 3, 4, 5, 6].map((version) => layerVersion(DEPS, version)),
        functions: [api({ $LATEST: [deps(3)], '7': [deps(4)] }, '7')],
        outside: [{ functionName: 'other-team-fn', version: '2', layers: [deps(2)] }],
      },
      [retained(9, [deps(1)]), retained(8, [deps(1)])],
    );
    const decisions = planPrune(of, { ...OPTIONS, keep: 1 });
    expect(decisions.map((decision) => [decision.version, decision.action, decision.reasons])).toEqual([
      [6, 'keep', ['one of the newest 1']],
      [5, 'delete', []],
      [4, 'keep', ['serving: api live → 7', 'attached to api:7']],
      [3, 'keep', ['attached to api:$LATEST']],
      [2, 'keep', ['attached to other-team-fn:2']],
      [1, 'keep', ['needed by retained deployments (serials 8, 9)']],
    ]);
    expect(decisions.find((decision) => decision.version === 5)).toEqual({ arn: deps(5), layerName: DEPS, version: 5, action: 'delete', reasons: [] });
  });

  it('keeps nothing for its age with keep 0, and says both reasons of a new version that is also served', () => {
    const of = ledger({ layerVersions: [layerVersion(DEPS, 2), layerVersion(DEPS, 1)], functions: [api({ '1': [layerArn(DEPS, 2)] }, '1')] });
    expect(planPrune(of, { ...OPTIONS, keep: 0 }).map((decision) => [decision.version, decision.action])).toEqual([
      [2, 'keep'],
      [1, 'delete'],
    ]);
    expect(planPrune(of, { ...OPTIONS, keep: 3 })[0].reasons).toEqual(['one of the newest 3', 'serving: api live → 1', 'attached to api:1']);
  });

  it('refuses while a list is incomplete, naming each list with the page it stopped at', () => {
    const incomplete: ListingFailure[] = [
      { list: `versions of ${PREFIX}worker`, page: 3, error: 'TooManyRequestsException: Rate exceeded' },
      { list: `versions of layer ${DEPS}`, page: 1, error: 'AccessDeniedException: not allowed' },
    ];
    const of = ledger({ layerVersions: [layerVersion(DEPS, 1)], incomplete });
    for (const apply of [true, false]) {
      const error = thrown(() => planPrune(of, { ...OPTIONS, apply }));
      expect(error.code).toBe('LEDGER_INCOMPLETE');
      expect(error.message).toContain('Nothing of api-prod is pruned: 2 list(s) could not be read to their end');
      expect(error.message).toContain(
        `versions of ${PREFIX}worker (page 3: TooManyRequestsException: Rate exceeded); versions of layer ${DEPS} (page 1: AccessDeniedException: not allowed)`,
      );
    }
  });

  it('refuses while a retained state version is unreadable, naming its version id, before anything else', () => {
    const unreadable: UnreadableStateVersion[] = [{ versionId: 'Xk3vQ.9', lastModified: '2025-04-02T08:00:00.000Z', reason: 'not JSON (Unexpected token)' }];
    const incomplete = [{ list: 'aliases', page: 2, error: 'Throttled' }];
    const error = thrown(() => planPrune(ledger({ layerVersions: [layerVersion(DEPS, 1)], incomplete }), { ...OPTIONS, unreadable, apply: false }));
    expect(error.code).toBe('PRUNE_STATE_UNREADABLE');
    expect(error.message).toContain('1 retained state version(s) of s3://state/prod.tfstate could not be read');
    expect(error.message).toContain('version Xk3vQ.9 (written 2025-04-02T08:00:00.000Z): not JSON (Unexpected token)');
  });

  it('refuses to apply when the region’s other functions were not read, but plans the dry run', () => {
    const reading: EnvironmentReading = { layerVersions: [layerVersion(DEPS, 3), layerVersion(DEPS, 2), layerVersion(DEPS, 1)], functions: [], incomplete: [] };
    const of = ledgerOf({ reading, history: [], manifests: new Map(), described: () => undefined });
    expect(of.regionRead).toBe(false);
    const error = thrown(() => planPrune(of, { ...OPTIONS, apply: true }));
    expect(error.code).toBe('PRUNE_REGION_UNREAD');
    expect(error.message).toContain("another function may attach api-prod's layer versions by hand");
    expect(actions(planPrune(of, { ...OPTIONS, apply: false }))).toEqual(['dependencies:3 keep', 'dependencies:2 keep', 'dependencies:1 delete']);
  });
});

describe('planPrune, on its own terms', () => {
  it('deletes only what the ledger calls free: an unknown version stays, even in a ledger that says it is complete', () => {
    const whole = ledger({ layerVersions: [layerVersion(DEPS, 1), layerVersion(DEPS, 2)] });
    const unknown: Ledger = { ...whole, entries: whole.entries.map((entry) => (entry.version === 1 ? { ...entry, status: 'unknown' as const } : entry)) };
    expect(planPrune(unknown, { ...OPTIONS, keep: 0 }).map((decision) => [decision.version, decision.action])).toEqual([
      [2, 'delete'],
      [1, 'keep'],
    ]);
  });

  it('leaves out a version already deleted, which is not one of the newest it keeps', () => {
    const whole = ledger({ layerVersions: [layerVersion(DEPS, 1), layerVersion(DEPS, 2)] });
    const gone: Ledger = { ...whole, entries: [{ ...whole.entries[0], deleted: true }, ...whole.entries.slice(1)] };
    expect(planPrune(gone, { ...OPTIONS, keep: 1 }).map((decision) => [decision.version, decision.action])).toEqual([[1, 'keep']]);
  });
});

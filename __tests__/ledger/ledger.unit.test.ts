import { PLUGINS } from '../../family-plugins/registry';
import { Deployment } from '../../history/deployments';
import { DeployedFunction } from '../../history/terraform-state';
import { Ledger, LedgerEntry, LedgerInputs, aliasText, keptBecause, ledgerOf } from '../../ledger/ledger';
import { entryLines, ledgerLines } from '../../ledger/ledger-text';
import { AliasSeen, EnvironmentReading, FunctionSeen, FunctionVersionSeen, LayerVersionSeen, aliasShares } from '../../ledger/readings';
import { LayerContents, contentsFromDescription } from '../../review/layer-packages';

/**
 * The ledger without I/O: for every layer version of an environment, who runs it (aliases with their canary weights,
 * function versions, functions outside the environment, retained deployments), what it holds, and its status; and the
 * text a person on call reads. The shapes are those aws/lambda-listing.ts and the state history produce.
 */

const PREFIX = 'multicloud-auto-deploy-prod-';
const DEPS = `${PREFIX}dependencies`;
const EXTRA = `${PREFIX}extras`;
const layerArn = (name: string, version: number): string => `arn:aws:lambda:eu-west-1:123456789012:layer:${name}:${version}`;
const deps = (version: number): string => layerArn(DEPS, version);

function layerVersion(layerName: string, version: number, extra: Partial<LayerVersionSeen> = {}): LayerVersionSeen {
  return { arn: layerArn(layerName, version), layerName, version, ...extra };
}

/** One of the environment's functions: its versions as [version, layers], its aliases as [name, version, weights]. */
function fn(name: string, versions: [string, string[]][], aliases: [string, string, Record<string, number>?][] = []): FunctionSeen {
  const functionName = `${PREFIX}${name}`;
  return {
    name,
    functionName,
    exists: true,
    versions: versions.map(([version, layers]): FunctionVersionSeen => ({ functionName, version, layers })),
    aliases: aliases.map(([alias, version, weights]): AliasSeen => ({ functionName, name: alias, version, weights: weights ?? {} })),
  };
}

function reading(partial: Partial<EnvironmentReading>): EnvironmentReading {
  return { layerVersions: [], functions: [], outside: [], incomplete: [], ...partial };
}

/** A reading of the environment only (--environment-only): the region's other functions were not listed. */
function environmentOnly(partial: Omit<Partial<EnvironmentReading>, 'outside'>): EnvironmentReading {
  return { layerVersions: [], functions: [], incomplete: [], ...partial };
}

const deployed = (name: string, layers: string[]): DeployedFunction => ({ functionName: `${PREFIX}${name}`, layers, codeHash: `sha-of-${name}` });

/** A retained deployment: its layer resources, its API function's layers, its other functions' layers. */
function deployment(serial: number, parts: { layers?: string[]; api?: string[]; functions?: Record<string, string[]> }): Deployment {
  return {
    serial,
    time: `2025-0${serial}-01T00:00:00.000Z`,
    stateVersionId: `state-${serial}`,
    lineage: 'lineage',
    terraformVersion: '1.9.0',
    layers: (parts.layers ?? []).map((arn) => ({ arn, layerName: arn.split(':')[6], version: Number(arn.split(':')[7]) })),
    ...(parts.api ? { function: deployed('api', parts.api) } : {}),
    functions: Object.entries(parts.functions ?? {}).map(([name, layers]) => ({ name, deployed: deployed(name, layers) })),
  };
}

function ledger(partial: Partial<EnvironmentReading>, extra: Partial<Omit<LedgerInputs, 'reading'>> = {}): Ledger {
  return ledgerOf({ reading: reading(partial), history: [], manifests: new Map(), described: () => undefined, ...extra });
}

const entry = (of: Ledger, arn: string): LedgerEntry => {
  const found = of.entries.find((candidate) => candidate.arn === arn);
  if (!found) throw new Error(`no entry for ${arn}`);
  return found;
};

describe('aliasShares', () => {
  it('gives the whole alias to its version when it has no weights', () => {
    expect(aliasShares({ version: '4', weights: {} })).toEqual([{ version: '4', share: 1 }]);
  });

  it('sends a 0.1 canary 10% and the version the alias points to the other 90%', () => {
    expect(aliasShares({ version: '3', weights: { '4': 0.1 } })).toEqual([
      { version: '3', share: 0.9 },
      { version: '4', share: 0.1 },
    ]);
  });

  it('rounds away the floating-point remainder (1 - 0.7 is 0.3, not 0.30000000000000004)', () => {
    expect(aliasShares({ version: '3', weights: { '4': 0.7 } })[0].share).toBe(0.3);
    expect(aliasShares({ version: '3', weights: { '4': 0.1, '5': 0.2 } })[0].share).toBe(0.7);
  });

  it('leaves the version the alias points to a share of 0 when the weights sum to 1', () => {
    expect(aliasShares({ version: '3', weights: { '4': 1 } })).toEqual([
      { version: '3', share: 0 },
      { version: '4', share: 1 },
    ]);
  });
});

describe('ledgerOf: who runs each layer version', () => {
  it('puts a canary alias on both versions it routes to, each with its weight, and both serve', () => {
    const of = ledger({
      layerVersions: [layerVersion(DEPS, 1), layerVersion(DEPS, 2)],
      functions: [
        fn(
          'api',
          [
            ['3', [deps(1)]],
            ['4', [deps(2)]],
          ],
          [['live', '3', { '4': 0.1 }]],
        ),
      ],
    });
    expect(entry(of, deps(1)).aliases).toEqual([{ function: 'api', alias: 'live', version: '3', share: 0.9 }]);
    expect(entry(of, deps(2)).aliases).toEqual([{ function: 'api', alias: 'live', version: '4', share: 0.1 }]);
    expect(of.entries.map((seen) => seen.status)).toEqual(['serving', 'serving']);
    expect(entry(of, deps(1)).aliases.map(aliasText)).toEqual(['api live → 3 90%']);
    expect(entry(of, deps(2)).aliases.map(aliasText)).toEqual(['api live → 4 10%']);
  });

  it('writes a whole alias without a percentage and a share to one decimal of a percent', () => {
    expect(aliasText({ function: 'api', alias: 'live', version: '7', share: 1 })).toBe('api live → 7');
    expect(aliasText({ function: 'api', alias: 'live', version: '7', share: 1 / 3 })).toBe('api live → 7 33.3%');
  });

  it('counts an alias that points to $LATEST as serving the layers $LATEST has', () => {
    const of = ledger({
      layerVersions: [layerVersion(DEPS, 1)],
      functions: [fn('api', [['$LATEST', [deps(1)]]], [['live', '$LATEST']])],
    });
    expect(entry(of, deps(1))).toMatchObject({
      status: 'serving',
      aliases: [{ function: 'api', alias: 'live', version: '$LATEST', share: 1 }],
      functionVersions: [{ function: 'api', version: '$LATEST' }],
    });
  });

  it('counts a version that lists the same layer twice once, as function version and under its alias', () => {
    const of = ledger({
      layerVersions: [layerVersion(DEPS, 1)],
      functions: [fn('api', [['2', [deps(1), deps(1)]]], [['live', '2']])],
    });
    expect(entry(of, deps(1)).functionVersions).toEqual([{ function: 'api', version: '2' }]);
    expect(entry(of, deps(1)).aliases).toEqual([{ function: 'api', alias: 'live', version: '2', share: 1 }]);
  });

  it('marks a version only a retained deployment’s layer resource names as retained, with no function', () => {
    const of = ledger({ layerVersions: [layerVersion(DEPS, 1)] }, { history: [deployment(3, { layers: [deps(1)] })] });
    expect(entry(of, deps(1))).toMatchObject({
      status: 'retained',
      deployments: [{ serial: 3, time: '2025-03-01T00:00:00.000Z', functions: [] }],
      aliases: [],
      functionVersions: [],
    });
    expect(entryLines(entry(of, deps(1)))).toContain('          retained deployments: serial 3');
  });

  it('marks a version only a retained deployment’s other functions attach as retained, naming them by configuration name', () => {
    const history = [
      deployment(5, { api: [deps(1)], functions: { worker: [deps(2)], stats: [deps(2)] } }),
      deployment(4, { functions: { worker: [deps(2)] } }),
    ];
    const of = ledger({ layerVersions: [layerVersion(DEPS, 1), layerVersion(DEPS, 2)] }, { history });
    expect(entry(of, deps(2))).toMatchObject({
      status: 'retained',
      deployments: [
        { serial: 5, functions: ['stats', 'worker'] },
        { serial: 4, functions: ['worker'] },
      ],
    });
    expect(entry(of, deps(1))).toMatchObject({ status: 'retained', deployments: [{ serial: 5, functions: ['api'] }] });
    expect(entryLines(entry(of, deps(2)))).toContain('          retained deployments: serial 5 (stats, worker), serial 4 (worker)');
  });

  it('ranks the statuses serving over attached over retained over free', () => {
    const history = [deployment(2, { layers: [deps(1), deps(2), deps(3)] })];
    const of = ledger(
      {
        layerVersions: [1, 2, 3, 4, 5].map((version) => layerVersion(DEPS, version)),
        // deps:1 is served, attached and retained; deps:2 attached (unaliased $LATEST) and retained; deps:3 only retained.
        functions: [
          fn(
            'api',
            [
              ['$LATEST', [deps(2)]],
              ['1', [deps(1)]],
            ],
            [['live', '1']],
          ),
        ],
        // deps:5 is attached to another team's function only.
        outside: [{ functionName: 'other-team-fn', version: '8', layers: [deps(5)] }],
      },
      { history },
    );
    expect(of.entries.map((seen) => [seen.version, seen.status])).toEqual([
      [5, 'attached'],
      [4, 'free'],
      [3, 'retained'],
      [2, 'attached'],
      [1, 'serving'],
    ]);
    expect(entry(of, deps(5)).outside).toEqual([{ function: 'other-team-fn', version: '8' }]);
  });

  it('does not count an alias whose weights send everything elsewhere (share 0) as serving its main version', () => {
    const of = ledger({
      layerVersions: [layerVersion(DEPS, 1), layerVersion(DEPS, 2)],
      functions: [
        fn(
          'api',
          [
            ['3', [deps(1)]],
            ['4', [deps(2)]],
          ],
          [['live', '3', { '4': 1 }]],
        ),
      ],
    });
    const main = entry(of, deps(1));
    expect(main.status).toBe('attached');
    expect(main.aliases).toEqual([{ function: 'api', alias: 'live', version: '3', share: 0 }]);
    expect(keptBecause(main)).toEqual(['attached to api:3']);
    expect(entryLines(main).some((line) => line.includes('aliases:'))).toBe(false);
    expect(entry(of, deps(2)).status).toBe('serving');
  });

  it('calls an unreferenced version unknown, not free, while a list is incomplete', () => {
    const layerVersions = [layerVersion(DEPS, 1), layerVersion(DEPS, 2)];
    const history = [deployment(2, { layers: [deps(2)] })];
    const failure = { list: `versions of ${PREFIX}worker`, page: 3, error: 'TooManyRequestsException: Rate exceeded' };
    const incomplete = ledger({ layerVersions, incomplete: [failure] }, { history });
    expect(incomplete.entries.map((seen) => [seen.version, seen.status])).toEqual([
      [2, 'retained'],
      [1, 'unknown'],
    ]);
    expect(incomplete.incomplete).toEqual([failure]);
    expect(keptBecause(entry(incomplete, deps(1)))).toEqual(['not known to be free: a list could not be read to its end']);
    const complete = ledger({ layerVersions }, { history });
    expect(entry(complete, deps(1)).status).toBe('free');
    expect(keptBecause(entry(complete, deps(1)))).toEqual([]);
  });

  it('says the region was read only when the other functions were listed (even if none uses a layer)', () => {
    expect(ledger({ outside: [] }).regionRead).toBe(true);
    expect(ledgerOf({ reading: environmentOnly({}), history: [], manifests: new Map(), described: () => undefined }).regionRead).toBe(false);
  });

  it('lists the functions Lambda does not have as absent, and counts nothing of theirs', () => {
    const worker: FunctionSeen = { ...fn('worker', []), exists: false };
    const of = ledger({ layerVersions: [layerVersion(DEPS, 1)], functions: [fn('api', [['1', [deps(1)]]]), worker] });
    expect(of.absent).toEqual(['worker']);
    expect(entry(of, deps(1)).functionVersions).toEqual([{ function: 'api', version: '1' }]);
  });

  it('takes the packages from the manifest stored for the content hash, else from the description', () => {
    const stored: LayerContents = {
      contentHash: 'aaaaaaaaaaaaaaaa'.padEnd(64, '1'),
      family: 'nodejs',
      packages: [
        { name: 'hono', version: '4.12.0', direct: true },
        { name: 'tslib', version: '2.8.1', direct: false },
      ],
      unzippedBytes: 3 * 1024 * 1024,
      source: 'manifest',
      complete: true,
    };
    const of = ledger(
      {
        layerVersions: [
          // The description carries the whole hash: the manifest is filed under its first 16 characters.
          layerVersion(DEPS, 3, { description: `content ${'aaaaaaaaaaaaaaaa'.padEnd(64, '1')} | nodejs24.x x86_64 | hono@4.12.0`, codeSize: 2048 }),
          layerVersion(DEPS, 2, { description: 'content bbbbbbbbbbbbbbbb | nodejs24.x x86_64 | hono@4.11.0, zod@3.23.8', codeSize: 1024 }),
          layerVersion(DEPS, 1, { description: 'published by hand', sizeUnknown: 'AccessDeniedException' }),
        ],
      },
      { manifests: new Map([['aaaaaaaaaaaaaaaa', stored]]), described: (description) => contentsFromDescription(description, PLUGINS) },
    );
    expect(entry(of, deps(3))).toMatchObject({
      contentHash: 'aaaaaaaaaaaaaaaa',
      zippedBytes: 2048,
      unzippedBytes: 3 * 1024 * 1024,
      packages: { list: stored.packages, source: 'manifest', complete: true },
    });
    expect(entry(of, deps(2))).toMatchObject({
      contentHash: 'bbbbbbbbbbbbbbbb',
      packages: {
        list: [
          { name: 'hono', version: '4.11.0', direct: true },
          { name: 'zod', version: '3.23.8', direct: true },
        ],
        source: 'description',
        complete: true,
      },
    });
    expect(entry(of, deps(2)).unzippedBytes).toBeUndefined();
    expect(entry(of, deps(1)).contentHash).toBeUndefined();
    expect(entry(of, deps(1)).packages).toBeUndefined();
    expect(entryLines(entry(of, deps(3)))).toEqual([
      '     3  free      content aaaaaaaaaaaaaaaa  2.0 KiB zipped, 3.0 MiB unzipped',
      '          packages hono 4.12.0 (+1 they need)',
    ]);
    expect(entryLines(entry(of, deps(2)))[1]).toBe('          packages hono 4.11.0, zod 3.23.8 (direct ones, from its description: no stored manifest)');
    expect(entryLines(entry(of, deps(1)))).toEqual([
      '     1  free      content (not ours: no content hash in its description)  size unknown (AccessDeniedException)',
      '          packages unknown (no stored manifest, and the description names none)',
    ]);
  });

  it('marks a description cut at 256 characters with "..."', () => {
    const of = ledger(
      { layerVersions: [layerVersion(DEPS, 1, { description: 'content cccccccccccccccc | nodejs24.x x86_64 | hono@4.11.0, zod@3.2...' })] },
      { described: (description) => contentsFromDescription(description, PLUGINS) },
    );
    expect(entryLines(entry(of, deps(1)))[1]).toBe('          packages hono 4.11.0, ... (direct ones, from its description: no stored manifest)');
  });

  it('sorts by layer name, newest version first; function versions by number with $LATEST last; aliases by function and name', () => {
    const layers = [deps(1), deps(2)];
    const of = ledger({
      layerVersions: [layerVersion(EXTRA, 1), layerVersion(DEPS, 2), layerVersion(EXTRA, 10), layerVersion(DEPS, 1), layerVersion(EXTRA, 9)],
      functions: [
        fn(
          'worker',
          [
            ['$LATEST', [deps(1)]],
            ['10', [deps(1)]],
            ['9', [deps(1)]],
          ],
          [['live', '10']],
        ),
        fn(
          'api',
          [
            ['10', layers],
            ['$LATEST', layers],
            ['2', layers],
          ],
          [
            ['previous', '2'],
            ['live', '10'],
          ],
        ),
      ],
      outside: [
        { functionName: 'zeta', version: '$LATEST', layers: [deps(1)] },
        { functionName: 'zeta', version: '12', layers: [deps(1)] },
        { functionName: 'alpha', version: '3', layers: [deps(1)] },
      ],
    });
    expect(of.entries.map((seen) => `${seen.layerName.replace(PREFIX, '')}:${seen.version}`)).toEqual([
      'dependencies:2',
      'dependencies:1',
      'extras:10',
      'extras:9',
      'extras:1',
    ]);
    expect(entry(of, deps(1)).functionVersions.map((seen) => `${seen.function}:${seen.version}`)).toEqual([
      'api:2',
      'api:10',
      'api:$LATEST',
      'worker:9',
      'worker:10',
      'worker:$LATEST',
    ]);
    expect(entry(of, deps(1)).outside.map((seen) => `${seen.function}:${seen.version}`)).toEqual(['alpha:3', 'zeta:12', 'zeta:$LATEST']);
    expect(entry(of, deps(1)).aliases.map(aliasText)).toEqual(['api live → 10', 'api previous → 2', 'worker live → 10']);
  });
});

describe('keptBecause', () => {
  it('names the serving aliases, the attached versions (four, then a count) and the retained serials in order', () => {
    const of = ledger(
      {
        layerVersions: [layerVersion(DEPS, 1)],
        functions: [
          fn(
            'api',
            ['1', '2', '3', '4', '5'].map((version): [string, string[]] => [version, [deps(1)]]),
            [['live', '5', { '4': 0.25 }]],
          ),
        ],
        outside: [{ functionName: 'other-team-fn', version: '1', layers: [deps(1)] }],
      },
      { history: [deployment(7, { api: [deps(1)] }), deployment(2, { layers: [deps(1)] })] },
    );
    expect(keptBecause(entry(of, deps(1)))).toEqual([
      'serving: api live → 5 75%, api live → 4 25%',
      'attached to api:1, api:2, api:3, api:4 and 2 more function version(s)',
      'needed by retained deployments (serials 2, 7)',
    ]);
  });
});

describe('ledgerLines', () => {
  it('writes the INCOMPLETE line first, each layer with its versions, the counts, the absent functions and the region note', () => {
    const failure = { list: `aliases of ${PREFIX}api`, page: 2, error: 'TooManyRequestsException: Rate exceeded' };
    const worker: FunctionSeen = { ...fn('worker', []), exists: false };
    const read = environmentOnly({
      layerVersions: [
        layerVersion(DEPS, 3, { codeSize: 512, created: '2025-06-01T10:00:00.000+0000' }),
        layerVersion(DEPS, 2, { codeSize: 512 }),
        layerVersion(DEPS, 1, { codeSize: 512 }),
        layerVersion(EXTRA, 1, { codeSize: 512 }),
      ],
      functions: [fn('api', [['4', [deps(3), layerArn(EXTRA, 1)]]], [['live', '4']]), worker],
      incomplete: [failure],
    });
    const of = ledgerOf({ reading: read, history: [deployment(6, { layers: [deps(2)] })], manifests: new Map(), described: () => undefined });
    const unknownPackages = '          packages unknown (no stored manifest, and the description names none)';
    const notOurs = 'content (not ours: no content hash in its description)  512 B zipped';
    expect(ledgerLines('api-prod', of)).toEqual([
      `INCOMPLETE: aliases of ${PREFIX}api (page 2: TooManyRequestsException: Rate exceeded). No version is called free while a list is incomplete.`,
      '',
      `${DEPS} (3 versions, newest first)`,
      `     3  SERVING   ${notOurs}  published 2025-06-01T10:00:00.000+0000`,
      '          aliases: api live → 4',
      '          function versions: api 4',
      unknownPackages,
      `     2  retained  ${notOurs}`,
      '          retained deployments: serial 6',
      unknownPackages,
      `     1  unknown   ${notOurs}`,
      unknownPackages,
      `${EXTRA} (1 version, newest first)`,
      `     1  SERVING   ${notOurs}`,
      '          aliases: api live → 4',
      '          function versions: api 4',
      unknownPackages,
      '',
      '4 layer version(s): 2 serving, 1 retained, 1 unknown.',
      'Not in Lambda: worker (configured or in a retained deployment, but no such function).',
      "The region's other functions were not read (--environment-only): free means no function of this environment needs it.",
    ]);
  });

  it('writes a complete, region-wide ledger without the INCOMPLETE line or notes, and an empty one in a sentence', () => {
    const of = ledger({
      layerVersions: [layerVersion(DEPS, 2), layerVersion(DEPS, 1)],
      functions: [fn('api', [['1', [deps(2)]]])],
      outside: [{ functionName: 'other-team-fn', version: '3', layers: [deps(2)] }],
    });
    const lines = ledgerLines('api-prod', of);
    expect(lines.some((line) => line.startsWith('INCOMPLETE'))).toBe(false);
    expect(lines).toContain('          outside the environment: other-team-fn:3');
    expect(lines.slice(-2)).toEqual(['', '2 layer version(s): 1 attached, 1 free.']);
    expect(ledgerLines('api-prod', ledger({}))).toEqual(['api-prod has no layer version in Lambda.']);
  });
});

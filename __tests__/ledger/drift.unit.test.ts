import { PLUGINS } from '../../family-plugins/registry';
import { DriftInput, DriftReport, ExpectedLayer, LiveLayer, codeHashInDescription, driftLines, driftMarkdown, driftOf } from '../../ledger/drift';
import { FunctionVersionSeen } from '../../ledger/readings';
import { LayerContents, LayerPackage, contentsFromDescription } from '../../review/layer-packages';

/**
 * Drift without I/O: what each function's alias live runs (code, layers, their packages) against this build and the
 * retained deployments, as sentences. The families are the real ones, so package versions order as each family orders
 * them (PEP 440 for Python, SemVer for Node.js).
 */

const ENV = 'prod';
const PREFIX = 'multicloud-auto-deploy-prod-';
const API = `${PREFIX}api`;
const DEPS = `${PREFIX}dependencies`;
const layerArn = (name: string, version: number, account = '123456789012'): string => `arn:aws:lambda:eu-west-1:${account}:layer:${name}:${version}`;
const deps = (version: number): string => layerArn(DEPS, version);
const INSIGHTS = (version: number, name = 'LambdaInsightsExtension'): string => layerArn(name, version, '580247275435');

/** This build's bundle content hash, and what its function descriptions carry (the first 16 characters). */
const CODE = 'c0dec0dec0dec0de'.padEnd(64, '9');
const OTHER_CODE = 'deadbeefdeadbeef';
/** Lambda's base64 SHA-256 of the code zip a retained deployment made, and of code made by hand. */
const SHA_DEPLOYED = 'Q0RFUExPWUVEMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY=';
const SHA_NEWER = 'TkVXRVJERVBMT1lNRU5UMTIzNDU2Nzg5MDEyMzQ1Njc4OTA=';
const SHA_BY_HAND = 'QllIQU5EMTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODk=';

const pkgs = (list: [string, string, boolean?][]): LayerPackage[] => list.map(([name, version, direct]) => ({ name, version, direct: direct ?? true }));

function manifest(contentHash: string, family: 'nodejs' | 'python', packages: [string, string, boolean?][]): LayerContents {
  return { contentHash: contentHash.padEnd(64, '0'), family, packages: pkgs(packages), source: 'manifest', complete: true };
}

/** The build's Node.js layer, and what the live version runs when nothing drifted. */
const NODE_BUILT = manifest('a1a1a1a1a1a1a1a1', 'nodejs', [
  ['hono', '4.14.0'],
  ['tslib', '2.8.1', false],
]);

function version(number: string, extra: Partial<FunctionVersionSeen> = {}): FunctionVersionSeen {
  return {
    functionName: API,
    version: number,
    layers: [deps(5)],
    codeSha256: SHA_DEPLOYED,
    description: `API of prod (hono); code ${CODE.slice(0, 16)}`,
    ...extra,
  };
}

const ownLayer = (contents: LayerContents = NODE_BUILT): ExpectedLayer => ({ folder: 'dependencies', layerName: DEPS, contents });

/** The api function, live on version 3, as this build would deploy it and as serial 7 deployed it; each part overridable. */
function api(overrides: Partial<DriftInput> = {}, versions: FunctionVersionSeen[] = [version('3')]): DriftInput {
  return {
    name: 'api',
    functionName: API,
    live: { exists: true, alias: { functionName: API, name: 'live', version: '3', weights: {} }, versions },
    expected: { codeHash: CODE, layers: [ownLayer()] },
    recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers: [deps(5)] }],
    ...overrides,
  };
}

function liveLayers(...layers: (Partial<LiveLayer> & { arn: string })[]): Map<string, LiveLayer> {
  return new Map(layers.map((layer) => [layer.arn, { exists: true, ...layer }]));
}

const LIVE = liveLayers({ arn: deps(5), folder: 'dependencies', contents: NODE_BUILT });

const drift = (inputs: DriftInput[], live: ReadonlyMap<string, LiveLayer> = LIVE): DriftReport => driftOf(ENV, inputs, live, PLUGINS);
const findings = (report: DriftReport) => report.functions.flatMap((fn) => fn.findings);
const messages = (report: DriftReport): string[] => findings(report).map((finding) => finding.message);
const kinds = (report: DriftReport): string[] => findings(report).map((finding) => finding.kind);

describe('codeHashInDescription', () => {
  it('reads the code content hash the stacks put in a function’s description', () => {
    expect(codeHashInDescription('API of prod (hono); code c0dec0dec0dec0de')).toBe('c0dec0dec0dec0de');
    expect(codeHashInDescription(`worker; code ${CODE}`)).toBe(CODE);
  });

  it('reads none from a description without one, with too short a hash, or from no description', () => {
    expect(codeHashInDescription('API of prod (hono)')).toBeUndefined();
    expect(codeHashInDescription('barcode c0dec0dec0dec0de')).toBeUndefined();
    expect(codeHashInDescription('code c0dec0de')).toBeUndefined();
    expect(codeHashInDescription(undefined)).toBeUndefined();
  });
});

describe('driftOf: code', () => {
  it('finds nothing when live runs the code and layers this build makes and a retained deployment made', () => {
    const report = drift([api()]);
    expect(report.drift).toBe(false);
    expect(findings(report)).toEqual([]);
    expect(report.functions[0].live).toEqual([
      {
        version: '3',
        share: 1,
        codeSha256: SHA_DEPLOYED,
        codeHash: 'c0dec0dec0dec0de',
        layers: [{ arn: deps(5), contentHash: 'a1a1a1a1a1a1a1a1', packages: 'manifest' }],
      },
    ]);
    expect(driftLines(report)).toEqual([
      `prod api (${API}): live runs version 3, code c0dec0dec0dec0de (SHA-256 Q0RFUExPWUVE)`,
      `    layers: ${DEPS}:5 content a1a1a1a1a1a1a1a1`,
      '    as the repository would deploy it',
      '',
      'No drift: prod runs what the repository would deploy, in 1 function(s).',
    ]);
  });

  it('says code changed outside Terraform when no retained deployment made the SHA live runs', () => {
    const report = drift([
      api(
        {
          recorded: [
            { serial: 9, codeSha256: SHA_NEWER, layers: [deps(5)] },
            { serial: 7, codeSha256: SHA_DEPLOYED, layers: [deps(5)] },
          ],
        },
        [version('3', { codeSha256: SHA_BY_HAND })],
      ),
    ]);
    expect(report.drift).toBe(true);
    expect(findings(report)).toEqual([
      {
        function: 'api',
        kind: 'code-outside',
        message: `prod api: code changed outside Terraform (SHA-256 ${SHA_BY_HAND.slice(0, 12)} of version 3 is no retained deployment's; the last deployment's is ${SHA_NEWER.slice(0, 12)})`,
      },
    ]);
  });

  it('does not call the code of an older retained deployment drift (promote may point live back to it)', () => {
    const report = drift([
      api({
        recorded: [
          { serial: 9, codeSha256: SHA_NEWER, layers: [deps(6)] },
          { serial: 7, codeSha256: SHA_DEPLOYED, layers: [deps(5)] },
        ],
      }),
    ]);
    expect(findings(report)).toEqual([]);
    expect(report.drift).toBe(false);
  });

  it('says the code differs when the description’s code hash is not this build’s', () => {
    const report = drift([api({}, [version('3', { description: `API of prod (hono); code ${OTHER_CODE}` })])]);
    expect(messages(report)).toEqual([`prod api: code ${OTHER_CODE} runs, this build makes c0dec0dec0dec0de`]);
    expect(kinds(report)).toEqual(['code-differs']);
    expect(report.drift).toBe(true);
  });

  it('says what it could not check as unchecked findings, which are not drift', () => {
    const report = drift([api({ recorded: [] }, [version('3', { description: 'API of prod (hono)' })])], liveLayers({ arn: deps(5), folder: 'dependencies' }));
    expect(messages(report)).toEqual([
      'prod api: code not checked against the deployments: no retained deployment records this function',
      "prod api: code not compared with this build: version 3's description names no code content hash",
      `prod api: layer dependencies (${deps(5)}) not compared: its description names no content hash and no manifest is stored for it`,
    ]);
    expect(kinds(report)).toEqual(['unchecked', 'unchecked', 'unchecked']);
    expect(report.drift).toBe(false);
    const lines = driftLines(report);
    expect(lines).toContain("  ? prod api: code not compared with this build: version 3's description names no code content hash");
    // Not "no drift": the checks that could not be made are counted apart, in the verdict and the heading.
    expect(lines[lines.length - 1]).toBe(
      'No drift found in what could be compared, in 1 function(s) of prod; 3 check(s) could not be made (the lines marked ?).',
    );
    expect(driftMarkdown('api-prod', report, [])).toMatch(/^### Drift of api-prod: no drift found, 3 check\(s\) not made\n/);
  });
});

describe('driftOf: layers', () => {
  it('says an own layer this build attaches is missing', () => {
    const report = drift([api({}, [version('3', { layers: [] })])]);
    expect(findings(report)).toEqual([
      { function: 'api', kind: 'layer-missing', layer: 'dependencies', message: 'prod api: layer dependencies is not attached; this build attaches it' },
    ]);
  });

  it('says a managed layer pinned to another version of the same layer runs X while this build attaches Y, and nothing else', () => {
    const expected = { codeHash: CODE, layers: [{ folder: 'LambdaInsightsExtension', layerName: 'LambdaInsightsExtension', arn: INSIGHTS(53) }, ownLayer()] };
    const layers = [INSIGHTS(52), deps(5)];
    const report = drift([api({ expected, recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers }] }, [version('3', { layers })])]);
    expect(findings(report)).toEqual([
      {
        function: 'api',
        kind: 'layer-missing',
        layer: 'LambdaInsightsExtension',
        message: `prod api: layer LambdaInsightsExtension runs ${INSIGHTS(52)}, this build attaches ${INSIGHTS(53)}`,
      },
    ]);
    // Pinned to the version this build attaches: nothing to say.
    const pinned = [INSIGHTS(53), deps(5)];
    expect(
      findings(drift([api({ expected, recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers: pinned }] }, [version('3', { layers: pinned })])])),
    ).toEqual([]);
  });

  it('does not take a managed layer whose name only begins like the pinned one for another version of it', () => {
    const expected = { codeHash: CODE, layers: [{ folder: 'LambdaInsightsExtension', layerName: 'LambdaInsightsExtension', arn: INSIGHTS(53) }, ownLayer()] };
    const layers = [INSIGHTS(20, 'LambdaInsightsExtension-Arm64'), deps(5)];
    const report = drift([api({ expected, recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers }] }, [version('3', { layers })])]);
    expect(messages(report)).toEqual([
      'prod api: layer LambdaInsightsExtension is not attached; this build attaches it',
      `prod api: layer ${INSIGHTS(20, 'LambdaInsightsExtension-Arm64')} is attached; this build does not attach it`,
    ]);
  });

  it('reports a layer attached by hand once, not also as a layer this build does not attach', () => {
    const byHand = layerArn('someone-elses-layer', 1);
    const report = drift([api({}, [version('3', { layers: [deps(5), byHand] })])]);
    expect(findings(report)).toEqual([
      { function: 'api', kind: 'layer-by-hand', layer: byHand, message: `prod api: layer ${byHand} attached by hand: no retained deployment attached it` },
    ]);
  });

  it('calls a layer a retained deployment attached but this build does not an extra one', () => {
    const old = layerArn('retired-layer', 4);
    const report = drift([api({ recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers: [deps(5), old] }] }, [version('3', { layers: [deps(5), old] })])]);
    expect(findings(report)).toEqual([
      { function: 'api', kind: 'layer-extra', layer: old, message: `prod api: layer ${old} is attached; this build does not attach it` },
    ]);
  });

  it('says a deleted layer version still runs but cannot be attached again', () => {
    const report = drift([api()], liveLayers({ arn: deps(5), folder: 'dependencies', exists: false }));
    expect(findings(report)[0]).toEqual({
      function: 'api',
      kind: 'layer-deleted',
      layer: deps(5),
      message: `prod api: layer ${deps(5)} was deleted; the function still runs it, but no deploy or rollback can attach it again`,
    });
    expect(report.drift).toBe(true);
  });
});

describe('driftOf: packages', () => {
  const PY_LIVE = manifest('1111111111111111', 'python', [
    ['fastapi', '0.115.0'],
    ['httpx', '2.0'],
    ['pydantic', '2.11.0'],
    ['ujson', '5.10.0'],
    ['anyio', '4.4.0', false],
    ['idna', '3.7', false],
    ['sniffio', '1.3.0', false],
    ['starlette', '0.38.6', false],
    ['typing-extensions', '4.12.0', false],
    ['pydantic-core', '2.33.0', false],
  ]);
  const PY_BUILT = manifest('2222222222222222', 'python', [
    ['fastapi', '0.120.4'],
    ['httpx', '2.0rc1'],
    ['orjson', '3.10.0'],
    ['pydantic', '2.11.0'],
    ['anyio', '4.6.0', false],
    ['h11', '0.16.0', false],
    ['idna', '3.10', false],
    ['sniffio', '1.3.1', false],
    ['starlette', '0.48.0', false],
    ['pydantic-core', '2.33.0', false],
  ]);
  const python = (live: LayerContents, built: LayerContents = PY_BUILT): DriftReport =>
    drift([api({ expected: { codeHash: CODE, layers: [ownLayer(built)] } })], liveLayers({ arn: deps(5), folder: 'dependencies', contents: live }));

  it('says each direct package that differs in a sentence of its own, ordered as the family orders versions', () => {
    const report = python(PY_LIVE);
    const direct = findings(report).filter((finding) => finding.changes?.every((change) => change.direct));
    expect(direct.map((finding) => finding.message)).toEqual([
      'prod api: layer dependencies runs fastapi 0.115.0, the lock says 0.120.4',
      'prod api: layer dependencies runs httpx 2.0, the lock says 2.0rc1',
      'prod api: layer dependencies runs no orjson, the lock adds 3.10.0',
      'prod api: layer dependencies runs ujson 5.10.0, which the lock no longer has',
    ]);
    // PEP 440: 2.0rc1 comes before 2.0, so the lock goes back (SemVer's string order would call it an upgrade).
    expect(direct.map((finding) => finding.changes!.map((change) => change.kind))).toEqual([['upgraded'], ['downgraded'], ['added'], ['removed']]);
    expect(direct.every((finding) => finding.kind === 'layer-packages' && finding.layer === 'dependencies')).toBe(true);
  });

  it('groups the packages the direct ones need in one sentence, the first three shown and "and N more"', () => {
    const report = python(PY_LIVE);
    const needed = findings(report).filter((finding) => finding.changes?.some((change) => !change.direct));
    expect(needed).toHaveLength(1);
    expect(needed[0].message).toBe(
      'prod api: layer dependencies: 6 package(s) the direct ones need differ from the lock (anyio 4.4.0 → 4.6.0, h11 none → 0.16.0, idna 3.7 → 3.10, and 3 more)',
    );
    expect(needed[0].changes!.map((change) => change.name)).toEqual(['anyio', 'h11', 'idna', 'sniffio', 'starlette', 'typing-extensions']);
    expect(findings(report)).toHaveLength(5);
  });

  it('shows three transitive changes without "more"', () => {
    const built = manifest('3333333333333333', 'nodejs', [
      ['hono', '4.14.0'],
      ['a', '2.0.0', false],
      ['b', '2.0.0', false],
      ['c', '2.0.0', false],
    ]);
    const live = manifest('4444444444444444', 'nodejs', [
      ['hono', '4.14.0'],
      ['a', '1.0.0', false],
      ['b', '1.0.0', false],
      ['c', '1.0.0', false],
    ]);
    const report = drift(
      [api({ expected: { codeHash: CODE, layers: [ownLayer(built)] } })],
      liveLayers({ arn: deps(5), folder: 'dependencies', contents: live }),
    );
    expect(messages(report)).toEqual([
      'prod api: layer dependencies: 3 package(s) the direct ones need differ from the lock (a 1.0.0 → 2.0.0, b 1.0.0 → 2.0.0, c 1.0.0 → 2.0.0)',
    ]);
  });

  it('says a content that differs with the same package versions', () => {
    const report = python({ ...PY_BUILT, contentHash: '5555555555555555'.padEnd(64, '0') });
    expect(findings(report)).toEqual([
      {
        function: 'api',
        kind: 'layer-packages',
        layer: 'dependencies',
        changes: [],
        message: 'prod api: layer dependencies runs content 5555555555555555, this build makes 2222222222222222 with the same package versions',
      },
    ]);
  });

  it('compares only the direct packages when the live side is known from its description, and says so', () => {
    const described = contentsFromDescription(
      'content 1111111111111111 | python3.12 x86_64 | fastapi@0.115.0, httpx@2.0rc1, orjson@3.10.0, pydantic@2.11.0',
      PLUGINS,
    )!;
    const partial = '(only the direct packages the layer descriptions name (no stored manifest for the deployed content 1111111111111111))';
    expect(messages(python(described))).toEqual([`prod api: layer dependencies runs fastapi 0.115.0, the lock says 0.120.4 ${partial}`]);
    const cut = contentsFromDescription(
      'content 1111111111111111 | python3.12 x86_64 | fastapi@0.115.0, httpx@2.0rc1, orjson@3.10.0, pydantic@2.11.0, zz...',
      PLUGINS,
    )!;
    expect(messages(python(cut))).toEqual([
      'prod api: layer dependencies runs fastapi 0.115.0, the lock says 0.120.4 (only the direct packages the layer descriptions name (no stored manifest for the deployed content 1111111111111111; a description was cut at 256 characters))',
    ]);
  });
});

describe('driftOf: aliases and functions', () => {
  it('judges each version a canary alias routes to, prefixing its findings with the version and its share', () => {
    const alias = { functionName: API, name: 'live', version: '3', weights: { '4': 0.1 } };
    const versions = [version('3', { layers: [] }), version('4', { description: `API of prod (hono); code ${OTHER_CODE}` })];
    const report = drift([{ ...api({}, versions), live: { exists: true, alias, versions } }]);
    expect(findings(report)).toEqual([
      {
        function: 'api',
        kind: 'layer-missing',
        version: '3',
        layer: 'dependencies',
        message: 'prod api: version 3 (90%): layer dependencies is not attached; this build attaches it',
      },
      { function: 'api', kind: 'code-differs', version: '4', message: `prod api: version 4 (10%): code ${OTHER_CODE} runs, this build makes c0dec0dec0dec0de` },
    ]);
    expect(report.functions[0].live.map((seen) => [seen.version, seen.share, seen.codeHash])).toEqual([
      ['3', 0.9, 'c0dec0dec0dec0de'],
      ['4', 0.1, OTHER_CODE],
    ]);
    expect(driftLines(report)[0]).toBe(
      `prod api (${API}): live runs version 3 (90%), code c0dec0dec0dec0de (SHA-256 Q0RFUExPWUVE); version 4 (10%), code ${OTHER_CODE} (SHA-256 Q0RFUExPWUVE)`,
    );
  });

  it('says a function a retained deployment made and this build deploys is not deployed when Lambda has none', () => {
    const worker: DriftInput = { ...api(), name: 'worker', functionName: `${PREFIX}worker`, live: { exists: false, versions: [] } };
    const report = drift([worker]);
    expect(report.functions).toEqual([
      {
        name: 'worker',
        functionName: `${PREFIX}worker`,
        live: [],
        findings: [
          {
            function: 'worker',
            kind: 'not-deployed',
            message: `prod worker: not deployed: Lambda has no function ${PREFIX}worker, which serial 7 deployed and this build deploys`,
          },
        ],
      },
    ]);
    expect(report.drift).toBe(true);
  });

  it('calls a function no deployment made yet not deployed yet, which is where a new environment starts, not drift', () => {
    const worker: DriftInput = { ...api(), name: 'worker', functionName: `${PREFIX}worker`, live: { exists: false, versions: [] }, recorded: [] };
    const report = drift([worker]);
    expect(findings(report)).toEqual([
      {
        function: 'worker',
        kind: 'unchecked',
        message: `prod worker: not deployed yet: Lambda has no function ${PREFIX}worker, and no retained deployment made one`,
      },
    ]);
    expect(report.drift).toBe(false);
  });

  it('says what it could not read of a function as a check not made, not as drift', () => {
    const { expected: _unused, ...retired } = api();
    const report = drift([{ ...retired, name: 'worker', functionName: `${PREFIX}worker`, unreadable: 'Lambda could not be read (AccessDeniedException: no)' }]);
    expect(findings(report)).toEqual([
      { function: 'worker', kind: 'unchecked', message: 'prod worker: not compared: Lambda could not be read (AccessDeniedException: no)' },
    ]);
    expect(report.drift).toBe(false);
  });

  it('says a deleted layer version it knows nothing of could not be compared, beside saying it was deleted', () => {
    const live = liveLayers({ arn: deps(5), folder: 'dependencies', exists: false });
    expect(messages(drift([api()], live))).toEqual([
      `prod api: layer ${deps(5)} was deleted; the function still runs it, but no deploy or rollback can attach it again`,
      `prod api: layer dependencies (${deps(5)}) not compared: it was deleted, and no retained deployment records its content`,
    ]);
  });

  it('says a function the repository no longer deploys still runs, and compares it with nothing of this build', () => {
    const { expected: _unused, ...inRepository } = api({}, [
      version('3', { description: `old; code ${OTHER_CODE}`, layers: [deps(5), layerArn('retired-layer', 1)] }),
    ]);
    const gone: DriftInput = { ...inRepository, recorded: [{ serial: 7, codeSha256: SHA_DEPLOYED, layers: [deps(5), layerArn('retired-layer', 1)] }] };
    const report = drift([gone]);
    expect(findings(report)).toEqual([
      {
        function: 'api',
        kind: 'not-in-repository',
        message: 'prod api: runs in Lambda, but the repository no longer deploys it (the next deploy destroys it)',
      },
    ]);
    expect(report.drift).toBe(true);
  });

  it('leaves out a function gone both from Lambda and from the repository', () => {
    const { expected: _unused, ...retired } = api();
    const report = drift([api(), { ...retired, name: 'worker', functionName: `${PREFIX}worker`, live: { exists: false, versions: [] } }]);
    expect(report.functions.map((fn) => fn.name)).toEqual(['api']);
    expect(driftLines(report).pop()).toBe('No drift: prod runs what the repository would deploy, in 1 function(s).');
  });

  it('says a function with no alias live has nothing routed to it', () => {
    const report = drift([{ ...api(), live: { exists: true, versions: [version('3')] } }]);
    expect(findings(report)).toEqual([
      { function: 'api', kind: 'no-alias', message: 'prod api: has no alias live; nothing routes requests to a published version' },
    ]);
    expect(report.drift).toBe(true);
    // Not in the repository either: both said.
    const { expected: _unused, ...retired } = api();
    expect(kinds(drift([{ ...retired, live: { exists: true, versions: [version('3')] } }]))).toEqual(['not-in-repository', 'no-alias']);
  });

  it('lists but does not judge a version the alias sends no share of requests to (weights adding up to 1)', () => {
    const alias = { functionName: API, name: 'live', version: '3', weights: { '4': 1 } };
    const versions = [version('3', { description: `API of prod (hono); code ${OTHER_CODE}` }), version('4')];
    const report = drift([{ ...api({}, versions), live: { exists: true, alias, versions } }]);
    expect(findings(report)).toEqual([]);
    expect(report.functions[0].live.map((seen) => [seen.version, seen.share])).toEqual([
      ['3', 0],
      ['4', 1],
    ]);
  });
});

describe('driftLines and driftMarkdown', () => {
  it('writes each function, its findings, and the verdict naming the functions that drift (not those only unchecked)', () => {
    const stats: DriftInput = { ...api({ recorded: [] }), name: 'stats', functionName: `${PREFIX}stats` };
    const worker: DriftInput = { ...api(), name: 'worker', functionName: `${PREFIX}worker`, live: { exists: false, versions: [] } };
    const report = drift([api({}, [version('3', { description: `API; code ${OTHER_CODE}` })]), stats, worker]);
    expect(driftLines(report)).toEqual([
      `prod api (${API}): live runs version 3, code ${OTHER_CODE} (SHA-256 Q0RFUExPWUVE)`,
      `    layers: ${DEPS}:5 content a1a1a1a1a1a1a1a1`,
      `  - prod api: code ${OTHER_CODE} runs, this build makes c0dec0dec0dec0de`,
      `prod stats (${PREFIX}stats): live runs version 3, code c0dec0dec0dec0de (SHA-256 Q0RFUExPWUVE)`,
      `    layers: ${DEPS}:5 content a1a1a1a1a1a1a1a1`,
      '  ? prod stats: code not checked against the deployments: no retained deployment records this function',
      `prod worker (${PREFIX}worker)`,
      `  - prod worker: not deployed: Lambda has no function ${PREFIX}worker, which serial 7 deployed and this build deploys`,
      '',
      'Drift: 2 of 3 function(s) of prod differ (api, worker); 1 check(s) could not be made (the lines marked ?).',
    ]);
  });

  it('puts the verdict in the heading, the lines in a code block and the notes as quotes', () => {
    const report = drift([api({}, [version('3', { description: `API; code ${OTHER_CODE}` })])]);
    expect(driftMarkdown('api-prod', report, ['state version abc could not be read'])).toBe(
      ['### Drift of api-prod: differs from the repository', '', '```', ...driftLines(report), '```', '', '> state version abc could not be read', ''].join(
        '\n',
      ),
    );
    expect(driftMarkdown('api-prod', drift([api()]), [])).toBe(
      ['### Drift of api-prod: runs what the repository would deploy', '', '```', ...driftLines(drift([api()])), '```', ''].join('\n'),
    );
  });
});

import { PLUGINS } from '../../family-plugins/registry';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerManifestKey } from '../../config/artifact-keys';
import {
  LayerContents,
  contentsFromArtifact,
  contentsFromDescription,
  contentsFromStored,
  diffLayerContents,
  storedManifestMismatch,
  storedManifestOf,
} from '../../review/layer-packages';
import { TerraformPlan, parsePlan, renderPlanSummary, summarisePlan } from '../../review/plan-summary';
import { layerArtifact } from '../support/artifacts';
import { FIXTURES } from '../support/test-project';

const compareVersions = (a: string, b: string, family: string): number => Math.sign(PLUGINS.byId(family).compareVersions(a, b));

/**
 * The review in packages: what changed inside each new layer version, from this build's manifest and
 * the manifest stored for the deployed content (or, without one, the two descriptions), and the import
 * coverage of each function the plan touches.
 */

const PLANS = path.join(FIXTURES, 'plans');
const fixture = (name: string): TerraformPlan => parsePlan(fs.readFileSync(path.join(PLANS, `${name}.json`), 'utf8'), name);
const LAYER = 'multicloud-auto-deploy-staging-dependencies';
const FUNCTION = 'multicloud-auto-deploy-staging-api';

function contents(contentHash: string, packages: [string, string, boolean][], unzippedBytes: number): LayerContents {
  return {
    contentHash,
    family: 'nodejs',
    packages: packages.map(([name, version, direct]) => ({ name, version, direct })),
    unzippedBytes,
    source: 'manifest',
    complete: true,
  };
}

// The fixture's layer goes from content f07b2d069bc0349d to 9a1b2c3d4e5f6071.
const deployed = contents(
  'f07b2d069bc0349d'.padEnd(64, '0'),
  [
    ['@aws-sdk/client-dynamodb', '3.1169.0', true],
    ['hono', '4.13.19', true],
    ['mangum-like', '1.0.0', true],
    ['tslib', '2.8.1', false],
    ['fast-xml-parser', '4.4.1', false],
    ['@smithy/util-retry', '4.0.1', false],
  ],
  8_762_401,
);
const built = contents(
  '9a1b2c3d4e5f6071'.padEnd(64, '0'),
  [
    ['@aws-sdk/client-dynamodb', '3.1169.0', true],
    ['hono', '4.14.0', true],
    ['tslib', '2.8.1', false],
    ['fast-xml-parser', '4.2.0', false],
    ['uuid', '11.0.3', false],
  ],
  9_100_000,
);

/** What the deployed layer version's description says of it (Lambda keeps it): the direct packages of `deployed`. */
const DEPLOYED_DESCRIPTION = 'content f07b2d069bc0349d | nodejs24.x x86_64 | @aws-sdk/client-dynamodb@3.1169.0, hono@4.13.19, mangum-like@1.0.0';

/** The plan with the deployed layer version's description replaced. */
function withDeployedDescription(plan: TerraformPlan, description: string): TerraformPlan {
  const copy = JSON.parse(JSON.stringify(plan)) as TerraformPlan;
  for (const change of copy.resource_changes ?? []) {
    if (change.type === 'aws_lambda_layer_version' && change.change.before) (change.change.before as Record<string, unknown>)['description'] = description;
  }
  return copy;
}

describe('versions', () => {
  it('orders npm and Python versions as their ecosystems do', () => {
    const ascending = ['1.0.0-alpha.1', '1.0.0-beta.2', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.2.0', '1.10.0', '2.0.0'];
    for (let i = 1; i < ascending.length; i++)
      expect([ascending[i - 1], compareVersions(ascending[i - 1], ascending[i], 'nodejs')]).toEqual([ascending[i - 1], -1]);
    const pep440 = ['1.0.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.1', '1!0.1'];
    for (let i = 1; i < pep440.length; i++) expect([pep440[i - 1], compareVersions(pep440[i - 1], pep440[i], 'python')]).toEqual([pep440[i - 1], -1]);
    expect(compareVersions('0.115.0', '0.115.0', 'python')).toBe(0);
    expect(compareVersions('1.0', '1.0.0', 'python')).toBe(0);
    expect(compareVersions('4.14.0', '4.13.19', 'nodejs')).toBe(1);
    expect(compareVersions('1.0.0-canary.3', '1.0.0', 'nodejs')).toBe(-1);
    // Where the two orders disagree, the layer's kind decides: an npm prerelease, a Python post-release.
    expect([compareVersions('1.0.0-1', '1.0.0', 'nodejs'), compareVersions('1.0.0-1', '1.0.0', 'python')]).toEqual([-1, 1]);
    expect(compareVersions('1.0.0-alpha.10', '1.0.0-alpha.9', 'nodejs')).toBe(1);
  });
});

describe('package changes inside a layer', () => {
  it('lists added, removed, upgraded and downgraded packages, direct ones first, with sizes', () => {
    const diff = diffLayerContents(deployed, built, PLUGINS);
    expect(diff.changes).toEqual([
      { name: 'hono', kind: 'upgraded', from: '4.13.19', to: '4.14.0', direct: true },
      { name: 'mangum-like', kind: 'removed', from: '1.0.0', direct: true },
      { name: '@smithy/util-retry', kind: 'removed', from: '4.0.1', direct: false },
      { name: 'fast-xml-parser', kind: 'downgraded', from: '4.4.1', to: '4.2.0', direct: false },
      { name: 'uuid', kind: 'added', to: '11.0.3', direct: false },
    ]);
    expect(diff).toMatchObject({ unchanged: 2, sizeBefore: 8_762_401, sizeAfter: 9_100_000 });
    expect(diff.partial).toBeUndefined();
  });

  it('falls back to the direct packages of the two descriptions, and says the list is partial', () => {
    const before = contentsFromDescription(
      'content f07b2d069bc0349d | nodejs24.x x86_64 | @aws-sdk/client-dynamodb@3.1169.0, hono@4.13.19, mangum-like@1.0.0',
      PLUGINS,
    )!;
    const diff = diffLayerContents(before, built, PLUGINS);
    // Transitive packages of the new side are left out: the old side cannot say anything about them.
    expect(diff.changes).toEqual([
      { name: 'hono', kind: 'upgraded', from: '4.13.19', to: '4.14.0', direct: true },
      { name: 'mangum-like', kind: 'removed', from: '1.0.0', direct: true },
    ]);
    expect(diff.partial).toBe('only the direct packages the layer descriptions name (no stored manifest for the deployed content f07b2d069bc0349d)');
    const cut = contentsFromDescription(`content f07b2d069bc0349d | nodejs24.x x86_64 | hono@4.13.19, ${'x'.repeat(20)}...`, PLUGINS)!;
    expect(diffLayerContents(cut, built, PLUGINS).partial).toContain('a description was cut at 256 characters');
  });

  it("stores and reads back a layer's manifest by its content hash", () => {
    const artifact = layerArtifact('dependencies', 'x86_64', 'c'.repeat(64));
    const stored = storedManifestOf(artifact);
    expect(contentsFromStored(JSON.stringify(stored), PLUGINS)).toEqual({ ...contentsFromArtifact(artifact, PLUGINS), contentHash: artifact.contentHash });
    expect(stored).toMatchObject({ format: 2, family: 'nodejs' });
    expect(contentsFromStored('{"format":2}', PLUGINS)).toBeUndefined();
    // Format 1, written before the family was named `family`, stays readable: a bucket keeps what older deploys stored.
    const { family, ...rest } = stored;
    const formatOne = JSON.stringify({ ...rest, format: 1, kind: family });
    expect(contentsFromStored(formatOne, PLUGINS)).toEqual(contentsFromStored(JSON.stringify(stored), PLUGINS));
    expect(contentsFromStored(JSON.stringify({ ...rest, format: 1, family }), PLUGINS)).toBeUndefined();
    // A format-1 manifest exactly as deploys before wrote it (storedManifestOf at manifest version 4), not one made from today's writer.
    const written = [
      '{"format":1,"contentHash":"' + 'd'.repeat(64) + '","name":"dependencies","kind":"python","architecture":"arm64",',
      '"unzippedBytes":1234,"zippedBytes":567,"packages":[{"name":"fastapi","version":"0.120.4","direct":true},',
      '{"name":"starlette","version":"0.48.0","direct":false}]}',
    ].join('');
    expect(contentsFromStored(written, PLUGINS)).toEqual({
      contentHash: 'd'.repeat(64),
      family: 'python',
      packages: [
        { name: 'fastapi', version: '0.120.4', direct: true },
        { name: 'starlette', version: '0.48.0', direct: false },
      ],
      unzippedBytes: 1234,
      source: 'manifest',
      complete: true,
    });
    expect(contentsFromStored(JSON.stringify({ ...stored, format: 3 }), PLUGINS)).toBeUndefined();
    expect(contentsFromStored(JSON.stringify({ ...stored, family: 'ruby' }), PLUGINS)).toBeUndefined();
    expect(contentsFromStored('not json', PLUGINS)).toBeUndefined();
    expect(layerManifestKey('acme', 'prod', artifact.contentHash)).toBe(`layers/acme/prod/manifests/${artifact.contentHash.slice(0, 16)}.json`);
  });
});

describe('a stored manifest, checked before it is believed', () => {
  it("is shown only when it names the content it is filed under and the packages its layer version's description names", () => {
    const hash = 'f07b2d069bc0349d'.padEnd(64, '0');
    expect(storedManifestMismatch(deployed, hash, DEPLOYED_DESCRIPTION, PLUGINS)).toBeUndefined();
    expect(storedManifestMismatch(deployed, hash, undefined, PLUGINS)).toBeUndefined();
    expect(storedManifestMismatch({ ...deployed, contentHash: 'ffff'.padEnd(64, '0') }, hash, DEPLOYED_DESCRIPTION, PLUGINS)).toBe(
      'it says content ffff000000000000, but it is filed under f07b2d069bc0349d',
    );
    // A package swapped for a look-alike, a version changed, a direct package added: the description disagrees.
    const forged = { ...deployed, packages: deployed.packages.map((pkg) => (pkg.name === 'hono' ? { ...pkg, version: '4.13.18' } : pkg)) };
    expect(storedManifestMismatch(forged, hash, DEPLOYED_DESCRIPTION, PLUGINS)).toBe("the layer version's description names hono@4.13.19, which it does not");
    const added = { ...deployed, packages: [...deployed.packages, { name: 'evil', version: '1.0.0', direct: true }] };
    expect(storedManifestMismatch(added, hash, DEPLOYED_DESCRIPTION, PLUGINS)).toBe(
      "it names evil@1.0.0 as direct packages, which the layer version's description does not",
    );
    // A description cut at 256 characters names only some: those must be there, more may be.
    expect(
      storedManifestMismatch(added, hash, 'content f07b2d069bc0349d | nodejs24.x x86_64 | hono@4.13.19, mangum-like@1.0.0, xx...', PLUGINS),
    ).toBeUndefined();
    expect(storedManifestMismatch(deployed, hash, 'content 0123456789abcdef | nodejs24.x x86_64 | hono@4.13.19', PLUGINS)).toBe(
      "the layer version's description says content 0123456789abcdef, not f07b2d069bc0349d",
    );
  });

  it('is not shown when it disagrees: the review says so in the caution box and uses the description', () => {
    const forged = { ...deployed, packages: deployed.packages.filter((pkg) => pkg.name !== 'mangum-like') };
    const summary = summarisePlan(withDeployedDescription(fixture('layer-replace-create-before-destroy'), DEPLOYED_DESCRIPTION), {
      families: PLUGINS,
      built: new Map([['9a1b2c3d4e5f6071', built]]),
      stored: new Map([['f07b2d069bc0349d', forged]]),
    });
    expect(summary.cautions[0]).toBe(
      `layer \`${LAYER}\`: **the stored manifest of the deployed version does not match** (the layer version's description names mangum-like@1.0.0, which it does not); its packages are shown from the layer version's description instead. Someone who can write the artifact bucket may have changed it.`,
    );
    expect(summary.layerPackages[0].diff!.partial).toMatch(/^only the direct packages the layer descriptions name/);
  });
});

describe('the plan summary in packages', () => {
  const coverage = new Map([
    [
      FUNCTION,
      [
        { module: 'hono', where: 'handlers/api/app.ts:1', provider: 'layer dependencies: hono 4.14.0' },
        { module: 'node:crypto', where: 'handlers/api/app.ts:2', provider: 'nodejs24.x runtime: Node.js built-in' },
        { module: 'mangum-like', where: 'handlers/api/index.ts:3' },
      ],
    ],
  ]);

  it("shows each new layer version's package changes, and puts removals, downgrades and missing imports in the caution box", () => {
    const summary = summarisePlan(withDeployedDescription(fixture('layer-replace-create-before-destroy'), DEPLOYED_DESCRIPTION), {
      families: PLUGINS,
      built: new Map([['9a1b2c3d4e5f6071', built]]),
      stored: new Map([['f07b2d069bc0349d', deployed]]),
      coverage,
    });
    expect(summary.cautions).toEqual([
      `layer \`${LAYER}\`: **mangum-like 1.0.0 removed**`,
      `layer \`${LAYER}\`: **@smithy/util-retry 4.0.1 removed** (a transitive package)`,
      `layer \`${LAYER}\`: **fast-xml-parser downgraded 4.4.1 → 4.2.0** (a transitive package)`,
      `function \`${FUNCTION}\`: **imports \`mangum-like\`, and nothing it gets provides it** (build and synth refuse this; on Lambda every request would fail)`,
    ]);
    const text = renderPlanSummary('api-staging', summary);
    expect(text).toContain('> [!CAUTION]\n> **Changes that can break the function: read these before approving.**\n');
    expect(text).toContain(
      `**Packages of \`${LAYER}\`** (content \`f07b2d069bc0349d\` → \`9a1b2c3d4e5f6071\`, run by \`${FUNCTION}\`), unzipped 8.4 MiB → 8.7 MiB`,
    );
    expect(text).toContain(
      [
        '| package | before | after | change |',
        '| --- | --- | --- | --- |',
        '| hono | 4.13.19 | 4.14.0 | upgraded |',
        '| mangum-like | 1.0.0 | — | **removed** |',
        '| @smithy/util-retry _(transitive)_ | 4.0.1 | — | **removed** |',
        '| fast-xml-parser _(transitive)_ | 4.4.1 | 4.2.0 | **downgraded** |',
        '| uuid _(transitive)_ | — | 11.0.3 | added |',
        '',
        '2 other package(s) unchanged.',
      ].join('\n'),
    );
    expect(text).toContain(`<details><summary><b>Import coverage of <code>${FUNCTION}</code></b>: 1 of 3 import(s) MISSING</summary>`);
    expect(text).toContain('| `mangum-like` | handlers/api/index.ts:3 | **MISSING** |');
    expect(text).not.toContain('Partial');
  });

  it("without stored manifests, lists the descriptions' direct packages and says it is partial", () => {
    const text = renderPlanSummary('api-staging', summarisePlan(fixture('layer-replace-create-before-destroy'), { families: PLUGINS }));
    expect(text).toContain('| hono | 4.13.19 | 4.14.0 | upgraded |');
    expect(text).toContain(
      '_Partial: only the direct packages the layer descriptions name (no stored manifest for the deployed content f07b2d069bc0349d; no manifest of this build for content 9a1b2c3d4e5f6071)._',
    );
    expect(text).not.toContain('CAUTION');
  });

  it('lists every package of a new layer as added on a first deploy', () => {
    const summary = summarisePlan(fixture('first-deploy'), { families: PLUGINS });
    expect(summary.layerPackages).toHaveLength(1);
    expect(summary.layerPackages[0].before).toBeUndefined();
    expect(summary.cautions).toEqual([]);
  });

  it('says when the coverage cannot be shown', () => {
    const summary = summarisePlan(fixture('function-update'), { families: PLUGINS, coverageUnavailable: 'there is no build here (.build); run npm run build' });
    expect(renderPlanSummary('api-staging', summary)).toContain('_Import coverage not shown: there is no build here (.build); run npm run build._');
  });
});

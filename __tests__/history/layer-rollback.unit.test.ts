import { nodejsFamily } from '../../family-plugins/nodejs/definition';
import { layerDescription, parseLayerDescription } from '../../artifacts/layer-description';
import { Deployment } from '../../history/deployments';
import { describeLayerChange, knownLayers, layerChanges, packagesNotInLayers } from '../../history/layer-rollback';
import { functionsToRestore, pinFor } from '../../history/pins';
import { DeployedLayer } from '../../history/terraform-state';
import { deployOrigin } from '../../project/deploy-origin';
import { layerArtifact, managedLayersOfEnv } from '../support/artifacts';

/** The rollback's decisions and the deployment record, pure: no AWS, no files. */

const ARN = (name: string, version: number) => `arn:aws:lambda:ap-northeast-1:123456789012:layer:${name}:${version}`;

function layer(name: string, version: number, packages?: string, complete = true): DeployedLayer {
  return {
    arn: ARN(name, version),
    layerName: name,
    version,
    ...(packages !== undefined
      ? {
          packages: {
            list: packages
              .split(', ')
              .filter(Boolean)
              .map((item) => ({ name: item.slice(0, item.lastIndexOf('@')), version: item.slice(item.lastIndexOf('@') + 1) })),
            complete,
          },
        }
      : {}),
  };
}

function deployment(
  serial: number,
  layers: DeployedLayer[],
  attached: string[],
  code: { codeHash: string; s3?: { bucket: string; key: string; version: string } },
): Deployment {
  return {
    serial,
    lineage: 'l',
    terraformVersion: '1.11.4',
    layers,
    function: { functionName: 'fn', layers: attached, ...code },
    time: `2026-11-0${serial}T00:00:00.000Z`,
    stateVersionId: `v${serial}`,
  };
}

describe('layer descriptions', () => {
  it('reads back what the stacks write, package by package', () => {
    const artifact = layerArtifact('dependencies', 'x86_64', 'c'.repeat(64));
    expect(parseLayerDescription(layerDescription(artifact, 'nodejs24.x'))).toEqual({
      contentHash: 'c'.repeat(16),
      packages: { list: [{ name: 'hono', version: '4.13.19' }], complete: true },
    });
  });

  it('marks a list cut at 256 characters as incomplete, and drops the half item at the cut', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      name: `package-number-${i}`,
      version: '1.0.0',
      path: `nodejs/node_modules/package-number-${i}`,
      direct: true,
    }));
    const text = layerDescription(layerArtifact('dependencies', 'x86_64', 'c'.repeat(64), { packages: many }), 'nodejs24.x');
    expect(text.length).toBeLessThanOrEqual(256);
    const parsed = parseLayerDescription(text);
    expect(parsed.packages!.complete).toBe(false);
    expect(parsed.packages!.list.length).toBeGreaterThan(3);
    expect(parsed.packages!.list.every((pkg, i) => pkg.name === `package-number-${i}` && pkg.version === '1.0.0')).toBe(true);
  });

  it('keeps the content hash of a description without packages, and nothing of another text', () => {
    expect(parseLayerDescription('content 0123456789abcdef')).toEqual({ contentHash: '0123456789abcdef' });
    expect(parseLayerDescription('published by hand')).toEqual({});
  });
});

describe('a layers-only rollback', () => {
  const now = deployment(5, [layer('deps', 4, '@aws-sdk/client-dynamodb@3.1164.0, hono@4.13.19')], [ARN('deps', 4)], { codeHash: 'bm93' });
  // The seed's way: code uploaded directly, so no copy of it is kept anywhere.
  const then = deployment(3, [layer('deps', 2, 'hono@4.11.0')], [ARN('deps', 2)], { codeHash: 'dGhlbg==' });

  it("works where the target's code was uploaded directly, and pins the layers alone", () => {
    expect(() => pinFor('api-dev', now, then)).toThrow(
      /was uploaded directly, so no copy of it is kept.*To put back only its layers and keep the current code, add --layers-only\./,
    );
    expect(pinFor('api-dev', now, then, { layersOnly: true })).toEqual({
      stack: 'api-dev',
      serial: 3,
      scope: 'layers',
      functions: { api: { layers: [ARN('deps', 2)] } },
      replacesSerial: 5,
    });
  });

  it('restores every function of the target the environment still deploys, or the one --function names, each refused alone when its code is gone', () => {
    const s3 = (name: string, version: string) => ({ bucket: 'b', key: `functions/${name}.zip`, version });
    const service = (serial: number, code: string, others: Record<string, { layers: string[]; codeHash: string; s3?: ReturnType<typeof s3> }>): Deployment => ({
      ...deployment(serial, [], [ARN('deps', serial)], { codeHash: code, s3: s3('api', `a${serial}`) }),
      functions: Object.entries(others).map(([name, fn]) => ({ name, deployed: { functionName: `fn-${name}`, ...fn } })),
    });
    const before = service(3, 'YXBpMw==', {
      worker: { layers: [ARN('deps', 3)], codeHash: 'd29ya2VyMw==', s3: s3('worker', 'w3') },
      digest: { layers: [], codeHash: 'ZGlnZXN0' },
      retired: { layers: [], codeHash: 'b2xk', s3: s3('retired', 'r3') },
    });
    const after = service(5, 'YXBpNQ==', {
      worker: { layers: [ARN('deps', 5)], codeHash: 'd29ya2VyNQ==', s3: s3('worker', 'w5') },
      digest: { layers: [], codeHash: 'ZGlnZXN0' },
      fresh: { layers: [], codeHash: 'bmV3' },
    });
    const deploys = ['api', 'worker', 'digest', 'fresh'];
    expect(functionsToRestore(before, { deploys })).toEqual({ restore: ['api', 'worker', 'digest'], notDeployed: ['retired'] });
    const all = pinFor('api-dev', after, before, { deploys });
    expect(all.functions).toEqual({
      api: { layers: [ARN('deps', 3)], code: { codeHash: 'YXBpMw==', s3: s3('api', 'a3') } },
      worker: { layers: [ARN('deps', 3)], code: { codeHash: 'd29ya2VyMw==', s3: s3('worker', 'w3') } },
      // Uploaded directly, but its code has not changed since: the current build's is the same.
      digest: { layers: [], code: { codeHash: 'ZGlnZXN0' } },
    });
    expect(pinFor('api-dev', after, before, { deploys, only: 'worker' }).functions).toEqual({ worker: all.functions['worker'] });
    expect(pinFor('api-dev', after, before, { deploys, only: 'worker', layersOnly: true })).toMatchObject({
      scope: 'layers',
      functions: { worker: { layers: [ARN('deps', 3)] } },
    });
    expect(() => pinFor('api-dev', after, before, { deploys, only: 'fresh' })).toThrow(
      '--function fresh cannot be rolled back to serial 3: serial 3 has no function fresh (it has api, worker, digest, retired).',
    );
    expect(() => pinFor('api-dev', after, before, { deploys, only: 'retired' })).toThrow(
      /--function retired cannot be rolled back to serial 3: this environment no longer deploys it \(it deploys api, worker, digest, fresh\)/,
    );
    // A target whose state holds no API function is no deployment to return to, unless one function is named.
    const headless: Deployment = { ...before, function: undefined };
    delete (headless as { function?: unknown }).function;
    expect(() => pinFor('api-dev', after, headless, { deploys })).toThrow('Serial 3 has no function in its state; it cannot be rolled back to.');
    expect(Object.keys(pinFor('api-dev', after, headless, { deploys, only: 'worker' }).functions)).toEqual(['worker']);
    // One function whose code is kept nowhere refuses the whole rollback, naming it; alone, the others go.
    const changed = service(6, 'YXBpNg==', {
      worker: { layers: [], codeHash: 'd29ya2VyNQ==', s3: s3('worker', 'w5') },
      digest: { layers: [], codeHash: 'bmV3ZXI=' },
    });
    expect(() => pinFor('api-dev', changed, before, { deploys })).toThrow(/^The digest function's code of serial 3 was uploaded directly/);
    expect(Object.keys(pinFor('api-dev', changed, before, { deploys, only: 'worker' }).functions)).toEqual(['worker']);
  });

  it('says per layer which version it returns to and which packages differ', () => {
    const changes = layerChanges(now, then, knownLayers([now, then]));
    expect(changes).toEqual([
      {
        layerName: 'deps',
        from: 4,
        to: 2,
        packages: {
          added: [],
          removed: [{ name: '@aws-sdk/client-dynamodb', version: '3.1164.0' }],
          changed: [{ name: 'hono', from: '4.13.19', to: '4.11.0' }],
          complete: true,
        },
      },
    ]);
    expect(changes.map(describeLayerChange)).toEqual(['layer deps: version 4 → version 2; hono 4.13.19 → 4.11.0, @aws-sdk/client-dynamodb 3.1164.0 removed']);
  });

  it('says so where the packages are not known, and names layers attached or detached', () => {
    const managed = 'arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:7';
    const withManaged = deployment(6, [layer('deps', 4, 'hono@4.13.19')], [managed, ARN('deps', 4), ARN('extra', 1)], { codeHash: 'x' });
    const changes = layerChanges(withManaged, then, knownLayers([withManaged, then]));
    expect(changes.map(describeLayerChange)).toEqual([
      'layer deps: version 4 → version 2; hono 4.13.19 → 4.11.0',
      'layer AWSLambdaPowertoolsPythonV3-python312-x86_64: version 7 → detached; packages unknown: detached by the rollback; its version has no package list in the retained state',
      'layer extra: version 1 → detached; packages unknown: detached by the rollback; its version has no package list in the retained state',
    ]);
    const cut = deployment(7, [layer('deps', 9, 'hono@4.13.19', false)], [ARN('deps', 9)], { codeHash: 'y' });
    expect(describeLayerChange(layerChanges(cut, then, knownLayers([cut, then]))[0])).toBe(
      'layer deps: version 9 → version 2; hono 4.13.19 → 4.11.0 (as far as the layer descriptions go: one was cut at 256 characters)',
    );
  });

  it("finds the current code's packages nothing would provide with the target's layers, certainly only when every list is whole", () => {
    const known = knownLayers([now, then]);
    const node = { runtime: 'nodejs24.x' as const, family: nodejsFamily, managed: [] };
    expect(packagesNotInLayers(['zod', 'hono'], [ARN('deps', 2)], known, node)).toMatchObject({ missing: ['zod'], certain: true });
    expect(packagesNotInLayers(['hono'], [ARN('deps', 2)], known, node)).toMatchObject({ missing: [], certain: true });
    // What the runtime ships is provided, as the import coverage rule says (this refused rollbacks for nothing).
    expect(packagesNotInLayers(['@aws-sdk/client-dynamodb', 'hono'], [ARN('deps', 2)], known, node)).toEqual({
      missing: [],
      certain: true,
      provided: [
        { module: '@aws-sdk/client-dynamodb', provider: { kind: 'runtime', detail: 'AWS SDK for JavaScript v3, shipped with the runtime' } },
        { module: 'hono', provider: { kind: 'layer', layer: 'deps', detail: 'hono 4.11.0' } },
      ],
    });
    // And what an attached managed layer holds; its ARN has no description, which makes nothing uncertain.
    const powertools = managedLayersOfEnv({
      region: 'ap-northeast-1',
      runtime: 'nodejs24.x',
      architecture: 'x86_64',
      layerStrategy: 'hybrid',
      powertoolsPythonLayerVersion: 18,
      powertoolsTypeScriptLayerVersion: 41,
    });
    const withManaged = { ...node, managed: powertools };
    expect(packagesNotInLayers(['@aws-lambda-powertools/logger', 'hono'], [powertools[0].arn, ARN('deps', 2)], known, withManaged)).toMatchObject({
      missing: [],
      certain: true,
    });
    expect(packagesNotInLayers(['@aws-lambda-powertools/logger'], [ARN('deps', 2)], known, withManaged)).toMatchObject({
      missing: ['@aws-lambda-powertools/logger'],
      certain: true,
    });
    const cut = knownLayers([deployment(8, [layer('deps', 2, 'hono@4.11.0', false)], [], { codeHash: 'z' })]);
    expect(packagesNotInLayers(['zod'], [ARN('deps', 2)], cut, node)).toMatchObject({ missing: ['zod'], certain: false });
    expect(packagesNotInLayers(['zod'], [ARN('unknown', 1)], known, node)).toMatchObject({ missing: ['zod'], certain: false });
  });
});

describe('who deployed, from where', () => {
  const local = { user: 'alice', host: 'build-7' };

  it('is the GitHub login and the workflow run in GitHub Actions, with the attempt after the first', () => {
    const actions = {
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTOR: 'octocat',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'o/r',
      GITHUB_RUN_ID: '123',
      GITHUB_RUN_ATTEMPT: '1',
    };
    expect(deployOrigin(actions, local)).toEqual({ by: 'octocat', from: 'https://github.com/o/r/actions/runs/123' });
    expect(deployOrigin({ ...actions, GITHUB_RUN_ATTEMPT: '2', GITHUB_ACTOR: 'dependabot[bot]' }, local)).toEqual({
      by: 'dependabot[bot]',
      from: 'https://github.com/o/r/actions/runs/123/attempts/2',
    });
  });

  it('is the local user and machine elsewhere, and never takes a malformed value into the record', () => {
    expect(deployOrigin({}, local)).toEqual({ by: 'alice (local)', from: 'local machine build-7' });
    expect(deployOrigin({ GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'octocat"; x', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '1' }, local)).toEqual({
      by: 'alice (local)',
      from: 'local machine build-7',
    });
    expect(
      deployOrigin({ GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'octocat', GITHUB_REPOSITORY: 'o/r', GITHUB_RUN_ID: '${{x}}' }, { user: '', host: '' }),
    ).toEqual({ by: 'unknown user (local)', from: 'local machine unknown' });
  });
});

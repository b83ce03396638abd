import { loadConfig } from '../../config/load-config';
import { EnvironmentConfig } from '../../config/environments';
import { powertoolsLayerArn } from '../../config/managed-layers';
import { LAMBDA_LIMITS } from '../../config/lambda-limits';
import { FunctionDeployment } from '../../rules/deployment';
import { directUploadLimit, uploadRoute } from '../../rules/direct-upload-limit';
import { layerMatchesFunction } from '../../rules/layer-matches-function';
import { layersAgreeOnVersions } from '../../rules/layers-agree-on-versions';
import { maxFiveLayers } from '../../rules/max-five-layers';
import { unzippedSizeLimit } from '../../rules/unzipped-size-limit';
import { DEPLOYMENT_RULES, assertDeployable, checkDeployments, ruleOf } from '../../rules';
import {
  bundleArtifact,
  layerArtifact,
  pythonLayerArtifact,
  REPOSITORY_LAYERS as availableLayers,
  managedLayersOfEnv,
  deploymentFor,
} from '../support/artifacts';
import { exactBytes, formatBytes } from '../../project/bytes';
import { PLUGINS } from '../../family-plugins/registry';

const dev = (settings: Record<string, unknown> = {}, context: Record<string, unknown> = {}): EnvironmentConfig =>
  loadConfig({ families: PLUGINS, context: { ...context, environments: { dev: settings } }, env: {}, availableLayers }).environments[0];

const deployment = (overrides: Partial<FunctionDeployment> = {}): FunctionDeployment =>
  deploymentFor({
    env: dev(),
    layers: [layerArtifact()],
    managed: [],
    bundle: bundleArtifact(),
    ...overrides,
  });

describe('max-five-layers', () => {
  it('allows five layers', () => {
    expect(maxFiveLayers(deployment({ layers: ['a', 'b', 'c', 'd', 'e'].map((name) => layerArtifact(name)) }))).toEqual([]);
  });

  it('counts managed layers and names every layer', () => {
    const env = dev({ layerStrategy: 'hybrid' });
    const [finding] = maxFiveLayers(
      deployment({ env, managed: managedLayersOfEnv(env), layers: ['a', 'b', 'c', 'd', 'e'].map((name) => layerArtifact(name)) }),
    );
    expect(finding?.message).toBe(
      'api-dev: the function would have 6 layers (powertools-typescript (managed), a, b, c, d, e); Lambda attaches at most 5. ' +
        'Merge layers or use the "single" strategy.',
    );
  });
});

describe('sizes', () => {
  it('are written one way, in binary units that say so, and limits also exactly', () => {
    expect([
      formatBytes(100),
      formatBytes(2048),
      formatBytes(LAMBDA_LIMITS.directUploadBytes),
      formatBytes(LAMBDA_LIMITS.unzippedBytes),
      formatBytes(3 * 1024 ** 3),
    ]).toEqual(['100 B', '2.0 KiB', '50.0 MiB', '250.0 MiB', '3.00 GiB']);
    expect(exactBytes(LAMBDA_LIMITS.directUploadBytes)).toBe('52,428,800 bytes');
  });
});

describe('unzipped-size-limit', () => {
  it('allows function and layers up to 262,144,000 bytes', () => {
    const half = LAMBDA_LIMITS.unzippedBytes / 2;
    expect(
      unzippedSizeLimit(
        deployment({
          layers: [
            layerArtifact('a', 'x86_64', 'a'.repeat(64), { unzippedBytes: half - 50 }),
            layerArtifact('b', 'x86_64', 'a'.repeat(64), { unzippedBytes: half - 50 }),
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names each layer and its size when the sum is over', () => {
    const [finding] = unzippedSizeLimit(
      deployment({
        layers: [
          layerArtifact('big', 'x86_64', 'a'.repeat(64), { unzippedBytes: 200_000_000 }),
          layerArtifact('more', 'x86_64', 'a'.repeat(64), { unzippedBytes: 62_144_000 }),
        ],
      }),
    );
    expect(finding?.message).toBe(
      'api-dev: function and layers unzip to 250.0 MiB, 262,144,100 bytes (big 190.7 MiB, more 59.3 MiB, function 100 B); Lambda allows 250.0 MiB (262,144,000 bytes). ' +
        'Drop packages, exclude tests and docs in layer.config.json, or move the heavy dependency to a container image.',
    );
  });
});

describe('direct-upload-limit', () => {
  const big = layerArtifact('big', 'x86_64', 'a'.repeat(64), { zippedBytes: 60_000_000 });

  it('sends zips over 50 MiB (52,428,800 bytes) through the artifact bucket when there is one', () => {
    expect(uploadRoute(LAMBDA_LIMITS.directUploadBytes, undefined)).toBe('direct');
    expect(uploadRoute(LAMBDA_LIMITS.directUploadBytes + 1, 'artifacts')).toBe('s3');
    expect(uploadRoute(LAMBDA_LIMITS.directUploadBytes + 1, undefined)).toBe('too-large');
    expect(directUploadLimit(deployment({ env: dev({}, { artifactBucket: 'my-artifacts' }), layers: [big] }))).toEqual([]);
  });

  it('fails without a bucket, naming the layer, its size and the setting that fixes it', () => {
    expect(directUploadLimit(deployment({ layers: [big] }))[0]?.message).toBe(
      'api-dev: layer big zips to about 57.2 MiB; Lambda takes at most 50.0 MiB (52,428,800 bytes) directly. Set an artifact bucket (ARTIFACT_BUCKET, ' +
        'or "artifactBucket" in the cdktf.json context) and the stack uploads the zip to S3 for the layer version, or slim the layer.',
    );
  });
});

describe('layer-matches-function', () => {
  it('accepts layers built for the function', () => {
    expect(layerMatchesFunction(deployment())).toEqual([]);
    expect(
      layerMatchesFunction(deployment({ env: dev({ runtime: 'python3.12' }), layers: [pythonLayerArtifact()], bundle: bundleArtifact('python3.12') })),
    ).toEqual([]);
  });

  it('refuses another runtime family, another Python version, another architecture', () => {
    const messages = [
      ...layerMatchesFunction(deployment({ layers: [pythonLayerArtifact()] })),
      ...layerMatchesFunction(deployment({ env: dev({ runtime: 'python3.13' }), layers: [pythonLayerArtifact()], bundle: bundleArtifact('python3.13') })),
      ...layerMatchesFunction(deployment({ env: dev({ architecture: 'arm64' }) })),
    ].map((finding) => finding.message);
    expect(messages).toEqual([
      'api-dev: layer dependencies (dependencies/python3.12-x86_64) does not fit the function: it holds Python packages and the function runs nodejs24.x. Run `npm run build` for this environment.',
      'api-dev: layer dependencies (dependencies/python3.12-x86_64) does not fit the function: its wheels are for Python 3.12 and the function runs python3.13. Run `npm run build` for this environment.',
      'api-dev: layer dependencies (dependencies/nodejs-x86_64) does not fit the function: it is built for x86_64 and the function runs on arm64. Run `npm run build` for this environment.',
    ]);
  });
});

describe('layers-agree-on-versions', () => {
  const withPackage = (name: string, version: string) =>
    layerArtifact(name, 'x86_64', 'a'.repeat(64), { packages: [{ name: 'typing-extensions', version, path: 'x', direct: false }] });

  it('is quiet when shared packages have one version', () => {
    expect(layersAgreeOnVersions(deployment({ layers: [withPackage('framework', '4.12.2'), withPackage('adapters', '4.12.2')] }))).toEqual([]);
  });

  it('warns when two layers carry two versions of one package', () => {
    expect(layersAgreeOnVersions(deployment({ layers: [withPackage('framework', '4.12.2'), withPackage('adapters', '4.13.0')] }))).toEqual([
      {
        rule: 'layers-agree-on-versions',
        severity: 'warning',
        message:
          'api-dev: typing-extensions is 4.12.2 in layer framework and 4.13.0 in layer adapters; the later layer overwrites the earlier one file by file. Pin one version in both.',
      },
    ]);
  });
});

describe('all rules together', () => {
  it('throws every error at once and returns the warnings', () => {
    const bad = deployment({ env: dev({ architecture: 'arm64' }), layers: [layerArtifact('big', 'x86_64', 'a'.repeat(64), { zippedBytes: 60_000_000 })] });
    expect(checkDeployments([bad]).map((finding) => finding.rule)).toEqual(['layer-matches-function', 'direct-upload-limit']);
    expect(() => assertDeployable([bad])).toThrow(
      /Lambda would refuse this deployment \(2 problems\); nothing was deployed:\n {2}- \[layer-matches-function\]/,
    );
    expect(assertDeployable([deployment()])).toEqual([]);
  });
});

describe('managed layer ARNs', () => {
  it.each([
    ['ap-northeast-1', 'python3.12', 'x86_64', 27, 'arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-x86_64:27'],
    ['eu-west-1', 'python3.13', 'arm64', 30, 'arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-arm64:30'],
    ['us-east-1', 'python3.14', 'x86_64', 27, 'arn:aws:lambda:us-east-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python314-x86_64:27'],
    ['cn-north-1', 'python3.12', 'arm64', 27, 'arn:aws-cn:lambda:cn-north-1:498634801083:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27'],
    ['ap-northeast-1', 'nodejs24.x', 'x86_64', 44, 'arn:aws:lambda:ap-northeast-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:44'],
    ['us-west-2', 'nodejs22.x', 'arm64', 40, 'arn:aws:lambda:us-west-2:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:40'],
  ] as const)('resolves %s %s %s version %d', (region, runtime, architecture, version, arn) => {
    expect(powertoolsLayerArn(PLUGINS.ofRuntime(runtime), region, runtime, architecture, version)).toBe(arn);
  });

  it('names the region and the way out where no layer is published', () => {
    expect(() => powertoolsLayerArn(PLUGINS.ofRuntime('nodejs24.x'), 'cn-north-1', 'nodejs24.x', 'x86_64', 44)).toThrow(
      'No Powertools for AWS Lambda TypeScript layer is known for region cn-north-1 (partition aws-cn); use the "single" or "split" strategy there.',
    );
    expect(() =>
      loadConfig({
        families: PLUGINS,
        context: { region: 'us-gov-west-1', environments: { dev: { layerStrategy: 'hybrid', runtime: 'python3.12' } } },
        env: {},
        availableLayers,
      }),
    ).toThrow('environment "dev": No Powertools for AWS Lambda Python layer is known for region us-gov-west-1');
  });

  it('follows the pinned versions in configuration, only for hybrid', () => {
    expect(managedLayersOfEnv(dev())).toEqual([]);
    expect(managedLayersOfEnv(dev({ layerStrategy: 'hybrid', runtime: 'python3.12', architecture: 'arm64', powertoolsPythonLayerVersion: 31 }))).toEqual([
      {
        name: 'powertools-python',
        arn: 'arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:31',
        version: 31,
        externalPackages: ['aws_lambda_powertools'],
        contents: PLUGINS.byId('python').powertools!.contents,
      },
    ]);
    expect(managedLayersOfEnv(dev({ layerStrategy: 'hybrid' }))[0]?.externalPackages).toEqual(['@aws-lambda-powertools/*', '@aws-sdk/*']);
  });
});

describe('strategies in configuration', () => {
  it.each([
    ['single', 'nodejs24.x', ['dependencies']],
    ['single', 'python3.12', ['dependencies']],
    ['hybrid', 'nodejs24.x', ['dependencies-minimal']],
    ['hybrid', 'python3.12', ['dependencies-minimal']],
    ['split', 'nodejs24.x', ['stable', 'framework']],
    ['split', 'python3.13', ['stable', 'framework', 'adapters']],
  ])('%s for %s attaches %j', (strategy, runtime, layers) => {
    expect(dev({ layerStrategy: strategy, runtime }).layers).toEqual(layers);
  });

  it('lets an explicit layer list win, and refuses a folder without packages for the runtime', () => {
    expect(dev({ layerStrategy: 'split', layers: ['dependencies'] }).layers).toEqual(['dependencies']);
    expect(() => dev({ layers: ['adapters'] })).toThrow(
      'environment "dev": layers includes "adapters" (from cdktf context "environments.dev.layers"), but layers/adapters has no package.json, ' +
        'so it holds no Node.js packages for the nodejs24.x function; add one, or use a layer that has: dependencies, dependencies-minimal, stable, framework',
    );
  });

  it('accepts the Python runtimes and rejects others', () => {
    expect(dev({ runtime: 'python3.14' }).runtime).toBe('python3.14');
    expect(() => dev({ runtime: 'python3.11' })).toThrow(
      /runtime is "python3.11".*allowed: one of "nodejs22.x", "nodejs24.x", "python3.12", "python3.13", "python3.14"/,
    );
    expect(() => dev({ layerStrategy: 'mixed' })).toThrow(/layerStrategy is "mixed".*allowed: one of "single", "hybrid", "split"/);
  });
});

describe('choosing the function', () => {
  it('deploys the Node.js function by default, and the Python one on python3.12 when asked', () => {
    expect(dev()).toMatchObject({ function: 'nodejs', runtime: 'nodejs24.x' });
    expect(dev({ function: 'python' })).toMatchObject({ function: 'python', runtime: 'python3.12', layers: ['dependencies'] });
    expect(dev({ function: 'python', runtime: 'python3.14' }).runtime).toBe('python3.14');
    expect(dev({ runtime: 'python3.13' }).function).toBe('python');
  });

  it('refuses a runtime of the other language', () => {
    expect(() => dev({ function: 'python', runtime: 'nodejs24.x' })).toThrow(
      'environment "dev": runtime is "nodejs24.x" (from cdktf context "environments.dev.runtime") but function is "python" ' +
        '(from cdktf context "environments.dev.function"); allowed: a Python runtime, or function "nodejs"',
    );
  });
});

describe('the rule registry', () => {
  it("registers each rule once, with its id, severity and what Lambda would do; every finding carries its rule's id", () => {
    const ids = DEPLOYMENT_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of DEPLOYMENT_RULES) {
      expect([rule.id, ['error', 'warning'].includes(rule.severity), rule.lambda.length > 0]).toEqual([rule.id, true, true]);
    }
    const over = deployment({ layers: [1, 2, 3, 4, 5, 6].map((n) => layerArtifact(`layer${n}`)), bundle: { ...bundleArtifact(), zippedBytes: 60_000_000 } });
    const findings = checkDeployments([over, deployment({ layers: [layerArtifact('dependencies', 'arm64')] })]);
    expect(findings.length).toBeGreaterThanOrEqual(3);
    for (const finding of findings) expect(ruleOf(finding).check).toBeDefined();
    expect(() => ruleOf({ rule: 'no-such-rule' })).toThrow('a finding of an unregistered rule: no-such-rule');
  });

  it('names the refusal by what Lambda would do: a limit refuses the deployment, an unprovided import fails every invocation', () => {
    const refusedBy = (run: () => unknown): string => {
      try {
        run();
        return 'deployable';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(refusedBy(() => assertDeployable([deployment({ layers: [layerArtifact('dependencies', 'arm64')] })]))).toBe('LAMBDA_LIMITS');
    const imports = [{ module: 'left-pad', specifier: 'left-pad', file: 'index.mjs', line: 1, lazy: false }];
    expect(refusedBy(() => assertDeployable([deployment({ bundle: { ...bundleArtifact(), imports, externals: ['left-pad'] } })]))).toBe('IMPORT_NOT_PROVIDED');
    expect(
      DEPLOYMENT_RULES.filter((rule) => rule.lambda === 'refuses the deployment')
        .map((rule) => rule.id)
        .sort(),
    ).toEqual(['direct-upload-limit', 'layer-matches-function', 'max-five-layers', 'unzipped-size-limit']);
  });
});

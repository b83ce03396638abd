import { Testing } from 'cdktf';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { DataArchiveFile } from '@cdktf/provider-archive/lib/data-archive-file';
import { ArchiveProvider } from '@cdktf/provider-archive/lib/provider';
import { loadConfig } from '../../config/load-config';
import { EnvironmentConfig } from '../../config/environments';
import { API_ROUTES } from '../../handlers/api/routes';
import { layerDescription, MAX_DESCRIPTION } from '../../artifacts/layer-description';
import { RollbackPin } from '../../artifacts/rollback-pin';
import { ApiStack } from '../../stacks/api-stack';
import { assertDeployable } from '../../rules';
import { functionRoleStatements } from '../../iam/ci-permissions';
import { evaluate } from '../../iam/policy-evaluation';
import { bundleArtifact, layerArtifact, pythonLayerArtifact, REPOSITORY_LAYERS, managedLayersOfEnv, deploymentFor } from '../support/artifacts';
import { BundleArtifact, LayerArtifact } from '../../artifacts/manifest';
import { FunctionArtifacts } from '../../builder/artifact-check';
import { Json } from '../support/json';
import { PLUGINS } from '../../family-plugins/registry';

const environments = loadConfig({
  families: PLUGINS,
  context: {},
  env: {},
  availableLayers: { dependencies: ['nodejs', 'python'], extra: ['nodejs'] },
}).environments;

function synth(env: EnvironmentConfig, layers: LayerArtifact[] = [layerArtifact()]): { text: string; json: Json } {
  const app = Testing.app();
  const stack = new ApiStack(app, env.stackName, {
    env,
    layers,
    bundle: bundleArtifact(env.runtime),
    managedLayers: managedLayersOfEnv(env),
    buildDirFromStack: '../../../.build',
    families: PLUGINS,
  });
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as Json };
}

function only(json: Json, type: string, kind: 'resource' | 'data' = 'resource'): [string, Json] {
  const entries = Object.entries((json[kind]?.[type] ?? {}) as Json);
  expect(entries).toHaveLength(1);
  return entries[0] as [string, Json];
}

describe.each(environments.map((env) => [env.name, env] as const))('stack api-%s', (name, env) => {
  const { text, json } = synth(env);

  it("stores state in S3 under the environment key, locked with a lockfile, encrypted by the bucket's own key (no header that would override it)", () => {
    expect(json['terraform'].backend.s3).toEqual({
      bucket: 'multicloud-auto-deploy-terraform-state',
      key: `multicloud-auto-deploy/${name}/terraform.tfstate`,
      region: 'ap-northeast-1',
      use_lockfile: true,
    });
  });

  it("runs the function as the bootstrap's function role of its environment, and makes no IAM of its own", () => {
    expect(json['resource'].aws_iam_role).toBeUndefined();
    expect(json['resource'].aws_iam_role_policy).toBeUndefined();
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['role']).toBe(
      `arn:\${data.aws_partition.partition.partition}:iam::\${data.aws_caller_identity.caller.account_id}:role/multicloud-auto-deploy/functions/multicloud-auto-deploy-${name}-function`,
    );
  });

  it('caps the function with reserved concurrency and the API stage with throttling', () => {
    expect(text).toHaveResourceWithProperties(LambdaFunction, { reserved_concurrent_executions: env.reservedConcurrency });
    const [, stage] = only(json, 'aws_apigatewayv2_stage');
    expect(stage['default_route_settings']).toEqual({ throttling_burst_limit: env.throttleBurstLimit, throttling_rate_limit: env.throttleRateLimit });
  });

  it('configures the AWS provider with default tags, and the archive provider', () => {
    expect(json['provider'].aws[0]).toEqual({
      region: 'ap-northeast-1',
      default_tags: [{ tags: { project: 'multicloud-auto-deploy', environment: name, 'managed-by': 'cdktf' } }],
    });
    expect(text).toHaveProvider(ArchiveProvider);
  });

  it('zips the built layer tree by relative path and publishes a retained, hash-wired layer version', () => {
    const [archiveId, archive] = Object.entries(json['data'].archive_file as Json).find(([id]) => id.startsWith('layer-dependencies_'))!;
    expect(archive).toMatchObject({
      type: 'zip',
      source_dir: '../../../.build/layers/dependencies/nodejs-x86_64/tree',
      output_path: 'archives/layer-dependencies.zip',
    });
    expect(text).toHaveDataSourceWithProperties(DataArchiveFile, { source_dir: '../../../.build/functions/api/nodejs24.x-12345678' });
    const [, layer] = only(json, 'aws_lambda_layer_version');
    expect(layer).toMatchObject({
      layer_name: `multicloud-auto-deploy-${name}-dependencies`,
      compatible_runtimes: ['nodejs24.x'],
      compatible_architectures: ['x86_64'],
      skip_destroy: true,
      filename: `\${data.archive_file.${archiveId}.output_path}`,
      source_code_hash: `\${data.archive_file.${archiveId}.output_base64sha256}`,
    });
    expect(layer['description']).toContain(`content ${'a'.repeat(16)}`);
    expect(layer['description']).toContain('nodejs24.x x86_64');
  });

  it('attaches layers to the function by reference to the layer resources', () => {
    const [layerId] = only(json, 'aws_lambda_layer_version');
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['layers']).toEqual([`\${aws_lambda_layer_version.${layerId}.arn}`]);
    expect(JSON.stringify(fn['layers'])).not.toMatch(/arn:aws:lambda/);
  });

  it('deploys the bundled function with the environment settings', () => {
    const [tableId] = only(json, 'aws_dynamodb_table');
    expect(text).toHaveResourceWithProperties(LambdaFunction, {
      function_name: `multicloud-auto-deploy-${name}-api`,
      runtime: env.runtime,
      architectures: [env.architecture],
      handler: 'index.handler',
      memory_size: env.memoryMb,
      timeout: env.timeoutSeconds,
      environment: { variables: { TABLE_NAME: `\${aws_dynamodb_table.${tableId}.name}`, APP_VERSION: '3.0.0', MESSAGE_TTL_DAYS: '0' } },
    });
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['source_code_hash']).toMatch(/^\$\{data\.archive_file\.api_archive_[A-F0-9]+\.output_base64sha256\}$/);
  });

  it("names its table and log group as the bootstrap's function role of its environment allows them, and no other environment's role", () => {
    const [, logs] = Object.entries(json['resource'].aws_cloudwatch_log_group as Json).find(([, group]) => String(group.name).startsWith('/aws/lambda/'))!;
    const [, table] = only(json, 'aws_dynamodb_table');
    const scope = {
      project: env.project,
      region: env.region,
      account: '123456789012',
      stateBucket: 's',
      artifactBucket: 'a',
      stateKeyArn: 'k',
      artifactKeyArn: 'ak',
      environments: environments.map((e) => ({ name: e.name, stateKey: e.stateKey })),
    };
    const tableArn = `arn:aws:dynamodb:${env.region}:123456789012:table/${table['name']}`;
    const stream = `arn:aws:logs:${env.region}:123456789012:log-group:${logs['name']}:log-stream:x`;
    for (const other of environments) {
      const expected = other.name === name ? 'Allow' : 'ImplicitDeny';
      expect([
        other.name,
        evaluate(functionRoleStatements(scope, other.name), 'dynamodb:PutItem', tableArn),
        evaluate(functionRoleStatements(scope, other.name), 'logs:PutLogEvents', stream),
      ]).toEqual([other.name, expected, expected]);
    }
    expect(json['data'].aws_iam_policy_document).toBeUndefined();
  });

  it('keeps function and API logs for the configured retention', () => {
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/lambda/multicloud-auto-deploy-${name}-api`,
      retention_in_days: env.logRetentionDays,
    });
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: `/aws/apigateway/multicloud-auto-deploy-${name}-api`,
      retention_in_days: env.logRetentionDays,
    });
  });

  it('fronts the function with an HTTP API: payload 2.0 proxy, every route, $default stage with access logs', () => {
    const [aliasId] = only(json, 'aws_lambda_alias');
    const [integrationId] = only(json, 'aws_apigatewayv2_integration');
    expect(text).toHaveResourceWithProperties(Apigatewayv2Api, { protocol_type: 'HTTP', name: `multicloud-auto-deploy-${name}-api` });
    // The alias live, never $LATEST: a new version takes traffic only when the alias moves to it.
    expect(text).toHaveResourceWithProperties(Apigatewayv2Integration, {
      integration_type: 'AWS_PROXY',
      payload_format_version: '2.0',
      integration_uri: `\${aws_lambda_alias.${aliasId}.invoke_arn}`,
    });
    const routes = Object.values(json['resource'].aws_apigatewayv2_route as Json) as Json[];
    expect(routes.map((route) => route.route_key).sort()).toEqual([...API_ROUTES].sort());
    for (const route of routes) expect(route.target).toBe(`integrations/\${aws_apigatewayv2_integration.${integrationId}.id}`);
    expect(text).toHaveResourceWithProperties(Apigatewayv2Stage, { name: '$default', auto_deploy: true });
    const [, stage] = only(json, 'aws_apigatewayv2_stage');
    expect(stage.access_log_settings.destination_arn).toMatch(/^\$\{aws_cloudwatch_log_group\.http_access-logs_[A-F0-9]+\.arn\}$/);
    expect(JSON.parse(stage.access_log_settings.format)).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });

  it('allows only this API to invoke the function, and only through the alias live', () => {
    const [apiId] = only(json, 'aws_apigatewayv2_api');
    const [fnId] = only(json, 'aws_lambda_function');
    const [aliasId] = only(json, 'aws_lambda_alias');
    const [, permission] = only(json, 'aws_lambda_permission');
    expect(permission).toEqual({
      statement_id: 'AllowInvokeFromThisHttpApi',
      action: 'lambda:InvokeFunction',
      principal: 'apigateway.amazonaws.com',
      function_name: `\${aws_lambda_function.${fnId}.function_name}`,
      qualifier: `\${aws_lambda_alias.${aliasId}.name}`,
      source_arn: `\${aws_apigatewayv2_api.${apiId}.execution_arn}/*/*`,
    });
  });

  it('publishes a version on every change and keeps the old ones, which an instant rollback moves back to', () => {
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['publish']).toBe(true);
    // Nothing removes earlier versions: no skip_destroy=false override, no lifecycle that replaces the function.
    expect(fn['lifecycle']).toBeUndefined();
  });

  it('points the alias live at the version the rollout names, the newest when it names none, with a canary as a weight', () => {
    const [fnId] = only(json, 'aws_lambda_function');
    const [, alias] = only(json, 'aws_lambda_alias');
    expect(alias).toMatchObject({
      name: 'live',
      function_name: `\${aws_lambda_function.${fnId}.function_name}`,
      function_version: `\${coalesce(var.live_version, aws_lambda_function.${fnId}.version)}`,
      routing_config: {
        additional_version_weights: '${var.canary_version == "" ? {} : zipmap([var.canary_version], [var.canary_percent / 100])}',
      },
    });
  });

  it('takes where live points and the canary as validated variables (set with -var by deploy and promote)', () => {
    expect(json['variable']).toEqual({
      live_version: {
        type: 'string',
        default: '',
        description: expect.stringMatching(/^The function version the alias live points to/),
        validation: [
          {
            condition: '${var.live_version == "" || can(regex("^[0-9]+$", var.live_version))}',
            error_message: 'live_version is a published version number, or empty for the newest.',
          },
        ],
      },
      canary_version: {
        type: 'string',
        default: '',
        description: expect.any(String),
        validation: [
          {
            condition: '${var.canary_version == "" || can(regex("^[0-9]+$", var.canary_version))}',
            error_message: 'canary_version is a published version number, or empty.',
          },
        ],
      },
      canary_percent: {
        type: 'number',
        default: 0,
        description: expect.any(String),
        validation: [{ condition: '${var.canary_percent >= 0 && var.canary_percent <= 50}', error_message: 'canary_percent is from 0 to 50.' }],
      },
    });
  });

  it('stores messages in an on-demand table with point-in-time recovery and encryption', () => {
    expect(text).toHaveResourceWithProperties(DynamodbTable, {
      name: `multicloud-auto-deploy-${name}-messages`,
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: name === 'prod',
    });
  });

  it('outputs the API URL, the function name and the layer version ARNs', () => {
    const [apiId] = only(json, 'aws_apigatewayv2_api');
    const [layerId] = only(json, 'aws_lambda_layer_version');
    expect(json['output'].api_url.value).toBe(`\${aws_apigatewayv2_api.${apiId}.api_endpoint}`);
    expect(json['output'].function_name.value).toMatch(/^\$\{aws_lambda_function\..+\.function_name\}$/);
    expect(json['output'].layer_version_arns.value).toEqual({ dependencies: `\${aws_lambda_layer_version.${layerId}.arn}` });
  });

  it('outputs the newest version, the live one and the canary, which the rollout and history read back', () => {
    const [fnId] = only(json, 'aws_lambda_function');
    const [aliasId] = only(json, 'aws_lambda_alias');
    expect(json['output'].newest_version.value).toBe(`\${aws_lambda_function.${fnId}.version}`);
    expect(json['output'].live_version.value).toBe(`\${aws_lambda_alias.${aliasId}.function_version}`);
    expect(json['output'].canary.value).toEqual({ version: '${var.canary_version}', percent: '${var.canary_percent}' });
  });

  it('passes cdktf validation on a full synth', () => {
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers: [layerArtifact()],
      bundle: bundleArtifact(),
      managedLayers: managedLayersOfEnv(env),
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
    });
    expect(() => Testing.fullSynth(stack)).not.toThrow();
  });
});

describe('several layers', () => {
  const env = { ...environments[0], layers: ['dependencies', 'extra'] };
  const { json } = synth(env, [layerArtifact('dependencies'), layerArtifact('extra', 'x86_64', 'e'.repeat(64))]);

  it('attaches them in the configured order, one archive and version each', () => {
    const versions = json['resource'].aws_lambda_layer_version as Json;
    const ids = Object.keys(versions);
    const byName = (layerName: string): string => ids.find((id) => versions[id].layer_name.endsWith(`-${layerName}`))!;
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['layers']).toEqual([`\${aws_lambda_layer_version.${byName('dependencies')}.arn}`, `\${aws_lambda_layer_version.${byName('extra')}.arn}`]);
    expect(Object.keys(json['data'].archive_file as Json)).toHaveLength(3);
  });
});

describe('stack validation', () => {
  const env = environments[0];

  it("refuses a layer built for another architecture (the synth entry's rules, run once before the app exists)", () => {
    expect(() =>
      assertDeployable([deploymentFor({ env, layers: [layerArtifact('dependencies', 'arm64')], managed: managedLayersOfEnv(env), bundle: bundleArtifact() })]),
    ).toThrowErrorMatchingInlineSnapshot(`
      "Lambda would refuse this deployment (1 problem); nothing was deployed:
        - [layer-matches-function] api-dev: layer dependencies (dependencies/nodejs-arm64) does not fit the function: it is built for arm64 and the function runs on x86_64. Run \`npm run build\` for this environment."
    `);
  });

  it('refuses a bundle built for another runtime', () => {
    expect(
      () =>
        new ApiStack(Testing.app(), 'api-dev', {
          env,
          layers: [layerArtifact()],
          bundle: bundleArtifact('nodejs22.x'),
          managedLayers: managedLayersOfEnv(env),
          buildDirFromStack: '../../../.build',
          families: PLUGINS,
        }),
    ).toThrow(/api-dev\/api: bundle api\/nodejs22.x-12345678 targets nodejs22.x, but the function runs nodejs24.x; run `npm run build`/);
  });

  it('refuses an absolute build path, which would differ between machines', () => {
    expect(
      () =>
        new ApiStack(Testing.app(), 'api-dev', {
          env,
          layers: [layerArtifact()],
          bundle: bundleArtifact(),
          managedLayers: managedLayersOfEnv(env),
          buildDirFromStack: '/home/me/project/.build',
          families: PLUGINS,
        }),
    ).toThrow(/must be relative/);
  });
});

describe('layer description', () => {
  it("always keeps the content hash and runtime, and fits Lambda's 256 characters", () => {
    const many = {
      ...layerArtifact(),
      packages: Array.from({ length: 40 }, (_, i) => ({ name: `package-number-${i}`, version: '1.2.3', path: `nodejs/node_modules/p${i}`, direct: true })),
    };
    const description = layerDescription(many, 'nodejs24.x');
    expect(description.length).toBeLessThanOrEqual(MAX_DESCRIPTION);
    expect(description.startsWith(`content ${'a'.repeat(16)} | nodejs24.x x86_64 | package-number-0@1.2.3`)).toBe(true);
    expect(description.endsWith('...')).toBe(true);
    expect(layerDescription(layerArtifact(), 'nodejs22.x')).toBe(`content ${'a'.repeat(16)} | nodejs22.x x86_64 | hono@4.13.19`);
  });
});

describe("the seed's strategies and the Python function", () => {
  const envWith = (settings: Record<string, unknown>, context: Record<string, unknown> = {}): EnvironmentConfig =>
    loadConfig({ families: PLUGINS, context: { ...context, environments: { staging: settings } }, env: {}, availableLayers: REPOSITORY_LAYERS })
      .environments[1];
  const synthEnv = (env: EnvironmentConfig, layers: LayerArtifact[]) => {
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers,
      bundle: bundleArtifact(env.runtime),
      managedLayers: managedLayersOfEnv(env),
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
    });
    return JSON.parse(Testing.synth(stack)) as Json;
  };

  it("deploys the FastAPI function on python3.12 with the seed's single dependencies layer", () => {
    const env = envWith({ runtime: 'python3.12' });
    const json = synthEnv(env, [pythonLayerArtifact()]);
    const [layerId, layer] = only(json, 'aws_lambda_layer_version');
    const [, fn] = only(json, 'aws_lambda_function');
    expect(layer).toMatchObject({
      layer_name: 'multicloud-auto-deploy-staging-dependencies',
      compatible_runtimes: ['python3.12'],
      compatible_architectures: ['x86_64'],
      skip_destroy: true,
    });
    expect(layer['description']).toContain('python3.12 x86_64 | fastapi@0.115.0, mangum@0.17.0');
    expect(fn).toMatchObject({
      function_name: 'multicloud-auto-deploy-staging-api',
      runtime: 'python3.12',
      handler: 'main.handler',
      layers: [`\${aws_lambda_layer_version.${layerId}.arn}`],
    });
    expect(fn['description']).toContain('FastAPI');
  });

  it('attaches the Powertools managed layer by its resolved ARN, then the minimal layer, for hybrid', () => {
    const env = envWith({ runtime: 'python3.12', layerStrategy: 'hybrid', architecture: 'arm64' });
    const json = synthEnv(env, [pythonLayerArtifact('dependencies-minimal', '3.12', 'arm64')]);
    const [layerId] = only(json, 'aws_lambda_layer_version');
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['layers']).toEqual([
      'arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27',
      `\${aws_lambda_layer_version.${layerId}.arn}`,
    ]);
    expect(json['output'].managed_layer_arns.value).toEqual([
      'arn:aws:lambda:ap-northeast-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python312-arm64:27',
    ]);
  });

  it('publishes the three split layers in order, one version each', () => {
    const env = envWith({ runtime: 'python3.13', layerStrategy: 'split' });
    const json = synthEnv(
      env,
      ['stable', 'framework', 'adapters'].map((name) => pythonLayerArtifact(name, '3.13')),
    );
    const versions = json['resource'].aws_lambda_layer_version as Json;
    const [, fn] = only(json, 'aws_lambda_function');
    const names = (fn['layers'] as string[]).map((ref) => versions[/aws_lambda_layer_version\.([^.]+)\.arn/.exec(ref)![1]].layer_name);
    expect(names).toEqual(['multicloud-auto-deploy-staging-stable', 'multicloud-auto-deploy-staging-framework', 'multicloud-auto-deploy-staging-adapters']);
  });

  it('publishes the TypeScript Powertools layer with a hybrid Node.js function', () => {
    const env = envWith({ layerStrategy: 'hybrid' });
    const json = synthEnv(env, [layerArtifact('dependencies-minimal')]);
    const [, fn] = only(json, 'aws_lambda_function');
    expect((fn['layers'] as string[])[0]).toBe('arn:aws:lambda:ap-northeast-1:094274105915:layer:AWSLambdaPowertoolsTypeScriptV2:44');
  });

  it('uploads a layer zip over 50 MB to the artifact bucket and publishes the version from there', () => {
    const env = envWith({}, { artifactBucket: 'my-artifacts' });
    const json = synthEnv(env, [layerArtifact('dependencies', 'x86_64', 'a'.repeat(64), { zippedBytes: 60_000_000 })]);
    const [objectId, object] = Object.entries(json['resource'].aws_s3_object as Json).find(([id]) => id.startsWith('layer-dependencies_upload'))!;
    const [archiveId] = Object.entries(json['data'].archive_file as Json).find(([id]) => id.startsWith('layer-dependencies_'))!;
    const [, layer] = only(json, 'aws_lambda_layer_version');
    expect(object).toMatchObject({
      bucket: 'my-artifacts',
      key: 'layers/multicloud-auto-deploy/staging/dependencies.zip',
      source: `\${data.archive_file.${archiveId}.output_path}`,
      source_hash: `\${data.archive_file.${archiveId}.output_md5}`,
    });
    expect(layer).toMatchObject({
      s3_bucket: `\${aws_s3_object.${objectId}.bucket}`,
      s3_key: `\${aws_s3_object.${objectId}.key}`,
      s3_object_version: `\${aws_s3_object.${objectId}.version_id}`,
      source_code_hash: `\${data.archive_file.${archiveId}.output_base64sha256}`,
    });
    expect(layer['filename']).toBeUndefined();
  });

  it('keeps every function bundle as a version of one key in the artifact bucket, and deploys that version', () => {
    const json = synthEnv(envWith({}, { artifactBucket: 'my-artifacts' }), [layerArtifact()]);
    const [codeId, code] = Object.entries(json['resource'].aws_s3_object as Json).find(([id]) => id.startsWith('api_code'))!;
    expect(code).toMatchObject({ bucket: 'my-artifacts', key: 'functions/multicloud-auto-deploy/staging/api.zip' });
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn).toMatchObject({ s3_bucket: `\${aws_s3_object.${codeId}.bucket}`, s3_object_version: `\${aws_s3_object.${codeId}.version_id}` });
    expect(fn['filename']).toBeUndefined();
  });

  it('records the commit it deploys, and no rollback', () => {
    const env = envWith({});
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers: [layerArtifact()],
      bundle: bundleArtifact(),
      managedLayers: managedLayersOfEnv(env),
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
      commit: 'c'.repeat(40),
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json['output'].deployed_commit.value).toBe('c'.repeat(40));
    expect(json['output'].rolled_back_to_serial.value).toBe('');
    expect(json['output'].rollback_scope.value).toBe('');
    expect(json['output'].deployed_by.value).toBe('unknown');
  });

  it("records who deployed it and from where, and a layers-only rollback: the target's layers with this build's code", () => {
    const env = envWith({});
    const pinnedLayer = 'arn:aws:lambda:ap-northeast-1:123456789012:layer:multicloud-auto-deploy-staging-dependencies:2';
    const stack = new ApiStack(Testing.app(), env.stackName, {
      env,
      layers: [layerArtifact()],
      bundle: bundleArtifact(),
      managedLayers: managedLayersOfEnv(env),
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
      origin: { by: 'octocat', from: 'https://github.com/o/r/actions/runs/9' },
      pin: { stack: env.stackName, serial: 3, scope: 'layers', functions: { api: { layers: [pinnedLayer] } }, replacesSerial: 5 },
    });
    const json = JSON.parse(Testing.synth(stack)) as Json;
    expect(json['output'].deployed_by.value).toBe('octocat');
    expect(json['output'].deployed_from.value).toBe('https://github.com/o/r/actions/runs/9');
    expect(json['output'].rolled_back_to_serial.value).toBe('3');
    expect(json['output'].rollback_scope.value).toBe('layers');
    const [, fn] = only(json, 'aws_lambda_function');
    expect(fn['layers']).toEqual([pinnedLayer]);
    const [archiveId] = Object.entries(json['data'].archive_file as Json).find(([id]) => !id.includes('layer'))!;
    expect(fn['source_code_hash']).toBe(`\${data.archive_file.${archiveId}.output_base64sha256}`);
  });

  it('refuses that layer without an artifact bucket, before creating anything', () => {
    const env = envWith({});
    const layers = [layerArtifact('dependencies', 'x86_64', 'a'.repeat(64), { zippedBytes: 60_000_000 })];
    expect(() => assertDeployable([deploymentFor({ env, layers, managed: managedLayersOfEnv(env), bundle: bundleArtifact(env.runtime) })])).toThrow(
      /\[direct-upload-limit\] api-staging: layer dependencies zips to about 57\.2 MiB/,
    );
  });
});

describe('stack api-dev with the functions of a service', () => {
  const context = {
    defaults: { function: 'python', layerStrategy: 'split' },
    functions: {
      api: { data: ['table:read', 'table:write', 'queue:worker'] },
      worker: {
        family: 'python',
        source: 'handlers/python_api',
        handler: 'worker.handler',
        trigger: { queue: { batchSize: 5, maxReceiveCount: 4 } },
        data: ['table:write'],
      },
      digest: {
        family: 'python',
        source: 'handlers/python_api',
        handler: 'digest.handler',
        trigger: { schedule: { expression: 'cron(0 6 * * ? *)', timezone: 'Asia/Tokyo', retryAttempts: 3 } },
        data: ['table:read', 'table:write'],
      },
      stats: {
        family: 'python',
        source: 'handlers/python_api',
        handler: 'stats.handler',
        trigger: { http: { routes: ['GET /api/stats'] } },
        timeoutSeconds: 5,
      },
    },
  };
  const split = ['stable', 'framework', 'adapters'].map((name) => pythonLayerArtifact(name, '3.12', 'x86_64', { contentHash: name[0].repeat(64) }));
  const config = loadConfig({
    families: PLUGINS,
    context,
    env: {},
    availableLayers: { stable: ['python'], framework: ['python'], adapters: ['python'] },
  });
  const dev = config.environments.find((candidate) => candidate.name === 'dev')!;
  const bundleOf = (name: string, handler: string): BundleArtifact => ({
    ...bundleArtifact('python3.12'),
    id: `${name}/python3.12`,
    function: name,
    dir: `functions/${name}/python3.12`,
    handler,
  });
  const attached: Record<string, LayerArtifact[]> = { api: split, worker: [split[0]], digest: [split[0]], stats: [split[1], split[2]] };
  const functions: FunctionArtifacts[] = dev.functions.map((fn) => ({
    function: fn,
    layers: attached[fn.name],
    bundle: bundleOf(fn.name, fn.handler),
    managed: [],
  }));
  function synthService(withFunctions: boolean, pin?: RollbackPin): Json {
    const app = Testing.app();
    const stack = new ApiStack(app, dev.stackName, {
      env: dev,
      layers: split,
      bundle: functions[0].bundle,
      managedLayers: [],
      buildDirFromStack: '../../../.build',
      families: PLUGINS,
      ...(withFunctions ? { functions } : {}),
      ...(pin ? { pin } : {}),
    });
    return JSON.parse(Testing.synth(stack)) as Json;
  }
  const json = synthService(true);
  const resources = (type: string): [string, Json][] => Object.entries((json['resource']?.[type] ?? {}) as Json);
  const named = (type: string, name: string): Json => {
    const found = resources(type).filter(([, resource]) => resource.name === name || resource.function_name === name);
    expect(found).toHaveLength(1);
    return found[0][1];
  };

  it("keeps every resource of the API at its address and as it was, adding only the worker's queue URL to the API's variables", () => {
    const before = synthService(false);
    for (const [type, byName] of Object.entries(before['resource'] as Json)) {
      for (const [address, resource] of Object.entries(byName as Json)) {
        const now = (json['resource'] as Json)[type]?.[address];
        expect([type, address, now === undefined ? 'gone' : 'kept']).toEqual([type, address, 'kept']);
        if (type === 'aws_lambda_function') {
          const { environment, ...rest } = now as Json;
          const { environment: was, ...restBefore } = resource as Json;
          expect(rest).toEqual(restBefore);
          expect(environment.variables).toEqual({
            ...was.variables,
            QUEUE_WORKER_URL: expect.stringMatching(/^\$\{aws_sqs_queue\.queue-worker_queue_[0-9A-F]+\.url\}$/),
          });
        } else expect([type, address, now]).toEqual([type, address, resource]);
      }
    }
  });

  it('makes each function with its own name, role, alias, code and the layers it uses, each layer published once', () => {
    for (const name of ['worker', 'digest', 'stats']) {
      const fn = named('aws_lambda_function', `multicloud-auto-deploy-dev-${name}`);
      expect(fn.role).toMatch(new RegExp(`:role/multicloud-auto-deploy/functions/multicloud-auto-deploy-dev-${name}-fn$`));
      expect(fn.handler).toBe(`${name}.handler`);
      expect(fn.publish).toBe(true);
      expect(fn.runtime).toBe('python3.12');
    }
    expect(named('aws_lambda_function', 'multicloud-auto-deploy-dev-worker').timeout).toBe(60);
    expect(named('aws_lambda_function', 'multicloud-auto-deploy-dev-stats').timeout).toBe(5);
    expect(named('aws_lambda_function', 'multicloud-auto-deploy-dev-worker').layers).toEqual([
      expect.stringMatching(/^\$\{aws_lambda_layer_version\.layer-stable_/),
    ]);
    // Three layers for four functions: one LayerVersion each, attached by reference.
    expect(
      resources('aws_lambda_layer_version')
        .map(([, layer]) => layer.layer_name)
        .sort(),
    ).toEqual(['adapters', 'framework', 'stable'].map((name) => `multicloud-auto-deploy-dev-${name}`));
    expect(resources('aws_lambda_alias')).toHaveLength(4);
  });

  it('deploys what a rollback pin restores of each function it names, and every other function as built', () => {
    const old = (name: string, version: number) => `arn:aws:lambda:ap-northeast-1:123456789012:layer:multicloud-auto-deploy-dev-${name}:${version}`;
    const s3 = { bucket: 'acme-artifacts', key: 'functions/acme/dev/worker.zip', version: 'v7' };
    const pin: RollbackPin = {
      stack: dev.stackName,
      serial: 41,
      scope: 'layers and code',
      functions: { worker: { layers: [old('stable', 3)], code: { codeHash: 'd29ya2Vy', s3 } } },
      replacesSerial: 44,
    };
    const pinned = synthService(true, pin);
    const fn = (name: string): Json =>
      Object.values((pinned['resource'] as Json)['aws_lambda_function'] as Json).find((candidate) => candidate.function_name === name) as Json;
    expect(fn('multicloud-auto-deploy-dev-worker')).toMatchObject({
      layers: [old('stable', 3)],
      s3_bucket: s3.bucket,
      s3_key: s3.key,
      s3_object_version: 'v7',
      source_code_hash: 'd29ya2Vy',
    });
    // The API and the other functions are as built: by reference to this build's layers and archives.
    for (const name of ['api', 'digest', 'stats']) {
      expect(fn(`multicloud-auto-deploy-dev-${name}`)).toEqual(named('aws_lambda_function', `multicloud-auto-deploy-dev-${name}`));
    }
    expect((pinned['output'] as Json).rolled_back_to_serial.value).toBe('41');
    // A pin made before a function left the configuration: refused before anything is made.
    expect(() => synthService(true, { ...pin, functions: { ...pin.functions, gone: { layers: [] } } })).toThrow(
      /the rollback pin \(serial 41\) restores function gone, which api-dev no longer deploys; run npm run rollback again, or delete the pin/,
    );
  });

  it("points each function's alias where the rollout puts it (held while probed), with a canary for an HTTP function, and outputs their newest versions", () => {
    const alias = (name: string): Json => {
      const found = resources('aws_lambda_alias').filter(([address]) => address.startsWith(`fn-${name}_live_`));
      expect(found).toHaveLength(1);
      return found[0][1];
    };
    for (const name of ['worker', 'digest', 'stats']) {
      expect(alias(name).function_version).toMatch(
        new RegExp(`^\\$\\{lookup\\(var\\.function_live_versions, "${name}", aws_lambda_function\\.fn-${name}_function_[0-9A-F]+\\.version\\)\\}$`),
      );
    }
    // Only an HTTP function takes a canary; the queue and the schedule move whole.
    expect(alias('stats').routing_config).toEqual({
      additional_version_weights:
        '${lookup(var.function_canary_versions, "stats", "") == "" ? {} : zipmap([lookup(var.function_canary_versions, "stats", "")], [var.canary_percent / 100])}',
    });
    expect(alias('worker').routing_config).toBeUndefined();
    expect(alias('digest').routing_config).toBeUndefined();
    expect(Object.keys(json['variable'] as Json).sort()).toEqual([
      'canary_percent',
      'canary_version',
      'function_canary_versions',
      'function_live_versions',
      'live_version',
    ]);
    expect((json['variable'] as Json)['function_live_versions']).toMatchObject({
      type: 'map(string)',
      default: {},
      validation: [{ condition: '${alltrue([for version in values(var.function_live_versions) : can(regex("^[0-9]+$", version))])}' }],
    });
    expect((json['variable'] as Json)['function_canary_versions']).toMatchObject({
      type: 'map(string)',
      default: {},
      validation: [{ condition: '${alltrue([for version in values(var.function_canary_versions) : version == "" || can(regex("^[0-9]+$", version))])}' }],
    });
    expect((json['output'] as Json)['function_versions'].value).toEqual({
      worker: expect.stringMatching(/^\$\{aws_lambda_function\.fn-worker_function_[0-9A-F]+\.version\}$/),
      digest: expect.stringMatching(/^\$\{aws_lambda_function\.fn-digest_function_[0-9A-F]+\.version\}$/),
      stats: expect.stringMatching(/^\$\{aws_lambda_function\.fn-stats_function_[0-9A-F]+\.version\}$/),
    });
    expect((json['output'] as Json)['function_live_versions'].value).toEqual({
      worker: expect.stringMatching(/^\$\{aws_lambda_alias\.fn-worker_live_[0-9A-F]+\.function_version\}$/),
      digest: expect.stringMatching(/^\$\{aws_lambda_alias\.fn-digest_live_[0-9A-F]+\.function_version\}$/),
      stats: expect.stringMatching(/^\$\{aws_lambda_alias\.fn-stats_live_[0-9A-F]+\.function_version\}$/),
    });
    // A stack of one function keeps its variables and outputs as they were.
    const single = synthService(false);
    expect(Object.keys(single['variable'] as Json).sort()).toEqual(['canary_percent', 'canary_version', 'live_version']);
    expect((single['output'] as Json)['function_versions']).toBeUndefined();
    expect((single['output'] as Json)['function_live_versions']).toBeUndefined();
  });

  it('feeds the worker from its queue, with a dead-letter queue and partial batch responses, on its alias', () => {
    const queue = named('aws_sqs_queue', 'multicloud-auto-deploy-dev-worker');
    const dlq = named('aws_sqs_queue', 'multicloud-auto-deploy-dev-worker-dlq');
    expect(queue.visibility_timeout_seconds).toBe(360);
    expect(queue.sqs_managed_sse_enabled).toBe(true);
    expect(dlq.sqs_managed_sse_enabled).toBe(true);
    expect(queue.redrive_policy).toMatch(/maxReceiveCount.*4/);
    const [, mapping] = resources('aws_lambda_event_source_mapping')[0];
    expect(resources('aws_lambda_event_source_mapping')).toHaveLength(1);
    expect(mapping).toMatchObject({ batch_size: 5, maximum_batching_window_in_seconds: 0, function_response_types: ['ReportBatchItemFailures'] });
    expect(mapping.function_name).toMatch(/^\$\{aws_lambda_alias\.fn-worker_live_[0-9A-F]+\.arn\}$/);
  });

  it('runs the digest on its schedule through the alias, with the retry policy, a dead-letter queue and the scheduled time as input', () => {
    const schedule = named('aws_scheduler_schedule', 'multicloud-auto-deploy-dev-digest');
    expect(schedule).toMatchObject({
      schedule_expression: 'cron(0 6 * * ? *)',
      schedule_expression_timezone: 'Asia/Tokyo',
      flexible_time_window: { mode: 'OFF' },
    });
    expect(schedule.target.arn).toMatch(/^\$\{aws_lambda_alias\.fn-digest_live_[0-9A-F]+\.arn\}$/);
    expect(schedule.target.role_arn).toMatch(/:role\/multicloud-auto-deploy\/functions\/multicloud-auto-deploy-dev-scheduler$/);
    expect(JSON.parse(schedule.target.input as string)).toEqual({ scheduledTime: '<aws.scheduler.scheduled-time>' });
    expect(schedule.target.retry_policy).toEqual({ maximum_retry_attempts: 3, maximum_event_age_in_seconds: 3600 });
    expect(schedule.target.dead_letter_config.arn).toMatch(/aws_sqs_queue\.schedule-digest_dead-letters_/);
  });

  it('puts the stats routes on the one HTTP API, on its own integration and alias, which only that API may invoke', () => {
    expect(resources('aws_apigatewayv2_api')).toHaveLength(1);
    const routes = resources('aws_apigatewayv2_route').map(([, route]) => route.route_key as string);
    expect(routes).toEqual(expect.arrayContaining([...API_ROUTES, 'GET /api/stats']));
    expect(routes).toHaveLength(API_ROUTES.length + 1);
    const [, stats] = resources('aws_apigatewayv2_route').find(([, route]) => route.route_key === 'GET /api/stats')!;
    const integrations = resources('aws_apigatewayv2_integration');
    expect(integrations).toHaveLength(2);
    const own = integrations.find(([address]) => address.startsWith('http_integration-stats'))!;
    expect(stats.target).toBe(`integrations/\${aws_apigatewayv2_integration.${own[0]}.id}`);
    expect(own[1].integration_uri).toMatch(/aws_lambda_alias\.fn-stats_live_[0-9A-F]+\.invoke_arn/);
    const permission = resources('aws_lambda_permission').find(([address]) => address.includes('invoke-permission-stats'))![1];
    expect(permission).toMatchObject({
      principal: 'apigateway.amazonaws.com',
      qualifier: expect.stringMatching(/^\$\{aws_lambda_alias\.fn-stats_live_[0-9A-F]+\.name\}$/),
    });
    expect(permission.source_arn).toMatch(/^\$\{aws_apigatewayv2_api\.http_api_[0-9A-F]+\.execution_arn\}\/\*\/\*$/);
  });
});

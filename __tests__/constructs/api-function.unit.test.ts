import { Testing } from 'cdktf';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Construct } from 'constructs';
import { ApiFunction, ApiFunctionProps, FunctionSettings, apiFunctionProblems } from '../../constructs/api-function';
import { bundleArtifact } from '../support/artifacts';

const settings: FunctionSettings = {
  runtime: 'nodejs24.x',
  architecture: 'arm64',
  memoryMb: 512,
  timeoutSeconds: 10,
  reservedConcurrency: 5,
  logRetentionDays: 14,
  appVersion: '3.0.0',
  messageTtlDays: 0,
};

function synth(extra: Partial<ApiFunctionProps> = {}): string {
  return Testing.synthScope((scope: Construct) => {
    const table = new DynamodbTable(scope, 'table', { name: 'acme-dev-messages', hashKey: 'pk', attribute: [{ name: 'pk', type: 'S' }] });
    new ApiFunction(scope, 'api', {
      functionName: 'acme-dev-api',
      describedAs: 'acme, dev',
      settings,
      bundle: bundleArtifact(),
      layers: [],
      managedLayers: [],
      table,
      buildDirFromStack: '../../../.build',
      roleArn: 'arn:aws:iam::123456789012:role/acme/functions/acme-dev-function',
      ...extra,
    });
  });
}

describe('ApiFunction', () => {
  it('runs the bundle with the settings it is given, publishing a version on every change', () => {
    expect(synth()).toHaveResourceWithProperties(LambdaFunction, {
      function_name: 'acme-dev-api',
      runtime: 'nodejs24.x',
      architectures: ['arm64'],
      handler: 'index.handler',
      memory_size: 512,
      timeout: 10,
      reserved_concurrent_executions: 5,
      publish: true,
      environment: { variables: expect.objectContaining({ APP_VERSION: '3.0.0', MESSAGE_TTL_DAYS: '0' }) },
    });
  });

  it('runs as the role it is given, creating none, and points the alias live at the newest version unless told otherwise', () => {
    const text = synth();
    expect(text).toHaveResourceWithProperties(LambdaFunction, { role: 'arn:aws:iam::123456789012:role/acme/functions/acme-dev-function' });
    expect(JSON.parse(text).resource.aws_iam_role).toBeUndefined();
    expect(text).toHaveResourceWithProperties(LambdaAlias, { name: 'live' });
    const [alias] = Object.values<Record<string, unknown>>(JSON.parse(text).resource.aws_lambda_alias);
    expect(alias['function_version']).toMatch(/^\$\{aws_lambda_function\.api_function_[A-F0-9]+\.version\}$/);
    expect(alias['routing_config']).toBeUndefined();
  });

  it('keeps every bundle as a version of one key when given an upload bucket', () => {
    const text = synth({ codeUpload: { bucket: 'acme-artifacts', key: 'functions/acme/dev/api.zip' } });
    expect(text).toHaveResourceWithProperties(S3Object, { bucket: 'acme-artifacts', key: 'functions/acme/dev/api.zip' });
  });

  it('refuses a bundle for another runtime and more layers than Lambda attaches, before creating anything', () => {
    expect(apiFunctionProblems({ functionName: 'f', settings, bundle: bundleArtifact(), layers: [], managedLayers: [] })).toEqual([]);
    expect(() => synth({ bundle: bundleArtifact('nodejs22.x') })).toThrow(
      /stack\/api: bundle api\/nodejs22\.x-12345678 targets nodejs22\.x, but the function runs nodejs24\.x; run `npm run build` for this configuration\.$/,
    );
    const pin = { layers: ['a', 'b', 'c', 'd', 'e', 'f'] };
    expect(
      apiFunctionProblems({ functionName: 'f', settings: { ...settings, memoryMb: 64 }, bundle: bundleArtifact(), layers: [], managedLayers: [], pin }),
    ).toEqual(['6 layers are attached; Lambda allows 5', 'memoryMb 64 is not from 128 to 10240']);
  });
});

import { Testing } from 'cdktf';
import { loadConfig } from '../config/load-config';
import { loadBootstrapConfig } from '../config/bootstrap-config';
import { CiScope, UNSCOPED_ACTIONS, deployRoleStatements, planRoleStatements, trustedSubjects } from '../config/ci-permissions';
import { BootstrapStack } from '../stacks/bootstrap-stack';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const availableLayers = { dependencies: ['nodejs', 'python'] } as const;
const config = loadConfig({ context: {}, env: { STATE_BUCKET: 'acme-state' }, availableLayers });

function synth(context: Record<string, unknown> = {}): Json {
  const bootstrap = loadBootstrapConfig({ context: { githubRepository: 'acme/layers', ...context }, env: {} }, config)!;
  const stack = new BootstrapStack(Testing.app(), 'bootstrap', { config, bootstrap, localStatePath: '../../../bootstrap.tfstate' });
  return JSON.parse(Testing.synth(stack)) as Json;
}

const scope: CiScope = {
  project: 'multicloud-auto-deploy',
  region: 'ap-northeast-1',
  account: '123456789012',
  stateBucket: 'acme-state',
  stateKeys: ['multicloud-auto-deploy/dev/terraform.tfstate', 'multicloud-auto-deploy/prod/terraform.tfstate'],
  artifactBucket: 'acme-artifacts',
};

describe('bootstrap stack', () => {
  const json = synth();
  const resources = json['resource'];
  const byBucket = (type: string, bucketLogicalPrefix: string) =>
    Object.entries(resources[type] as Json).find(([id]) => id.startsWith(bucketLogicalPrefix))![1] as Json;

  it('keeps its own state in a local file beside the project, by relative path', () => {
    expect(json['terraform'].backend).toEqual({ local: { path: '../../../bootstrap.tfstate' } });
  });

  it('makes the state bucket versioned, encrypted, private, TLS-only, with noncurrent versions expiring after 90 days', () => {
    const bucketNames = Object.values(resources.aws_s3_bucket as Json).map((bucket: Json) => bucket.bucket);
    expect(bucketNames.sort()).toEqual(['acme-state', 'multicloud-auto-deploy-artifacts']);
    expect(byBucket('aws_s3_bucket_versioning', 'state_')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    expect(byBucket('aws_s3_bucket_server_side_encryption_configuration', 'state_').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: true },
    ]);
    expect(byBucket('aws_s3_bucket_public_access_block', 'state_')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    const tls = Object.entries(json['data'].aws_iam_policy_document as Json).find(([id]) => id.startsWith('state_tls-only'))![1] as Json;
    expect(tls.statement[0]).toMatchObject({ effect: 'Deny', actions: ['s3:*'], condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }] });
    expect(byBucket('aws_s3_bucket_lifecycle_configuration', 'state_').rule[0]).toMatchObject({
      status: 'Enabled',
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
    });
  });

  it('takes the history length from configuration', () => {
    const custom = synth({ stateVersionRetentionDays: 400 });
    const lifecycle = Object.entries(custom['resource'].aws_s3_bucket_lifecycle_configuration as Json).find(([id]) => id.startsWith('state_'))![1] as Json;
    expect(lifecycle.rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 400 }]);
    expect(() => loadBootstrapConfig({ context: { githubRepository: 'acme/layers', stateVersionRetentionDays: 0 }, env: {} }, config)).toThrow(
      'stateVersionRetentionDays is 0; allowed: an integer from 1 to 3650 (days)',
    );
  });

  it('trusts GitHub\'s OIDC provider for this repository only: pull requests for plan, the deploy branch and environments for deploy', () => {
    expect(Object.values(resources.aws_iam_openid_connect_provider as Json)[0]).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    const documents = json['data'].aws_iam_policy_document as Json;
    const trust = (name: string) => (Object.entries(documents).find(([id]) => id.startsWith(`ci_${name}-trust`))![1] as Json).statement[0];
    expect(trust('plan').condition).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:sub', values: ['repo:acme/layers:pull_request'] },
    ]);
    expect(trust('deploy').condition[1].values).toEqual([
      'repo:acme/layers:ref:refs/heads/main',
      'repo:acme/layers:environment:dev',
      'repo:acme/layers:environment:staging',
      'repo:acme/layers:environment:prod',
    ]);
    expect(trust('deploy').actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(Object.values(resources.aws_iam_role as Json).map((role: Json) => role.name).sort()).toEqual([
      'multicloud-auto-deploy-github-deploy',
      'multicloud-auto-deploy-github-plan',
    ]);
  });

  it('outputs what the workflows need', () => {
    expect(Object.keys(json['output']).sort()).toEqual(['artifact_bucket', 'deploy_role_arn', 'plan_role_arn', 'state_bucket']);
  });
});

describe('CI role permissions', () => {
  const writes = /:(Create|Delete|Update|Put|Publish|Add|Remove|Tag|Untag|Pass|PATCH|POST|PUT|DELETE)/;

  it('lets plan only read, except the state lock objects', () => {
    const statements = planRoleStatements(scope);
    const writing = statements.filter((statement) => statement.actions.some((action) => writes.test(action)));
    expect(writing.map((statement) => [statement.sid, statement.resources])).toEqual([
      ['StateLock', ['arn:aws:s3:::acme-state/multicloud-auto-deploy/dev/terraform.tfstate.tflock', 'arn:aws:s3:::acme-state/multicloud-auto-deploy/prod/terraform.tfstate.tflock']],
    ]);
  });

  it('scopes every deploy permission to the project\'s resources, except the actions AWS cannot scope', () => {
    for (const statement of deployRoleStatements(scope)) {
      expect(statement.actions.every((action) => !action.includes('*'))).toBe(true);
      if (statement.resources.includes('*')) {
        expect([statement.sid, statement.actions]).toEqual(['ApiAccessLogDelivery', [...UNSCOPED_ACTIONS]]);
        continue;
      }
      for (const resource of statement.resources) {
        expect(resource).toMatch(/multicloud-auto-deploy|acme-state|acme-artifacts|AWSLambdaPowertools|apigateway:ap-northeast-1::/);
      }
    }
  });

  it('passes roles to Lambda only, and never deletes layer versions (old versions are the way back)', () => {
    const all = deployRoleStatements(scope);
    expect(all.find((statement) => statement.sid === 'PassRolesToLambdaOnly')?.conditions).toEqual([
      { test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] },
    ]);
    expect(all.flatMap((statement) => statement.actions)).not.toContain('lambda:DeleteLayerVersion');
  });

  it('trusts exactly the subjects of this repository', () => {
    expect(trustedSubjects({ repository: 'acme/layers', deployBranch: 'release', environments: ['dev'] })).toEqual({
      plan: ['repo:acme/layers:pull_request'],
      deploy: ['repo:acme/layers:ref:refs/heads/release', 'repo:acme/layers:environment:dev'],
    });
  });

  it('is not configured without a repository, and names a malformed one', () => {
    expect(loadBootstrapConfig({ context: {}, env: {} }, config)).toBeUndefined();
    expect(() => loadBootstrapConfig({ context: {}, env: { GITHUB_REPOSITORY: 'not a repo' } }, config)).toThrow('githubRepository is "not a repo"');
  });
});

import { layerManifestKey } from '../../config/artifact-keys';
import { Testing } from 'cdktf';
import { loadConfig } from '../../config/load-config';
import { loadBootstrapConfig } from '../../config/bootstrap-config';
import {
  CiScope,
  UNSCOPED_ACTIONS,
  ciArns,
  deployRoleStatements,
  environmentArns,
  functionRoleStatements,
  planRoleStatements,
  trustedSubjects,
} from '../../iam/ci-permissions';
import { evaluate, serviceOf, wildcardMatch } from '../../iam/policy-evaluation';
import { Statement } from '../../iam/statements';
import { BootstrapStack } from '../../stacks/bootstrap-stack';
import { Json } from '../support/json';
import { PLUGINS } from '../../family-plugins/registry';

const availableLayers = { dependencies: ['nodejs', 'python'] } as const;
const config = loadConfig({ families: PLUGINS, context: {}, env: { STATE_BUCKET: 'acme-state' }, availableLayers });
const PROJECT = 'multicloud-auto-deploy';
const ACCOUNT = '123456789012';

function synth(context: Record<string, unknown> = {}): Json {
  const bootstrap = loadBootstrapConfig({ context: { githubRepository: 'acme/layers', reviewers: { prod: ['octocat'] }, ...context }, env: {} }, config)!;
  const stack = new BootstrapStack(Testing.app(), 'bootstrap', { config, bootstrap, localStatePath: '../../../bootstrap.tfstate' });
  return JSON.parse(Testing.synth(stack)) as Json;
}

const scope: CiScope = {
  project: PROJECT,
  region: 'ap-northeast-1',
  account: ACCOUNT,
  stateBucket: 'acme-state',
  artifactBucket: 'acme-artifacts',
  environments: ['dev', 'staging', 'prod'].map((name) => ({ name, stateKey: `${PROJECT}/${name}/terraform.tfstate` })),
  stateKeyArn: `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  artifactKeyArn: `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/abcd1234-12ab-34cd-56ef-1234567890ab`,
};
const ci = ciArns(scope);
const WRITES = /:(Create|Delete|Update|Put|Publish|Add|Remove|Tag|Untag|Pass|Attach|Detach|Set|PATCH|POST|PUT|DELETE|Encrypt|GenerateDataKey)/;

/** Every ARN of an environment's resources, with the tags the stack gives them. */
function resourcesOf(env: string): { arn: string; context: Record<string, string> }[] {
  const a = environmentArns(
    scope,
    scope.environments.find((candidate) => candidate.name === env)!,
  );
  // The tags the stack gives everything, and (for the function role) the one service a role is passed to.
  const tags = { 'aws:ResourceTag/project': PROJECT, 'aws:ResourceTag/environment': env, 'iam:PassedToService': 'lambda.amazonaws.com' };
  return [
    a.function,
    `${a.function}:7`,
    `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:layer:${PROJECT}-${env}-dependencies`,
    `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:layer:${PROJECT}-${env}-dependencies:3`,
    a.role,
    ...a.logGroups,
    ...a.logGroups.map((group) => `${group}:log-stream:x`),
    `arn:aws:dynamodb:ap-northeast-1:${ACCOUNT}:table/${PROJECT}-${env}-messages`,
    a.state,
    a.lock,
    `arn:aws:s3:::acme-artifacts/layers/${PROJECT}/${env}/dependencies.zip`,
    `arn:aws:s3:::acme-artifacts/functions/${PROJECT}/${env}/api.zip`,
    `arn:aws:apigateway:ap-northeast-1::/apis/${env}api1`,
    `arn:aws:apigateway:ap-northeast-1::/apis/${env}api1/routes/r1`,
    `arn:aws:apigateway:ap-northeast-1::/tags/arn%3Aaws%3Aapigateway%3Aap-northeast-1%3A%3A%2Fapis%2F${env}api1`,
  ].map((arn) => ({ arn, context: tags }));
}

/** What a job holding this role could do to `resource`: every action of the role's own statements, of the resource's service. */
function allowedOn(statements: readonly Statement[], resource: { arn: string; context: Record<string, string> }): string[] {
  const actions = [...new Set(statements.filter((statement) => (statement.effect ?? 'Allow') === 'Allow').flatMap((statement) => statement.actions))];
  return actions.filter((action) => serviceOf(action) === serviceOf(resource.arn) && evaluate(statements, action, resource.arn, resource.context) === 'Allow');
}

describe('bootstrap stack', () => {
  const json = synth();
  const resources = json['resource'];
  const documents = json['data'].aws_iam_policy_document as Json;
  const document = (prefix: string) => Object.entries(documents).find(([id]) => id.startsWith(prefix))![1] as Json;
  const byBucket = (type: string, bucketLogicalPrefix: string) =>
    Object.entries(resources[type] as Json).find(([id]) => id.startsWith(bucketLogicalPrefix))![1] as Json;

  it('keeps its own state in a local file beside the project, by relative path', () => {
    expect(json['terraform'].backend).toEqual({ local: { path: '../../../bootstrap.tfstate' } });
  });

  it('makes the state bucket versioned, encrypted with its own key, private, TLS-only, with noncurrent versions expiring after 90 days', () => {
    const bucketNames = Object.values(resources.aws_s3_bucket as Json).map((bucket: Json) => bucket.bucket);
    expect(bucketNames.sort()).toEqual(['acme-state', 'multicloud-auto-deploy-artifacts']);
    expect(byBucket('aws_s3_bucket_versioning', 'state_')).toMatchObject({ versioning_configuration: { status: 'Enabled' } });
    expect(byBucket('aws_s3_bucket_server_side_encryption_configuration', 'state_').rule).toEqual([
      { apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: '${aws_kms_key.state-key.arn}' }, bucket_key_enabled: true },
    ]);
    expect(byBucket('aws_s3_bucket_server_side_encryption_configuration', 'artifacts_').rule[0].apply_server_side_encryption_by_default).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: '${aws_kms_key.artifact-key.arn}',
    });
    expect(byBucket('aws_s3_bucket_public_access_block', 'state_')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(document('state_tls-only').statement[0]).toMatchObject({
      effect: 'Deny',
      actions: ['s3:*'],
      condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
    });
    expect(byBucket('aws_s3_bucket_lifecycle_configuration', 'state_').rule[0]).toMatchObject({
      status: 'Enabled',
      noncurrent_version_expiration: [{ noncurrent_days: 90 }],
    });
  });

  it('lets nobody but the CI roles and the state administrators read state, and refuses any other encryption', () => {
    const [, readers, encryption, key] = document('state_tls-only').statement as Json[];
    expect(readers).toMatchObject({ sid: 'StateIsReadByCiAndAdministratorsOnly', effect: 'Deny', actions: ['s3:GetObject', 's3:GetObjectVersion'] });
    expect(readers.condition).toEqual([
      {
        test: 'ArnNotLike',
        variable: 'aws:PrincipalArn',
        values: [
          'arn:${data.aws_partition.partition.partition}:iam::${data.aws_caller_identity.caller.account_id}:role/multicloud-auto-deploy/ci/multicloud-auto-deploy-plan',
          ...['dev', 'staging', 'prod'].map(
            (env) =>
              `arn:\${data.aws_partition.partition.partition}:iam::\${data.aws_caller_identity.caller.account_id}:role/multicloud-auto-deploy/ci/multicloud-auto-deploy-deploy-${env}`,
          ),
          '${data.aws_iam_session_context.applier.issuer_arn}',
        ],
      },
    ]);
    // Only when the request names an encryption (the S3 backend names none and gets the bucket's default, this key).
    expect(encryption.condition).toEqual([
      { test: 'Null', variable: 's3:x-amz-server-side-encryption', values: ['false'] },
      { test: 'StringNotEquals', variable: 's3:x-amz-server-side-encryption', values: ['aws:kms'] },
    ]);
    expect(key.condition).toEqual([
      { test: 'Null', variable: 's3:x-amz-server-side-encryption-aws-kms-key-id', values: ['false'] },
      { test: 'StringNotEquals', variable: 's3:x-amz-server-side-encryption-aws-kms-key-id', values: ['${aws_kms_key.state-key.arn}'] },
    ]);
  });

  it('encrypts state with a rotated customer-managed key only CI and the administrators may use; the account keeps only key administration', () => {
    const key = (resources.aws_kms_key as Json)['state-key'] as Json;
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, policy: '${data.aws_iam_policy_document.state-key-policy.json}' });
    // KMS refuses a key policy naming principals that do not exist yet.
    expect([...key.depends_on].sort()).toEqual(
      ['deploy-dev', 'deploy-prod', 'deploy-staging', 'plan'].map((role) => expect.stringMatching(new RegExp(`^aws_iam_role\\.ci_${role}-role_\\w+$`))),
    );
    const statements = document('state-key-policy').statement as Json[];
    const account = statements.find((statement) => statement.sid === 'AccountAdministersTheKey')!;
    expect(account.actions).not.toContain('kms:Decrypt');
    expect(account.actions.some((action: string) => /Decrypt|Encrypt|GenerateDataKey|ReEncrypt/.test(action))).toBe(false);
    expect(statements.find((statement) => statement.sid === 'CiReadsState')!.actions).toEqual(['kms:Decrypt', 'kms:DescribeKey']);
    expect(statements.find((statement) => statement.sid === 'DeployWritesState')!.principals[0].identifiers).toHaveLength(3);
    expect((Object.values(resources.aws_kms_alias as Json) as Json[]).map((alias) => alias.name).sort()).toEqual([
      'alias/multicloud-auto-deploy-artifacts',
      'alias/multicloud-auto-deploy-state',
    ]);
  });

  it("encrypts the artifacts with their own rotated key, used through S3 by CI only, and keeps each environment's prefixes to its deploy role in the bucket policy", () => {
    const key = (resources.aws_kms_key as Json)['artifact-key'] as Json;
    expect(key).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 30, policy: '${data.aws_iam_policy_document.artifact-key-policy.json}' });
    const keyPolicy = document('artifact-key-policy').statement as Json[];
    expect(
      keyPolicy
        .find((statement) => statement.sid === 'AccountAdministersTheKey')!
        .actions.some((action: string) => /Decrypt|Encrypt|GenerateDataKey/.test(action)),
    ).toBe(false);
    expect(keyPolicy.find((statement) => statement.sid === 'DeployWritesArtifacts')!.condition).toEqual([
      { test: 'StringEquals', variable: 'kms:ViaService', values: ['s3.ap-northeast-1.amazonaws.com'] },
    ]);
    const policy = document('artifacts_tls-only').statement as Json[];
    expect(policy.map((statement) => statement.sid)).toEqual([
      'DenyPlainHttp',
      'OnlyDevDeployWritesItsPrefixes',
      'OnlyStagingDeployWritesItsPrefixes',
      'OnlyProdDeployWritesItsPrefixes',
      'NothingElseIsWritten',
      'ArtifactsEncryptedWithKmsOnly',
      'ArtifactsEncryptedWithTheirKeyOnly',
    ]);
    expect(policy.slice(1).every((statement) => statement.effect === 'Deny' && statement.principals[0].type === '*')).toBe(true);
    expect(policy[3].resources).toEqual([
      'arn:${data.aws_partition.partition.partition}:s3:::multicloud-auto-deploy-artifacts/layers/multicloud-auto-deploy/prod/*',
      'arn:${data.aws_partition.partition.partition}:s3:::multicloud-auto-deploy-artifacts/functions/multicloud-auto-deploy/prod/*',
    ]);
  });

  it('names the state administrators from configuration, and refuses one that is not an IAM principal', () => {
    const custom = synth({ stateAdministrators: ['arn:aws:iam::123456789012:role/break-glass'] });
    const policy = Object.entries(custom['data'].aws_iam_policy_document as Json).find(([id]) => id.startsWith('state-key-policy'))![1] as Json;
    expect(policy.statement.find((statement: Json) => statement.sid === 'StateAdministratorsUseIt').principals[0].identifiers).toEqual([
      'arn:aws:iam::123456789012:role/break-glass',
    ]);
    expect(() =>
      loadBootstrapConfig(
        { context: { githubRepository: 'acme/layers', reviewers: { prod: ['octocat'] }, stateAdministrators: ['someone'] }, env: {} },
        config,
      ),
    ).toThrow('stateAdministrators is ["someone"] (from cdktf context "stateAdministrators"); allowed: a list of IAM role or user ARNs');
  });

  it('takes the history length from configuration', () => {
    const custom = synth({ stateVersionRetentionDays: 400 });
    const lifecycle = Object.entries(custom['resource'].aws_s3_bucket_lifecycle_configuration as Json).find(([id]) => id.startsWith('state_'))![1] as Json;
    expect(lifecycle.rule[0].noncurrent_version_expiration).toEqual([{ noncurrent_days: 400 }]);
    expect(() =>
      loadBootstrapConfig({ context: { githubRepository: 'acme/layers', reviewers: { prod: ['octocat'] }, stateVersionRetentionDays: 0 }, env: {} }, config),
    ).toThrow('stateVersionRetentionDays is 0 (from cdktf context "stateVersionRetentionDays"); allowed: an integer from 1 to 3650 (days)');
  });

  it("has one plan role and one deploy role per environment under the CI path, and each environment's function role; each deploy role trusts only its GitHub environment", () => {
    expect(Object.values(resources.aws_iam_openid_connect_provider as Json)[0]).toMatchObject({
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    const roles = Object.values(resources.aws_iam_role as Json) as Json[];
    expect(roles.map((role) => [role.path, role.name]).sort()).toEqual([
      ['/multicloud-auto-deploy/ci/', 'multicloud-auto-deploy-deploy-dev'],
      ['/multicloud-auto-deploy/ci/', 'multicloud-auto-deploy-deploy-prod'],
      ['/multicloud-auto-deploy/ci/', 'multicloud-auto-deploy-deploy-staging'],
      ['/multicloud-auto-deploy/ci/', 'multicloud-auto-deploy-plan'],
      ['/multicloud-auto-deploy/functions/', 'multicloud-auto-deploy-dev-function'],
      ['/multicloud-auto-deploy/functions/', 'multicloud-auto-deploy-prod-function'],
      ['/multicloud-auto-deploy/functions/', 'multicloud-auto-deploy-staging-function'],
    ]);
    const trust = (name: string) => document(`ci_${name}-trust`).statement[0] as Json;
    const subjects = trustedSubjects({ repository: 'acme/layers', deployBranch: 'main', environments: ['dev', 'staging', 'prod'] });
    expect(trust('plan').condition).toEqual([
      { test: 'StringEquals', variable: 'token.actions.githubusercontent.com:aud', values: ['sts.amazonaws.com'] },
      { test: 'StringLike', variable: 'token.actions.githubusercontent.com:sub', values: subjects.plan.values },
    ]);
    for (const env of ['dev', 'staging', 'prod']) {
      expect(trust(`deploy-${env}`).condition[1]).toEqual({
        test: 'StringEquals',
        variable: 'token.actions.githubusercontent.com:sub',
        values: subjects.deploy[env].values,
      });
      expect(trust(`deploy-${env}`).actions).toEqual(['sts:AssumeRoleWithWebIdentity']);
    }
    expect(resources.aws_iam_policy).toBeUndefined();
    // The permissions are the pure statements, with the state key of this stack.
    expect(document('ci_deploy-dev-permissions').statement.find((statement: Json) => statement.sid === 'EncryptState').resources).toEqual([
      '${aws_kms_key.state-key.arn}',
    ]);
    expect(document('ci_plan-permissions').statement.map((statement: Json) => statement.sid)).toEqual(
      planRoleStatements(scope).map((statement) => statement.sid),
    );
  });

  it("declares the GitHub side of the gate with the roles: each environment on the deploy branch only, prod's reviewers, the OIDC subject they trust", () => {
    expect(json['provider'].github).toEqual([{ owner: 'acme' }]);
    const environments = Object.values(resources.github_repository_environment as Json) as Json[];
    expect(environments.map((env) => [env.environment, env.repository, Boolean(env.reviewers)]).sort()).toEqual([
      ['dev', 'layers', false],
      ['prod', 'layers', true],
      ['staging', 'layers', false],
    ]);
    expect((Object.values(resources.github_repository_environment_deployment_policy as Json) as Json[]).map((policy) => policy.branch_pattern)).toEqual([
      'main',
      'main',
      'main',
    ]);
    const custom = synth({ deployBranch: 'release' });
    expect(
      (Object.values(custom['resource'].github_repository_environment_deployment_policy as Json) as Json[]).map((policy) => policy.branch_pattern),
    ).toEqual(['release', 'release', 'release']);
    expect(Object.values(resources.github_actions_repository_oidc_subject_claim_customization_template as Json)).toEqual([
      { repository: 'layers', use_default: false, include_claim_keys: ['repo', 'context', 'job_workflow_ref'] },
    ]);
  });

  it('outputs what cdktf.json and the workflows need', () => {
    expect(Object.keys(json['output']).sort()).toEqual([
      'artifact_bucket',
      'artifact_key_arn',
      'deploy_role_arns',
      'function_role_arns',
      'plan_role_arn',
      'state_bucket',
      'state_key_arn',
    ]);
    expect(json['output'].deploy_role_arns.value).toEqual(
      Object.fromEntries(
        ['dev', 'staging', 'prod'].map((env) => [env, expect.stringMatching(new RegExp(`^\\$\\{aws_iam_role\\.ci_deploy-${env}-role_\\w+\\.arn\\}$`))]),
      ),
    );
  });
});

describe('the plan role', () => {
  const statements = planRoleStatements(scope);

  it('writes nothing at all, not even a state lock: plans run with -lock=false', () => {
    expect(statements.filter((statement) => statement.actions.some((action) => WRITES.test(action))).map((statement) => statement.sid)).toEqual([]);
    for (const env of scope.environments) {
      expect(evaluate(statements, 's3:PutObject', environmentArns(scope, env).lock)).toBe('ImplicitDeny');
      expect(evaluate(statements, 's3:DeleteObject', environmentArns(scope, env).lock)).toBe('ImplicitDeny');
    }
  });

  it("reads only what a plan needs of state: the objects and their history (a rollback's plan), no lock, decrypted through S3 only", () => {
    const state = environmentArns(scope, scope.environments[2]).state;
    expect(evaluate(statements, 's3:GetObject', state)).toBe('Allow');
    expect(evaluate(statements, 's3:GetObjectVersion', state)).toBe('Allow');
    expect(evaluate(statements, 's3:ListBucketVersions', 'arn:aws:s3:::acme-state', { 's3:prefix': `${PROJECT}/prod/terraform.tfstate` })).toBe('Allow');
    expect(evaluate(statements, 's3:ListBucketVersions', 'arn:aws:s3:::acme-state', { 's3:prefix': 'someone-else/' })).toBe('ImplicitDeny');
    expect(evaluate(statements, 's3:GetObjectVersion', `${state}.tflock`)).toBe('ImplicitDeny');
    expect(evaluate(statements, 's3:GetObject', 'arn:aws:s3:::acme-state/someone-else/terraform.tfstate')).toBe('ImplicitDeny');
    expect(evaluate(statements, 'kms:Decrypt', scope.stateKeyArn, { 'kms:ViaService': 's3.ap-northeast-1.amazonaws.com' })).toBe('Allow');
    expect(evaluate(statements, 'kms:Decrypt', scope.stateKeyArn)).toBe('ImplicitDeny');
  });

  it('reads the layer manifests deploys store, for the review of every environment, and writes none', () => {
    for (const env of ['dev', 'prod']) {
      const key = `arn:aws:s3:::acme-artifacts/${layerManifestKey(PROJECT, env, 'f07b2d069bc0349d')}`;
      expect(evaluate(statements, 's3:GetObject', key)).toBe('Allow');
      expect(evaluate(statements, 's3:PutObject', key)).toBe('ImplicitDeny');
    }
    // Each deploy role stores its own environment's, and no other's.
    expect(
      evaluate(deployRoleStatements(scope, 'dev'), 's3:PutObject', `arn:aws:s3:::acme-artifacts/${layerManifestKey(PROJECT, 'dev', 'f07b2d069bc0349d')}`),
    ).toBe('Allow');
    expect(
      evaluate(deployRoleStatements(scope, 'dev'), 's3:PutObject', `arn:aws:s3:::acme-artifacts/${layerManifestKey(PROJECT, 'prod', 'f07b2d069bc0349d')}`),
    ).toBe('ImplicitDeny');
  });
});

describe('a deploy role', () => {
  const dev = deployRoleStatements(scope, 'dev');

  it("finds no Allow on any CI role, on any function role but its own (pass only), or on another environment's resources, except the actions AWS cannot scope", () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const statements = deployRoleStatements(scope, env);
      const ciTargets = [
        ci.planRole,
        ...Object.values(ci.deployRoles),
        ...Object.values(ci.functionRoles).filter((arn) => !arn.endsWith(`-${env}-function`)),
        `${ci.roles.replace('*', '')}future-role`,
      ].map((arn) => ({
        arn,
        context: { 'iam:PassedToService': 'lambda.amazonaws.com' },
      }));
      const others = ['dev', 'staging', 'prod'].filter((other) => other !== env).flatMap(resourcesOf);
      for (const target of [...ciTargets, ...others]) {
        expect([target.arn, allowedOn(statements, target).filter((action) => !(UNSCOPED_ACTIONS as readonly string[]).includes(action))]).toEqual([
          target.arn,
          [],
        ]);
      }
      // The same evaluation finds what the role is for, so the check above can fail.
      const own = resourcesOf(env);
      expect(own.every((target) => allowedOn(statements, target).length > 0)).toBe(true);
    }
  });

  it('writes no IAM at all, and passes only its own function role, only to Lambda', () => {
    const role = environmentArns(scope, scope.environments[0]).role;
    expect(role).toBe(`arn:aws:iam::${ACCOUNT}:role/${PROJECT}/functions/${PROJECT}-dev-function`);
    expect(evaluate(dev, 'iam:PassRole', role, { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('Allow');
    expect(evaluate(dev, 'iam:PassRole', role, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe('ImplicitDeny');
    expect(evaluate(dev, 'iam:PassRole', ci.functionRoles['prod'], { 'iam:PassedToService': 'lambda.amazonaws.com' })).toBe('ImplicitDeny');
    for (const action of [
      'iam:CreateRole',
      'iam:PutRolePolicy',
      'iam:AttachRolePolicy',
      'iam:UpdateAssumeRolePolicy',
      'iam:PutRolePermissionsBoundary',
      'iam:DeleteRolePermissionsBoundary',
      'iam:CreatePolicyVersion',
    ]) {
      for (const target of [role, ci.deployRoles['dev'], `arn:aws:iam::${ACCOUNT}:role/${PROJECT}-dev-anything`])
        expect([action, target, evaluate(dev, action, target)]).toEqual([action, target, 'ExplicitDeny']);
    }
    expect(
      dev
        .filter((statement) => (statement.effect ?? 'Allow') === 'Allow')
        .flatMap((statement) => statement.actions.filter((action) => action.startsWith('iam:'))),
    ).toEqual(['iam:PassRole']);
  });

  it('lets only API Gateway invoke its function: no invoke permission for any other principal', () => {
    const fn = environmentArns(scope, scope.environments[0]).function;
    expect(evaluate(dev, 'lambda:AddPermission', fn, { 'lambda:Principal': 'apigateway.amazonaws.com' })).toBe('Allow');
    for (const principal of ['*', '999999999999', 'arn:aws:iam::999999999999:root', 's3.amazonaws.com'])
      expect(evaluate(dev, 'lambda:AddPermission', fn, { 'lambda:Principal': principal })).toBe('ImplicitDeny');
    expect(evaluate(dev, 'lambda:AddPermission', fn)).toBe('ImplicitDeny');
  });

  it("changes an HTTP API only when it carries this environment's tags, and creates one only with them", () => {
    const api = `arn:aws:apigateway:ap-northeast-1::/apis/abc123`;
    const tagged = (env: string, key = 'aws:ResourceTag') => ({ [`${key}/project`]: PROJECT, [`${key}/environment`]: env });
    expect(evaluate(dev, 'apigateway:PATCH', api, tagged('dev'))).toBe('Allow');
    expect(evaluate(dev, 'apigateway:DELETE', api, tagged('prod'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'apigateway:GET', api, tagged('prod'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'apigateway:DELETE', api)).toBe('ImplicitDeny');
    expect(evaluate(dev, 'apigateway:POST', 'arn:aws:apigateway:ap-northeast-1::/apis', tagged('dev', 'aws:RequestTag'))).toBe('Allow');
    expect(evaluate(dev, 'apigateway:POST', 'arn:aws:apigateway:ap-northeast-1::/apis', tagged('prod', 'aws:RequestTag'))).not.toBe('Allow');
    expect(evaluate(dev, 'apigateway:DELETE', `arn:aws:apigateway:ap-northeast-1::/tags/x`, { ...tagged('dev'), 'aws:TagKeys': ['environment'] })).toBe(
      'ExplicitDeny',
    );
    // Tagging goes through /tags/<arn> and needs the API to carry dev's tags already: request tags alone are not enough.
    expect(
      evaluate(dev, 'apigateway:POST', `arn:aws:apigateway:ap-northeast-1::/tags/x`, {
        ...tagged('dev', 'aws:RequestTag'),
        'aws:TagKeys': ['project', 'environment'],
      }),
    ).toBe('ImplicitDeny');
  });

  it('reads and writes only its own state, lock and artifacts, and never deletes layer versions (they are the way back)', () => {
    const [own, other] = [environmentArns(scope, scope.environments[0]), environmentArns(scope, scope.environments[2])];
    expect(evaluate(dev, 's3:PutObject', own.state)).toBe('Allow');
    expect(evaluate(dev, 's3:DeleteObject', own.lock)).toBe('Allow');
    expect(evaluate(dev, 's3:DeleteObject', own.state)).toBe('ImplicitDeny');
    expect(evaluate(dev, 's3:PutObject', other.state)).toBe('ImplicitDeny');
    expect(evaluate(dev, 's3:DeleteObject', other.lock)).toBe('ImplicitDeny');
    expect(evaluate(dev, 's3:ListBucket', 'arn:aws:s3:::acme-state', { 's3:prefix': `${PROJECT}/prod/terraform.tfstate` })).toBe('ImplicitDeny');
    // Its own state's history (a rollback through CI reads it), and no other environment's.
    expect(evaluate(dev, 's3:ListBucketVersions', 'arn:aws:s3:::acme-state', { 's3:prefix': `${PROJECT}/dev/terraform.tfstate` })).toBe('Allow');
    expect(evaluate(dev, 's3:GetObjectVersion', own.state)).toBe('Allow');
    expect(evaluate(dev, 's3:GetBucketVersioning', 'arn:aws:s3:::acme-state')).toBe('Allow');
    expect(evaluate(dev, 's3:ListBucketVersions', 'arn:aws:s3:::acme-state', { 's3:prefix': `${PROJECT}/prod/terraform.tfstate` })).toBe('ImplicitDeny');
    expect(evaluate(dev, 's3:GetObjectVersion', other.state)).toBe('ImplicitDeny');
    expect(evaluate(dev, 's3:ListBucket', 'arn:aws:s3:::acme-artifacts', { 's3:prefix': `functions/${PROJECT}/prod/` })).toBe('ImplicitDeny');
    expect(dev.flatMap((statement) => statement.actions)).not.toContain('lambda:DeleteLayerVersion');
  });

  it('uses wildcards in actions only to deny, and "*" as a resource only for what AWS cannot scope', () => {
    for (const statement of dev) {
      if ((statement.effect ?? 'Allow') === 'Allow')
        expect([statement.sid, statement.actions.filter((action) => action.includes('*'))]).toEqual([statement.sid, []]);
      if (statement.resources.includes('*') && (statement.effect ?? 'Allow') === 'Allow')
        expect([statement.sid, statement.actions]).toEqual(['UnscopableActions', [...UNSCOPED_ACTIONS]]);
    }
  });
});

describe('the function role', () => {
  it("uses its own environment's table and log group and nothing else", () => {
    const dev = functionRoleStatements(scope, 'dev');
    const table = (env: string) => `arn:aws:dynamodb:ap-northeast-1:${ACCOUNT}:table/${PROJECT}-${env}-messages`;
    expect(evaluate(dev, 'dynamodb:PutItem', table('dev'))).toBe('Allow');
    expect(evaluate(dev, 'dynamodb:PutItem', table('prod'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'dynamodb:DeleteTable', table('dev'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'logs:PutLogEvents', `arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/aws/lambda/${PROJECT}-dev-api:log-stream:x`)).toBe('Allow');
    expect(evaluate(dev, 'logs:PutLogEvents', `arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/aws/lambda/${PROJECT}-prod-api:log-stream:x`)).toBe(
      'ImplicitDeny',
    );
    expect(evaluate(dev, 'iam:CreateRole', `arn:aws:iam::${ACCOUNT}:role/x`)).toBe('ImplicitDeny');
  });
});

describe('who may assume the roles', () => {
  it('trusts a deploy role only to the deploy, rollback and promote workflows, on the deploy branch, in its environment', () => {
    const subjects = trustedSubjects({ repository: 'acme/layers', deployBranch: 'release', environments: ['dev', 'prod'] });
    const workflow = (file: string, ref = 'refs/heads/release') => `job_workflow_ref:acme/layers/.github/workflows/${file}@${ref}`;
    expect(subjects.deploy['prod']).toEqual({
      test: 'StringEquals',
      values: ['deploy-stack.yml', 'rollback.yml', 'promote.yml'].map((file) => `repo:acme/layers:environment:prod:${workflow(file)}`),
    });
    expect(subjects.plan).toEqual({
      test: 'StringLike',
      values: [
        `repo:acme/layers:pull_request:${workflow('plan.yml', 'refs/pull/*/merge')}`,
        `repo:acme/layers:ref:refs/heads/release:${workflow('plan.yml')}`,
        ...['deploy-stack.yml', 'rollback.yml', 'promote.yml'].map((file) => `repo:acme/layers:ref:refs/heads/release:${workflow(file)}`),
      ],
    });
    // What GitHub would put in the token of a job that must not get in: the same workflow from another branch,
    // another workflow file on the deploy branch, or the environment's name alone (GitHub's default subject).
    const trustOf = (condition: { test: string; values: readonly string[] }) => [
      {
        sid: 't',
        actions: ['sts:AssumeRoleWithWebIdentity'],
        resources: ['*'],
        conditions: [{ test: condition.test, variable: 'sub', values: condition.values }],
      },
    ];
    const admits = (condition: { test: string; values: readonly string[] }, sub: string) =>
      evaluate(trustOf(condition), 'sts:AssumeRoleWithWebIdentity', 'role', { sub }) === 'Allow';
    expect(admits(subjects.deploy['prod'], `repo:acme/layers:environment:prod:${workflow('deploy-stack.yml')}`)).toBe(true);
    for (const sub of [
      `repo:acme/layers:environment:prod:${workflow('deploy-stack.yml', 'refs/heads/feature')}`,
      `repo:acme/layers:environment:prod:${workflow('my-own.yml')}`,
      `repo:acme/layers:environment:dev:${workflow('deploy-stack.yml')}`,
      'repo:acme/layers:environment:prod',
      `repo:acme/other:environment:prod:${workflow('deploy-stack.yml')}`,
    ]) {
      expect([sub, admits(subjects.deploy['prod'], sub)]).toEqual([sub, false]);
    }
    expect(admits(subjects.plan, `repo:acme/layers:pull_request:${workflow('plan.yml', 'refs/pull/12/merge')}`)).toBe(true);
    // The plan workflow's scheduled drift check runs on the deploy branch; the same workflow on another branch does not get in.
    expect(admits(subjects.plan, `repo:acme/layers:ref:refs/heads/release:${workflow('plan.yml')}`)).toBe(true);
    expect(admits(subjects.plan, `repo:acme/layers:ref:refs/heads/feature:${workflow('plan.yml', 'refs/heads/feature')}`)).toBe(false);
    expect(admits(subjects.plan, `repo:acme/layers:ref:refs/heads/feature:${workflow('deploy-stack.yml', 'refs/heads/feature')}`)).toBe(false);
    expect(admits(subjects.plan, `repo:acme/layers:environment:prod:${workflow('deploy-stack.yml')}`)).toBe(false);
  });

  it('names who approves each environment, and refuses a data-keeping environment without reviewers or a malformed reviewer', () => {
    const repo = { githubRepository: 'acme/layers' };
    expect(loadBootstrapConfig({ context: { ...repo, reviewers: { prod: ['octocat', 'team:platform'] } }, env: {} }, config)!.reviewers).toEqual({
      prod: { users: ['octocat'], teams: ['platform'] },
    });
    expect(() => loadBootstrapConfig({ context: repo, env: {} }, config)).toThrow(
      'environment prod keeps its data (deletionProtection) but has no reviewers: name who approves its deploys, e.g. "reviewers": { "prod": ["<github-login>"] }',
    );
    expect(() => loadBootstrapConfig({ context: { ...repo, reviewers: { prod: ['-bad'], qa: ['octocat'] } }, env: {} }, config)).toThrow(
      /\(2 problems\).*\n {2}- reviewers\.prod is \["-bad"\] \(from cdktf context "reviewers"\); allowed: 1 to 6 GitHub logins or "team:<slug>" \(GitHub's limit per environment\), not "-bad"\n {2}- reviewers has "qa", which is not an environment; environments are dev, staging, prod\n/s,
    );
  });

  it('is not configured without a repository, and names a malformed one', () => {
    expect(loadBootstrapConfig({ context: {}, env: {} }, config)).toBeUndefined();
    expect(() => loadBootstrapConfig({ context: {}, env: { GITHUB_REPOSITORY: 'not a repo' } }, config)).toThrow(
      'githubRepository is "not a repo" (from environment variable GITHUB_REPOSITORY)',
    );
    expect(() =>
      loadBootstrapConfig({ context: { githubRepository: 'acme/layers', reviewers: { prod: ['octocat'] }, deployBranch: 'a..b' }, env: {} }, config),
    ).toThrow(
      /deployBranch is "a\.\.b" \(from cdktf context "deployBranch"\); allowed: a branch name such as "main"\nBootstrap settings are githubRepository, deployBranch, .* See docs\/security\.md, "First-time setup"\.$/,
    );
  });
});

describe('the policy evaluation the tests rely on', () => {
  it('matches wildcards as IAM does and lets an explicit Deny win', () => {
    expect(wildcardMatch('arn:aws:s3:::b/*', 'arn:aws:s3:::b/a/b')).toBe(true);
    expect(wildcardMatch('iam:Get*', 'IAM:GetRole', true)).toBe(true);
    expect(wildcardMatch('arn:aws:lambda:r:1:function:p-dev-*', 'arn:aws:lambda:r:1:function:p-prod-api')).toBe(false);
    const statements: Statement[] = [
      { sid: 'a', actions: ['s3:*'], resources: ['*'] },
      { sid: 'd', effect: 'Deny', actions: ['s3:DeleteObject'], resources: ['arn:aws:s3:::b/*'] },
    ];
    expect(evaluate(statements, 's3:GetObject', 'arn:aws:s3:::b/x')).toBe('Allow');
    expect(evaluate(statements, 's3:DeleteObject', 'arn:aws:s3:::b/x')).toBe('ExplicitDeny');
    expect(evaluate(statements, 'ec2:RunInstances', '*')).toBe('ImplicitDeny');
  });
});

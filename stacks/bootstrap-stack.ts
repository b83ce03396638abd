import { Construct } from 'constructs';
import { Lazy, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { DataAwsIamPolicyDocument } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { DataAwsIamSessionContext } from '@cdktf/provider-aws/lib/data-aws-iam-session-context';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { BootstrapConfig } from '../config/bootstrap-config';
import { CiEnvironment, CiScope, artifactBucketPolicyStatements, ciArns, encryptionDenials } from '../iam/ci-permissions';
import { EnvironmentConfig, ProjectConfig } from '../config/environments';
import { GithubProvider } from '@cdktf/provider-github/lib/provider';
import { FunctionRoles } from '../constructs/function-roles';
import { GithubDeployGate } from '../constructs/github-deploy-gate';
import { GithubCiRoles, toDocumentForEveryone } from '../constructs/github-ci-roles';
import { SecureBucket } from '../constructs/secure-bucket';

export interface BootstrapStackProps {
  readonly config: ProjectConfig;
  readonly bootstrap: BootstrapConfig;
  /**
   * Where the bootstrap's own state file goes, relative to the stack's folder; it is
   * applied once with local state, before any remote state exists.
   * @example "../../../bootstrap.tfstate"
   */
  readonly localStatePath: string;
}

/** What a key administrator may do without being able to read anything with the key. */
const KEY_ADMINISTRATION = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
];

/**
 * Applied once, with local state: the state bucket (versioned: its history is what
 * rollback reads; encrypted with a customer-managed key that only CI and the state
 * administrators may use; state readable by nobody else), the artifact bucket,
 * GitHub's OIDC provider, the plan role, one deploy role per environment, and each
 * environment's function role (deploys only pass it to Lambda; they write no IAM); and, on
 * GitHub, each environment's branch rule and reviewers and the repository's OIDC subject.
 */
export class BootstrapStack extends TerraformStack {
  public readonly stateBucket: SecureBucket;
  public readonly artifactBucket: SecureBucket;
  public readonly stateKey: KmsKey;
  public readonly artifactKey: KmsKey;
  public readonly ciRoles: GithubCiRoles;
  public readonly functionRoles: FunctionRoles;
  public readonly gate: GithubDeployGate;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config, bootstrap } = props;
    new LocalBackend(this, { path: props.localStatePath });
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: config.project, environment: 'bootstrap', 'managed-by': 'cdktf' } }],
    });
    const caller = new DataAwsCallerIdentity(this, 'caller');
    const partition = new DataAwsPartition(this, 'partition');
    const applier = new DataAwsIamSessionContext(this, 'applier', { arn: caller.arn });
    const administrators = bootstrap.stateAdministrators.length ? [...bootstrap.stateAdministrators] : [applier.issuerArn];

    const ciScopeBase = {
      project: config.project,
      region: config.region,
      account: caller.accountId,
      partition: partition.partition,
      stateBucket: config.stateBucket,
      artifactBucket: bootstrap.artifactBucket,
      environments: config.environments.map((env) => ciEnvironmentOf(env)),
    };
    // The roles' ARNs are known from their names and path, so the key policy need not wait for them to be read back.
    const ci = ciArns(ciScopeBase);
    const deployRoles = Object.values(ci.deployRoles);
    const viaS3 = { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${config.region}.amazonaws.com`] };
    // The account (its IAM administrators) can manage each key, and so always get back in: the break-glass path. The
    // CI roles use a key only through S3: every one decrypts, the deploy roles encrypt.
    const keyPolicyOf = (id: string, what: 'State' | 'Artifacts', administratorsUseIt: { sid: string; actions: string[] }) =>
      new DataAwsIamPolicyDocument(this, id, {
        statement: [
          {
            sid: 'AccountAdministersTheKey',
            effect: 'Allow',
            principals: [{ type: 'AWS', identifiers: [`arn:${partition.partition}:iam::${caller.accountId}:root`] }],
            actions: KEY_ADMINISTRATION,
            resources: ['*'],
          },
          { ...administratorsUseIt, effect: 'Allow', principals: [{ type: 'AWS', identifiers: administrators }], resources: ['*'] },
          {
            sid: `CiReads${what}`,
            effect: 'Allow',
            principals: [{ type: 'AWS', identifiers: [ci.planRole, ...deployRoles] }],
            actions: ['kms:Decrypt', 'kms:DescribeKey'],
            resources: ['*'],
            condition: [viaS3],
          },
          {
            sid: `DeployWrites${what}`,
            effect: 'Allow',
            principals: [{ type: 'AWS', identifiers: deployRoles }],
            actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
            resources: ['*'],
            condition: [viaS3],
          },
        ],
      });
    // State administrators read and write state with the key directly.
    const keyPolicy = keyPolicyOf('state-key-policy', 'State', {
      sid: 'StateAdministratorsUseIt',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    });
    // The roles come first: KMS refuses a key policy that names principals which do not exist yet.
    const ciScope: CiScope = {
      ...ciScopeBase,
      stateKeyArn: Lazy.stringValue({ produce: () => this.stateKey.arn }),
      artifactKeyArn: Lazy.stringValue({ produce: () => this.artifactKey.arn }),
    };
    this.ciRoles = new GithubCiRoles(this, 'ci', {
      scope: ciScope,
      trust: { repository: bootstrap.repository, deployBranch: bootstrap.deployBranch, environments: config.environments.map((env) => env.name) },
    });
    this.functionRoles = new FunctionRoles(this, 'functions', { scope: ciScope });
    // The GitHub side of the same gate: which branch may use each environment, who approves it, and the OIDC
    // subject the roles above trust. The provider reads its token from GITHUB_TOKEN when the bootstrap is applied.
    new GithubProvider(this, 'github', { owner: bootstrap.repository.split('/')[0] });
    this.gate = new GithubDeployGate(this, 'gate', {
      repository: bootstrap.repository,
      deployBranch: bootstrap.deployBranch,
      environments: config.environments.map((env) => ({
        name: env.name,
        ...(bootstrap.reviewers[env.name] ? { reviewers: bootstrap.reviewers[env.name] } : {}),
      })),
    });
    this.stateKey = new KmsKey(this, 'state-key', {
      description: `Encrypts ${config.project}'s Terraform state; usable by its CI roles and state administrators only`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: keyPolicy.json,
      dependsOn: [this.ciRoles.planRole, ...Object.values(this.ciRoles.deployRoles)],
    });
    new KmsAlias(this, 'state-key-alias', { name: `alias/${config.project}-state`, targetKeyId: this.stateKey.keyId });

    const readers = [ci.planRole, ...deployRoles, ...administrators];
    this.stateBucket = new SecureBucket(this, 'state', {
      bucketName: config.stateBucket,
      noncurrentVersionDays: bootstrap.stateVersionRetentionDays,
      kmsKeyArn: this.stateKey.arn,
      policyStatements: [
        {
          sid: 'StateIsReadByCiAndAdministratorsOnly',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [`arn:${partition.partition}:s3:::${config.stateBucket}/*`],
          condition: [{ test: 'ArnNotLike', variable: 'aws:PrincipalArn', values: readers }],
        },
        // Only a request that names another encryption or key: the S3 backend names none, and gets the default, this key.
        ...toDocumentForEveryone(encryptionDenials('State', `arn:${partition.partition}:s3:::${config.stateBucket}/*`, this.stateKey.arn)),
      ],
    });
    // Artifacts (function and layer zips, the manifests the review reads): their own key, and a policy that keeps
    // each environment's prefixes to its deploy role whatever any identity policy says.
    const artifactKeyPolicy = keyPolicyOf('artifact-key-policy', 'Artifacts', { sid: 'AdministratorsUseIt', actions: ['kms:Decrypt', 'kms:DescribeKey'] });
    this.artifactKey = new KmsKey(this, 'artifact-key', {
      description: `Encrypts ${config.project}'s artifacts (function and layer zips, layer manifests); usable by its CI roles through S3`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: artifactKeyPolicy.json,
      dependsOn: [this.ciRoles.planRole, ...Object.values(this.ciRoles.deployRoles)],
    });
    new KmsAlias(this, 'artifact-key-alias', { name: `alias/${config.project}-artifacts`, targetKeyId: this.artifactKey.keyId });
    this.artifactBucket = new SecureBucket(this, 'artifacts', {
      bucketName: bootstrap.artifactBucket,
      noncurrentVersionDays: 365,
      kmsKeyArn: this.artifactKey.arn,
      policyStatements: toDocumentForEveryone(artifactBucketPolicyStatements(ciScope)),
    });

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, 'state_key_arn', { value: this.stateKey.arn, description: 'The KMS key that encrypts state (the bucket applies it by default)' });
    new TerraformOutput(this, 'artifact_bucket', { value: this.artifactBucket.bucket.bucket });
    new TerraformOutput(this, 'artifact_key_arn', {
      value: this.artifactKey.arn,
      description: 'The KMS key that encrypts the artifact bucket (the bucket applies it by default)',
    });
    new TerraformOutput(this, 'plan_role_arn', { value: this.ciRoles.planRole.arn, description: 'cdktf.json context ci.planRoleArn' });
    new TerraformOutput(this, 'deploy_role_arns', {
      value: Object.fromEntries(Object.entries(this.ciRoles.deployRoles).map(([env, role]) => [env, role.arn])),
      description: 'cdktf.json context ci.deployRoleArns, by environment',
    });
    new TerraformOutput(this, 'function_role_arns', {
      value: Object.fromEntries(Object.entries(this.functionRoles.roles).map(([env, role]) => [env, role.arn])),
      description: "Each environment's function role, by environment; the API stack attaches it by name",
    });
  }
}

/** An environment as the CI and function roles see it: its state, and its functions besides the API with their triggers and grants. */
export function ciEnvironmentOf(env: EnvironmentConfig): CiEnvironment {
  const [api, ...others] = env.functions;
  if (!others.length) return { name: env.name, stateKey: env.stateKey };
  return {
    name: env.name,
    stateKey: env.stateKey,
    functions: others.map((fn) => ({ name: fn.name, trigger: fn.trigger.type, data: fn.data })),
    ...(api ? { apiData: api.data } : {}),
  };
}

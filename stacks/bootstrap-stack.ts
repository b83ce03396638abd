import { Construct } from 'constructs';
import { LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataAwsCallerIdentity } from '@cdktf/provider-aws/lib/data-aws-caller-identity';
import { BootstrapConfig } from '../config/bootstrap-config';
import { ProjectConfig } from '../config/environments';
import { GithubCiRoles } from '../constructs/github-ci-roles';
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

/**
 * Applied once, with local state: the state bucket (versioned: its history is what
 * rollback reads), the artifact bucket, GitHub's OIDC provider, and the plan and
 * deploy roles CI assumes.
 */
export class BootstrapStack extends TerraformStack {
  public readonly stateBucket: SecureBucket;
  public readonly artifactBucket: SecureBucket;
  public readonly ciRoles: GithubCiRoles;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    const { config, bootstrap } = props;
    new LocalBackend(this, { path: props.localStatePath });
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: config.project, environment: 'bootstrap', 'managed-by': 'cdktf' } }],
    });
    const caller = new DataAwsCallerIdentity(this, 'caller');

    this.stateBucket = new SecureBucket(this, 'state', { bucketName: config.stateBucket, noncurrentVersionDays: bootstrap.stateVersionRetentionDays });
    this.artifactBucket = new SecureBucket(this, 'artifacts', { bucketName: bootstrap.artifactBucket, noncurrentVersionDays: 365 });
    this.ciRoles = new GithubCiRoles(this, 'ci', {
      project: config.project,
      scope: {
        project: config.project,
        region: config.region,
        account: caller.accountId,
        stateBucket: config.stateBucket,
        stateKeys: config.environments.map((env) => env.stateKey),
        artifactBucket: bootstrap.artifactBucket,
      },
      trust: { repository: bootstrap.repository, deployBranch: bootstrap.deployBranch, environments: config.environments.map((env) => env.name) },
    });

    new TerraformOutput(this, 'state_bucket', { value: this.stateBucket.bucket.bucket });
    new TerraformOutput(this, 'artifact_bucket', { value: this.artifactBucket.bucket.bucket });
    new TerraformOutput(this, 'plan_role_arn', { value: this.ciRoles.planRole.arn, description: 'GitHub variable AWS_PLAN_ROLE_ARN' });
    new TerraformOutput(this, 'deploy_role_arn', { value: this.ciRoles.deployRole.arn, description: 'GitHub variable AWS_DEPLOY_ROLE_ARN' });
  }
}

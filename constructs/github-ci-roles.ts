import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { CiScope, GITHUB_OIDC_HOST, GithubTrust, Statement, deployRoleStatements, planRoleStatements, trustedSubjects } from '../config/ci-permissions';

export interface GithubCiRolesProps {
  readonly project: string;
  readonly scope: CiScope;
  readonly trust: GithubTrust;
}

function toDocument(statements: readonly Statement[]): DataAwsIamPolicyDocumentStatement[] {
  return statements.map((statement) => ({
    sid: statement.sid,
    effect: 'Allow',
    actions: [...statement.actions],
    resources: [...statement.resources],
    ...(statement.conditions ? { condition: statement.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) } : {}),
  }));
}

/**
 * GitHub Actions' OIDC provider and the two roles CI assumes with it, no static
 * keys: plan (pull requests of this repository) and deploy (its deploy branch and
 * GitHub environments).
 */
export class GithubCiRoles extends Construct {
  public readonly provider: IamOpenidConnectProvider;
  public readonly planRole: IamRole;
  public readonly deployRole: IamRole;

  constructor(scope: Construct, id: string, props: GithubCiRolesProps) {
    super(scope, id);
    this.provider = new IamOpenidConnectProvider(this, 'github-oidc', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
    });
    const subjects = trustedSubjects(props.trust);
    const trustFor = (name: string, allowed: readonly string[]): DataAwsIamPolicyDocument =>
      new DataAwsIamPolicyDocument(this, `${name}-trust`, {
        statement: [
          {
            effect: 'Allow',
            actions: ['sts:AssumeRoleWithWebIdentity'],
            principals: [{ type: 'Federated', identifiers: [this.provider.arn] }],
            condition: [
              { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: ['sts.amazonaws.com'] },
              { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:sub`, values: [...allowed] },
            ],
          },
        ],
      });
    const role = (name: string, allowed: readonly string[], statements: readonly Statement[], description: string): IamRole => {
      const created = new IamRole(this, `${name}-role`, {
        name: `${props.project}-github-${name}`,
        description,
        assumeRolePolicy: trustFor(name, allowed).json,
        maxSessionDuration: 3600,
      });
      const policy = new DataAwsIamPolicyDocument(this, `${name}-permissions`, { statement: toDocument(statements) });
      new IamRolePolicy(this, `${name}-policy`, { name: `${props.project}-github-${name}`, role: created.id, policy: policy.json });
      return created;
    };
    this.planRole = role('plan', subjects.plan, planRoleStatements(props.scope), 'Terraform plan from pull requests: read-only, plus the state lock');
    this.deployRole = role('deploy', subjects.deploy, deployRoleStatements(props.scope), 'Terraform apply from the deploy branch and its GitHub environments');
  }
}

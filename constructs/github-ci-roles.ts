import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { rejectInvalidProps } from './props';
import {
  CI_ROLE_NAMES,
  CiScope,
  GITHUB_OIDC_HOST,
  GithubTrust,
  SubjectCondition,
  ciPath,
  deployRoleStatements,
  planRoleStatements,
  trustedSubjects,
} from '../iam/ci-permissions';
import { Statement } from '../iam/statements';

export interface GithubCiRolesProps {
  /** What the roles may reach: the project's state, artifacts and every environment's resources. */
  readonly scope: CiScope;
  /** Which repository, branch and GitHub environments may assume them. */
  readonly trust: GithubTrust;
}

/** Terraform's form of the pure statements in iam/ci-permissions.ts. */
export function toDocument(statements: readonly Statement[]): DataAwsIamPolicyDocumentStatement[] {
  return statements.map((statement) => ({
    sid: statement.sid,
    effect: statement.effect ?? 'Allow',
    actions: [...statement.actions],
    ...(statement.notResources ? { notResources: [...statement.notResources] } : { resources: [...statement.resources] }),
    ...(statement.conditions ? { condition: statement.conditions.map((c) => ({ test: c.test, variable: c.variable, values: [...c.values] })) } : {}),
  }));
}

/** The same, as resource policy statements that apply to every principal (the bucket policies' Deny statements). */
export function toDocumentForEveryone(statements: readonly Statement[]): DataAwsIamPolicyDocumentStatement[] {
  return toDocument(statements).map((statement) => ({ ...statement, principals: [{ type: '*', identifiers: ['*'] }] }));
}

/** What is wrong with the props, in words; empty when nothing is. */
export function githubCiRolesProblems(props: GithubCiRolesProps): string[] {
  const missing = props.trust.environments.filter((env) => !props.scope.environments.some((candidate) => candidate.name === env));
  return missing.length ? [`environments ${missing.join(', ')} are trusted but have no CI scope (no state key)`] : [];
}

/**
 * GitHub Actions' OIDC provider and the roles CI assumes with it, no static keys:
 * one plan role (pull requests and the deploy branch; reads only) and one deploy
 * role per environment (that GitHub environment only; that environment only), all
 * under the CI path.
 */
export class GithubCiRoles extends Construct {
  public readonly provider: IamOpenidConnectProvider;
  public readonly planRole: IamRole;
  public readonly deployRoles: Readonly<Record<string, IamRole>>;

  constructor(scope: Construct, id: string, props: GithubCiRolesProps) {
    super(scope, id);
    const { project } = props.scope;
    rejectInvalidProps(this, githubCiRolesProblems(props));
    this.provider = new IamOpenidConnectProvider(this, 'github-oidc', {
      url: `https://${GITHUB_OIDC_HOST}`,
      clientIdList: ['sts.amazonaws.com'],
    });
    const subjects = trustedSubjects(props.trust);
    const role = (name: string, roleName: string, allowed: SubjectCondition, statements: readonly Statement[], description: string): IamRole => {
      const trust = new DataAwsIamPolicyDocument(this, `${name}-trust`, {
        statement: [
          {
            effect: 'Allow',
            actions: ['sts:AssumeRoleWithWebIdentity'],
            principals: [{ type: 'Federated', identifiers: [this.provider.arn] }],
            condition: [
              { test: 'StringEquals', variable: `${GITHUB_OIDC_HOST}:aud`, values: ['sts.amazonaws.com'] },
              { test: allowed.test, variable: `${GITHUB_OIDC_HOST}:sub`, values: [...allowed.values] },
            ],
          },
        ],
      });
      const created = new IamRole(this, `${name}-role`, {
        name: roleName,
        path: ciPath(project),
        description,
        assumeRolePolicy: trust.json,
        maxSessionDuration: 3600,
      });
      const policy = new DataAwsIamPolicyDocument(this, `${name}-permissions`, { statement: toDocument(statements) });
      new IamRolePolicy(this, `${name}-policy`, { name: roleName, role: created.id, policy: policy.json });
      return created;
    };
    this.planRole = role(
      'plan',
      CI_ROLE_NAMES.plan(project),
      subjects.plan,
      planRoleStatements(props.scope),
      'Terraform plan from pull requests and the deploy branch: reads only, no state lock',
    );
    this.deployRoles = Object.fromEntries(
      props.trust.environments.map((env) => [
        env,
        role(
          `deploy-${env}`,
          CI_ROLE_NAMES.deploy(project, env),
          subjects.deploy[env],
          deployRoleStatements(props.scope, env),
          `Terraform apply of ${env}, from its GitHub environment only`,
        ),
      ]),
    );
  }
}

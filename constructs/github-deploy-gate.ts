import { Construct } from 'constructs';
import { Token } from 'cdktf';
import { ActionsRepositoryOidcSubjectClaimCustomizationTemplate } from '@cdktf/provider-github/lib/actions-repository-oidc-subject-claim-customization-template';
import { DataGithubTeam } from '@cdktf/provider-github/lib/data-github-team';
import { DataGithubUser } from '@cdktf/provider-github/lib/data-github-user';
import { RepositoryEnvironment } from '@cdktf/provider-github/lib/repository-environment';
import { RepositoryEnvironmentDeploymentPolicy } from '@cdktf/provider-github/lib/repository-environment-deployment-policy';
import { OIDC_SUBJECT_CLAIMS } from '../iam/ci-permissions';
import { EnvironmentReviewers } from '../config/bootstrap-config';
import { rejectInvalidProps } from './props';

export interface GithubDeployGateProps {
  /** "owner/name" of the repository whose workflows deploy. */
  readonly repository: string;
  /** The one branch every environment deploys from. */
  readonly deployBranch: string;
  /** Each environment, with who must approve its jobs (none: no approval, only the branch rule). */
  readonly environments: readonly { readonly name: string; readonly reviewers?: EnvironmentReviewers }[];
}

/** What is wrong with the props, in words; empty when nothing is. */
export function githubDeployGateProblems(props: GithubDeployGateProps): string[] {
  const problems: string[] = [];
  if (!/^[^/\s]+\/[^/\s]+$/.test(props.repository)) problems.push(`repository ${JSON.stringify(props.repository)} is not "owner/name"`);
  if (!props.environments.length) problems.push('no environments: there is nothing to gate');
  for (const env of props.environments) {
    const count = (env.reviewers?.users.length ?? 0) + (env.reviewers?.teams.length ?? 0);
    if (count > 6) problems.push(`environment ${env.name} has ${count} reviewers; GitHub allows 6`);
  }
  return problems;
}

/**
 * The GitHub side of the gate, declared beside the roles that trust it: each environment may be used only from
 * the deploy branch (a custom branch policy, no other branch or tag), with its required reviewers (no self-review,
 * no administrator bypass); and the repository's OIDC subject carries the workflow file and ref, which the deploy
 * roles' trust names. Needs a token that administers the repository (GITHUB_TOKEN for the provider) at apply.
 */
export class GithubDeployGate extends Construct {
  public readonly environments: Readonly<Record<string, RepositoryEnvironment>>;
  public readonly subjectTemplate: ActionsRepositoryOidcSubjectClaimCustomizationTemplate;

  constructor(scope: Construct, id: string, props: GithubDeployGateProps) {
    super(scope, id);
    rejectInvalidProps(this, githubDeployGateProblems(props));
    const repository = props.repository.split('/')[1];
    this.subjectTemplate = new ActionsRepositoryOidcSubjectClaimCustomizationTemplate(this, 'oidc-subject', {
      repository,
      useDefault: false,
      includeClaimKeys: [...OIDC_SUBJECT_CLAIMS],
    });
    const users = new Map<string, DataGithubUser>();
    const teams = new Map<string, DataGithubTeam>();
    const userId = (login: string) => {
      if (!users.has(login)) users.set(login, new DataGithubUser(this, `user-${login}`, { username: login }));
      return Token.asNumber(users.get(login)!.id);
    };
    const teamId = (slug: string) => {
      if (!teams.has(slug)) teams.set(slug, new DataGithubTeam(this, `team-${slug}`, { slug, summaryOnly: true }));
      return Token.asNumber(teams.get(slug)!.id);
    };
    this.environments = Object.fromEntries(
      props.environments.map((env) => {
        const reviewed = Boolean(env.reviewers && env.reviewers.users.length + env.reviewers.teams.length > 0);
        const environment = new RepositoryEnvironment(this, `environment-${env.name}`, {
          repository,
          environment: env.name,
          canAdminsBypass: false,
          preventSelfReview: reviewed,
          ...(reviewed ? { reviewers: [{ users: env.reviewers!.users.map(userId), teams: env.reviewers!.teams.map(teamId) }] } : {}),
          deploymentBranchPolicy: { protectedBranches: false, customBranchPolicies: true },
        });
        new RepositoryEnvironmentDeploymentPolicy(this, `environment-${env.name}-branch`, {
          repository,
          environment: environment.environment,
          branchPattern: props.deployBranch,
        });
        return [env.name, environment];
      }),
    );
  }
}

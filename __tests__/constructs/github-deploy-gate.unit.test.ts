import { Testing } from 'cdktf';
import { GithubDeployGate, GithubDeployGateProps, githubDeployGateProblems } from '../../constructs/github-deploy-gate';
import { Json } from '../support/json';

const props: GithubDeployGateProps = {
  repository: 'acme/layers',
  deployBranch: 'main',
  environments: [{ name: 'dev' }, { name: 'prod', reviewers: { users: ['octocat', 'hubot'], teams: ['platform'] } }],
};

function synth(extra: Partial<GithubDeployGateProps> = {}): Json {
  return JSON.parse(Testing.synthScope((scope) => new GithubDeployGate(scope, 'gate', { ...props, ...extra })));
}

describe('GithubDeployGate', () => {
  const json = synth();
  const resource = (type: string) => Object.values(json['resource'][type] as Json) as Json[];

  it('limits every environment to the deploy branch: custom branch policy only, no other branch, no tag', () => {
    expect(resource('github_repository_environment').map((env) => [env['environment'], env['deployment_branch_policy'], env['can_admins_bypass']])).toEqual([
      ['dev', { protected_branches: false, custom_branch_policies: true }, false],
      ['prod', { protected_branches: false, custom_branch_policies: true }, false],
    ]);
    const policies = resource('github_repository_environment_deployment_policy');
    expect(policies.map((policy) => [policy['repository'], policy['branch_pattern'], policy['tag_pattern']])).toEqual([
      ['layers', 'main', undefined],
      ['layers', 'main', undefined],
    ]);
    expect(policies.map((policy) => policy['environment'])).toEqual([
      expect.stringMatching(/^\$\{github_repository_environment\.gate_environment-dev_\w+\.environment\}$/),
      expect.stringMatching(/prod/),
    ]);
  });

  it("requires prod's reviewers, resolved from logins and team slugs, with no self-review; dev has none", () => {
    const [dev, prod] = resource('github_repository_environment');
    expect(dev['reviewers']).toBeUndefined();
    expect(prod['prevent_self_review']).toBe(true);
    expect(prod['reviewers']).toEqual([
      {
        users: [
          expect.stringMatching(/^\$\{data\.github_user\.gate_user-octocat_\w+\.id\}$/),
          expect.stringMatching(/^\$\{data\.github_user\.gate_user-hubot_\w+\.id\}$/),
        ],
        teams: [expect.stringMatching(/^\$\{data\.github_team\.gate_team-platform_\w+\.id\}$/)],
      },
    ]);
    expect(
      Object.values<Json>(json['data'].github_user)
        .map((user) => user['username'])
        .sort(),
    ).toEqual(['hubot', 'octocat']);
  });

  it("sets the repository's OIDC subject to carry the workflow file and ref the deploy roles trust", () => {
    expect(resource('github_actions_repository_oidc_subject_claim_customization_template')).toEqual([
      { repository: 'layers', use_default: false, include_claim_keys: ['repo', 'context', 'job_workflow_ref'] },
    ]);
  });

  it('refuses a malformed repository, no environments and more reviewers than GitHub allows', () => {
    expect(githubDeployGateProblems(props)).toEqual([]);
    const seven = { users: ['a', 'b', 'c', 'd', 'e', 'f'], teams: ['g'] };
    expect(githubDeployGateProblems({ repository: 'layers', deployBranch: 'main', environments: [] })).toEqual([
      'repository "layers" is not "owner/name"',
      'no environments: there is nothing to gate',
    ]);
    expect(() => synth({ environments: [{ name: 'prod', reviewers: seven }] })).toThrow(/environment prod has 7 reviewers; GitHub allows 6\.$/);
  });
});

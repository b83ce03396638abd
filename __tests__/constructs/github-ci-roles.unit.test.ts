import { Testing } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { ACME_SCOPE } from '../support/ci-scope';
import { GithubCiRoles } from '../../constructs/github-ci-roles';

const scope = ACME_SCOPE;
const trust = { repository: 'acme/layers', deployBranch: 'main', environments: ['dev', 'prod'] };

describe('GithubCiRoles', () => {
  it("trusts GitHub's OIDC provider and makes one plan role and one deploy role per environment, under the CI path, and no policy of its own", () => {
    const text = Testing.synthScope((construct) => new GithubCiRoles(construct, 'ci', { scope, trust }));
    expect(text).toHaveResourceWithProperties(IamOpenidConnectProvider, {
      url: 'https://token.actions.githubusercontent.com',
      client_id_list: ['sts.amazonaws.com'],
    });
    for (const name of ['acme-plan', 'acme-deploy-dev', 'acme-deploy-prod']) expect(text).toHaveResourceWithProperties(IamRole, { name, path: '/acme/ci/' });
    expect(JSON.parse(text).resource.aws_iam_policy).toBeUndefined();
  });

  it('refuses to trust an environment it has no scope for', () => {
    expect(() => Testing.synthScope((construct) => new GithubCiRoles(construct, 'ci', { scope, trust: { ...trust, environments: ['dev', 'qa'] } }))).toThrow(
      /stack\/ci: environments qa are trusted but have no CI scope \(no state key\)\.$/,
    );
  });
});

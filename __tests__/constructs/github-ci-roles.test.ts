import { Testing } from 'cdktf';
import { IamOpenidConnectProvider } from '@cdktf/provider-aws/lib/iam-openid-connect-provider';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { CiScope } from '../../config/ci-permissions';
import { GithubCiRoles } from '../../constructs/github-ci-roles';

const scope: CiScope = {
  project: 'acme',
  region: 'ap-northeast-1',
  account: '123456789012',
  stateBucket: 'acme-state',
  artifactBucket: 'acme-artifacts',
  environments: ['dev', 'prod'].map((name) => ({ name, stateKey: `acme/${name}/terraform.tfstate` })),
  stateKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:key/k',
};
const trust = { repository: 'acme/layers', deployBranch: 'main', environments: ['dev', 'prod'] };

describe('GithubCiRoles', () => {
  it('trusts GitHub\'s OIDC provider and makes one plan role, one deploy role per environment and the function boundary, under the CI path', () => {
    const text = Testing.synthScope((construct) => new GithubCiRoles(construct, 'ci', { scope, trust }));
    expect(text).toHaveResourceWithProperties(IamOpenidConnectProvider, { url: 'https://token.actions.githubusercontent.com', client_id_list: ['sts.amazonaws.com'] });
    for (const name of ['acme-plan', 'acme-deploy-dev', 'acme-deploy-prod']) expect(text).toHaveResourceWithProperties(IamRole, { name, path: '/acme/ci/' });
    expect(text).toHaveResourceWithProperties(IamPolicy, { name: 'acme-function-boundary', path: '/acme/ci/' });
  });

  it('refuses to trust an environment it has no scope for', () => {
    expect(() => Testing.synthScope((construct) => new GithubCiRoles(construct, 'ci', { scope, trust: { ...trust, environments: ['dev', 'qa'] } }))).toThrow(
      /stack\/ci: environments qa are trusted but have no CI scope \(no state key\)\.$/,
    );
  });
});

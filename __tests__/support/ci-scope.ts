import { CiScope } from '../../iam/ci-permissions';

/** A small project's CI scope for the construct tests: acme, dev and prod, one account. */
export const ACME_SCOPE: CiScope = {
  project: 'acme',
  region: 'ap-northeast-1',
  account: '123456789012',
  stateBucket: 'acme-state',
  artifactBucket: 'acme-artifacts',
  environments: ['dev', 'prod'].map((name) => ({ name, stateKey: `acme/${name}/terraform.tfstate` })),
  stateKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:key/k',
  artifactKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:key/a',
};

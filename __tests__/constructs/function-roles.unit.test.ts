import { Testing } from 'cdktf';
import { ACME_SCOPE } from '../support/ci-scope';
import { FunctionRoles, functionRolesProblems } from '../../constructs/function-roles';

const scope = ACME_SCOPE;

describe('FunctionRoles', () => {
  it("makes each environment's function role under its own path, trusted by Lambda alone, with its own log group and table", () => {
    const json = JSON.parse(Testing.synthScope((construct) => new FunctionRoles(construct, 'functions', { scope })));
    const roles = Object.values<Record<string, unknown>>(json.resource.aws_iam_role);
    expect(roles.map((role) => [role['path'], role['name']])).toEqual([
      ['/acme/functions/', 'acme-dev-function'],
      ['/acme/functions/', 'acme-prod-function'],
    ]);
    const documents = json.data.aws_iam_policy_document;
    const trust = Object.entries(documents).find(([id]) => id.startsWith('functions_trust'))![1] as { statement: unknown[] };
    expect(trust.statement).toEqual([
      { effect: 'Allow', actions: ['sts:AssumeRole'], principals: [{ type: 'Service', identifiers: ['lambda.amazonaws.com'] }] },
    ]);
    const dev = Object.entries(documents).find(([id]) => id.startsWith('functions_dev-permissions'))![1] as { statement: { resources: string[] }[] };
    expect(dev.statement.flatMap((statement) => statement.resources)).toEqual([
      'arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/lambda/acme-dev-api:*',
      'arn:aws:dynamodb:ap-northeast-1:123456789012:table/acme-dev-messages',
    ]);
  });

  it('refuses no environments, and a name whose "-" would let its patterns cover another environment\'s', () => {
    expect(functionRolesProblems({ scope })).toEqual([]);
    expect(functionRolesProblems({ scope: { ...scope, environments: [] } })).toEqual(['no environments: there is no function role to make']);
    expect(() =>
      Testing.synthScope((construct) => new FunctionRoles(construct, 'functions', { scope: { ...scope, environments: [{ name: 'prod-eu', stateKey: 'k' }] } })),
    ).toThrow(
      /environment names "prod-eu" are not 1 to 16 lowercase letters and digits \(a "-" would let one environment's name patterns cover another's\)\.$/,
    );
  });
});

import { AccessAnalysis, AccountModel, RoleModel } from '../../iam/access-chains';
import { evaluate } from '../../iam/policy-evaluation';

const ACCOUNT = '123456789012';
const arn = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/secret`;
const lambdaTrust = [{ principals: { service: ['lambda.amazonaws.com'] } }];
const reader: RoleModel = { arn: arn('reader'), policy: [{ sid: 'Read', actions: ['dynamodb:GetItem'], resources: [TABLE] }], trust: lambdaTrust };

function model(start: RoleModel, ...others: RoleModel[]): AccountModel {
  return { account: ACCOUNT, roles: [start, ...others], functions: [{ arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:app`, role: reader.arn }] };
}
const role = (name: string, policy: RoleModel['policy'], extra: Partial<RoleModel> = {}): RoleModel => ({ arn: arn(name), policy, trust: [], ...extra });

describe('the chain analysis', () => {
  it('finds nothing a role may not do itself when it can get into no other role', () => {
    const analysis = new AccessAnalysis(model(role('ci', [{ sid: 'Logs', actions: ['logs:GetLogEvents'], resources: ['*'] }]), reader));
    expect(analysis.identities(arn('ci')).map((identity) => identity.role)).toEqual([arn('ci')]);
    expect(analysis.reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })).toBeUndefined();
  });

  it('follows a role assumption: by a trust naming the role, or by the account plus sts:AssumeRole', () => {
    const named = role('target', [{ sid: 'Read', actions: ['dynamodb:GetItem'], resources: [TABLE] }], { trust: [{ principals: { aws: [arn('ci')] } }] });
    expect(new AccessAnalysis(model(role('ci', []), named)).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })?.chain).toEqual([
      `${arn('ci')} assumes ${arn('target')}`,
      `${arn('target')} may dynamodb:GetItem on ${TABLE}`,
    ]);
    const account = { ...named, trust: [{ principals: { aws: [`arn:aws:iam::${ACCOUNT}:root`] } }] };
    expect(new AccessAnalysis(model(role('ci', []), account)).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })).toBeUndefined();
    const allowed = role('ci', [{ sid: 'Assume', actions: ['sts:AssumeRole'], resources: [arn('target')] }]);
    expect(new AccessAnalysis(model(allowed, account)).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })).toBeDefined();
  });

  it('runs code as a role through Lambda: by changing a function that runs as it, or by passing it to one', () => {
    const fn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:app`;
    const code = role('ci', [{ sid: 'Code', actions: ['lambda:UpdateFunctionCode'], resources: [fn] }]);
    expect(new AccessAnalysis(model(code, reader)).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })?.chain[0]).toBe(
      `${arn('ci')} changes the code of ${fn}, which runs as ${reader.arn}`,
    );
    const pass = role('ci', [
      {
        sid: 'Pass',
        actions: ['iam:PassRole'],
        resources: [reader.arn],
        conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
      },
      { sid: 'Create', actions: ['lambda:CreateFunction'], resources: [`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:tmp-*`] },
    ]);
    expect(new AccessAnalysis({ ...model(pass, reader), functions: [] }).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })?.chain[0]).toMatch(
      /passes .*reader to Lambda function .*function:tmp-chained/,
    );
    // Passing alone, with nowhere to run it, reaches nothing; neither does passing it to another service.
    expect(
      new AccessAnalysis({ ...model(role('ci', [pass.policy[0]]), reader), functions: [] }).reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE }),
    ).toBeUndefined();
  });

  it("widens a role whose policy it writes, up to that role's boundary, and past it when it can lift the boundary", () => {
    const boundary = `arn:aws:iam::${ACCOUNT}:policy/boundary`;
    const bounded: RoleModel = { ...reader, policy: [], boundary };
    const writer = (extra: RoleModel['policy'] = []) =>
      role('ci', [
        {
          sid: 'Write',
          actions: ['iam:PutRolePolicy'],
          resources: [reader.arn],
          conditions: [{ test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [boundary] }],
        },
        { sid: 'Code', actions: ['lambda:UpdateFunctionCode'], resources: ['*'] },
        ...extra,
      ]);
    const account = (start: RoleModel): AccountModel => ({
      ...model(start, bounded),
      managedPolicies: { [boundary]: [{ sid: 'Logs', actions: ['logs:PutLogEvents'], resources: ['*'] }] },
    });
    const kept = new AccessAnalysis(account(writer()));
    expect(kept.reach(arn('ci'), 'logs:PutLogEvents', { arn: 'arn:aws:logs:eu-west-1:1:log-group:x' })).toBeDefined();
    expect(kept.reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })).toBeUndefined();
    const lifted = new AccessAnalysis(account(writer([{ sid: 'Lift', actions: ['iam:DeleteRolePermissionsBoundary'], resources: [reader.arn] }])));
    expect(lifted.reach(arn('ci'), 'dynamodb:GetItem', { arn: TABLE })?.chain).toEqual(
      expect.arrayContaining([`${arn('ci')} lifts the boundary of ${reader.arn}`]),
    );
  });

  it('counts a role it can create as its own, trusting whoever it names, and reports the trust as a way out', () => {
    const creator = role('ci', [{ sid: 'Create', actions: ['iam:CreateRole', 'iam:PutRolePolicy'], resources: [arn('made-*')] }]);
    const analysis = new AccessAnalysis(model(creator, reader));
    expect(analysis.reach(arn('ci'), 'dynamodb:Scan', { arn: TABLE })?.chain).toEqual([
      `${arn('ci')} creates role ${arn('made-chained')}, trusting whoever it names`,
      `${arn('ci')} assumes ${arn('made-chained')}`,
      `${arn('ci')} writes any policy on ${arn('made-chained')}`,
      `${arn('made-chained')} may dynamodb:Scan on ${TABLE}`,
    ]);
    // A role it makes may hold anything, so every way out is open through it.
    expect(analysis.exposures(arn('ci')).map((exposure) => exposure.action)).toEqual(
      expect.arrayContaining(['iam:CreateRole', 'iam:UpdateAssumeRolePolicy', 'lambda:AddPermission', 's3:PutBucketPolicy']),
    );
  });

  it('changes tags to make a tag-conditioned statement apply, one request or several', () => {
    const api = 'arn:aws:apigateway:eu-west-1::/apis/a1';
    const tagged = (key: string, value: string) => [{ test: 'StringEquals', variable: key, values: [value] }];
    const ci = role('ci', [
      { sid: 'Manage', actions: ['apigateway:DELETE'], resources: [api], conditions: tagged('aws:ResourceTag/environment', 'dev') },
      // Removing a tag is allowed on anything; setting one only where none is.
      { sid: 'Untag', actions: ['apigateway:DELETE'], resources: ['arn:aws:apigateway:eu-west-1::/tags/*'] },
      {
        sid: 'Tag',
        actions: ['apigateway:POST'],
        resources: ['arn:aws:apigateway:eu-west-1::/tags/*'],
        conditions: [{ test: 'Null', variable: 'aws:ResourceTag/environment', values: ['true'] }],
      },
    ]);
    const analysis = new AccessAnalysis({ ...model(ci), tagValues: { environment: ['dev', 'prod'] } });
    const target = { arn: api, tags: { environment: 'prod' }, tagArn: 'arn:aws:apigateway:eu-west-1::/tags/a1' };
    expect(analysis.reach(arn('ci'), 'apigateway:DELETE', target)?.chain.slice(0, 2)).toEqual([
      `${arn('ci')} removes its environment tag (arn:aws:apigateway:eu-west-1::/tags/a1)`,
      `${arn('ci')} tags it environment=dev (arn:aws:apigateway:eu-west-1::/tags/a1)`,
    ]);
    const noUntag = new AccessAnalysis({
      ...model({ ...ci, policy: ci.policy.filter((s) => s.sid !== 'Untag') }),
      tagValues: { environment: ['dev', 'prod'] },
    });
    expect(noUntag.reach(arn('ci'), 'apigateway:DELETE', target)).toBeUndefined();
  });

  it("lets a resource policy's Deny win over an identity Allow, and its Allow naming the role count", () => {
    const object = 'arn:aws:s3:::artifacts/layers/prod/x.zip';
    const writer = role('ci', [{ sid: 'Put', actions: ['s3:PutObject'], resources: ['arn:aws:s3:::artifacts/*'] }]);
    const deny = {
      resource: 'arn:aws:s3:::artifacts*',
      statements: [
        {
          sid: 'OnlyProdDeploy',
          effect: 'Deny' as const,
          principals: { aws: ['*'] },
          actions: ['s3:PutObject'],
          resources: ['arn:aws:s3:::artifacts/layers/prod/*'],
          conditions: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [arn('deploy-prod')] }],
        },
      ],
    };
    expect(new AccessAnalysis({ ...model(writer), resourcePolicies: [deny] }).reach(arn('ci'), 's3:PutObject', { arn: object })).toBeUndefined();
    expect(new AccessAnalysis(model(writer)).reach(arn('ci'), 's3:PutObject', { arn: object })).toBeDefined();
    const allow = {
      resource: 'arn:aws:s3:::artifacts*',
      statements: [{ sid: 'Named', principals: { aws: [arn('nobody')] }, actions: ['s3:GetObject'], resources: [object] }],
    };
    const nobody = role('nobody', []);
    expect(new AccessAnalysis({ ...model(nobody), resourcePolicies: [allow] }).reach(arn('nobody'), 's3:GetObject', { arn: object })).toBeDefined();
  });

  it('refuses a start that is not in the model', () => {
    expect(() => new AccessAnalysis(model(reader)).identities(arn('ghost'))).toThrow(`no role ${arn('ghost')} in the account model`);
  });
});

describe('condition operators on a missing key', () => {
  const statement = (test: string) => [
    { sid: 's', actions: ['s3:GetObject'], resources: ['*'], conditions: [{ test, variable: 'aws:TagKeys', values: ['environment'] }] },
  ];
  it('holds for Null true, ForAllValues and negated operators; not for ForAnyValue or plain ones', () => {
    expect(
      evaluate(
        [{ sid: 'n', actions: ['s3:GetObject'], resources: ['*'], conditions: [{ test: 'Null', variable: 'aws:TagKeys', values: ['true'] }] }],
        's3:GetObject',
        'x',
      ),
    ).toBe('Allow');
    expect(
      evaluate(
        [{ sid: 'n', actions: ['s3:GetObject'], resources: ['*'], conditions: [{ test: 'Null', variable: 'aws:TagKeys', values: ['false'] }] }],
        's3:GetObject',
        'x',
      ),
    ).toBe('ImplicitDeny');
    expect(evaluate(statement('ForAllValues:StringEquals'), 's3:GetObject', 'x')).toBe('Allow');
    expect(evaluate(statement('ForAnyValue:StringEquals'), 's3:GetObject', 'x')).toBe('ImplicitDeny');
    expect(evaluate(statement('ForAnyValue:StringNotEquals'), 's3:GetObject', 'x')).toBe('ImplicitDeny');
    expect(evaluate(statement('StringNotEquals'), 's3:GetObject', 'x')).toBe('Allow');
    expect(evaluate(statement('StringEquals'), 's3:GetObject', 'x')).toBe('ImplicitDeny');
    expect(evaluate(statement('StringEqualsIfExists'), 's3:GetObject', 'x')).toBe('Allow');
  });
});

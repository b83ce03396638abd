import { evaluate } from '../../iam/policy-evaluation';
import {
  CiScope,
  deployRoleStatements,
  functionRoleStatements,
  planRoleStatements,
  schedulerRoleStatements,
  serviceFunctionRoleStatements,
  serviceRoleArns,
} from '../../iam/ci-permissions';

const ACCOUNT = '123456789012';
const P = 'acme';
const SERVICE = {
  functions: [
    { name: 'worker', trigger: 'queue' as const, data: ['table:write' as const] },
    { name: 'digest', trigger: 'schedule' as const, data: ['table:read' as const, 'table:write' as const] },
  ],
  apiData: ['table:read' as const, 'table:write' as const, 'queue:worker' as const],
};
const scope = (service: boolean): CiScope => ({
  project: P,
  region: 'ap-northeast-1',
  account: ACCOUNT,
  stateBucket: 'acme-state',
  artifactBucket: 'acme-artifacts',
  stateKeyArn: `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/state`,
  artifactKeyArn: `arn:aws:kms:ap-northeast-1:${ACCOUNT}:key/artifacts`,
  environments: ['dev', 'prod'].map((name) => ({ name, stateKey: `${P}/${name}/terraform.tfstate`, ...(service ? SERVICE : {}) })),
});
const lambda = (env: string, fn: string, qualifier = ''): string => `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:${P}-${env}-${fn}${qualifier}`;
const queue = (env: string, name: string): string => `arn:aws:sqs:ap-northeast-1:${ACCOUNT}:${P}-${env}-${name}`;
const table = (env: string): string => `arn:aws:dynamodb:ap-northeast-1:${ACCOUNT}:table/${P}-${env}-messages`;
const role = (name: string): string => `arn:aws:iam::${ACCOUNT}:role/${P}/functions/${name}`;
const passedTo = (service: string) => ({ 'iam:PassedToService': service });

describe("the roles of an environment's functions besides the API", () => {
  const s = scope(true);

  it('give the worker its own queue to take from and the table to write, in its environment only', () => {
    const worker = serviceFunctionRoleStatements(s, 'dev', 'worker');
    expect(evaluate(worker, 'sqs:ReceiveMessage', queue('dev', 'worker'))).toBe('Allow');
    expect(evaluate(worker, 'sqs:DeleteMessage', queue('dev', 'worker'))).toBe('Allow');
    expect(evaluate(worker, 'sqs:ReceiveMessage', queue('prod', 'worker'))).toBe('ImplicitDeny');
    expect(evaluate(worker, 'dynamodb:PutItem', table('dev'))).toBe('Allow');
    expect(evaluate(worker, 'dynamodb:PutItem', table('prod'))).toBe('ImplicitDeny');
    // Granted write only: it reads nothing, and sends nowhere.
    expect(evaluate(worker, 'dynamodb:Query', table('dev'))).toBe('ImplicitDeny');
    expect(evaluate(worker, 'sqs:SendMessage', queue('dev', 'worker'))).toBe('ImplicitDeny');
    expect(evaluate(worker, 'logs:PutLogEvents', `arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/aws/lambda/${P}-dev-worker:log-stream:x`)).toBe('Allow');
    expect(evaluate(worker, 'logs:PutLogEvents', `arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/aws/lambda/${P}-dev-api:log-stream:x`)).toBe(
      'ImplicitDeny',
    );
  });

  it("let the API send to the worker's queue it is granted, and nothing else of the queues", () => {
    const api = functionRoleStatements(s, 'dev');
    expect(evaluate(api, 'sqs:SendMessage', queue('dev', 'worker'))).toBe('Allow');
    expect(evaluate(api, 'sqs:SendMessage', queue('prod', 'worker'))).toBe('ImplicitDeny');
    expect(evaluate(api, 'sqs:SendMessage', queue('dev', 'digest-dlq'))).toBe('ImplicitDeny');
    expect(evaluate(api, 'sqs:ReceiveMessage', queue('dev', 'worker'))).toBe('ImplicitDeny');
    // Without functions, the API's role is what it was.
    expect(functionRoleStatements(scope(false), 'dev').map((statement) => statement.sid)).toEqual(['WriteOwnLogs', 'ReadWriteOwnTable']);
  });

  it("let the scheduler invoke only its environment's scheduled alias, and dead-letter its events", () => {
    const scheduler = schedulerRoleStatements(s, 'dev');
    expect(evaluate(scheduler, 'lambda:InvokeFunction', lambda('dev', 'digest', ':live'))).toBe('Allow');
    expect(evaluate(scheduler, 'lambda:InvokeFunction', lambda('dev', 'digest'))).toBe('ImplicitDeny');
    expect(evaluate(scheduler, 'lambda:InvokeFunction', lambda('dev', 'api', ':live'))).toBe('ImplicitDeny');
    expect(evaluate(scheduler, 'lambda:InvokeFunction', lambda('prod', 'digest', ':live'))).toBe('ImplicitDeny');
    expect(evaluate(scheduler, 'sqs:SendMessage', queue('dev', 'digest-dlq'))).toBe('Allow');
    expect(evaluate(scheduler, 'sqs:SendMessage', queue('dev', 'worker'))).toBe('ImplicitDeny');
  });

  it('are named once, for the bootstrap to make and the deploy to pass', () => {
    expect(serviceRoleArns(s, s.environments[0])).toEqual([role(`${P}-dev-worker-fn`), role(`${P}-dev-digest-fn`), role(`${P}-dev-scheduler`)]);
    expect(serviceRoleArns(scope(false), scope(false).environments[0])).toEqual([]);
  });
});

describe("a deploy role, for an environment's functions besides the API", () => {
  const dev = deployRoleStatements(scope(true), 'dev');

  it('manages its functions, queues and schedules, and those of no other environment', () => {
    for (const [action, own, other] of [
      ['lambda:UpdateFunctionCode', lambda('dev', 'worker'), lambda('prod', 'worker')],
      ['lambda:PublishVersion', lambda('dev', 'digest'), lambda('prod', 'digest')],
      ['sqs:CreateQueue', queue('dev', 'worker'), queue('prod', 'worker')],
      ['sqs:SetQueueAttributes', queue('dev', 'worker-dlq'), queue('prod', 'worker-dlq')],
      [
        'scheduler:CreateSchedule',
        `arn:aws:scheduler:ap-northeast-1:${ACCOUNT}:schedule/default/${P}-dev-digest`,
        `arn:aws:scheduler:ap-northeast-1:${ACCOUNT}:schedule/default/${P}-prod-digest`,
      ],
    ] as const) {
      expect([action, evaluate(dev, action, own)]).toEqual([action, 'Allow']);
      expect([action, evaluate(dev, action, other)]).toEqual([action, 'ImplicitDeny']);
    }
  });

  it("maps a queue only to its own environment's functions", () => {
    const mapping = `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:event-source-mapping:1234`;
    expect(evaluate(dev, 'lambda:CreateEventSourceMapping', mapping, { 'lambda:FunctionArn': [lambda('dev', 'worker', ':live')] })).toBe('Allow');
    expect(evaluate(dev, 'lambda:CreateEventSourceMapping', mapping, { 'lambda:FunctionArn': [lambda('prod', 'worker', ':live')] })).toBe('ImplicitDeny');
    expect(evaluate(dev, 'lambda:CreateEventSourceMapping', mapping, {})).toBe('ImplicitDeny');
  });

  it("passes its functions their roles, only to Lambda, and the scheduler its role, only to Scheduler; never another environment's", () => {
    expect(evaluate(dev, 'iam:PassRole', role(`${P}-dev-worker-fn`), passedTo('lambda.amazonaws.com'))).toBe('Allow');
    expect(evaluate(dev, 'iam:PassRole', role(`${P}-dev-worker-fn`), passedTo('scheduler.amazonaws.com'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'iam:PassRole', role(`${P}-dev-scheduler`), passedTo('scheduler.amazonaws.com'))).toBe('Allow');
    expect(evaluate(dev, 'iam:PassRole', role(`${P}-dev-scheduler`), passedTo('lambda.amazonaws.com'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'iam:PassRole', role(`${P}-prod-worker-fn`), passedTo('lambda.amazonaws.com'))).toBe('ImplicitDeny');
    expect(evaluate(dev, 'iam:PutRolePolicy', role(`${P}-dev-worker-fn`))).toBe('ExplicitDeny');
  });

  it('is what it was for an environment of the API alone', () => {
    const sids = deployRoleStatements(scope(false), 'dev').map((statement) => statement.sid);
    expect(sids).not.toEqual(expect.arrayContaining(['ManageOwnQueues']));
    expect(sids.filter((sid) => /Queue|Schedul|EventSource/.test(sid ?? ''))).toEqual([]);
  });
});

describe('the plan role, for the functions besides the API', () => {
  const plan = planRoleStatements(scope(true));

  it('reads every function of every environment, its aliases and versions, queues, schedules and mappings, which a plan and drift refresh', () => {
    for (const env of ['dev', 'prod']) {
      for (const [action, resource] of [
        ['lambda:GetFunction', lambda(env, 'worker')],
        ['lambda:GetAlias', lambda(env, 'digest', ':live')],
        ['lambda:ListVersionsByFunction', lambda(env, 'worker')],
        ['lambda:GetFunctionConfiguration', lambda(env, 'worker', ':7')],
        ['logs:ListTagsForResource', `arn:aws:logs:ap-northeast-1:${ACCOUNT}:log-group:/aws/lambda/${P}-${env}-worker`],
        ['sqs:GetQueueAttributes', queue(env, 'worker')],
        ['sqs:ListQueueTags', queue(env, 'worker-dlq')],
        ['scheduler:GetSchedule', `arn:aws:scheduler:ap-northeast-1:${ACCOUNT}:schedule/default/${P}-${env}-digest`],
      ] as const) {
        expect([action, resource, evaluate(plan, action, resource)]).toEqual([action, resource, 'Allow']);
      }
      expect(evaluate(plan, 'lambda:GetEventSourceMapping', '*', { 'lambda:FunctionArn': [lambda(env, 'worker', ':live')] })).toBe('Allow');
    }
    // Reading only: nothing it may change, and nobody else's function or queue.
    for (const [action, resource] of [
      ['lambda:UpdateFunctionCode', lambda('dev', 'worker')],
      ['sqs:ReceiveMessage', queue('dev', 'worker')],
      ['sqs:SetQueueAttributes', queue('dev', 'worker')],
      ['scheduler:UpdateSchedule', `arn:aws:scheduler:ap-northeast-1:${ACCOUNT}:schedule/default/${P}-dev-digest`],
      ['lambda:GetFunction', `arn:aws:lambda:ap-northeast-1:${ACCOUNT}:function:other-team-worker`],
      ['sqs:GetQueueAttributes', `arn:aws:sqs:ap-northeast-1:${ACCOUNT}:other-team-queue`],
    ] as const) {
      expect([action, resource, evaluate(plan, action, resource)]).toEqual([action, resource, 'ImplicitDeny']);
    }
    expect(evaluate(plan, 'lambda:GetEventSourceMapping', '*', { 'lambda:FunctionArn': ['arn:aws:lambda:ap-northeast-1:1:function:other'] })).toBe(
      'ImplicitDeny',
    );
  });
});

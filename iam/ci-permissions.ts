/**
 * What the CI roles may do, as IAM statements: pure data from the project
 * configuration, so the scope is reviewed (and tested) without AWS.
 *
 * plan             - one role for pull requests and the plan jobs on the deploy branch: reads what the stacks
 *                    manage and their state and its history (decrypting it), writes nothing (plans run with
 *                    -lock=false);
 * deploy-<env>     - one role per environment, assumable only from that GitHub environment on the deploy
 *                    branch: manages that environment's resources, its state and lock, its artifacts, and
 *                    nothing else; writes no IAM at all, and passes only its environment's function role,
 *                    only to Lambda;
 * function-<env>   - each environment's function role, made by the bootstrap (not by a deploy): its own log
 *                    group and its own table; trusted by Lambda alone. Nobody a deploy can become may change
 *                    its policy or its trust, so no deploy reaches past its environment through it.
 */
import { artifactPrefixes } from '../config/artifact-keys';
import { functionNameOf, tableNameOf } from '../config/environments';
import { DataGrant, TriggerType, functionNameFor } from '../config/functions';
import { Condition, Statement } from './statements';

export interface CiEnvironment {
  readonly name: string;
  /** Object key of its state, e.g. "<project>/dev/terraform.tfstate". */
  readonly stateKey: string;
  /**
   * Its functions besides the API: each gets its own role, and its deploy manages it and its trigger.
   * @default - the API alone
   */
  readonly functions?: readonly CiFunction[];
  /**
   * What the API may use besides its table (config/functions.ts "data"): the queues it may send to.
   * @default - its table alone
   */
  readonly apiData?: readonly DataGrant[];
}

/** A function of an environment besides the API, as the roles see it: its name, what triggers it, what data it may use. */
export interface CiFunction {
  readonly name: string;
  readonly trigger: TriggerType;
  readonly data: readonly DataGrant[];
}

export interface CiScope {
  readonly project: string;
  readonly region: string;
  /** The account id, or a Terraform reference to it. */
  readonly account: string;
  /** @default "aws" */
  readonly partition?: string;
  readonly stateBucket: string;
  readonly artifactBucket: string;
  readonly environments: readonly CiEnvironment[];
  /** The customer-managed key that encrypts state (an ARN, or a Terraform reference to it). */
  readonly stateKeyArn: string;
  /** The customer-managed key that encrypts the artifact bucket (an ARN, or a Terraform reference to it). */
  readonly artifactKeyArn: string;
}

/** Accounts that publish the managed layers the hybrid strategy attaches (Powertools for AWS Lambda). */
export const MANAGED_LAYER_ACCOUNTS = ['017000801446', '094274105915'] as const;

/**
 * Actions whose resources AWS does not let a policy narrow (CloudWatch Logs' delivery API, which an HTTP API's
 * access logging needs, and listing log groups); each is listed here on purpose, and the tests name them.
 */
export const UNSCOPED_ACTIONS = [
  'logs:DescribeLogGroups',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
  // A canary's errors and throttles: GetMetricData has no resource-level permissions.
  'cloudwatch:GetMetricData',
] as const;

/** The IAM path of CI's roles: nothing a stack creates lives there. */
export function ciPath(project: string): string {
  return `/${project}/ci/`;
}

/** The IAM path of the function roles the bootstrap makes. */
export function functionRolePath(project: string): string {
  return `/${project}/functions/`;
}

export const CI_ROLE_NAMES = {
  plan: (project: string) => `${project}-plan`,
  deploy: (project: string, env: string) => `${project}-deploy-${env}`,
  function: (project: string, env: string) => `${project}-${env}-function`,
  /** A function of the environment besides the API: its own role. */
  serviceFunction: (project: string, env: string, fn: string) => `${project}-${env}-${fn}-fn`,
  /** The role EventBridge Scheduler invokes the environment's scheduled functions with. */
  scheduler: (project: string, env: string) => `${project}-${env}-scheduler`,
};

/** The ARN of an environment's function role, which the API stack attaches by name: it is the bootstrap's. */
export function functionRoleArn(scope: { project: string; account: string; partition?: string }, environment: string): string {
  return `arn:${scope.partition ?? 'aws'}:iam::${scope.account}:role${functionRolePath(scope.project)}${CI_ROLE_NAMES.function(scope.project, environment)}`;
}

/** The ARN of a role the bootstrap makes under the project's function path (a function's, or the scheduler's), by its name. */
export function bootstrapRoleArn(scope: { project: string; account: string; partition?: string }, name: string): string {
  return `arn:${scope.partition ?? 'aws'}:iam::${scope.account}:role${functionRolePath(scope.project)}${name}`;
}

/** The tag every stack resource carries (provider default tags), which API Gateway writes are conditioned on. */
export const ENVIRONMENT_TAG = 'environment';
export const PROJECT_TAG = 'project';

/** ARNs of what CI itself is: its roles, and the function roles the bootstrap makes. No deploy role may write any of them. */
export function ciArns(scope: Pick<CiScope, 'project' | 'account' | 'partition' | 'environments'>) {
  const iam = `arn:${scope.partition ?? 'aws'}:iam::${scope.account}`;
  const path = ciPath(scope.project);
  return {
    planRole: `${iam}:role${path}${CI_ROLE_NAMES.plan(scope.project)}`,
    deployRoles: Object.fromEntries(
      scope.environments.map((env) => [env.name, `${iam}:role${path}${CI_ROLE_NAMES.deploy(scope.project, env.name)}`]),
    ) as Record<string, string>,
    functionRoles: Object.fromEntries(scope.environments.map((env) => [env.name, functionRoleArn(scope, env.name)])) as Record<string, string>,
    /** Every role and policy under the CI path, present or future. */
    roles: `${iam}:role${path}*`,
    policies: `${iam}:policy${path}*`,
  };
}

/** The roles the bootstrap makes for an environment's functions besides the API, and for its scheduler when it has a schedule. */
export function serviceRoleArns(scope: { project: string; account: string; partition?: string }, env: CiEnvironment): string[] {
  const others = env.functions ?? [];
  return [
    ...others.map((fn) => bootstrapRoleArn(scope, CI_ROLE_NAMES.serviceFunction(scope.project, env.name, fn.name))),
    ...(others.some((fn) => fn.trigger === 'schedule') ? [bootstrapRoleArn(scope, CI_ROLE_NAMES.scheduler(scope.project, env.name))] : []),
  ];
}

/** What an environment's functions besides the API are, by ARN: each function, its log group, its queue or schedule. */
export function serviceArns(scope: Pick<CiScope, 'project' | 'region' | 'account' | 'partition'>, env: CiEnvironment) {
  const { project, region, account } = scope;
  const partition = scope.partition ?? 'aws';
  const named = { project, name: env.name };
  const others = env.functions ?? [];
  const nameOf = (fn: CiFunction): string => functionNameFor(named, fn.name);
  const sqs = (name: string): string => `arn:${partition}:sqs:${region}:${account}:${name}`;
  const lambda = `arn:${partition}:lambda:${region}:${account}:function:`;
  return {
    functions: others.map((fn) => `${lambda}${nameOf(fn)}`),
    functionVersions: others.map((fn) => `${lambda}${nameOf(fn)}:*`),
    logGroups: others.map((fn) => `arn:${partition}:logs:${region}:${account}:log-group:/aws/lambda/${nameOf(fn)}`),
    /** A queue function's queue and its dead-letter queue; a scheduled function's dead-letter queue. */
    queues: others.flatMap((fn) =>
      fn.trigger === 'queue' ? [sqs(nameOf(fn)), sqs(`${nameOf(fn)}-dlq`)] : fn.trigger === 'schedule' ? [sqs(`${nameOf(fn)}-dlq`)] : [],
    ),
    schedules: others.filter((fn) => fn.trigger === 'schedule').map((fn) => `arn:${partition}:scheduler:${region}:${account}:schedule/default/${nameOf(fn)}`),
    eventSourceMappings: `arn:${partition}:lambda:${region}:${account}:event-source-mapping:*`,
    roles: others.map((fn) => bootstrapRoleArn(scope, CI_ROLE_NAMES.serviceFunction(project, env.name, fn.name))),
    scheduler: bootstrapRoleArn(scope, CI_ROLE_NAMES.scheduler(project, env.name)),
    /** A function's queue, by the function's name (for grants and for its consumer). */
    queueOf: (fn: string): string => sqs(functionNameFor(named, fn)),
    /** A function's alias live, which its trigger invokes. */
    liveAliasOf: (fn: string): string => `${lambda}${functionNameFor(named, fn)}:live`,
    deadLettersOf: (fn: string): string => sqs(`${functionNameFor(named, fn)}-dlq`),
  };
}

/** Everything one environment's stack manages, by ARN (or ARN pattern). */
export function environmentArns(scope: CiScope, env: CiEnvironment) {
  const { project, region, account } = scope;
  const partition = scope.partition ?? 'aws';
  const prefix = `${project}-${env.name}`;
  const named = { project, name: env.name };
  const logs = `arn:${partition}:logs:${region}:${account}:log-group:`;
  return {
    function: `arn:${partition}:lambda:${region}:${account}:function:${functionNameOf(named)}`,
    functionVersions: `arn:${partition}:lambda:${region}:${account}:function:${functionNameOf(named)}:*`,
    layers: `arn:${partition}:lambda:${region}:${account}:layer:${prefix}-*`,
    layerVersions: `arn:${partition}:lambda:${region}:${account}:layer:${prefix}-*:*`,
    /** The function's role, which the bootstrap makes and a deploy may only pass to Lambda. */
    role: functionRoleArn(scope, env.name),
    logGroups: [`${logs}/aws/lambda/${functionNameOf(named)}`, `${logs}/aws/apigateway/${functionNameOf(named)}`],
    // Environment names hold no "-", so "<project>-<env>-" names one environment's and no other's.
    tables: `arn:${partition}:dynamodb:${region}:${account}:table/${prefix}-*`,
    /** The one table the function reads and writes. */
    messagesTable: `arn:${partition}:dynamodb:${region}:${account}:table/${tableNameOf(named)}`,
    state: `arn:${partition}:s3:::${scope.stateBucket}/${env.stateKey}`,
    lock: `arn:${partition}:s3:::${scope.stateBucket}/${env.stateKey}.tflock`,
    artifactPrefixes: artifactPrefixes(project, env.name),
    artifacts: artifactPrefixes(project, env.name).map((prefix) => `arn:${partition}:s3:::${scope.artifactBucket}/${prefix}*`),
  };
}

function shared(scope: CiScope) {
  const partition = scope.partition ?? 'aws';
  return {
    managedLayers: MANAGED_LAYER_ACCOUNTS.map((publisher) => `arn:${partition}:lambda:${scope.region}:${publisher}:layer:AWSLambdaPowertools*:*`),
    logGroupsAny: `arn:${partition}:logs:${scope.region}:${scope.account}:log-group:*`,
    // HTTP API ARNs carry an id, never a name: the region is as narrow as the resource gets; tags narrow the rest.
    apis: [
      `arn:${partition}:apigateway:${scope.region}::/apis`,
      `arn:${partition}:apigateway:${scope.region}::/apis/*`,
      `arn:${partition}:apigateway:${scope.region}::/tags/*`,
    ],
    stateBucket: `arn:${partition}:s3:::${scope.stateBucket}`,
    artifactBucket: `arn:${partition}:s3:::${scope.artifactBucket}`,
    viaS3: { test: 'StringEquals', variable: 'kms:ViaService', values: [`s3.${scope.region}.amazonaws.com`] },
  };
}

const READ = {
  lambda: [
    'lambda:GetFunction',
    'lambda:GetFunctionConfiguration',
    'lambda:GetFunctionCodeSigningConfig',
    'lambda:GetPolicy',
    'lambda:ListVersionsByFunction',
    'lambda:ListTags',
    'lambda:GetFunctionConcurrency',
    'lambda:GetAlias',
    'lambda:ListAliases',
  ],
  layers: ['lambda:GetLayerVersion', 'lambda:ListLayerVersions'],
  logs: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
  dynamodb: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'],
};

/**
 * The plan role: reads what every stack manages and each stack's state, decrypting it; writes nothing,
 * not even a lock (plans run with -lock=false). Pull requests and the deploy branch assume it.
 */
export function planRoleStatements(scope: CiScope): Statement[] {
  const s = shared(scope);
  const envs = scope.environments.map((env) => environmentArns(scope, env));
  // Each environment's functions besides the API, with their queues, schedules and mappings: a plan refreshes them too.
  const svs = scope.environments.map((env) => serviceArns(scope, env));
  const serviceFunctions = svs.flatMap((sv) => [...sv.functions, ...sv.functionVersions]);
  const queues = svs.flatMap((sv) => sv.queues);
  const schedules = svs.flatMap((sv) => sv.schedules);
  return [
    // A plan reads the state objects and their history (a rollback's plan resolves its target from it), no lock.
    {
      sid: 'ListStatePrefix',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [s.stateBucket],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: scope.environments.map((env) => env.stateKey) }],
    },
    { sid: 'SeeStateVersioning', actions: ['s3:GetBucketVersioning'], resources: [s.stateBucket] },
    { sid: 'ReadState', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: envs.map((env) => env.state) },
    { sid: 'DecryptState', actions: ['kms:Decrypt'], resources: [scope.stateKeyArn], conditions: [s.viaS3] },
    { sid: 'ReadFunctions', actions: READ.lambda, resources: [...envs.flatMap((env) => [env.function, env.functionVersions]), ...serviceFunctions] },
    { sid: 'ReadLayers', actions: READ.layers, resources: [...envs.flatMap((env) => [env.layers, env.layerVersions]), ...s.managedLayers] },
    {
      sid: 'ReadLogGroups',
      actions: READ.logs,
      resources: [...envs.flatMap((env) => env.logGroups), ...svs.flatMap((sv) => sv.logGroups)].flatMap((group) => [group, `${group}:*`]),
    },
    ...(queues.length ? [{ sid: 'ReadQueues', actions: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ListQueueTags'], resources: queues }] : []),
    ...(schedules.length ? [{ sid: 'ReadSchedules', actions: ['scheduler:GetSchedule'], resources: schedules }] : []),
    ...(queues.length && serviceFunctions.length
      ? [
          {
            sid: 'ReadQueueMappings',
            actions: ['lambda:GetEventSourceMapping'],
            resources: ['*'],
            conditions: [{ test: 'ArnLike' as const, variable: 'lambda:FunctionArn', values: serviceFunctions }],
          },
        ]
      : []),
    { sid: 'DescribeLogGroups', actions: ['logs:DescribeLogGroups'], resources: [s.logGroupsAny] },
    { sid: 'ReadTables', actions: READ.dynamodb, resources: envs.map((env) => env.tables) },
    {
      sid: 'ReadProjectApis',
      actions: ['apigateway:GET'],
      resources: s.apis,
      conditions: [{ test: 'StringEquals', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: [scope.project] }],
    },
    { sid: 'ReadArtifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], resources: envs.flatMap((env) => env.artifacts) },
    { sid: 'DecryptArtifacts', actions: ['kms:Decrypt'], resources: [scope.artifactKeyArn], conditions: [s.viaS3] },
  ];
}

/** Tag writes on existing resources, by service; API Gateway's are HTTP verbs on `/tags/<arn>`. */
const TAG_ACTIONS = {
  lambda: ['lambda:TagResource', 'lambda:UntagResource'],
  dynamodb: ['dynamodb:TagResource', 'dynamodb:UntagResource'],
  logs: ['logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
};
const SET_TAG_ACTIONS = ['lambda:TagResource', 'dynamodb:TagResource', 'logs:TagResource', 'logs:TagLogGroup', 'apigateway:POST', 'apigateway:PUT'];
const UNTAG_ACTIONS = ['lambda:UntagResource', 'dynamodb:UntagResource', 'logs:UntagResource', 'logs:UntagLogGroup', 'apigateway:DELETE'];

/** IAM writes: a deploy role holds none of them, and denies them all, so no later statement can hand one back. */
export const IAM_WRITES = [
  'iam:CreateRole',
  'iam:DeleteRole',
  'iam:UpdateRole',
  'iam:UpdateRoleDescription',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutRolePolicy',
  'iam:DeleteRolePolicy',
  'iam:AttachRolePolicy',
  'iam:DetachRolePolicy',
  'iam:PutRolePermissionsBoundary',
  'iam:DeleteRolePermissionsBoundary',
  'iam:TagRole',
  'iam:UntagRole',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicy',
  'iam:DeletePolicyVersion',
  'iam:CreateUser',
  'iam:CreateAccessKey',
  'iam:PutUserPolicy',
  'iam:AttachUserPolicy',
  'iam:CreateServiceLinkedRole',
  'iam:CreateOpenIDConnectProvider',
  'iam:UpdateOpenIDConnectProviderThumbprint',
  'iam:AddClientIDToOpenIDConnectProvider',
] as const;

/**
 * One environment's deploy role: that environment's resources, state, lock and artifacts; no IAM beyond passing
 * its function role to Lambda; tags only on what already carries its environment's tags (or is created with
 * them), and never a change of the project or environment tag's value.
 */
export function deployRoleStatements(scope: CiScope, environment: string): Statement[] {
  const env = scope.environments.find((candidate) => candidate.name === environment);
  if (!env) throw new Error(`no environment ${environment} in the CI scope`);
  const a = environmentArns(scope, env);
  const s = shared(scope);
  const ci = ciArns(scope);
  const tagged = (key: 'aws:ResourceTag' | 'aws:RequestTag'): Condition[] => [
    { test: 'StringEquals', variable: `${key}/${PROJECT_TAG}`, values: [scope.project] },
    { test: 'StringEquals', variable: `${key}/${ENVIRONMENT_TAG}`, values: [env.name] },
  ];
  const untagged: Condition = { test: 'Null', variable: `aws:ResourceTag/${ENVIRONMENT_TAG}`, values: ['true'] };
  const sv = serviceArns(scope, env);
  const logGroups = [...a.logGroups, ...sv.logGroups];
  const named = {
    function: [a.function, a.functionVersions, ...sv.functions, ...sv.functionVersions],
    tables: [a.tables],
    logs: [...logGroups, ...logGroups.map((g) => `${g}:*`)],
  };
  // Tagging what carries this environment's tags, or what carries none yet and is given them in the same request.
  const tagging = (sid: string, actions: readonly string[], resources: readonly string[]): Statement[] => [
    { sid: `${sid}Tagged`, actions, resources, conditions: tagged('aws:ResourceTag') },
    { sid: `${sid}New`, actions: actions.filter((action) => !/Untag/.test(action)), resources, conditions: [untagged, ...tagged('aws:RequestTag')] },
  ];
  return [
    // Listing the versions of its own state is what a rollback through CI reads its history from.
    {
      sid: 'ListOwnState',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [s.stateBucket],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${env.stateKey}*`] }],
    },
    { sid: 'SeeStateVersioning', actions: ['s3:GetBucketVersioning'], resources: [s.stateBucket] },
    { sid: 'ReadWriteOwnState', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject'], resources: [a.state] },
    { sid: 'OwnStateLock', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [a.lock] },
    { sid: 'EncryptState', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [scope.stateKeyArn], conditions: [s.viaS3] },
    {
      sid: 'ManageOwnFunction',
      actions: [
        ...READ.lambda,
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PutFunctionConcurrency',
        'lambda:DeleteFunctionConcurrency',
        'lambda:PublishVersion',
        'lambda:CreateAlias',
        'lambda:UpdateAlias',
        'lambda:DeleteAlias',
        // The rollout's probe invokes a new version directly, before any traffic reaches it.
        'lambda:InvokeFunction',
      ],
      resources: named.function,
    },
    // The function's resource policy admits API Gateway and nobody else (the stack sets the source to its own API).
    {
      sid: 'LetOnlyApiGatewayInvoke',
      actions: ['lambda:AddPermission', 'lambda:RemovePermission'],
      resources: named.function,
      conditions: [{ test: 'StringEquals', variable: 'lambda:Principal', values: ['apigateway.amazonaws.com'] }],
    },
    ...tagging('TagOwnFunction', TAG_ACTIONS.lambda, named.function),
    { sid: 'PublishOwnLayers', actions: [...READ.layers, 'lambda:PublishLayerVersion'], resources: [a.layers, a.layerVersions] },
    { sid: 'UseManagedLayers', actions: ['lambda:GetLayerVersion'], resources: s.managedLayers },
    // The one IAM action: its environment's function role, which the bootstrap made, handed to Lambda only.
    {
      sid: 'PassOwnFunctionRoleToLambda',
      actions: ['iam:PassRole'],
      resources: [a.role, ...sv.roles],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
    ...serviceStatements(sv),
    {
      sid: 'ManageOwnLogGroups',
      actions: [...READ.logs, 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy'],
      resources: named.logs,
    },
    ...tagging('TagOwnLogGroups', TAG_ACTIONS.logs, named.logs),
    { sid: 'UnscopableActions', actions: [...UNSCOPED_ACTIONS], resources: ['*'] },
    {
      sid: 'ReadOwnFunctionLogs',
      actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      resources: [a.logGroups[0], `${a.logGroups[0]}:*`],
    },
    {
      sid: 'ManageOwnTables',
      actions: [
        ...READ.dynamodb,
        'dynamodb:CreateTable',
        'dynamodb:DeleteTable',
        'dynamodb:UpdateTable',
        'dynamodb:UpdateContinuousBackups',
        'dynamodb:UpdateTimeToLive',
      ],
      resources: named.tables,
    },
    ...tagging('TagOwnTables', TAG_ACTIONS.dynamodb, named.tables),
    // npm run verify removes the message its create check wrote (only that one: the delete is conditioned on its content).
    { sid: 'VerifyRemovesItsMessage', actions: ['dynamodb:DeleteItem'], resources: [a.messagesTable] },
    // An HTTP API is created with the stack's tags (API Gateway authorises tags on create with the create itself);
    // afterwards only an API, and what it holds and its tags, that already carries this environment's tags.
    { sid: 'CreateOwnApi', actions: ['apigateway:POST'], resources: [s.apis[0]], conditions: tagged('aws:RequestTag') },
    {
      sid: 'ManageOwnApi',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE'],
      resources: s.apis,
      conditions: tagged('aws:ResourceTag'),
    },
    {
      sid: 'ReadWriteOwnArtifacts',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
      resources: a.artifacts,
    },
    // Through S3 only: the bucket's key, for its own objects (and Lambda reading the code it names, on its behalf).
    { sid: 'EncryptOwnArtifacts', actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'], resources: [scope.artifactKeyArn], conditions: [s.viaS3] },
    {
      sid: 'ListOwnArtifacts',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [s.artifactBucket],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: a.artifactPrefixes.map((prefix) => `${prefix}*`) }],
    },
    // Whatever the statements above allow: no IAM write anywhere, nothing at all on CI's roles and policies.
    { sid: 'NeverWriteIam', effect: 'Deny', actions: [...IAM_WRITES], resources: ['*'] },
    { sid: 'NeverTouchCi', effect: 'Deny', actions: ['iam:*', 'sts:*'], resources: [ci.roles, ci.policies] },
    // A tag's value never changes, nor goes: the project and environment tags are what ownership is read from.
    ...[PROJECT_TAG, ENVIRONMENT_TAG].map((key): Statement => ({
      sid: `NeverRetag${key === PROJECT_TAG ? 'TheProject' : 'TheEnvironment'}`,
      effect: 'Deny',
      actions: SET_TAG_ACTIONS,
      resources: ['*'],
      conditions: [
        { test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: [key] },
        { test: 'StringNotEquals', variable: `aws:RequestTag/${key}`, values: [key === PROJECT_TAG ? scope.project : env.name] },
      ],
    })),
    {
      sid: 'NeverUntagTheEnvironment',
      effect: 'Deny',
      actions: UNTAG_ACTIONS,
      resources: ['*'],
      conditions: [{ test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: [PROJECT_TAG, ENVIRONMENT_TAG] }],
    },
  ];
}

/**
 * What a deploy needs for its environment's functions besides the API, beyond their functions and log groups: their
 * queues, their schedules (and passing the scheduler its role), and the event source mappings that feed a queue's
 * function, only for this environment's functions. None when the environment has none.
 */
function serviceStatements(sv: ReturnType<typeof serviceArns>): Statement[] {
  const statements: Statement[] = [];
  if (sv.queues.length) {
    statements.push({
      sid: 'ManageOwnQueues',
      actions: [
        'sqs:CreateQueue',
        'sqs:DeleteQueue',
        'sqs:GetQueueAttributes',
        'sqs:SetQueueAttributes',
        'sqs:GetQueueUrl',
        'sqs:ListQueueTags',
        'sqs:TagQueue',
        'sqs:UntagQueue',
      ],
      resources: sv.queues,
    });
  }
  if (sv.schedules.length) {
    statements.push(
      {
        sid: 'ManageOwnSchedules',
        actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: sv.schedules,
      },
      {
        sid: 'PassOwnSchedulerRole',
        actions: ['iam:PassRole'],
        resources: [sv.scheduler],
        conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['scheduler.amazonaws.com'] }],
      },
    );
  }
  if (sv.functions.length && sv.queues.length) {
    statements.push({
      sid: 'FeedOwnFunctionsFromQueues',
      actions: ['lambda:CreateEventSourceMapping', 'lambda:GetEventSourceMapping', 'lambda:UpdateEventSourceMapping', 'lambda:DeleteEventSourceMapping'],
      resources: ['*'],
      // Only mappings whose function is one of this environment's (an alias or version of it included).
      conditions: [{ test: 'ArnLike', variable: 'lambda:FunctionArn', values: [...sv.functions, ...sv.functionVersions] }],
    });
  }
  return statements;
}

/**
 * Bucket policy statements that refuse an object written with another encryption or another key than the bucket's
 * own. They apply only to a request that names its encryption (the header is present): one that names none gets
 * the bucket's default, which is that key. (`...IfExists` would be wrong here: it holds when the header is absent,
 * so such a Deny would refuse every write relying on the default, Terraform's state included.)
 */
export function encryptionDenials(what: string, objects: string, keyArn: string): Statement[] {
  const present = (key: string): Condition => ({ test: 'Null', variable: key, values: ['false'] });
  const algorithm = 's3:x-amz-server-side-encryption';
  const keyId = 's3:x-amz-server-side-encryption-aws-kms-key-id';
  return [
    {
      sid: `${what}EncryptedWithKmsOnly`,
      effect: 'Deny',
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: [present(algorithm), { test: 'StringNotEquals', variable: algorithm, values: ['aws:kms'] }],
    },
    {
      sid: `${what}EncryptedWithTheirKeyOnly`,
      effect: 'Deny',
      actions: ['s3:PutObject'],
      resources: [objects],
      conditions: [present(keyId), { test: 'StringNotEquals', variable: keyId, values: [keyArn] }],
    },
  ];
}

/** Object writes: what the artifact bucket's policy keeps to each environment's deploy role and its own prefixes. */
export const OBJECT_WRITES = [
  's3:PutObject',
  's3:PutObjectTagging',
  's3:PutObjectAcl',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteObjectTagging',
  's3:RestoreObject',
];

/**
 * The artifact bucket's policy (Deny statements, for every principal): each environment's prefixes are written by
 * its deploy role and nobody else, nothing outside them is written by anyone, and an object is written only with
 * the bucket's key. It holds whatever an identity policy in the account allows, so a role that could write the
 * bucket by mistake (or an administrator's broad policy) still cannot put code into another environment.
 */
export function artifactBucketPolicyStatements(scope: CiScope): Statement[] {
  const s = shared(scope);
  const ci = ciArns(scope);
  const objects = `${s.artifactBucket}/*`;
  return [
    ...scope.environments.map((env): Statement => ({
      sid: `Only${env.name.charAt(0).toUpperCase()}${env.name.slice(1)}DeployWritesItsPrefixes`,
      effect: 'Deny',
      actions: OBJECT_WRITES,
      resources: environmentArns(scope, env).artifacts,
      conditions: [{ test: 'ArnNotEquals', variable: 'aws:PrincipalArn', values: [ci.deployRoles[env.name]] }],
    })),
    // Outside every environment's prefixes, nobody at all: not even a deploy role whose own policy would allow it.
    {
      sid: 'NothingElseIsWritten',
      effect: 'Deny',
      actions: OBJECT_WRITES,
      resources: [],
      notResources: scope.environments.flatMap((env) => environmentArns(scope, env).artifacts),
    },
    ...encryptionDenials('Artifacts', objects, scope.artifactKeyArn),
  ];
}

/** An environment's function role: its own log group and its own table, nothing else; the bootstrap makes it. */
export function functionRoleStatements(scope: CiScope, environment: string): Statement[] {
  const env = scope.environments.find((candidate) => candidate.name === environment);
  if (!env) throw new Error(`no environment ${environment} in the CI scope`);
  const a = environmentArns(scope, env);
  return [
    { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${a.logGroups[0]}:*`] },
    { sid: 'ReadWriteOwnTable', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], resources: [a.messagesTable] },
    ...queueSends(scope, env, env.apiData ?? []),
  ];
}

/** One statement that lets a role send to the queues of the functions its grants name (none: no statement). */
function queueSends(scope: CiScope, env: CiEnvironment, grants: readonly DataGrant[]): Statement[] {
  const targets = grants.filter((grant) => grant.startsWith('queue:')).map((grant) => grant.slice('queue:'.length));
  if (!targets.length) return [];
  const s = serviceArns(scope, env);
  return [{ sid: 'SendToGrantedQueues', actions: ['sqs:SendMessage', 'sqs:GetQueueUrl'], resources: targets.map((name) => s.queueOf(name)) }];
}

/**
 * The role of one of an environment's functions besides the API: its own log group; the table as its grants say (read:
 * get and query; write: put and update); a queue function's own queue, to take batches from; the queues it may send to.
 */
export function serviceFunctionRoleStatements(scope: CiScope, environment: string, name: string): Statement[] {
  const env = scope.environments.find((candidate) => candidate.name === environment);
  const fn = env?.functions?.find((candidate) => candidate.name === name);
  if (!env || !fn) throw new Error(`no function ${name} of environment ${environment} in the CI scope`);
  const a = environmentArns(scope, env);
  const s = serviceArns(scope, env);
  const logGroup = s.logGroups[(env.functions ?? []).indexOf(fn)];
  const table = [
    ...(fn.data.includes('table:read') ? ['dynamodb:GetItem', 'dynamodb:Query'] : []),
    ...(fn.data.includes('table:write') ? ['dynamodb:PutItem', 'dynamodb:UpdateItem'] : []),
  ];
  return [
    { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${logGroup}:*`] },
    ...(table.length ? [{ sid: 'UseOwnTable', actions: table, resources: [a.messagesTable] }] : []),
    ...(fn.trigger === 'queue'
      ? [
          {
            sid: 'TakeFromOwnQueue',
            actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes'],
            resources: [s.queueOf(fn.name)],
          },
        ]
      : []),
    ...queueSends(scope, env, fn.data),
  ];
}

/** The scheduler's role of an environment: invoke its scheduled functions' aliases, and put a failed event in their dead-letter queues. */
export function schedulerRoleStatements(scope: CiScope, environment: string): Statement[] {
  const env = scope.environments.find((candidate) => candidate.name === environment);
  if (!env) throw new Error(`no environment ${environment} in the CI scope`);
  const s = serviceArns(scope, env);
  const scheduled = (env.functions ?? []).filter((fn) => fn.trigger === 'schedule');
  return [
    { sid: 'InvokeScheduledAliases', actions: ['lambda:InvokeFunction'], resources: scheduled.map((fn) => s.liveAliasOf(fn.name)) },
    { sid: 'DeadLetterFailedEvents', actions: ['sqs:SendMessage'], resources: scheduled.map((fn) => s.deadLettersOf(fn.name)) },
  ];
}

export interface GithubTrust {
  readonly repository: string;
  readonly deployBranch: string;
  readonly environments: readonly string[];
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * The claims in the OIDC subject of this repository's jobs, which the bootstrap sets as the repository's template:
 * the repository, the job's context (its environment, pull_request, or the ref) and the workflow file with the ref
 * it ran from, e.g. "repo:acme/layers:environment:prod:job_workflow_ref:acme/layers/.github/workflows/deploy-stack.yml@refs/heads/main".
 */
export const OIDC_SUBJECT_CLAIMS = ['repo', 'context', 'job_workflow_ref'] as const;

/** The workflow files whose jobs assume a CI role: the plan of a pull request, and the three that change an environment. */
export const CI_WORKFLOWS = { plan: 'plan.yml', deploy: 'deploy-stack.yml', rollback: 'rollback.yml', promote: 'promote.yml' } as const;
const CHANGING_WORKFLOWS = [CI_WORKFLOWS.deploy, CI_WORKFLOWS.rollback, CI_WORKFLOWS.promote];

export interface SubjectCondition {
  readonly test: 'StringEquals' | 'StringLike';
  readonly values: readonly string[];
}

/**
 * Who may assume each role, by OIDC subject: the plan role from this repository's pull requests (the plan
 * workflow), from the plan workflow's drift check on the deploy branch, and from the plan jobs of the deploy, rollback and promote workflows on the deploy branch; each
 * deploy role only from a job of those three workflows, on the deploy branch, in that GitHub environment (whose
 * branch rule and reviewers the bootstrap also sets). Another branch, another workflow file or another
 * environment gets a subject no role trusts.
 */
export function trustedSubjects(trust: GithubTrust): { plan: SubjectCondition; deploy: Record<string, SubjectCondition> } {
  const repo = trust.repository;
  const branch = `refs/heads/${trust.deployBranch}`;
  const workflow = (file: string, ref: string) => `job_workflow_ref:${repo}/.github/workflows/${file}@${ref}`;
  return {
    plan: {
      test: 'StringLike',
      values: [
        `repo:${repo}:pull_request:${workflow(CI_WORKFLOWS.plan, 'refs/pull/*/merge')}`,
        // The plan workflow's scheduled (and manual) drift check, on the deploy branch: it reads, as a plan does.
        `repo:${repo}:ref:${branch}:${workflow(CI_WORKFLOWS.plan, branch)}`,
        ...CHANGING_WORKFLOWS.map((file) => `repo:${repo}:ref:${branch}:${workflow(file, branch)}`),
      ],
    },
    deploy: Object.fromEntries(
      trust.environments.map((env) => [
        env,
        { test: 'StringEquals', values: CHANGING_WORKFLOWS.map((file) => `repo:${repo}:environment:${env}:${workflow(file, branch)}`) },
      ]),
    ),
  };
}

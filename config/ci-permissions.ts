/**
 * What the CI roles may do, as IAM statements: pure data from the project
 * configuration, so the scope is reviewed (and tested) without AWS.
 *
 * plan             - one role for pull requests and the deploy branch: reads what the stacks manage and
 *                    their state (decrypting it), writes nothing (plans run with -lock=false);
 * deploy-<env>     - one role per environment, assumable only from that GitHub environment: manages that
 *                    environment's resources, its state and lock, its artifacts, and nothing else; creates
 *                    IAM only for its own function role, only under the permissions boundary, and can never
 *                    touch a CI role or the boundary;
 * function boundary - the most any function role can ever do: write its logs, use its tables; no IAM.
 */
import { artifactPrefixes } from './artifact-keys';

export interface Condition {
  readonly test: string;
  readonly variable: string;
  readonly values: readonly string[];
}

export interface Statement {
  readonly sid: string;
  /** @default "Allow" */
  readonly effect?: 'Allow' | 'Deny';
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly Condition[];
}

export interface CiEnvironment {
  readonly name: string;
  /** Object key of its state, e.g. "<project>/dev/terraform.tfstate". */
  readonly stateKey: string;
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

/** The IAM path of everything CI owns (its roles, the function boundary): nothing a stack creates lives there. */
export function ciPath(project: string): string {
  return `/${project}/ci/`;
}

export const CI_ROLE_NAMES = {
  plan: (project: string) => `${project}-plan`,
  deploy: (project: string, env: string) => `${project}-deploy-${env}`,
  boundary: (project: string) => `${project}-function-boundary`,
};

/** The tag every stack resource carries (provider default tags), which API Gateway writes are conditioned on. */
export const ENVIRONMENT_TAG = 'environment';
export const PROJECT_TAG = 'project';

/** ARNs of what CI itself is: the roles and the boundary policy. No deploy role may write any of them. */
export function ciArns(scope: Pick<CiScope, 'project' | 'account' | 'partition' | 'environments'>) {
  const iam = `arn:${scope.partition ?? 'aws'}:iam::${scope.account}`;
  const path = ciPath(scope.project);
  return {
    planRole: `${iam}:role${path}${CI_ROLE_NAMES.plan(scope.project)}`,
    deployRoles: Object.fromEntries(scope.environments.map((env) => [env.name, `${iam}:role${path}${CI_ROLE_NAMES.deploy(scope.project, env.name)}`])) as Record<string, string>,
    boundary: `${iam}:policy${path}${CI_ROLE_NAMES.boundary(scope.project)}`,
    /** Every role and policy under the CI path, present or future. */
    roles: `${iam}:role${path}*`,
    policies: `${iam}:policy${path}*`,
  };
}

/** Everything one environment's stack manages, by ARN (or ARN pattern). */
export function environmentArns(scope: CiScope, env: CiEnvironment) {
  const { project, region, account } = scope;
  const partition = scope.partition ?? 'aws';
  const prefix = `${project}-${env.name}`;
  const logs = `arn:${partition}:logs:${region}:${account}:log-group:`;
  return {
    function: `arn:${partition}:lambda:${region}:${account}:function:${prefix}-api`,
    functionVersions: `arn:${partition}:lambda:${region}:${account}:function:${prefix}-api:*`,
    layers: `arn:${partition}:lambda:${region}:${account}:layer:${prefix}-*`,
    layerVersions: `arn:${partition}:lambda:${region}:${account}:layer:${prefix}-*:*`,
    /** The function's role: the one IAM role a deploy may create or change, at the root path. */
    role: `arn:${partition}:iam::${account}:role/${prefix}-api`,
    logGroups: [`${logs}/aws/lambda/${prefix}-api`, `${logs}/aws/apigateway/${prefix}-api`],
    tables: `arn:${partition}:dynamodb:${region}:${account}:table/${prefix}-*`,
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
    apis: [`arn:${partition}:apigateway:${scope.region}::/apis`, `arn:${partition}:apigateway:${scope.region}::/apis/*`, `arn:${partition}:apigateway:${scope.region}::/tags/*`],
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
  iam: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
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
  return [
    // A plan reads the state object and nothing else of the bucket: no versions, no lock.
    { sid: 'ListStatePrefix', actions: ['s3:ListBucket'], resources: [s.stateBucket], conditions: [{ test: 'StringLike', variable: 's3:prefix', values: scope.environments.map((env) => env.stateKey) }] },
    { sid: 'ReadState', actions: ['s3:GetObject'], resources: envs.map((env) => env.state) },
    { sid: 'DecryptState', actions: ['kms:Decrypt'], resources: [scope.stateKeyArn], conditions: [s.viaS3] },
    { sid: 'ReadFunctions', actions: READ.lambda, resources: envs.flatMap((env) => [env.function, env.functionVersions]) },
    { sid: 'ReadLayers', actions: READ.layers, resources: [...envs.flatMap((env) => [env.layers, env.layerVersions]), ...s.managedLayers] },
    { sid: 'ReadRoles', actions: READ.iam, resources: envs.map((env) => env.role) },
    { sid: 'ReadLogGroups', actions: READ.logs, resources: envs.flatMap((env) => [...env.logGroups, ...env.logGroups.map((g) => `${g}:*`)]) },
    { sid: 'DescribeLogGroups', actions: ['logs:DescribeLogGroups'], resources: [s.logGroupsAny] },
    { sid: 'ReadTables', actions: READ.dynamodb, resources: envs.map((env) => env.tables) },
    {
      sid: 'ReadProjectApis',
      actions: ['apigateway:GET'],
      resources: s.apis,
      conditions: [{ test: 'StringEquals', variable: `aws:ResourceTag/${PROJECT_TAG}`, values: [scope.project] }],
    },
    { sid: 'ReadArtifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], resources: envs.flatMap((env) => env.artifacts) },
  ];
}

/** One environment's deploy role: that environment's resources, state, lock and artifacts; IAM only for its function role, under the boundary. */
export function deployRoleStatements(scope: CiScope, environment: string): Statement[] {
  const env = scope.environments.find((candidate) => candidate.name === environment);
  if (!env) throw new Error(`no environment ${environment} in the CI scope`);
  const a = environmentArns(scope, env);
  const s = shared(scope);
  const ci = ciArns(scope);
  const boundary = { test: 'StringEquals', variable: 'iam:PermissionsBoundary', values: [ci.boundary] };
  const ownTag = (key: 'aws:ResourceTag' | 'aws:RequestTag'): Condition[] => [
    { test: 'StringEquals', variable: `${key}/${PROJECT_TAG}`, values: [scope.project] },
    { test: 'StringEquals', variable: `${key}/${ENVIRONMENT_TAG}`, values: [env.name] },
  ];
  return [
    // Listing the versions of its own state is what a rollback through CI reads its history from.
    { sid: 'ListOwnState', actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [s.stateBucket], conditions: [{ test: 'StringLike', variable: 's3:prefix', values: [`${env.stateKey}*`] }] },
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
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:TagResource',
        'lambda:UntagResource',
      ],
      resources: [a.function, a.functionVersions],
    },
    { sid: 'PublishOwnLayers', actions: [...READ.layers, 'lambda:PublishLayerVersion'], resources: [a.layers, a.layerVersions] },
    { sid: 'UseManagedLayers', actions: ['lambda:GetLayerVersion'], resources: s.managedLayers },
    // IAM writes: only the function's own role, and only while it carries the boundary, which forbids IAM itself.
    {
      sid: 'WriteFunctionRoleUnderBoundary',
      actions: ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:PutRolePermissionsBoundary', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
      resources: [a.role],
      conditions: [boundary],
    },
    {
      sid: 'KeepFunctionRole',
      actions: [...READ.iam, 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:UpdateRole', 'iam:TagRole', 'iam:UntagRole'],
      resources: [a.role],
    },
    {
      sid: 'PassFunctionRoleToLambdaOnly',
      actions: ['iam:PassRole'],
      resources: [a.role],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
    {
      sid: 'ManageOwnLogGroups',
      actions: [...READ.logs, 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
      resources: [...a.logGroups, ...a.logGroups.map((g) => `${g}:*`)],
    },
    { sid: 'UnscopableActions', actions: [...UNSCOPED_ACTIONS], resources: ['*'] },
    { sid: 'ReadOwnFunctionLogs', actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'], resources: [a.logGroups[0]!, `${a.logGroups[0]!}:*`] },
    {
      sid: 'ManageOwnTables',
      actions: [...READ.dynamodb, 'dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:UpdateTimeToLive', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
      resources: [a.tables],
    },
    // An HTTP API is created with the stack's tags; afterwards only an API (and what it holds) tagged with this environment.
    { sid: 'CreateOwnApi', actions: ['apigateway:POST', 'apigateway:TagResource'], resources: [s.apis[0]!, s.apis[2]!], conditions: ownTag('aws:RequestTag') },
    {
      sid: 'ManageOwnApi',
      actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE', 'apigateway:TagResource', 'apigateway:UntagResource'],
      resources: s.apis,
      conditions: ownTag('aws:ResourceTag'),
    },
    {
      sid: 'ReadWriteOwnArtifacts',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
      resources: a.artifacts,
    },
    {
      sid: 'ListOwnArtifacts',
      actions: ['s3:ListBucket', 's3:ListBucketVersions'],
      resources: [s.artifactBucket],
      conditions: [{ test: 'StringLike', variable: 's3:prefix', values: a.artifactPrefixes.map((prefix) => `${prefix}*`) }],
    },
    // Whatever the statements above allow, never a CI role or the boundary, and never a role without the boundary.
    { sid: 'NeverTouchCi', effect: 'Deny', actions: ['iam:*'], resources: [ci.roles, ci.policies] },
    { sid: 'NeverDropTheBoundary', effect: 'Deny', actions: ['iam:DeleteRolePermissionsBoundary', 'iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion'], resources: ['*'] },
    {
      sid: 'NeverUntagTheEnvironment',
      effect: 'Deny',
      actions: ['apigateway:UntagResource', 'lambda:UntagResource', 'dynamodb:UntagResource', 'logs:UntagResource', 'iam:UntagRole'],
      resources: ['*'],
      conditions: [{ test: 'ForAnyValue:StringEquals', variable: 'aws:TagKeys', values: [PROJECT_TAG, ENVIRONMENT_TAG] }],
    },
  ];
}

/** The permissions boundary of every function role: its logs and its tables at most; no IAM, whatever its own policy says. */
export function functionBoundaryStatements(scope: Pick<CiScope, 'project' | 'region' | 'account' | 'partition'>): Statement[] {
  const partition = scope.partition ?? 'aws';
  return [
    { sid: 'WriteFunctionLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`arn:${partition}:logs:${scope.region}:${scope.account}:log-group:/aws/lambda/${scope.project}-*:*`] },
    { sid: 'UseProjectTables', actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], resources: [`arn:${partition}:dynamodb:${scope.region}:${scope.account}:table/${scope.project}-*`] },
    { sid: 'NoIam', effect: 'Deny', actions: ['iam:*', 'sts:AssumeRole'], resources: ['*'] },
  ];
}

export interface GithubTrust {
  readonly repository: string;
  readonly deployBranch: string;
  readonly environments: readonly string[];
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/**
 * Who may assume each role: the plan role from this repository's pull requests and its deploy branch (read-only);
 * each deploy role only from a job that runs in that GitHub environment, whose rules and reviewers gate it.
 */
export function trustedSubjects(trust: GithubTrust): { plan: string[]; deploy: Record<string, string[]> } {
  return {
    plan: [`repo:${trust.repository}:pull_request`, `repo:${trust.repository}:ref:refs/heads/${trust.deployBranch}`],
    deploy: Object.fromEntries(trust.environments.map((env) => [env, [`repo:${trust.repository}:environment:${env}`]])),
  };
}

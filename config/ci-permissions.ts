/**
 * What the CI roles may do, as IAM statements: pure data from the project
 * configuration, so the scope is reviewed (and tested) without AWS.
 *
 * plan   - read the stacks' resources, read state, write only the lock object;
 * deploy - manage what the stacks manage, nothing more.
 */

export interface Statement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

export interface CiScope {
  readonly project: string;
  readonly region: string;
  /** The account id, or a Terraform reference to it. */
  readonly account: string;
  readonly stateBucket: string;
  /** Object keys of every environment's state, e.g. "<project>/dev/terraform.tfstate". */
  readonly stateKeys: readonly string[];
  readonly artifactBucket: string;
}

/** Accounts that publish the managed layers the hybrid strategy attaches (Powertools for AWS Lambda). */
export const MANAGED_LAYER_ACCOUNTS = ['017000801446', '094274105915'] as const;

/** Actions whose resources AWS does not let a policy narrow; each is listed here on purpose. */
export const UNSCOPED_ACTIONS = [
  'logs:DescribeLogGroups',
  'logs:CreateLogDelivery',
  'logs:GetLogDelivery',
  'logs:UpdateLogDelivery',
  'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries',
  'logs:PutResourcePolicy',
  'logs:DescribeResourcePolicies',
] as const;

function arns(scope: CiScope) {
  const { project, region, account } = scope;
  return {
    functions: `arn:aws:lambda:${region}:${account}:function:${project}-*`,
    layers: `arn:aws:lambda:${region}:${account}:layer:${project}-*`,
    layerVersions: `arn:aws:lambda:${region}:${account}:layer:${project}-*:*`,
    managedLayers: MANAGED_LAYER_ACCOUNTS.map((publisher) => `arn:aws:lambda:${region}:${publisher}:layer:AWSLambdaPowertools*:*`),
    roles: `arn:aws:iam::${account}:role/${project}-*`,
    logGroups: [`arn:aws:logs:${region}:${account}:log-group:/aws/lambda/${project}-*`, `arn:aws:logs:${region}:${account}:log-group:/aws/apigateway/${project}-*`],
    logGroupsAny: `arn:aws:logs:${region}:${account}:log-group:*`,
    tables: `arn:aws:dynamodb:${region}:${account}:table/${project}-*`,
    // HTTP API ARNs carry an id, never a name; the region is as narrow as IAM allows.
    apis: [`arn:aws:apigateway:${region}::/apis`, `arn:aws:apigateway:${region}::/apis/*`, `arn:aws:apigateway:${region}::/tags/*`],
    stateObjects: scope.stateKeys.map((key) => `arn:aws:s3:::${scope.stateBucket}/${key}`),
    lockObjects: scope.stateKeys.map((key) => `arn:aws:s3:::${scope.stateBucket}/${key}.tflock`),
    stateBucket: `arn:aws:s3:::${scope.stateBucket}`,
    artifacts: `arn:aws:s3:::${scope.artifactBucket}/layers/${project}/*`,
    artifactFunctions: `arn:aws:s3:::${scope.artifactBucket}/functions/${project}/*`,
    artifactBucket: `arn:aws:s3:::${scope.artifactBucket}`,
  };
}

const READ = {
  lambda: ['lambda:GetFunction', 'lambda:GetFunctionConfiguration', 'lambda:GetFunctionCodeSigningConfig', 'lambda:GetPolicy', 'lambda:ListVersionsByFunction', 'lambda:ListTags'],
  layers: ['lambda:GetLayerVersion', 'lambda:ListLayerVersions'],
  iam: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListRolePolicies', 'iam:ListAttachedRolePolicies'],
  logs: ['logs:ListTagsForResource', 'logs:ListTagsLogGroup'],
  dynamodb: ['dynamodb:DescribeTable', 'dynamodb:DescribeContinuousBackups', 'dynamodb:DescribeTimeToLive', 'dynamodb:ListTagsOfResource'],
  apis: ['apigateway:GET'],
};

function stateStatements(a: ReturnType<typeof arns>, stateKeys: readonly string[]): Statement[] {
  return [
    { sid: 'ListStatePrefix', actions: ['s3:ListBucket'], resources: [a.stateBucket], conditions: [{ test: 'StringLike', variable: 's3:prefix', values: stateKeys.map((key) => `${key}*`) }] },
    { sid: 'ReadState', actions: ['s3:GetObject', 's3:GetObjectVersion'], resources: a.stateObjects },
    { sid: 'StateLock', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: a.lockObjects },
  ];
}

/** The plan role: reads what the stacks manage and their state; writes only the lock objects. */
export function planRoleStatements(scope: CiScope): Statement[] {
  const a = arns(scope);
  return [
    ...stateStatements(a, scope.stateKeys),
    { sid: 'ReadFunctions', actions: READ.lambda, resources: [a.functions] },
    { sid: 'ReadLayers', actions: READ.layers, resources: [a.layers, a.layerVersions, ...a.managedLayers] },
    { sid: 'ReadRoles', actions: READ.iam, resources: [a.roles] },
    { sid: 'ReadLogGroups', actions: READ.logs, resources: [...a.logGroups, ...a.logGroups.map((g) => `${g}:*`)] },
    { sid: 'DescribeLogGroups', actions: ['logs:DescribeLogGroups'], resources: [a.logGroupsAny] },
    { sid: 'ReadTables', actions: READ.dynamodb, resources: [a.tables] },
    { sid: 'ReadApis', actions: READ.apis, resources: a.apis },
    { sid: 'ReadArtifacts', actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], resources: [a.artifacts, a.artifactFunctions] },
  ];
}

/** The deploy role: manages the stacks' resources and writes their state; nothing else. */
export function deployRoleStatements(scope: CiScope): Statement[] {
  const a = arns(scope);
  return [
    ...stateStatements(a, scope.stateKeys),
    { sid: 'WriteState', actions: ['s3:PutObject'], resources: a.stateObjects },
    {
      sid: 'ManageFunctions',
      actions: [
        ...READ.lambda,
        'lambda:CreateFunction',
        'lambda:DeleteFunction',
        'lambda:UpdateFunctionCode',
        'lambda:UpdateFunctionConfiguration',
        'lambda:PublishVersion',
        'lambda:AddPermission',
        'lambda:RemovePermission',
        'lambda:TagResource',
        'lambda:UntagResource',
      ],
      resources: [a.functions],
    },
    { sid: 'PublishLayers', actions: [...READ.layers, 'lambda:PublishLayerVersion'], resources: [a.layers, a.layerVersions] },
    { sid: 'UseManagedLayers', actions: ['lambda:GetLayerVersion'], resources: a.managedLayers },
    {
      sid: 'ManageFunctionRoles',
      actions: [...READ.iam, 'iam:CreateRole', 'iam:DeleteRole', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:TagRole', 'iam:UntagRole'],
      resources: [a.roles],
    },
    {
      sid: 'PassRolesToLambdaOnly',
      actions: ['iam:PassRole'],
      resources: [a.roles],
      conditions: [{ test: 'StringEquals', variable: 'iam:PassedToService', values: ['lambda.amazonaws.com'] }],
    },
    {
      sid: 'ManageLogGroups',
      actions: [...READ.logs, 'logs:CreateLogGroup', 'logs:DeleteLogGroup', 'logs:PutRetentionPolicy', 'logs:DeleteRetentionPolicy', 'logs:TagResource', 'logs:UntagResource', 'logs:TagLogGroup', 'logs:UntagLogGroup'],
      resources: [...a.logGroups, ...a.logGroups.map((g) => `${g}:*`)],
    },
    { sid: 'ApiAccessLogDelivery', actions: [...UNSCOPED_ACTIONS], resources: ['*'] },
    {
      sid: 'ReadFunctionLogsForVerify',
      actions: ['logs:DescribeLogStreams', 'logs:GetLogEvents', 'logs:FilterLogEvents'],
      resources: [a.logGroups[0]!, `${a.logGroups[0]!}:*`],
    },
    {
      sid: 'ManageTables',
      actions: [...READ.dynamodb, 'dynamodb:CreateTable', 'dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:UpdateContinuousBackups', 'dynamodb:UpdateTimeToLive', 'dynamodb:TagResource', 'dynamodb:UntagResource'],
      resources: [a.tables],
    },
    { sid: 'ManageApis', actions: ['apigateway:GET', 'apigateway:POST', 'apigateway:PATCH', 'apigateway:PUT', 'apigateway:DELETE', 'apigateway:TagResource', 'apigateway:UntagResource'], resources: a.apis },
    {
      sid: 'WriteArtifacts',
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:PutObject', 's3:PutObjectTagging'],
      resources: [a.artifacts, a.artifactFunctions],
    },
    { sid: 'ListArtifacts', actions: ['s3:ListBucket', 's3:ListBucketVersions'], resources: [a.artifactBucket] },
  ];
}

export interface GithubTrust {
  readonly repository: string;
  readonly deployBranch: string;
  readonly environments: readonly string[];
}

export const GITHUB_OIDC_HOST = 'token.actions.githubusercontent.com';

/** Who may assume each role: this repository's pull requests (plan); its deploy branch and GitHub environments (deploy). */
export function trustedSubjects(trust: GithubTrust): { plan: string[]; deploy: string[] } {
  return {
    plan: [`repo:${trust.repository}:pull_request`],
    deploy: [`repo:${trust.repository}:ref:refs/heads/${trust.deployBranch}`, ...trust.environments.map((env) => `repo:${trust.repository}:environment:${env}`)],
  };
}

/**
 * The typed configuration of every environment, and its defaults.
 *
 * Change a default here; override per checkout in the "context" of cdktf.json
 * (see README "Configuration"); override per shell with PROJECT_NAME, AWS_REGION
 * and STATE_BUCKET.
 */

export const NODE_RUNTIMES = ['nodejs22.x', 'nodejs24.x'] as const;
export type NodeRuntime = (typeof NODE_RUNTIMES)[number];

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Settings that apply to the whole project. */
export interface ProjectSettings {
  /**
   * Prefix of every resource name: `<project>-<env>-api`, `<project>-<env>-dependencies`.
   * @default "multicloud-auto-deploy"
   */
  readonly project: string;
  /**
   * AWS region of every stack and of the state bucket.
   * @default "ap-northeast-1"
   */
  readonly region: string;
  /**
   * S3 bucket that holds Terraform state (created by the bootstrap stack).
   * @default "<project>-terraform-state"
   */
  readonly stateBucket: string;
}

/** Settings of one environment. */
export interface EnvironmentSettings {
  /**
   * Lambda runtime of the API function.
   * @default "nodejs24.x"
   */
  readonly runtime: NodeRuntime;
  /**
   * Instruction set of the function; layers are built for it.
   * @default "x86_64"
   */
  readonly architecture: Architecture;
  /**
   * Function memory in MB, 128 to 10240.
   * @default 512 (dev 256, prod 1024)
   */
  readonly memoryMb: number;
  /**
   * Function timeout in seconds, 1 to 30: the HTTP API stops waiting after 30 seconds.
   * @default 10
   */
  readonly timeoutSeconds: number;
  /**
   * Retention of the function's and the API's log groups, one of CloudWatch's allowed values.
   * @default 14 (dev 7, staging 30, prod 90)
   */
  readonly logRetentionDays: number;
  /**
   * Folders under layers/ that the function uses, in the order Lambda applies them.
   * @default ["dependencies"]
   */
  readonly layers: readonly string[];
  /**
   * Object key of this environment's state in the state bucket.
   * @default "<project>/<env>/terraform.tfstate"
   */
  readonly stateKey: string;
  /**
   * Version the API reports on `GET /`.
   * @default "3.0.0"
   */
  readonly appVersion: string;
  /**
   * Whether the messages table refuses deletion.
   * @default false (prod true)
   */
  readonly deletionProtection: boolean;
}

/** One environment, fully resolved: what a stack is built from. */
export interface EnvironmentConfig extends EnvironmentSettings, ProjectSettings {
  /** dev, staging, prod, or a name added in context. */
  readonly name: string;
  /** `api-<name>`: the cdktf stack id. */
  readonly stackName: string;
}

export interface ProjectConfig extends ProjectSettings {
  readonly environments: readonly EnvironmentConfig[];
}

export const PROJECT_DEFAULTS: Omit<ProjectSettings, 'stateBucket'> = {
  project: 'multicloud-auto-deploy',
  region: 'ap-northeast-1',
};

/** Defaults for every environment; the state key is derived from project and name. */
export const ENVIRONMENT_DEFAULTS: Omit<EnvironmentSettings, 'stateKey'> = {
  runtime: 'nodejs24.x',
  architecture: 'x86_64',
  memoryMb: 512,
  timeoutSeconds: 10,
  logRetentionDays: 14,
  layers: ['dependencies'],
  appVersion: '3.0.0',
  deletionProtection: false,
};

/** The built-in environments and what each changes from the defaults. */
export const BUILT_IN_ENVIRONMENTS: Readonly<Record<string, Partial<EnvironmentSettings>>> = {
  dev: { memoryMb: 256, logRetentionDays: 7 },
  staging: { logRetentionDays: 30 },
  prod: { memoryMb: 1024, logRetentionDays: 90, deletionProtection: true },
};

export function defaultStateBucket(project: string): string {
  return `${project}-terraform-state`;
}

export function defaultStateKey(project: string, environment: string): string {
  return `${project}/${environment}/terraform.tfstate`;
}

export function stackNameOf(environment: string): string {
  return `api-${environment}`;
}

/** Names AWS sees, derived in one place so stacks and the local run agree. */
export function functionNameOf(env: Pick<EnvironmentConfig, 'project' | 'name'>): string {
  return `${env.project}-${env.name}-api`;
}

export function layerNameOf(env: Pick<EnvironmentConfig, 'project' | 'name'>, layer: string): string {
  return `${env.project}-${env.name}-${layer}`;
}

export function tableNameOf(env: Pick<EnvironmentConfig, 'project' | 'name'>): string {
  return `${env.project}-${env.name}-messages`;
}

/** Environment variables of the API function; the stack and the local run both use this. */
export function functionEnvironment(env: Pick<EnvironmentSettings, 'appVersion'>, tableName: string): Record<string, string> {
  return { TABLE_NAME: tableName, APP_VERSION: env.appVersion };
}

/** Node.js major version that a Lambda runtime runs, e.g. 24 for nodejs24.x. */
export function nodeMajorOf(runtime: NodeRuntime): number {
  return Number(/^nodejs(\d+)\.x$/.exec(runtime)![1]);
}

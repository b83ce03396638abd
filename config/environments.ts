/**
 * The typed configuration of every environment, and its defaults.
 *
 * Change a default here; override per checkout in the "context" of cdktf.json
 * (see docs/configuration.md); override per shell with PROJECT_NAME, AWS_REGION
 * and STATE_BUCKET.
 */

import { Runtime, FamilyId } from '../families/registry';
import { LAYER_STRATEGIES, LayerStrategy } from '../families/family';
import { API_FUNCTION, type FunctionConfig } from './functions';

export type { Runtime, FamilyId };

export { LAYER_STRATEGIES };
export type { LayerStrategy };

export const ARCHITECTURES = ['x86_64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** The values CloudWatch Logs accepts for retention_in_days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

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
  /**
   * S3 bucket for archives too large to upload to Lambda directly (layer zips over 50 MiB).
   * @default - none: a layer zip over 50 MiB fails the build, naming this setting
   */
  readonly artifactBucket?: string;
}

/** Settings of one environment. */
export interface EnvironmentSettings {
  /**
   * Which API function the environment deploys: "nodejs" (handlers/api, Hono) or
   * "python" (handlers/python_api, FastAPI + Mangum). Same routes and contract.
   * @default "nodejs", or the family of an explicitly set runtime
   */
  readonly function: FamilyId;
  /**
   * Lambda runtime of the API function.
   * @default "nodejs24.x" for the Node.js function, "python3.12" for the Python one
   */
  readonly runtime: Runtime;
  /**
   * The seed's layer strategy: "single", "hybrid" (Powertools managed layer plus a
   * minimal layer) or "split" (stable, framework, adapters).
   * @default "single"
   */
  readonly layerStrategy: LayerStrategy;
  /**
   * Pinned version of the Powertools for AWS Lambda (Python) V3 layer, used by "hybrid".
   * @default 27
   */
  readonly powertoolsPythonLayerVersion: number;
  /**
   * Pinned version of the Powertools for AWS Lambda (TypeScript) V2 layer, used by "hybrid".
   * @default 44
   */
  readonly powertoolsTypeScriptLayerVersion: number;
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
   * @default - the layers of the strategy, e.g. ["dependencies"] for "single"
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
  /**
   * Concurrent executions reserved for (and so the most allowed to) the function, 1 to 1000, so
   * that abuse of one API cannot use the account's whole concurrency. Lambda keeps at least 100
   * of the account's concurrency unreserved, so the account's limit must cover every reservation plus 100.
   * @default 10
   */
  readonly reservedConcurrency: number;
  /**
   * Requests the HTTP API stage admits at once above the steady rate (the token bucket's size), 1 to 5000.
   * @default 50
   */
  readonly throttleBurstLimit: number;
  /**
   * Requests per second the HTTP API stage admits on average, 1 to 10000; more get 429 Too Many Requests.
   * @default 20
   */
  readonly throttleRateLimit: number;
  /**
   * Days a message is kept, 0 to 3650: each message carries its expiry and DynamoDB's TTL removes it after
   * (within days; lists leave expired messages out until then). 0 keeps messages; messages written while it
   * was 0 are kept whatever it becomes.
   * @default 0
   */
  readonly messageTtlDays: number;
  /**
   * The functions the environment deploys besides the API: "all" (every function declared in the cdktf context
   * "functions" for the API's family), or a list of names (of any family). The API is always deployed.
   * @default "all"
   */
  readonly functions: 'all' | readonly string[];
  /**
   * Per function, settings over its declaration: runtime, trigger, memoryMb, timeoutSeconds, reservedConcurrency,
   * data, layers (for the API only trigger and data: the rest are the environment's own settings).
   * @default {}
   */
  readonly functionSettings: Readonly<Record<string, unknown>>;
}

/** One environment, fully resolved: what a stack is built from. */
export interface EnvironmentConfig extends Omit<EnvironmentSettings, 'functions' | 'functionSettings'>, ProjectSettings {
  /** dev, staging, prod, or a name added in context. */
  readonly name: string;
  /** `api-<name>`: the cdktf stack id. */
  readonly stackName: string;
  /** The functions it deploys, resolved: the API first (its settings the environment's), then the others in declaration order. */
  readonly functions: readonly FunctionConfig[];
}

export interface ProjectConfig extends ProjectSettings {
  readonly environments: readonly EnvironmentConfig[];
}

export const PROJECT_DEFAULTS: Omit<ProjectSettings, 'stateBucket'> = {
  project: 'multicloud-auto-deploy',
  region: 'ap-northeast-1',
};

/**
 * Defaults for every environment; the state key is derived from project and name, the layers from the strategy, the
 * function from the families (the first of the registry) and the runtime from the function's family (its default).
 */
export const ENVIRONMENT_DEFAULTS: Omit<EnvironmentSettings, 'stateKey' | 'layers' | 'function' | 'runtime' | 'functionSettings'> = {
  layerStrategy: 'single',
  powertoolsPythonLayerVersion: 27,
  powertoolsTypeScriptLayerVersion: 44,
  architecture: 'x86_64',
  memoryMb: 512,
  timeoutSeconds: 10,
  logRetentionDays: 14,
  appVersion: '3.0.0',
  deletionProtection: false,
  reservedConcurrency: 10,
  throttleBurstLimit: 50,
  throttleRateLimit: 20,
  messageTtlDays: 0,
  functions: 'all',
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

/** The layer folder behind one of this environment's layer names (layerNameOf's inverse); undefined for any other layer. */
export function ownLayerFolderOf(env: Pick<EnvironmentConfig, 'project' | 'name'>, layerName: string): string | undefined {
  const prefix = layerNameOf(env, '');
  return layerName.startsWith(prefix) ? layerName.slice(prefix.length) : undefined;
}

export function tableNameOf(env: Pick<EnvironmentConfig, 'project' | 'name'>): string {
  return `${env.project}-${env.name}-messages`;
}

/** Environment variables of the API function; the stack and the local run both use this. */
export function functionEnvironment(env: Pick<EnvironmentSettings, 'appVersion' | 'messageTtlDays'>, tableName: string): Record<string, string> {
  return { TABLE_NAME: tableName, APP_VERSION: env.appVersion, MESSAGE_TTL_DAYS: String(env.messageTtlDays) };
}

/** The environment as one of its functions runs in it: the function's runtime, memory, timeout and concurrency (the API's are the environment's). */
export function environmentOf(env: EnvironmentConfig, fn: FunctionConfig): EnvironmentConfig {
  if (fn.name === API_FUNCTION) return env;
  return { ...env, runtime: fn.runtime, memoryMb: fn.memoryMb, timeoutSeconds: fn.timeoutSeconds, reservedConcurrency: fn.reservedConcurrency };
}

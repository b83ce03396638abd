import {
  ARCHITECTURES,
  ENVIRONMENT_DEFAULTS,
  EnvironmentSettings,
  LAYER_STRATEGIES,
  LOG_RETENTION_DAYS,
  LayerStrategy,
  PROJECT_DEFAULTS,
  defaultStateBucket,
  defaultStateKey,
} from './environments';
import { FamilyRegistry, familyRegistry } from '../families/registry';
import { HTTP_API_LIMITS, LAMBDA_LIMITS } from './lambda-limits';
import { functionSettingsProblem, functionsSettingProblem } from './functions';

/**
 * Every setting in one place: what it allows (and the sentence that says so), where it comes from and
 * what it defaults to. The project's settings come from an environment variable, then the cdktf context;
 * each environment's from the context's "environments.<env>", then "defaults", then the built-in
 * environment, then the default below, resolved in RESOLUTION_ORDER (a default may read only settings
 * resolved before it). config/load-config.ts applies it and collects every problem.
 */

/** What a value must be; undefined when it is allowed, else what is allowed, in words. */
export type Allowed = (value: unknown) => string | undefined;

export type Field = keyof EnvironmentSettings;

/** A value, and where it came from, for the messages. */
export interface Candidate {
  readonly value: unknown;
  readonly source: string;
}

const integerBetween =
  (min: number, max: number, unit: string): Allowed =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max ? undefined : `an integer from ${min} to ${max} (${unit})`;

const oneOf =
  (allowed: readonly (string | number)[]): Allowed =>
  (value) =>
    allowed.includes(value as string | number) ? undefined : `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;

const matching =
  (pattern: RegExp, words: string, extra: (value: string) => boolean = () => true): Allowed =>
  (value) =>
    typeof value === 'string' && pattern.test(value) && extra(value) ? undefined : words;

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,15}$/;
// Project <= 40 and environment <= 16 characters keep every derived name within AWS limits:
// `<project>-<env>-api` <= 61 of Lambda's and IAM's 64, `<project>-<env>-<layer>` <= 122 of 140.
export const LAYER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

const bucketName = matching(
  /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  'an S3 bucket name of 3 to 63 lowercase letters, digits, "." and "-" that starts and ends with a letter or digit',
  (value) => !value.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(value),
);

/** The project's settings: one value for every environment. */
export interface ProjectSetting {
  /** The environment variable that sets it, which wins over the context. */
  readonly variable: string;
  /** The cdktf context key. */
  readonly contextKey: string;
  readonly allowed: Allowed;
  /** The default, from the settings resolved before it; none when the setting is optional. */
  readonly default?: (resolved: { readonly project: string }) => unknown;
}

export const PROJECT_SETTINGS = {
  project: {
    variable: 'PROJECT_NAME',
    contextKey: 'project',
    allowed: matching(/^[a-z][a-z0-9-]{1,38}[a-z0-9]$/, '3 to 40 lowercase letters, digits and "-", starting with a letter and not ending with "-"'),
    default: () => PROJECT_DEFAULTS.project,
  },
  region: {
    variable: 'AWS_REGION',
    contextKey: 'region',
    allowed: matching(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/, 'an AWS region code such as "ap-northeast-1"'),
    default: () => PROJECT_DEFAULTS.region,
  },
  stateBucket: { variable: 'STATE_BUCKET', contextKey: 'stateBucket', allowed: bucketName, default: ({ project }) => defaultStateBucket(project) },
  artifactBucket: { variable: 'ARTIFACT_BUCKET', contextKey: 'artifactBucket', allowed: bucketName },
} as const satisfies Record<string, ProjectSetting>;

/** What a default may read: the explicit settings of the environment, and the ones resolved before. */
export interface DefaultContext {
  readonly project: string;
  readonly environment: string;
  readonly explicit: (field: Field) => Candidate | undefined;
  readonly resolved: Readonly<Partial<Record<Field, unknown>>>;
}

export interface EnvironmentSetting {
  readonly allowed: Allowed;
  readonly default: (context: DefaultContext) => Candidate;
}

const plain = (field: Exclude<keyof typeof ENVIRONMENT_DEFAULTS, 'functions'>) => (): Candidate => ({ value: ENVIRONMENT_DEFAULTS[field], source: 'default' });

/** The settings as a registry of runtime families allows them: the function and runtime its families, the layers their strategies'. */
export function environmentSettings(families: FamilyRegistry): Readonly<Record<Field, EnvironmentSetting>> {
  const familyOf = (runtime: unknown) => (families.runtimes.includes(runtime as string) ? families.ofRuntime(runtime as string) : undefined);
  // The default function is the registry's first family (Node.js in this project).
  const first = () => families.families[0];
  return {
    // The function follows an explicit runtime's family; otherwise the first family's.
    function: {
      allowed: oneOf(families.ids),
      default: ({ explicit }) => {
        const runtime = explicit('runtime');
        const family = familyOf(runtime?.value);
        return family ? { value: family.id, source: `the family of runtime ${String(runtime!.value)}` } : { value: first().id, source: 'default' };
      },
    },
    // The runtime defaults to its function's default runtime.
    runtime: {
      allowed: oneOf(families.runtimes),
      default: ({ resolved }) => {
        const family = families.find(resolved.function);
        return family
          ? { value: family.defaultRuntime, source: `the default runtime of the ${family.id} function` }
          : { value: first().defaultRuntime, source: 'default' };
      },
    },
    layerStrategy: { allowed: oneOf(LAYER_STRATEGIES), default: plain('layerStrategy') },
    powertoolsPythonLayerVersion: { allowed: integerBetween(1, 10000, 'a published layer version'), default: plain('powertoolsPythonLayerVersion') },
    powertoolsTypeScriptLayerVersion: { allowed: integerBetween(1, 10000, 'a published layer version'), default: plain('powertoolsTypeScriptLayerVersion') },
    architecture: { allowed: oneOf(ARCHITECTURES), default: plain('architecture') },
    memoryMb: { allowed: integerBetween(LAMBDA_LIMITS.memoryMb.min, LAMBDA_LIMITS.memoryMb.max, 'MB'), default: plain('memoryMb') },
    timeoutSeconds: {
      allowed: integerBetween(
        LAMBDA_LIMITS.timeoutSeconds.min,
        HTTP_API_LIMITS.integrationTimeoutSeconds,
        `seconds; the HTTP API stops waiting after ${HTTP_API_LIMITS.integrationTimeoutSeconds}`,
      ),
      default: plain('timeoutSeconds'),
    },
    logRetentionDays: { allowed: oneOf(LOG_RETENTION_DAYS), default: plain('logRetentionDays') },
    // The layers default to the strategy's, for the runtime's family.
    layers: {
      allowed: (value) =>
        Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= LAMBDA_LIMITS.layersPerFunction &&
        value.every((name) => typeof name === 'string' && LAYER_NAME.test(name)) &&
        new Set(value).size === value.length
          ? undefined
          : `a list of 1 to ${LAMBDA_LIMITS.layersPerFunction} distinct layer folder names (Lambda attaches at most ${LAMBDA_LIMITS.layersPerFunction} layers)`,
      default: ({ resolved }) => {
        const strategy: LayerStrategy = LAYER_STRATEGIES.includes(resolved.layerStrategy as LayerStrategy)
          ? (resolved.layerStrategy as LayerStrategy)
          : 'single';
        const family = familyOf(resolved.runtime) ?? first();
        return { value: family.strategyLayers[strategy], source: `the layers of the "${strategy}" strategy for ${family.name}` };
      },
    },
    stateKey: {
      allowed: (value) =>
        typeof value === 'string' && value.length > 0 && value.length <= 1024 && !value.startsWith('/')
          ? undefined
          : 'a non-empty S3 object key that does not start with "/"',
      default: ({ project, environment }) => ({ value: defaultStateKey(project, environment), source: 'default' }),
    },
    appVersion: {
      allowed: matching(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, 'a version string such as "3.0.0" (letters, digits, ".", "+", "-"; at most 64 characters)'),
      default: plain('appVersion'),
    },
    deletionProtection: { allowed: (value) => (typeof value === 'boolean' ? undefined : 'true or false'), default: plain('deletionProtection') },
    reservedConcurrency: {
      allowed: integerBetween(1, 1000, 'concurrent executions; Lambda keeps 100 of the account unreserved'),
      default: plain('reservedConcurrency'),
    },
    throttleBurstLimit: { allowed: integerBetween(1, 5000, 'requests'), default: plain('throttleBurstLimit') },
    throttleRateLimit: { allowed: integerBetween(1, 10000, 'requests per second'), default: plain('throttleRateLimit') },
    messageTtlDays: { allowed: integerBetween(0, 3650, 'days a message is kept; 0 keeps them'), default: plain('messageTtlDays') },
    functions: { allowed: functionsSettingProblem, default: () => ({ value: ENVIRONMENT_DEFAULTS.functions, source: 'default' }) },
    functionSettings: { allowed: functionSettingsProblem, default: () => ({ value: {}, source: 'default' }) },
  };
}

/**
 * The order settings are resolved in, whatever order the table above lists them: the function, then the
 * runtime (its default follows the function), then the strategy, then the layers (their default follows
 * both), then the rest, which depend on nothing.
 */
export const RESOLUTION_ORDER: readonly Field[] = [
  'function',
  'runtime',
  'layerStrategy',
  'layers',
  'architecture',
  'powertoolsPythonLayerVersion',
  'powertoolsTypeScriptLayerVersion',
  'memoryMb',
  'timeoutSeconds',
  'logRetentionDays',
  'stateKey',
  'appVersion',
  'deletionProtection',
  'reservedConcurrency',
  'throttleBurstLimit',
  'throttleRateLimit',
  'messageTtlDays',
  'functions',
  'functionSettings',
];

/** The settings, in the order messages list them ("settings are ..."). */
export const FIELDS = Object.keys(environmentSettings(familyRegistry([]))) as Field[];

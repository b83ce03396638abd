import {
  ARCHITECTURES,
  BUILT_IN_ENVIRONMENTS,
  DEFAULT_RUNTIME,
  ENVIRONMENT_DEFAULTS,
  EnvironmentConfig,
  EnvironmentSettings,
  LAYER_STRATEGIES,
  LOG_RETENTION_DAYS,
  RUNTIMES,
  RuntimeFamily,
  STRATEGY_LAYERS,
  runtimeFamilyOf,
  PROJECT_DEFAULTS,
  ProjectConfig,
  defaultStateBucket,
  defaultStateKey,
  stackNameOf,
  LayerStrategy,
  Runtime,
} from './environments';
import { managedLayersOf } from './managed-layers';

const FAMILY_NAMES: Record<RuntimeFamily, string> = { nodejs: 'Node.js', python: 'Python' };
const FAMILY_FILES: Record<RuntimeFamily, string> = { nodejs: 'package.json', python: 'requirements.txt' };
import { configInvalid } from '../project/errors';

/** Everything configuration is resolved from; gathered by config-sources.ts. */
export interface ConfigSources {
  /** The cdktf context: cdktf.json "context", or CDKTF_CONTEXT_JSON when the cdktf CLI sets it. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Process environment; PROJECT_NAME, AWS_REGION and STATE_BUCKET are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Folders under layers/ and the runtime families each holds packages for. */
  readonly availableLayers: Readonly<Record<string, readonly RuntimeFamily[]>>;
}

type Field = keyof EnvironmentSettings;

interface Candidate {
  readonly value: unknown;
  /** Where the value came from, for error messages. */
  readonly source: string;
}

type Check = (value: unknown) => string | undefined;

const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{0,15}$/;
const PROJECT_NAME = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// Project <= 40 and environment <= 16 characters keep every derived name within AWS limits:
// `<project>-<env>-api` <= 61 of Lambda's and IAM's 64, `<project>-<env>-<layer>` <= 122 of 140.
const LAYER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

function isBucketName(value: unknown): value is string {
  return typeof value === 'string' && BUCKET.test(value) && !value.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(value);
}

const integerBetween =
  (min: number, max: number, unit: string): Check =>
  (value) =>
    Number.isInteger(value) && (value as number) >= min && (value as number) <= max
      ? undefined
      : `an integer from ${min} to ${max} (${unit})`;

const oneOf =
  (allowed: readonly (string | number)[]): Check =>
  (value) =>
    allowed.includes(value as string | number) ? undefined : `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;

const FIELD_CHECKS: Record<Field, Check> = {
  function: oneOf(['nodejs', 'python']),
  runtime: oneOf(RUNTIMES),
  layerStrategy: oneOf(LAYER_STRATEGIES),
  powertoolsPythonLayerVersion: integerBetween(1, 10000, 'a published layer version'),
  powertoolsTypeScriptLayerVersion: integerBetween(1, 10000, 'a published layer version'),
  architecture: oneOf(ARCHITECTURES),
  memoryMb: integerBetween(128, 10240, 'MB'),
  timeoutSeconds: integerBetween(1, 30, 'seconds; the HTTP API stops waiting after 30'),
  logRetentionDays: oneOf(LOG_RETENTION_DAYS),
  layers: (value) =>
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= 5 &&
    value.every((name) => typeof name === 'string' && LAYER_NAME.test(name)) &&
    new Set(value).size === value.length
      ? undefined
      : 'a list of 1 to 5 distinct layer folder names (Lambda attaches at most 5 layers)',
  stateKey: (value) =>
    typeof value === 'string' && value.length > 0 && value.length <= 1024 && !value.startsWith('/')
      ? undefined
      : 'a non-empty S3 object key that does not start with "/"',
  appVersion: (value) =>
    typeof value === 'string' && /^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(value)
      ? undefined
      : 'a version string such as "3.0.0" (letters, digits, ".", "+", "-"; at most 64 characters)',
  deletionProtection: (value) => (typeof value === 'boolean' ? undefined : 'true or false'),
  reservedConcurrency: integerBetween(1, 1000, 'concurrent executions; Lambda keeps 100 of the account unreserved'),
  throttleBurstLimit: integerBetween(1, 5000, 'requests'),
  throttleRateLimit: integerBetween(1, 10000, 'requests per second'),
};

const FIELDS = Object.keys(FIELD_CHECKS) as Field[];

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Closest known name within two edits, for "did you mean". */
function suggest(name: string, known: readonly string[]): string {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const best = known
    .map((candidate) => ({ candidate, score: distance(name, candidate) }))
    .sort((x, y) => x.score - y.score)[0];
  return best && best.score <= 2 ? ` Did you mean "${best.candidate}"?` : '';
}

function fromEnv(env: ConfigSources['env'], variable: string): Candidate | undefined {
  const value = env[variable];
  return value === undefined || value === '' ? undefined : { value, source: `environment variable ${variable}` };
}

function fromContext(context: ConfigSources['context'], key: string): Candidate | undefined {
  return context[key] === undefined ? undefined : { value: context[key], source: `cdktf context "${key}"` };
}

/**
 * Resolves and validates the configuration of every environment.
 * Precedence, lowest first: built-in defaults, context "defaults", context
 * "environments.<env>", then PROJECT_NAME / AWS_REGION / STATE_BUCKET.
 * Throws one error that lists every problem.
 */
export function loadConfig(sources: ConfigSources): ProjectConfig {
  const problems: string[] = [];
  const { context, env } = sources;

  const pick = (candidates: (Candidate | undefined)[], fallback: Candidate): Candidate =>
    candidates.find((candidate) => candidate !== undefined) ?? fallback;

  const projectPick = pick([fromEnv(env, 'PROJECT_NAME'), fromContext(context, 'project')], {
    value: PROJECT_DEFAULTS.project,
    source: 'default',
  });
  const regionPick = pick([fromEnv(env, 'AWS_REGION'), fromContext(context, 'region')], {
    value: PROJECT_DEFAULTS.region,
    source: 'default',
  });

  if (typeof projectPick.value !== 'string' || !PROJECT_NAME.test(projectPick.value)) {
    problems.push(
      `project is ${show(projectPick.value)} (from ${projectPick.source}); allowed: 3 to 40 lowercase letters, ` +
        'digits and "-", starting with a letter and not ending with "-"',
    );
  }
  if (typeof regionPick.value !== 'string' || !REGION.test(regionPick.value)) {
    problems.push(
      `region is ${show(regionPick.value)} (from ${regionPick.source}); allowed: an AWS region code such as "ap-northeast-1"`,
    );
  }
  const project = String(projectPick.value);
  const region = String(regionPick.value);

  const bucketPick = pick([fromEnv(env, 'STATE_BUCKET'), fromContext(context, 'stateBucket')], {
    value: defaultStateBucket(project),
    source: 'default',
  });
  const bucket = bucketPick.value;
  if (!isBucketName(bucket)) {
    problems.push(
      `stateBucket is ${show(bucket)} (from ${bucketPick.source}); allowed: an S3 bucket name of 3 to 63 lowercase ` +
        'letters, digits, "." and "-" that starts and ends with a letter or digit',
    );
  }

  const artifactPick = [fromEnv(env, 'ARTIFACT_BUCKET'), fromContext(context, 'artifactBucket')].find((c) => c !== undefined);
  if (artifactPick && !isBucketName(artifactPick.value)) {
    problems.push(
      `artifactBucket is ${show(artifactPick.value)} (from ${artifactPick.source}); allowed: an S3 bucket name of 3 to 63 lowercase ` +
        'letters, digits, "." and "-" that starts and ends with a letter or digit',
    );
  }
  const artifactBucket = artifactPick ? String(artifactPick.value) : undefined;

  const contextDefaults = context['defaults'];
  const contextEnvironments = context['environments'];
  if (contextDefaults !== undefined && !isPlainObject(contextDefaults)) {
    problems.push(`cdktf context "defaults" is ${show(contextDefaults)}; allowed: an object of environment settings`);
  }
  if (contextEnvironments !== undefined && !isPlainObject(contextEnvironments)) {
    problems.push(
      `cdktf context "environments" is ${show(contextEnvironments)}; allowed: an object keyed by environment name`,
    );
  }
  const defaultsOverride = isPlainObject(contextDefaults) ? contextDefaults : {};
  const environmentOverrides = isPlainObject(contextEnvironments) ? contextEnvironments : {};

  const reportUnknownFields = (settings: Record<string, unknown>, where: string): void => {
    for (const key of Object.keys(settings)) {
      if (!FIELDS.includes(key as Field)) {
        problems.push(
          `${where} has "${key}", which is not a setting; settings are ${FIELDS.join(', ')}.${suggest(key, FIELDS)}`,
        );
      }
    }
  };
  reportUnknownFields(defaultsOverride, 'cdktf context "defaults"');

  const names = [...new Set([...Object.keys(BUILT_IN_ENVIRONMENTS), ...Object.keys(environmentOverrides)])];
  const environments: EnvironmentConfig[] = [];

  for (const name of names) {
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(
        `environment name ${JSON.stringify(name)} (from cdktf context "environments") is not allowed; ` +
          'allowed: 1 to 16 lowercase letters and digits, starting with a letter',
      );
      continue;
    }
    const override = environmentOverrides[name];
    if (override !== undefined && !isPlainObject(override)) {
      problems.push(
        `environment "${name}": cdktf context "environments.${name}" is ${show(override)}; allowed: an object of settings`,
      );
      continue;
    }
    const overrideSettings = override ?? {};
    reportUnknownFields(overrideSettings, `environment "${name}": cdktf context "environments.${name}"`);

    const builtIn = BUILT_IN_ENVIRONMENTS[name] ?? {};
    let layersSource = 'default';
    const explicitSetting = (field: Field): Candidate | undefined => {
      if (overrideSettings[field] !== undefined) return { value: overrideSettings[field], source: `cdktf context "environments.${name}.${field}"` };
      if (defaultsOverride[field] !== undefined) return { value: defaultsOverride[field], source: `cdktf context "defaults.${field}"` };
      if (builtIn[field] !== undefined) return { value: builtIn[field], source: `built-in default of ${name}` };
      return undefined;
    };
    const explicitRuntime = explicitSetting('runtime');
    const resolveField = (field: Field): Candidate => {
      const explicit = explicitSetting(field);
      if (explicit) return explicit;
      if (field === 'stateKey') return { value: defaultStateKey(project, name), source: 'default' };
      if (field === 'function' && explicitRuntime && RUNTIMES.includes(explicitRuntime.value as never)) {
        return { value: runtimeFamilyOf(explicitRuntime.value as Runtime), source: `the family of runtime ${String(explicitRuntime.value)}` };
      }
      if (field === 'runtime' && (settings['function'] === 'nodejs' || settings['function'] === 'python')) {
        return { value: DEFAULT_RUNTIME[settings['function'] as RuntimeFamily], source: `the default runtime of the ${String(settings['function'])} function` };
      }
      if (field === 'layers') {
        const strategy = LAYER_STRATEGIES.includes(settings['layerStrategy'] as never) ? (settings['layerStrategy'] as LayerStrategy) : 'single';
        const family = RUNTIMES.includes(settings['runtime'] as never) ? runtimeFamilyOf(settings['runtime'] as Runtime) : 'nodejs';
        return { value: STRATEGY_LAYERS[strategy][family], source: `the layers of the "${strategy}" strategy for ${FAMILY_NAMES[family]}` };
      }
      return { value: ENVIRONMENT_DEFAULTS[field], source: 'default' };
    };

    const settings: Record<string, unknown> = {};
    const sourceOf: Partial<Record<Field, string>> = {};
    for (const field of FIELDS) {
      const candidate = resolveField(field);
      sourceOf[field] = candidate.source;
      if (field === 'layers') layersSource = candidate.source;
      const allowed = FIELD_CHECKS[field](candidate.value);
      if (allowed) {
        problems.push(
          `environment "${name}": ${field} is ${show(candidate.value)} (from ${candidate.source}); allowed: ${allowed}`,
        );
      }
      settings[field] = candidate.value;
    }

    if (RUNTIMES.includes(settings['runtime'] as never) && (settings['function'] === 'nodejs' || settings['function'] === 'python')) {
      const family = runtimeFamilyOf(settings['runtime'] as Runtime);
      if (family !== settings['function']) {
        problems.push(
          `environment "${name}": runtime is "${String(settings['runtime'])}" (from ${sourceOf.runtime}) but function is ` +
            `"${String(settings['function'])}" (from ${sourceOf.function}); allowed: a ${FAMILY_NAMES[settings['function'] as RuntimeFamily]} runtime, ` +
            `or function "${family}"`,
        );
      }
    }

    const layers = Array.isArray(settings['layers']) ? (settings['layers'] as unknown[]) : [];
    const family = RUNTIMES.includes(settings['runtime'] as never) ? runtimeFamilyOf(settings['runtime'] as Runtime) : undefined;
    const folders = Object.keys(sources.availableLayers);
    for (const layer of layers) {
      if (typeof layer !== 'string' || !LAYER_NAME.test(layer)) continue;
      const kinds = sources.availableLayers[layer];
      if (!kinds) {
        problems.push(
          `environment "${name}": layers includes "${layer}" (from ${layersSource}), but there is no folder layers/${layer}; ` +
            `add it (see README "Adding a layer") or use one of: ${folders.join(', ') || 'none'}.${suggest(layer, folders)}`,
        );
      } else if (family && !kinds.includes(family)) {
        const fitting = folders.filter((folder) => sources.availableLayers[folder]!.includes(family));
        problems.push(
          `environment "${name}": layers includes "${layer}" (from ${layersSource}), but layers/${layer} has no ` +
            `${FAMILY_FILES[family]}, so it holds no ${FAMILY_NAMES[family]} packages for the ${String(settings['runtime'])} function; ` +
            `add one, or use a layer that has: ${fitting.join(', ') || 'none'}`,
        );
      }
    }

    const resolved: EnvironmentConfig = {
      ...(settings as unknown as EnvironmentSettings),
      name,
      stackName: stackNameOf(name),
      project,
      region,
      stateBucket: String(bucket),
      ...(artifactBucket ? { artifactBucket } : {}),
    };
    try {
      managedLayersOf(resolved);
    } catch (error) {
      problems.push(`environment "${name}": ${(error as Error).message}`);
    }
    environments.push(resolved);
  }

  if (problems.length > 0) throw configInvalid(problems);
  return { project, region, stateBucket: String(bucket), ...(artifactBucket ? { artifactBucket } : {}), environments };
}

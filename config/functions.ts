/**
 * The functions of a service. A project declares them in the cdktf context "functions"; each environment deploys all
 * of its family's, or the ones its setting "functions" names, with its "functionSettings" over the declarations. The
 * API function is the environment itself: its settings function, runtime, layers, memoryMb, timeoutSeconds and
 * reservedConcurrency keep configuring it, so a configuration written before functions existed means what it meant.
 * Everything here is pure: it resolves and checks, and says every problem at once.
 */
import { didYouMean } from '../project/text';
import { FamilyId, FamilyRegistry, Runtime } from '../families/registry';
import { HTTP_API_LIMITS, LAMBDA_LIMITS } from './lambda-limits';
import { API_ROUTES } from '../handlers/api/routes';

/** The environment's API function: its name, which its Terraform addresses and AWS names have always carried. */
export const API_FUNCTION = 'api';

/** A function's name: short, so `<project>-<env>-<name>-fn` fits IAM's 64 characters; no "-", so no name pattern covers another's. */
export const FUNCTION_NAME = /^[a-z][a-z0-9]{0,15}$/;

export interface HttpTrigger {
  readonly type: 'http';
  /** API Gateway route keys on the environment's one HTTP API: "GET /api/stats", "ANY /jobs/{id}", "$default". */
  readonly routes: readonly string[];
}

export interface QueueTrigger {
  readonly type: 'queue';
  /** Messages per invocation, 1 to 10000 (above 10 needs a batching window). */
  readonly batchSize: number;
  /** Seconds Lambda gathers a batch, 0 to 300. */
  readonly maxBatchingWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue, 1 to 1000. */
  readonly maxReceiveCount: number;
}

export interface ScheduleTrigger {
  readonly type: 'schedule';
  /** EventBridge Scheduler's expression: "rate(1 day)", "cron(0 6 * * ? *)". */
  readonly expression: string;
  /** The schedule's time zone (IANA), for cron expressions. */
  readonly timezone: string;
  /** Retries of a failed invocation, 0 to 185, before the event goes to the dead-letter queue. */
  readonly retryAttempts: number;
  /** Seconds an event may wait for a retry, 60 to 86400. */
  readonly maxEventAgeSeconds: number;
}

export type Trigger = HttpTrigger | QueueTrigger | ScheduleTrigger;
export type TriggerType = Trigger['type'];
export const TRIGGER_TYPES: readonly TriggerType[] = ['http', 'queue', 'schedule'];

/** What data a function may use: the environment's table, read or written, and another function's queue, sent to. */
export type DataGrant = 'table:read' | 'table:write' | `queue:${string}`;

/** One function of one environment, resolved and checked. */
export interface FunctionConfig {
  readonly name: string;
  readonly family: FamilyId;
  readonly runtime: Runtime;
  /** The handler's source, relative to the project root: a folder (Python) or an entry file (Node.js). */
  readonly source: string;
  /** Lambda's handler setting: "main.handler", "index.handler". */
  readonly handler: string;
  readonly trigger: Trigger;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency: number;
  readonly data: readonly DataGrant[];
  /** Layer folders in the order Lambda applies them, or "auto": the build picks the fewest of the environment's that provide its imports. */
  readonly layers: readonly string[] | 'auto';
}

/** The environment, as the functions' resolution reads it (its settings, already resolved and checked). */
export interface FunctionEnvironment {
  readonly name: string;
  readonly project: string;
  /** The API's settings, which are the environment's own: its family (the setting "function"), runtime, layers, ... */
  readonly api: {
    readonly family: FamilyId;
    readonly runtime: Runtime;
    readonly layers: readonly string[];
    readonly memoryMb: number;
    readonly timeoutSeconds: number;
    readonly reservedConcurrency: number;
  };
  /** "all", or the names it deploys besides the API. */
  readonly functions: 'all' | readonly string[];
  readonly functionSettings: Readonly<Record<string, unknown>>;
}

/** What the resolution reads besides the environment: the families, the layer folders, the declarations. */
export interface FunctionSources {
  readonly families: FamilyRegistry;
  /** Folders under layers/ and the families each holds packages for. */
  readonly availableLayers: Readonly<Record<string, readonly FamilyId[]>>;
  /** The cdktf context "functions", as written. */
  readonly declared: unknown;
  /** Where a setting of the environment came from, for the messages. */
  readonly sourceOf: (field: 'functions' | 'functionSettings') => string;
}

/** The keys a declaration may have, and the ones an environment may override. */
export const DECLARATION_KEYS = [
  'family',
  'runtime',
  'source',
  'handler',
  'trigger',
  'memoryMb',
  'timeoutSeconds',
  'reservedConcurrency',
  'data',
  'layers',
] as const;
type DeclarationKey = (typeof DECLARATION_KEYS)[number];
const OVERRIDABLE: readonly DeclarationKey[] = ['runtime', 'trigger', 'memoryMb', 'timeoutSeconds', 'reservedConcurrency', 'data', 'layers'];
/** What the API's declaration and overrides may set: the rest are the environment's own settings. */
const API_KEYS: readonly DeclarationKey[] = ['trigger', 'data'];

/** Defaults of a function that is not the API. */
export const FUNCTION_DEFAULTS = {
  /** Each function's own reservation: with Lambda's unreserved 100, an account of 1000 holds 180 functions. */
  reservedConcurrency: 5,
  /** A worker or a job may run longer than an HTTP request's 30 seconds. */
  timeoutSeconds: 60,
  queue: { batchSize: 10, maxBatchingWindowSeconds: 0, maxReceiveCount: 3 },
  schedule: { timezone: 'UTC', retryAttempts: 2, maxEventAgeSeconds: 3600 },
} as const;

/** The API's data: the table, as it has always used it. */
export const API_DATA: readonly DataGrant[] = ['table:read', 'table:write'];

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'ANY'];
const ROUTE_PATH =
  /^\/(?:(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\})(?:\/(?:[A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))*(?:\/\{[A-Za-z_][A-Za-z0-9_]*\+\})?\/?|\{[A-Za-z_][A-Za-z0-9_]*\+\})?$/;
const SOURCE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*$/;
const HANDLER = /^[A-Za-z0-9_-]+(?:[./][A-Za-z0-9_-]+)*\.[A-Za-z_$][A-Za-z0-9_$]*$/;
const RATE = /^rate\((?:1 (?:minute|hour|day)|(?:[2-9]|[1-9][0-9]+) (?:minutes|hours|days))\)$/;
const CRON_FIELD = /^[0-9A-Za-z*?,/#L-]+$/;

/** The whole name AWS sees for a function of an environment: `<project>-<env>-<name>`, so the API keeps `<project>-<env>-api`. */
export function functionNameFor(env: { readonly project: string; readonly name: string }, fn: string): string {
  return `${env.project}-${env.name}-${fn}`;
}

/** The queue a function with a queue trigger is fed by has the function's whole name; its dead-letter queue adds this. */
export const DEAD_LETTER_SUFFIX = '-dlq';

/** Lambda's advice for a queue that feeds a function: a visibility timeout of six times the function's timeout (SQS allows 12 hours). */
export function visibilityTimeoutOf(timeoutSeconds: number): number {
  return Math.min(6 * timeoutSeconds, 43_200);
}

/** The functions whose queues a function may send to (its "queue:<name>" grants). */
export function queueGrantsOf(fn: Pick<FunctionConfig, 'data'>): string[] {
  return fn.data.filter((grant) => grant.startsWith('queue:')).map((grant) => grant.slice('queue:'.length));
}

/** The variable that gives a function the URL of another function's queue it may send to: QUEUE_<NAME>_URL. */
export function queueUrlVariable(fn: string): string {
  return `QUEUE_${fn.toUpperCase()}_URL`;
}

/** Whether a route key is one API Gateway accepts, in words; undefined when it is. */
export function routeKeyProblem(key: unknown): string | undefined {
  if (key === '$default') return undefined;
  if (typeof key !== 'string') return `${JSON.stringify(key)} is not a route key`;
  const [method, path, ...rest] = key.split(' ');
  const dotSegment = path?.split('/').some((segment) => segment === '.' || segment === '..');
  if (rest.length || !method || !path || !HTTP_METHODS.includes(method) || !ROUTE_PATH.test(path) || dotSegment) {
    return `${JSON.stringify(key)} is not a route key: "<METHOD> <path>" with METHOD one of ${HTTP_METHODS.join(', ')} and a path of "/"-separated segments or {parameters}, a {proxy+} last; or "$default"`;
  }
  return undefined;
}

/** Whether a schedule expression is one EventBridge Scheduler takes (rate or cron), in words; undefined when it is. */
export function scheduleExpressionProblem(expression: unknown): string | undefined {
  if (typeof expression === 'string') {
    if (RATE.test(expression)) return undefined;
    const cron = /^cron\((.*)\)$/.exec(expression);
    if (cron) {
      const fields = cron[1].trim().split(/\s+/);
      // Six fields: minutes hours day-of-month month day-of-week year; one of the two days must be "?".
      if (fields.length === 6 && fields.every((field) => CRON_FIELD.test(field)) && (fields[2] === '?') !== (fields[4] === '?')) return undefined;
    }
  }
  return (
    `${JSON.stringify(expression)} is not a schedule: "rate(1 day)", "rate(5 minutes)" (singular for 1), or ` +
    `"cron(minutes hours day-of-month month day-of-week year)" with "?" in exactly one of the two days, e.g. "cron(0 6 * * ? *)"`
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const integerIn = (value: unknown, min: number, max: number): boolean => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
const show = (value: unknown): string => (value === undefined ? 'missing' : JSON.stringify(value));

/** The environment setting "functions": "all", or a list of distinct function names. */
export function functionsSettingProblem(value: unknown): string | undefined {
  if (value === 'all') return undefined;
  return Array.isArray(value) && value.every((name) => typeof name === 'string' && FUNCTION_NAME.test(name)) && new Set(value).size === value.length
    ? undefined
    : '"all", or a list of distinct function names (1 to 16 lowercase letters and digits, starting with a letter)';
}

/** The environment setting "functionSettings": an object keyed by function name. */
export function functionSettingsProblem(value: unknown): string | undefined {
  return isPlainObject(value) ? undefined : 'an object keyed by function name, each an object of function settings';
}

interface Candidate {
  readonly value: unknown;
  readonly source: string;
}

/** Reads a trigger as written ({"queue": {...}}), with its defaults; problems pushed, undefined when it cannot be read. */
function readTrigger(where: string, candidate: Candidate, timeoutSeconds: number | undefined, problems: string[]): Trigger | undefined {
  const { value, source } = candidate;
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  if (!isPlainObject(value) || keys.length !== 1 || !TRIGGER_TYPES.includes(keys[0] as TriggerType) || !isPlainObject(value[keys[0]])) {
    problems.push(
      `${where}: trigger is ${show(value)} (from ${source}); allowed: one of {"http": {"routes": [...]}}, {"queue": {...}}, {"schedule": {"expression": ...}}`,
    );
    return undefined;
  }
  const type = keys[0] as TriggerType;
  const body = value[type] as Record<string, unknown>;
  const allowedKeys: Record<TriggerType, readonly string[]> = {
    http: ['routes'],
    queue: ['batchSize', 'maxBatchingWindowSeconds', 'maxReceiveCount'],
    schedule: ['expression', 'timezone', 'retryAttempts', 'maxEventAgeSeconds'],
  };
  for (const key of Object.keys(body)) {
    if (!allowedKeys[type].includes(key)) {
      problems.push(
        `${where}: trigger "${type}" has "${key}" (from ${source}); allowed: ${allowedKeys[type].join(', ')}.${didYouMean(key, allowedKeys[type])}`,
      );
    }
  }
  const field = <T>(key: string, fallback: T, ok: (v: unknown) => boolean, allowed: string): T => {
    const v = body[key] ?? fallback;
    if (!ok(v)) problems.push(`${where}: trigger ${type}.${key} is ${show(v)} (from ${source}); allowed: ${allowed}`);
    return v as T;
  };
  if (type === 'http') {
    const routes = body['routes'];
    if (!Array.isArray(routes) || routes.length === 0) {
      problems.push(`${where}: trigger http.routes is ${show(routes)} (from ${source}); allowed: a non-empty list of route keys such as "GET /api/stats"`);
      return undefined;
    }
    for (const route of routes) {
      const problem = routeKeyProblem(route);
      if (problem) problems.push(`${where}: trigger http.routes: ${problem} (from ${source})`);
    }
    if (new Set(routes).size !== routes.length) problems.push(`${where}: trigger http.routes lists a route twice (from ${source}); list each once`);
    if (timeoutSeconds !== undefined && timeoutSeconds > HTTP_API_LIMITS.integrationTimeoutSeconds) {
      problems.push(
        `${where}: timeoutSeconds is ${timeoutSeconds} but the function answers HTTP routes, and the HTTP API stops waiting after ` +
          `${HTTP_API_LIMITS.integrationTimeoutSeconds}; allowed: 1 to ${HTTP_API_LIMITS.integrationTimeoutSeconds}`,
      );
    }
    return { type, routes: routes as string[] };
  }
  if (type === 'queue') {
    const d = FUNCTION_DEFAULTS.queue;
    const batchSize = field('batchSize', d.batchSize, (v) => integerIn(v, 1, 10_000), 'an integer from 1 to 10000 (messages per invocation)');
    const maxBatchingWindowSeconds = field(
      'maxBatchingWindowSeconds',
      d.maxBatchingWindowSeconds,
      (v) => integerIn(v, 0, 300),
      'an integer from 0 to 300 (seconds)',
    );
    const maxReceiveCount = field(
      'maxReceiveCount',
      d.maxReceiveCount,
      (v) => integerIn(v, 1, 1000),
      'an integer from 1 to 1000 (receives before the dead-letter queue)',
    );
    if (batchSize > 10 && maxBatchingWindowSeconds < 1) {
      problems.push(
        `${where}: trigger queue.batchSize is ${batchSize} with no batching window (from ${source}); Lambda takes more than 10 only with maxBatchingWindowSeconds of at least 1: set it, or a batchSize of 10 or less`,
      );
    }
    return { type, batchSize, maxBatchingWindowSeconds, maxReceiveCount };
  }
  const d = FUNCTION_DEFAULTS.schedule;
  const expression = body['expression'];
  const expressionProblem = scheduleExpressionProblem(expression);
  if (expressionProblem) problems.push(`${where}: trigger schedule.expression: ${expressionProblem} (from ${source})`);
  const timezone = field(
    'timezone',
    d.timezone,
    (v) => typeof v === 'string' && /^[A-Za-z_]+(?:\/[A-Za-z0-9_+-]+)*$/.test(v),
    'an IANA time zone such as "UTC" or "Asia/Tokyo"',
  );
  const retryAttempts = field('retryAttempts', d.retryAttempts, (v) => integerIn(v, 0, 185), 'an integer from 0 to 185 (retries before the dead-letter queue)');
  const maxEventAgeSeconds = field('maxEventAgeSeconds', d.maxEventAgeSeconds, (v) => integerIn(v, 60, 86_400), 'an integer from 60 to 86400 (seconds)');
  return { type, expression: String(expression), timezone, retryAttempts, maxEventAgeSeconds };
}

/**
 * The functions an environment deploys, the API first, then the others in the order the declarations list them.
 * Every problem is pushed to `problems` (each naming the environment, the function, the value, where it came from and
 * what is allowed); what is returned is only meant to be used when none was.
 */
export function resolveFunctions(env: FunctionEnvironment, sources: FunctionSources, problems: string[]): FunctionConfig[] {
  const declared = isPlainObject(sources.declared) ? sources.declared : {};
  const envWhere = `environment "${env.name}"`;
  const names = Object.keys(declared);

  // Which functions: the API, then "all" of the API's family, or the ones named.
  const wanted: string[] = [API_FUNCTION];
  if (env.functions === 'all') {
    for (const name of names) {
      const family = (declared[name] as Record<string, unknown> | undefined)?.['family'];
      if (name !== API_FUNCTION && family === env.api.family) wanted.push(name);
    }
  } else {
    for (const name of env.functions) {
      if (name === API_FUNCTION) continue;
      if (!names.includes(name)) {
        problems.push(
          `${envWhere}: functions names "${name}" (from ${sources.sourceOf('functions')}), but no function "${name}" is declared; ` +
            `declare it in the cdktf context "functions" or name one of: ${[API_FUNCTION, ...names.filter((n) => n !== API_FUNCTION)].join(', ')}.${didYouMean(name, names)}`,
        );
      } else wanted.push(name);
    }
  }
  for (const name of Object.keys(env.functionSettings)) {
    if (!wanted.includes(name)) {
      problems.push(
        `${envWhere}: functionSettings has "${name}" (from ${sources.sourceOf('functionSettings')}), which ${envWhere} does not deploy; ` +
          `it deploys ${wanted.join(', ')}.${didYouMean(name, wanted)}`,
      );
    }
  }

  const resolved = wanted.map((name) => resolveOne(name, env, declared[name], env.functionSettings[name], sources, problems));
  // A grant to a declared function this environment does not deploy grants nothing here: the function gets no
  // queue URL and no permission (one declaration serves environments that deploy a part of the service).
  const deployed = new Set(resolved.flatMap((fn) => (fn ? [fn.name] : [])));
  const functions = resolved
    .filter((fn): fn is FunctionConfig => fn !== undefined)
    .map((fn) => ({ ...fn, data: fn.data.filter((grant) => !grant.startsWith('queue:') || deployed.has(grant.slice(6)) || !names.includes(grant.slice(6))) }));
  problems.push(...crossFunctionProblems(env, functions));
  return functions;
}

/** One function: its declaration, the environment's overrides over it, the defaults under it; undefined when it cannot be read at all. */
function resolveOne(
  name: string,
  env: FunctionEnvironment,
  declaration: unknown,
  override: unknown,
  { families, availableLayers, sourceOf }: FunctionSources,
  problems: string[],
): FunctionConfig | undefined {
  const where = `${envWhere(env)}: function "${name}"`;
  const isApi = name === API_FUNCTION;
  // The declaration's shape, name, family and keys are the project's: declarationProblems says them once.
  const decl = declaration === undefined ? {} : declaration;
  if (!FUNCTION_NAME.test(name) || !isPlainObject(decl)) return undefined;
  const over = override === undefined ? {} : override;
  if (!isPlainObject(over)) {
    problems.push(`${where}: "functionSettings.${name}" (from ${sourceOf('functionSettings')}) is ${show(over)}; allowed: an object of function settings`);
    return undefined;
  }
  problems.push(
    ...unknownKeys(name, Object.keys(over), isApi ? API_KEYS : OVERRIDABLE, `${where}: "functionSettings.${name}" (from ${sourceOf('functionSettings')})`),
  );

  const pick = (key: DeclarationKey): Candidate | undefined => {
    // "cdktf context "environments.dev.functionSettings"" -> "... "environments.dev.functionSettings.worker.memoryMb"".
    if (over[key] !== undefined) return { value: over[key], source: sourceOf('functionSettings').replace(/"$/, `.${name}.${key}"`) };
    if (decl[key] !== undefined) return { value: decl[key], source: `cdktf context "functions.${name}.${key}"` };
    return undefined;
  };
  const required = (key: DeclarationKey, ok: (v: unknown) => boolean, allowed: string): unknown => {
    const c = pick(key);
    if (!c || !ok(c.value)) problems.push(`${where}: ${key} is ${show(c?.value)}${c ? ` (from ${c.source})` : ''}; allowed: ${allowed}`);
    return c?.value;
  };
  const withDefault = <T>(key: DeclarationKey, fallback: T, ok: (v: unknown) => boolean, allowed: string): T => {
    const c = pick(key) ?? { value: fallback, source: 'default' };
    if (!ok(c.value)) problems.push(`${where}: ${key} is ${show(c.value)} (from ${c.source}); allowed: ${allowed}`);
    return c.value as T;
  };

  // The API is the environment's settings; the others, their declarations.
  const family = isApi ? env.api.family : (decl['family'] as FamilyId);
  const familyDef = families.find(family);
  if (!familyDef) return undefined;
  const runtime = isApi
    ? env.api.runtime
    : withDefault<Runtime>(
        'runtime',
        family === env.api.family ? env.api.runtime : familyDef.defaultRuntime,
        (v) => (familyDef.runtimes as readonly unknown[]).includes(v),
        `a ${familyDef.name} runtime: ${familyDef.runtimes.join(', ')}`,
      );
  const source = isApi
    ? familyDef.apiFunction.entry
    : (required(
        'source',
        (v) => typeof v === 'string' && SOURCE_PATH.test(v),
        'the handler\'s folder or entry file, relative to the project root, such as "handlers/worker" (no "..")',
      ) as string);
  const handler = isApi
    ? familyDef.apiFunction.handler
    : (required(
        'handler',
        (v) => typeof v === 'string' && HANDLER.test(v),
        'Lambda\'s handler setting, "<module>.<function>", such as "worker.handler"',
      ) as string);
  const memoryMb = isApi
    ? env.api.memoryMb
    : withDefault(
        'memoryMb',
        env.api.memoryMb,
        (v) => integerIn(v, LAMBDA_LIMITS.memoryMb.min, LAMBDA_LIMITS.memoryMb.max),
        `an integer from ${LAMBDA_LIMITS.memoryMb.min} to ${LAMBDA_LIMITS.memoryMb.max} (MB)`,
      );
  // An HTTP function's default is the environment's (within the HTTP API's wait); a worker's or a job's, longer.
  const written = pick('trigger')?.value;
  const answersHttp = isPlainObject(written) && Object.keys(written)[0] === 'http';
  const timeoutSeconds = isApi
    ? env.api.timeoutSeconds
    : withDefault<number>(
        'timeoutSeconds',
        answersHttp ? env.api.timeoutSeconds : FUNCTION_DEFAULTS.timeoutSeconds,
        (v) => integerIn(v, LAMBDA_LIMITS.timeoutSeconds.min, LAMBDA_LIMITS.timeoutSeconds.max),
        `an integer from ${LAMBDA_LIMITS.timeoutSeconds.min} to ${LAMBDA_LIMITS.timeoutSeconds.max} (seconds)`,
      );
  const reservedConcurrency = isApi
    ? env.api.reservedConcurrency
    : withDefault<number>(
        'reservedConcurrency',
        FUNCTION_DEFAULTS.reservedConcurrency,
        (v) => integerIn(v, 1, 1000),
        'an integer from 1 to 1000 (concurrent executions)',
      );

  const triggerCandidate = pick('trigger') ?? (isApi ? { value: { http: { routes: [...API_ROUTES] } }, source: 'default' } : undefined);
  let trigger: Trigger | undefined;
  if (!triggerCandidate)
    problems.push(`${where}: trigger is missing; allowed: one of {"http": {"routes": [...]}}, {"queue": {...}}, {"schedule": {"expression": ...}}`);
  else {
    // The API's timeout is the environment's setting, checked against the HTTP API there.
    trigger = readTrigger(where, triggerCandidate, isApi ? undefined : timeoutSeconds, problems);
    if (isApi && trigger && trigger.type !== 'http') {
      problems.push(
        `${where}: trigger is ${show(triggerCandidate.value)} (from ${triggerCandidate.source}); the API answers HTTP: allowed: {"http": {"routes": [...]}}`,
      );
    }
  }

  const data = withDefault<DataGrant[]>(
    'data',
    isApi ? [...API_DATA] : [],
    (v) =>
      Array.isArray(v) &&
      v.every((g) => g === 'table:read' || g === 'table:write' || (typeof g === 'string' && /^queue:[a-z][a-z0-9]{0,15}$/.test(g))) &&
      new Set(v).size === v.length,
    'a list of distinct grants: "table:read", "table:write", "queue:<function>" (send to that function\'s queue)',
  );

  let layers: readonly string[] | 'auto' = isApi ? env.api.layers : 'auto';
  if (!isApi) {
    const c = pick('layers') ?? { value: 'auto', source: 'default' };
    layers = c.value as readonly string[] | 'auto';
    if (c.value !== 'auto') {
      const value = c.value;
      if (!(
        Array.isArray(value) &&
        value.length >= 1 &&
        value.length <= LAMBDA_LIMITS.layersPerFunction &&
        value.every((l) => typeof l === 'string') &&
        new Set(value).size === value.length
      )) {
        problems.push(
          `${where}: layers is ${show(value)} (from ${c.source}); allowed: "auto" (the fewest of the environment's layers that provide its imports), or a list of 1 to ${LAMBDA_LIMITS.layersPerFunction} distinct layer folder names`,
        );
      } else {
        const folders = Object.keys(availableLayers);
        for (const layer of value) {
          const held = availableLayers[layer];
          if (!held)
            problems.push(
              `${where}: layers includes "${layer}" (from ${c.source}), but there is no folder layers/${layer}; use one of: ${folders.join(', ') || 'none'}.${didYouMean(layer, folders)}`,
            );
          else if (!held.includes(family))
            problems.push(
              `${where}: layers includes "${layer}" (from ${c.source}), but layers/${layer} has no ${familyDef.packageFile}, so it holds no ${familyDef.name} packages; use a layer that has one`,
            );
        }
      }
    }
  }

  const fullName = `${functionNameFor(env, name)}-fn`;
  if (fullName.length > 64) {
    problems.push(
      `${where}: its role name ${JSON.stringify(fullName)} is ${fullName.length} characters; IAM allows 64: shorten the function's, the environment's or the project's name`,
    );
  }
  if (!trigger) return undefined;
  return { name, family, runtime, source, handler, trigger, memoryMb, timeoutSeconds, reservedConcurrency, data, layers };
}

/** Keys that are not settings where they are written, each with the fix. */
function unknownKeys(name: string, keys: readonly string[], allowed: readonly DeclarationKey[], at: string): string[] {
  const isApi = name === API_FUNCTION;
  return keys
    .filter((key) => !allowed.includes(key as DeclarationKey))
    .map((key) => {
      const why =
        isApi && (DECLARATION_KEYS as readonly string[]).includes(key)
          ? `the API's ${key === 'family' ? 'family is the environment\'s setting "function"' : `${key} is the environment's own setting`}; set it on the environment`
          : `allowed: ${allowed.join(', ')}.${didYouMean(key, allowed)}`;
      return `${at} has "${key}", which is not a setting there; ${why}`;
    });
}

/**
 * The project's declarations (the cdktf context "functions"), said once whatever deploys them: their shape, names,
 * families and keys. The values are checked per environment, where overrides and defaults meet them.
 */
export function declarationProblems(declared: unknown, families: FamilyRegistry): string[] {
  if (declared === undefined) return [];
  if (!isPlainObject(declared)) return [`cdktf context "functions" is ${show(declared)}; allowed: an object keyed by function name`];
  const problems: string[] = [];
  for (const [name, declaration] of Object.entries(declared)) {
    const at = `cdktf context "functions.${name}"`;
    if (!FUNCTION_NAME.test(name)) {
      problems.push(`${at}: the name ${JSON.stringify(name)} is not allowed; allowed: 1 to 16 lowercase letters and digits, starting with a letter`);
      continue;
    }
    if (!isPlainObject(declaration)) {
      problems.push(`${at} is ${show(declaration)}; allowed: an object of function settings`);
      continue;
    }
    const isApi = name === API_FUNCTION;
    problems.push(...unknownKeys(name, Object.keys(declaration), isApi ? API_KEYS : DECLARATION_KEYS, at));
    if (!isApi && !families.ids.includes(declaration['family'] as string)) {
      problems.push(`${at}: family is ${show(declaration['family'])}; allowed: one of ${families.ids.map((id) => JSON.stringify(id)).join(', ')}`);
    }
  }
  return problems;
}

function envWhere(env: { readonly name: string }): string {
  return `environment "${env.name}"`;
}

/** What holds across an environment's functions: each route has one function, each queue a sender that it deploys. */
export function crossFunctionProblems(env: { readonly name: string }, functions: readonly FunctionConfig[]): string[] {
  const problems: string[] = [];
  const claimed = new Map<string, string>();
  for (const fn of functions) {
    if (fn.trigger.type !== 'http') continue;
    for (const route of fn.trigger.routes) {
      const owner = claimed.get(route);
      if (owner) problems.push(`${envWhere(env)}: route "${route}" is claimed by "${owner}" and by "${fn.name}"; give each route one function`);
      else claimed.set(route, fn.name);
    }
  }
  const queues = new Set(functions.filter((fn) => fn.trigger.type === 'queue').map((fn) => fn.name));
  for (const fn of functions) {
    for (const grant of fn.data) {
      if (!grant.startsWith('queue:')) continue;
      const target = grant.slice('queue:'.length);
      if (!queues.has(target)) {
        // What resolveFunctions leaves: a grant to a function with no queue, or to one no declaration names.
        const deployed = functions.find((other) => other.name === target);
        problems.push(
          `${envWhere(env)}: function "${fn.name}" may send to "${grant}", but ` +
            (deployed ? `"${target}" has no queue trigger` : `no function "${target}" is declared`) +
            `; declare a function with a queue trigger by that name, or remove the grant`,
        );
      }
    }
  }
  return problems;
}

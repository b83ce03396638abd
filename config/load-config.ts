import { didYouMean, textOf } from '../project/text';
import { BUILT_IN_ENVIRONMENTS, EnvironmentConfig, EnvironmentSettings, ProjectConfig, FamilyId, stackNameOf } from './environments';
import { FamilyRegistry } from '../families/registry';
import { managedLayersOf } from './managed-layers';
import {
  Candidate,
  ENVIRONMENT_NAME,
  environmentSettings,
  FIELDS,
  Field,
  LAYER_NAME,
  PROJECT_SETTINGS,
  ProjectSetting,
  RESOLUTION_ORDER,
} from './settings-schema';
import { configInvalid } from './errors';
import { FunctionEnvironment, declarationProblems, resolveFunctions } from './functions';

/** Everything configuration is resolved from; gathered by config-sources.ts. */
export interface ConfigSources {
  /** The cdktf context: cdktf.json "context", or CDKTF_CONTEXT_JSON when the cdktf CLI sets it. */
  readonly context: Readonly<Record<string, unknown>>;
  /** Process environment; PROJECT_NAME, AWS_REGION, STATE_BUCKET and ARTIFACT_BUCKET are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The runtime families the configuration may name, as the entry point assembled them. */
  readonly families: FamilyRegistry;
  /** Folders under layers/ and the runtime families each holds packages for. */
  readonly availableLayers: Readonly<Record<string, readonly FamilyId[]>>;
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A project setting from its environment variable, else the context; undefined when neither sets it. */
function explicitProjectSetting(sources: ConfigSources, setting: ProjectSetting): Candidate | undefined {
  const fromEnv = sources.env[setting.variable];
  if (fromEnv !== undefined && fromEnv !== '') return { value: fromEnv, source: `environment variable ${setting.variable}` };
  const fromContext = sources.context[setting.contextKey];
  return fromContext === undefined ? undefined : { value: fromContext, source: `cdktf context "${setting.contextKey}"` };
}

/** Where an environment's settings come from, most specific first. */
function environmentLayers(name: string, override: Record<string, unknown>, defaults: Record<string, unknown>): (field: Field) => Candidate | undefined {
  const builtIn: Partial<EnvironmentSettings> = BUILT_IN_ENVIRONMENTS[name] ?? {};
  return (field) => {
    if (override[field] !== undefined) return { value: override[field], source: `cdktf context "environments.${name}.${field}"` };
    if (defaults[field] !== undefined) return { value: defaults[field], source: `cdktf context "defaults.${field}"` };
    if (builtIn[field] !== undefined) return { value: builtIn[field], source: `built-in default of ${name}` };
    return undefined;
  };
}

/** What holds across settings: the runtime fits the function, each layer folder exists and holds the runtime's packages. */
function crossChecks(
  name: string,
  settings: Record<string, unknown>,
  sourceOf: Partial<Record<Field, string>>,
  { availableLayers, families }: Pick<ConfigSources, 'availableLayers' | 'families'>,
): string[] {
  const problems: string[] = [];
  const runtime = settings['runtime'];
  const runtimeFamily = families.runtimes.includes(runtime as string) ? families.ofRuntime(runtime as string) : undefined;
  const family = runtimeFamily?.id;
  const fn = families.find(settings['function']);
  if (family && fn && family !== fn.id) {
    problems.push(
      `environment "${name}": runtime is "${String(settings['runtime'])}" (from ${sourceOf.runtime}) but function is ` +
        `"${fn.id}" (from ${sourceOf.function}); allowed: a ${fn.name} runtime, or function "${family}"`,
    );
  }
  const folders = Object.keys(availableLayers);
  for (const layer of Array.isArray(settings['layers']) ? (settings['layers'] as unknown[]) : []) {
    if (typeof layer !== 'string' || !LAYER_NAME.test(layer)) continue;
    const kinds = availableLayers[layer];
    if (!kinds) {
      problems.push(
        `environment "${name}": layers includes "${layer}" (from ${sourceOf.layers}), but there is no folder layers/${layer}; ` +
          `add it (see docs/layers.md, "Adding a layer") or use one of: ${folders.join(', ') || 'none'}.${didYouMean(layer, folders)}`,
      );
    } else if (family && !kinds.includes(family)) {
      const fitting = folders.filter((folder) => availableLayers[folder].includes(family));
      problems.push(
        `environment "${name}": layers includes "${layer}" (from ${sourceOf.layers}), but layers/${layer} has no ` +
          `${runtimeFamily.packageFile}, so it holds no ${runtimeFamily.name} packages for the ${String(settings['runtime'])} function; ` +
          `add one, or use a layer that has: ${fitting.join(', ') || 'none'}`,
      );
    }
  }
  return problems;
}

/**
 * Resolves and validates the configuration of every environment, by the schema in settings-schema.ts.
 * Precedence, lowest first: built-in defaults, context "defaults", context "environments.<env>", then
 * PROJECT_NAME / AWS_REGION / STATE_BUCKET / ARTIFACT_BUCKET for the project's settings.
 * Throws one error that lists every problem; nothing is returned half-checked.
 */
export function loadConfig(sources: ConfigSources): ProjectConfig {
  const problems: string[] = [];
  const { context } = sources;
  const settingsOf = environmentSettings(sources.families);

  const project: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(PROJECT_SETTINGS) as [keyof typeof PROJECT_SETTINGS, ProjectSetting][]) {
    const explicit = explicitProjectSetting(sources, setting);
    const candidate = explicit ?? (setting.default ? { value: setting.default({ project: String(project['project']) }), source: 'default' } : undefined);
    if (!candidate) continue;
    const allowed = setting.allowed(candidate.value);
    if (allowed) problems.push(`${key} is ${show(candidate.value)} (from ${candidate.source}); allowed: ${allowed}`);
    project[key] = candidate.value;
  }
  const projectName = String(project['project']);
  const base = {
    project: projectName,
    region: String(project['region']),
    stateBucket: String(project['stateBucket']),
    ...(project['artifactBucket'] !== undefined ? { artifactBucket: textOf(project['artifactBucket']) } : {}),
  };

  const contextDefaults = context['defaults'];
  const contextEnvironments = context['environments'];
  if (contextDefaults !== undefined && !isPlainObject(contextDefaults)) {
    problems.push(`cdktf context "defaults" is ${show(contextDefaults)}; allowed: an object of environment settings`);
  }
  if (contextEnvironments !== undefined && !isPlainObject(contextEnvironments)) {
    problems.push(`cdktf context "environments" is ${show(contextEnvironments)}; allowed: an object keyed by environment name`);
  }
  const defaults = isPlainObject(contextDefaults) ? contextDefaults : {};
  const overrides = isPlainObject(contextEnvironments) ? contextEnvironments : {};
  const reportUnknownFields = (settings: Record<string, unknown>, where: string): void => {
    for (const key of Object.keys(settings)) {
      if (!FIELDS.includes(key as Field))
        problems.push(`${where} has "${key}", which is not a setting; settings are ${FIELDS.join(', ')}.${didYouMean(key, FIELDS)}`);
    }
  };
  reportUnknownFields(defaults, 'cdktf context "defaults"');
  problems.push(...declarationProblems(context['functions'], sources.families));

  const environments: EnvironmentConfig[] = [];
  for (const name of [...new Set([...Object.keys(BUILT_IN_ENVIRONMENTS), ...Object.keys(overrides)])]) {
    if (!ENVIRONMENT_NAME.test(name)) {
      problems.push(
        `environment name ${JSON.stringify(name)} (from cdktf context "environments") is not allowed; allowed: 1 to 16 lowercase letters and digits, starting with a letter`,
      );
      continue;
    }
    const override = overrides[name];
    if (override !== undefined && !isPlainObject(override)) {
      problems.push(`environment "${name}": cdktf context "environments.${name}" is ${show(override)}; allowed: an object of settings`);
      continue;
    }
    reportUnknownFields(override ?? {}, `environment "${name}": cdktf context "environments.${name}"`);

    const explicit = environmentLayers(name, override ?? {}, defaults);
    const settings: Partial<Record<Field, unknown>> = {};
    const sourceOf: Partial<Record<Field, string>> = {};
    const fieldProblems: Partial<Record<Field, string>> = {};
    for (const field of RESOLUTION_ORDER) {
      const candidate = explicit(field) ?? settingsOf[field].default({ project: projectName, environment: name, explicit, resolved: settings });
      const allowed = settingsOf[field].allowed(candidate.value);
      if (allowed) fieldProblems[field] = `environment "${name}": ${field} is ${show(candidate.value)} (from ${candidate.source}); allowed: ${allowed}`;
      settings[field] = candidate.value;
      sourceOf[field] = candidate.source;
    }
    // Said in the order the settings are listed, whatever order they were resolved in.
    for (const field of FIELDS) if (fieldProblems[field]) problems.push(fieldProblems[field]);
    problems.push(...crossChecks(name, settings, sourceOf, sources));

    // The functions, once the settings they read are sound (else their messages would only repeat these).
    const functions = (['function', 'runtime', 'layers', 'functions', 'functionSettings'] as const).some((field) => fieldProblems[field])
      ? []
      : resolveFunctions(
          {
            name,
            project: projectName,
            api: {
              family: settings.function as FamilyId,
              runtime: settings.runtime as EnvironmentSettings['runtime'],
              layers: settings.layers as readonly string[],
              memoryMb: settings.memoryMb as number,
              timeoutSeconds: settings.timeoutSeconds as number,
              reservedConcurrency: settings.reservedConcurrency as number,
            },
            functions: settings.functions as FunctionEnvironment['functions'],
            functionSettings: settings.functionSettings as FunctionEnvironment['functionSettings'],
          },
          {
            families: sources.families,
            availableLayers: sources.availableLayers,
            declared: context['functions'],
            sourceOf: (field) => sourceOf[field] ?? 'default',
          },
          problems,
        );
    const { functions: _named, functionSettings: _over, ...own } = settings as unknown as EnvironmentSettings;
    const resolved: EnvironmentConfig = { ...own, name, stackName: stackNameOf(name), ...base, functions };
    try {
      if (sources.families.runtimes.includes(resolved.runtime)) managedLayersOf(sources.families.ofRuntime(resolved.runtime), resolved);
    } catch (error) {
      problems.push(`environment "${name}": ${(error as Error).message}`);
    }
    environments.push(resolved);
  }

  if (problems.length > 0) {
    const variables = Object.values(PROJECT_SETTINGS).map((setting) => setting.variable);
    throw configInvalid(
      problems,
      'Settings, what they allow and their defaults are in config/settings-schema.ts (the built-in environments in config/environments.ts); ' +
        `set them in the "context" of cdktf.json, or with the environment variables ${variables.slice(0, -1).join(', ')} and ${variables[variables.length - 1]}. See docs/configuration.md.`,
    );
  }
  return { ...base, environments };
}

import { ROLLOUT_OUTPUTS } from '../config/rollout-names';
import { DescribedLayer, parseLayerDescription } from '../artifacts/layer-description';
import { DEPLOYMENT_OUTPUTS, RollbackScope } from '../config/deployment-record';
import { textOf } from '../project/text';
import { API_FUNCTION } from '../config/functions';

/**
 * What one Terraform state (format version 4) says about a deployment, found by
 * resource type, never by logical name: the layer versions, the function's code
 * and layers, and the commit the deploy came from.
 */

type Json = Record<string, unknown>;

export interface DeployedLayer {
  /** The layer version ARN, e.g. arn:aws:lambda:...:layer:<name>:<version>. */
  readonly arn: string;
  readonly layerName: string;
  readonly version: number;
  /** The content hash from the description the stacks write, when present. */
  readonly contentHash?: string;
  /** The zip's sha256 (base64) as Lambda reported it when the version was published (code_sha256, else source_code_hash). */
  readonly codeSha256?: string;
  /** The layer's direct packages from that description; `complete` is false when it was cut at Lambda's 256 characters. */
  readonly packages?: DescribedLayer['packages'];
}

export interface DeployedFunction {
  readonly functionName: string;
  /** Layer ARNs attached, in order (managed layers included). */
  readonly layers: readonly string[];
  /** source_code_hash: base64 sha256 of the code zip. */
  readonly codeHash: string;
  /** Where the code came from when it went through the artifact bucket. */
  readonly s3?: { readonly bucket: string; readonly key: string; readonly version?: string };
  readonly runtime?: string;
  readonly architectures?: readonly string[];
}

export interface DeploymentState {
  readonly serial: number;
  /** The stack's outputs, by name (api_url, function_name, ...). */
  readonly outputs?: Readonly<Record<string, unknown>>;
  readonly lineage: string;
  readonly terraformVersion: string;
  /** The commit the deploy recorded (output deployed_commit), when it did. */
  readonly commit?: string;
  /** Who ran the deploy and from where (outputs deployed_by, deployed_from), when it recorded that. */
  readonly origin?: { readonly by: string; readonly from?: string };
  /** The serial a rollback restored, and what of it (outputs rolled_back_to_serial, rollback_scope). */
  readonly rollback?: { readonly serial: number; readonly scope: RollbackScope };
  /** The function's newest published version and the one the alias live pointed to (outputs newest_version, live_version). */
  readonly versions?: { readonly newest?: string; readonly live?: string; readonly canary?: { readonly version: string; readonly percent: number } };
  /** The stack's other functions: each one's newest version and where its alias live pointed (outputs function_versions, function_live_versions). */
  readonly functions?: readonly OtherFunction[];
  readonly layers: readonly DeployedLayer[];
  readonly function?: DeployedFunction;
}

/** Another function of the stack, by its name in the configuration. */
export interface OtherFunction {
  readonly name: string;
  readonly newest?: string;
  readonly live?: string;
  /** Its code and layers, when the state holds it (named as the API's, with its own name for "api"). */
  readonly deployed?: DeployedFunction;
}

/** Every function of a deployment with its code and layers, by name in the configuration: the API as "api". */
export function deployedFunctions(state: Pick<DeploymentState, 'function' | 'functions'>): Record<string, DeployedFunction> {
  return {
    ...(state.function ? { [API_FUNCTION]: state.function } : {}),
    ...Object.fromEntries((state.functions ?? []).flatMap((fn) => (fn.deployed ? [[fn.name, fn.deployed]] : []))),
  };
}

export class StateFormatError extends Error {}

function deployedFunctionOf(fn: Json): DeployedFunction {
  const bucket = text(fn['s3_bucket']);
  const key = text(fn['s3_key']);
  const version = text(fn['s3_object_version']);
  return {
    functionName: textOf(fn['function_name']),
    layers: Array.isArray(fn['layers']) ? (fn['layers'] as unknown[]).map(String) : [],
    codeHash: textOf(fn['source_code_hash'] ?? fn['code_sha256']),
    ...(text(fn['runtime']) ? { runtime: text(fn['runtime'])! } : {}),
    ...(Array.isArray(fn['architectures']) ? { architectures: (fn['architectures'] as unknown[]).map(String) } : {}),
    ...(bucket && key ? { s3: { bucket, key, ...(version ? { version } : {}) } } : {}),
  };
}

function instancesOf(state: Json, type: string): Json[] {
  const resources = Array.isArray(state['resources']) ? (state['resources'] as Json[]) : [];
  return resources
    .filter((resource) => resource['mode'] === 'managed' && resource['type'] === type)
    .flatMap((resource) => (Array.isArray(resource['instances']) ? (resource['instances'] as Json[]) : []))
    .map((instance) => (instance['attributes'] ?? {}) as Json);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Layer name and version from a layer version ARN. */
export function parseLayerArn(arn: string): { name: string; version: number } | undefined {
  const match = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:layer:([\w-]+):(\d+)$/.exec(arn);
  return match ? { name: match[1], version: Number(match[2]) } : undefined;
}

/** Reads a state file's JSON; throws StateFormatError for anything that is not state format 4. */
export function readDeploymentState(text_: string): DeploymentState {
  let state: Json;
  try {
    state = JSON.parse(text_) as Json;
  } catch (error) {
    throw new StateFormatError(`not JSON (${(error as Error).message})`);
  }
  if (state['version'] !== 4 || typeof state['serial'] !== 'number') {
    throw new StateFormatError(`not a Terraform state of format version 4 (version ${JSON.stringify(state['version'])})`);
  }
  const layers: DeployedLayer[] = instancesOf(state, 'aws_lambda_layer_version').flatMap((attributes) => {
    const arn = text(attributes['arn']);
    const parsed = arn ? parseLayerArn(arn) : undefined;
    if (!arn || !parsed) return [];
    const codeSha256 = text(attributes['code_sha256']) ?? text(attributes['source_code_hash']);
    return [
      {
        arn,
        layerName: text(attributes['layer_name']) ?? parsed.name,
        version: parsed.version,
        ...(codeSha256 ? { codeSha256 } : {}),
        ...parseLayerDescription(textOf(attributes['description'])),
      },
    ];
  });
  const outputs = (state['outputs'] ?? {}) as Record<string, { value?: unknown }>;
  // The API's function: the one the stack's output function_name names (a stack of several has others), else the only one.
  const functions = instancesOf(state, 'aws_lambda_function');
  const apiName = text(outputs['function_name']?.value);
  const fn = functions.find((candidate) => apiName !== undefined && candidate['function_name'] === apiName) ?? functions[0];
  const commit = text(outputs[DEPLOYMENT_OUTPUTS.commit]?.value);
  const by = text(outputs[DEPLOYMENT_OUTPUTS.by]?.value);
  const from = text(outputs[DEPLOYMENT_OUTPUTS.from]?.value);
  const rolledBackTo = text(outputs[DEPLOYMENT_OUTPUTS.rolledBackTo]?.value);
  const scope = text(outputs[DEPLOYMENT_OUTPUTS.rollbackScope]?.value) === 'layers' ? 'layers' : 'layers and code';
  const deployedFunction = fn ? deployedFunctionOf(fn) : undefined;
  const outputValues = Object.fromEntries(Object.entries(outputs).map(([name, output]) => [name, output?.value]));
  const newest = text(outputs['newest_version']?.value);
  const live = text(outputs['live_version']?.value);
  const canaryOutput = outputs['canary']?.value as { version?: unknown; percent?: unknown } | undefined;
  const canary = text(canaryOutput?.version) ? { version: String(canaryOutput!.version), percent: Number(canaryOutput!.percent ?? 0) } : undefined;
  const mapOf = (name: string): Record<string, unknown> => {
    const value = outputs[name]?.value;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  };
  const [newestOf, liveOf] = [mapOf(ROLLOUT_OUTPUTS.functionVersions), mapOf(ROLLOUT_OUTPUTS.functionLiveVersions)];
  // Another function's whole name is the API's with its own name in place of "api" (functionNameFor).
  const prefix = apiName?.endsWith(`-${API_FUNCTION}`) ? apiName.slice(0, -API_FUNCTION.length) : undefined;
  const others = [...new Set([...Object.keys(newestOf), ...Object.keys(liveOf)])].sort().map((name): OtherFunction => {
    const instance = prefix !== undefined ? functions.find((candidate) => candidate['function_name'] === `${prefix}${name}`) : undefined;
    return {
      name,
      ...(text(newestOf[name]) ? { newest: text(newestOf[name])! } : {}),
      ...(text(liveOf[name]) ? { live: text(liveOf[name])! } : {}),
      ...(instance ? { deployed: deployedFunctionOf(instance) } : {}),
    };
  });
  return {
    serial: state['serial'],
    outputs: outputValues,
    lineage: textOf(state['lineage']),
    terraformVersion: textOf(state['terraform_version']),
    ...(commit ? { commit } : {}),
    ...(by ? { origin: { by, ...(from ? { from } : {}) } } : {}),
    ...(rolledBackTo && /^\d+$/.test(rolledBackTo) ? { rollback: { serial: Number(rolledBackTo), scope: scope } } : {}),
    ...(newest || live ? { versions: { ...(newest ? { newest } : {}), ...(live ? { live } : {}), ...(canary ? { canary } : {}) } } : {}),
    ...(others.length ? { functions: others } : {}),
    layers,
    ...(deployedFunction ? { function: deployedFunction } : {}),
  };
}

import { parseLayerDescription } from '../artifacts/layer-description';
import { Deployment } from '../history/deployments';
import { deployedFunctions, parseLayerArn } from '../history/terraform-state';
import { knownLayers } from '../history/layer-rollback';
import { LayerContents, contentsFromDescribed } from '../review/layer-packages';
import { EnvironmentReading, LayerVersionSeen, ListingFailure, aliasShares } from './readings';

/**
 * The ledger: for every version of an environment's layers, who runs it. Lambda has no call that lists a layer
 * version's consumers, so it is put together from each function's versions and aliases (as Lambda lists them), the
 * retained deployments (the state history, each one a way back), and the manifest each deploy stored for the
 * version's content. Pure.
 */

/** A function version that has the layer version attached. */
export interface LedgerFunctionVersion {
  /** The function's name in the configuration, or its name in AWS for a function outside the environment. */
  readonly function: string;
  readonly version: string;
}

/** An alias that sends requests to a version that has the layer version attached, and what share of them. */
export interface LedgerAlias {
  readonly function: string;
  readonly alias: string;
  readonly version: string;
  /** 0 to 1: the whole alias, or a canary's weight. */
  readonly share: number;
}

/** A retained deployment whose functions have the layer version attached: a rollback to it attaches the version again. */
export interface LedgerDeployment {
  readonly serial: number;
  readonly time: string;
  /** Its functions that have it attached (by name in the configuration), or empty when only its layer resource names it. */
  readonly functions: readonly string[];
}

/**
 * - `serving`: an alias sends requests to a version that runs it;
 * - `attached`: a function version has it (the unaliased $LATEST, a version promote may move back to, or a function outside the environment);
 * - `retained`: only a retained deployment needs it, for a rollback;
 * - `free`: nothing does;
 * - `unknown`: nothing read needs it, but a list could not be read to its end, so it is not called free.
 */
export type LedgerStatus = 'serving' | 'attached' | 'retained' | 'free' | 'unknown';

export interface LedgerEntry {
  readonly arn: string;
  readonly layerName: string;
  readonly version: number;
  readonly created?: string;
  readonly status: LedgerStatus;
  /** The content hash from the version's description (16 hex characters), when the stacks published it. */
  readonly contentHash?: string;
  readonly codeSha256?: string;
  /** The zip's bytes, as Lambda reports them. */
  readonly zippedBytes?: number;
  /** The tree's bytes, from the stored manifest. */
  readonly unzippedBytes?: number;
  /** Its packages: every one from the stored manifest, else the direct ones its description names (`source` says which). */
  readonly packages?: { readonly list: LayerContents['packages']; readonly source: LayerContents['source']; readonly complete: boolean };
  readonly aliases: readonly LedgerAlias[];
  readonly functionVersions: readonly LedgerFunctionVersion[];
  /** Function versions outside the environment (name:version in AWS). */
  readonly outside: readonly LedgerFunctionVersion[];
  readonly deployments: readonly LedgerDeployment[];
  /** Why its size is not shown. */
  readonly sizeUnknown?: string;
  /** Gone from Lambda's listing, yet a function version or a retained deployment names it: what runs it keeps running, nothing can attach it again. */
  readonly deleted?: true;
}

export interface Ledger {
  /** Every version of the environment's layers: by layer name, newest version first. */
  readonly entries: readonly LedgerEntry[];
  /** Every list that could not be read to its end; while there is one, no version is free. */
  readonly incomplete: readonly ListingFailure[];
  /** The environment's functions Lambda does not have (configured, or in a retained deployment, but not deployed). */
  readonly absent: readonly string[];
  /** False when the region's other functions were not read: free then means free of the environment's functions. */
  readonly regionRead: boolean;
}

export interface LedgerInputs {
  readonly reading: EnvironmentReading;
  /** The retained deployments, newest first. */
  readonly history: readonly Deployment[];
  /** Stored manifests, by the first 16 hex characters of their content hash. */
  readonly manifests: ReadonlyMap<string, LayerContents>;
  /** Fallback for a version with no stored manifest: what its description says (review/layer-packages contentsFromDescription). */
  readonly described: (description: string | undefined) => LayerContents | undefined;
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Version order as a person reads it: $LATEST after the numbers. */
function versionOrder(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? byName(a, b) : Number.isNaN(x) ? 1 : -1;
  return x - y;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

export function ledgerOf(inputs: LedgerInputs): Ledger {
  const { reading } = inputs;
  const versionsByArn = new Map<string, LedgerFunctionVersion[]>();
  const aliasesByArn = new Map<string, LedgerAlias[]>();
  for (const fn of reading.functions) {
    const layersOf = new Map(fn.versions.map((seen) => [seen.version, seen.layers]));
    for (const seen of fn.versions) for (const arn of new Set(seen.layers)) push(versionsByArn, arn, { function: fn.name, version: seen.version });
    for (const alias of fn.aliases) {
      for (const { version, share } of aliasShares(alias)) {
        for (const arn of new Set(layersOf.get(version) ?? [])) push(aliasesByArn, arn, { function: fn.name, alias: alias.name, version, share });
      }
    }
  }
  const outsideByArn = new Map<string, LedgerFunctionVersion[]>();
  for (const seen of reading.outside ?? []) {
    for (const arn of new Set(seen.layers)) push(outsideByArn, arn, { function: seen.functionName, version: seen.version });
  }
  const deploymentsByArn = new Map<string, LedgerDeployment[]>();
  for (const deployment of inputs.history) {
    const functions = Object.entries(deployedFunctions(deployment));
    const arns = new Set([...deployment.layers.map((layer) => layer.arn), ...functions.flatMap(([, fn]) => fn.layers)]);
    for (const arn of arns) {
      const users = functions.filter(([, fn]) => fn.layers.includes(arn)).map(([name]) => name);
      push(deploymentsByArn, arn, { serial: deployment.serial, time: deployment.time, functions: users.sort(byName) });
    }
  }
  const complete = reading.incomplete.length === 0;
  // A version of one of these layers that something names but Lambda no longer lists was deleted: shown, from what the state recorded.
  const listed = new Set(reading.layerVersions.map((seen) => seen.arn));
  const layerNames = new Set(reading.layerNames ?? reading.layerVersions.map((seen) => seen.layerName));
  const recorded = knownLayers(inputs.history);
  const named = new Set([...versionsByArn.keys(), ...aliasesByArn.keys(), ...outsideByArn.keys(), ...deploymentsByArn.keys()]);
  const deleted = [...named].flatMap((arn): (LayerVersionSeen & { deleted: true })[] => {
    const parsed = parseLayerArn(arn);
    return parsed && !listed.has(arn) && layerNames.has(parsed.name) ? [{ arn, layerName: parsed.name, version: parsed.version, deleted: true }] : [];
  });
  const entries = [...reading.layerVersions, ...deleted]
    .sort((a, b) => byName(a.layerName, b.layerName) || b.version - a.version)
    .map((seen): LedgerEntry => {
      const aliases = (aliasesByArn.get(seen.arn) ?? []).sort((a, b) => byName(a.function, b.function) || byName(a.alias, b.alias) || b.share - a.share);
      const functionVersions = (versionsByArn.get(seen.arn) ?? []).sort((a, b) => byName(a.function, b.function) || versionOrder(a.version, b.version));
      const outside = (outsideByArn.get(seen.arn) ?? []).sort((a, b) => byName(a.function, b.function) || versionOrder(a.version, b.version));
      const deployments = deploymentsByArn.get(seen.arn) ?? [];
      const status: LedgerStatus = aliases.some((alias) => alias.share > 0)
        ? 'serving'
        : functionVersions.length || outside.length
          ? 'attached'
          : deployments.length
            ? 'retained'
            : complete
              ? 'free'
              : 'unknown';
      const known = recorded.get(seen.arn);
      const contentHash = (parseLayerDescription(seen.description).contentHash ?? known?.contentHash)?.slice(0, 16);
      const contents =
        (contentHash ? inputs.manifests.get(contentHash) : undefined) ??
        inputs.described(seen.description) ??
        (known ? contentsFromDescribed({ ...known, ...(contentHash ? { contentHash } : {}) }) : undefined);
      return {
        arn: seen.arn,
        layerName: seen.layerName,
        version: seen.version,
        ...(seen.created ? { created: seen.created } : {}),
        status,
        ...(contentHash ? { contentHash } : {}),
        ...(seen.codeSha256 ? { codeSha256: seen.codeSha256 } : {}),
        ...(seen.codeSize !== undefined ? { zippedBytes: seen.codeSize } : {}),
        ...(contents?.unzippedBytes !== undefined ? { unzippedBytes: contents.unzippedBytes } : {}),
        ...(contents ? { packages: { list: contents.packages, source: contents.source, complete: contents.complete } } : {}),
        aliases,
        functionVersions,
        outside,
        deployments,
        ...(seen.sizeUnknown ? { sizeUnknown: seen.sizeUnknown } : {}),
        ...('deleted' in seen ? { deleted: true as const } : {}),
      };
    });
  const absent = reading.functions.filter((fn) => !fn.exists).map((fn) => fn.name);
  return { entries, incomplete: reading.incomplete, absent, regionRead: reading.outside !== undefined };
}

/** Why a version stays, in words; empty for a free one. */
export function keptBecause(entry: LedgerEntry): string[] {
  const reasons: string[] = [];
  const serving = entry.aliases.filter((alias) => alias.share > 0);
  if (serving.length) reasons.push(`serving: ${serving.map(aliasText).join(', ')}`);
  const attached = [...entry.functionVersions, ...entry.outside];
  if (attached.length)
    reasons.push(
      `attached to ${listed(
        attached.map((seen) => `${seen.function}:${seen.version}`),
        'function version(s)',
      )}`,
    );
  if (entry.deployments.length) {
    const serials = entry.deployments.map((deployment) => deployment.serial).sort((a, b) => a - b);
    reasons.push(`needed by retained deployment${serials.length > 1 ? 's' : ''} (serial${serials.length > 1 ? 's' : ''} ${serials.join(', ')})`);
  }
  if (entry.status === 'unknown') reasons.push('not known to be free: a list could not be read to its end');
  return reasons;
}

export function aliasText(alias: LedgerAlias): string {
  const share = alias.share === 1 ? '' : ` ${Math.round(alias.share * 1000) / 10}%`;
  return `${alias.function} ${alias.alias} → ${alias.version}${share}`;
}

function listed(names: readonly string[], what: string): string {
  return `${names.slice(0, 4).join(', ')}${names.length > 4 ? ` and ${names.length - 4} more ${what}` : ''}`;
}

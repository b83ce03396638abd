import { FamilyDefinition } from '../families/family';
import { Runtime } from '../config/environments';
import { ManagedLayer } from '../config/managed-layers';
import { ImportSources, Provider, providerOf } from '../rules/import-coverage';
import { Deployment } from './deployments';
import { DeployedLayer, parseLayerArn } from './terraform-state';

/**
 * What a rollback does to each layer, in packages, from the descriptions the stacks give
 * layer versions (`content <hash> | <runtime> <arch> | name@version, ...`); and whether the
 * current code's packages are in the layers a layers-only rollback would attach. Pure.
 */

export interface PackageDiff {
  readonly added: readonly { readonly name: string; readonly version: string }[];
  readonly removed: readonly { readonly name: string; readonly version: string }[];
  readonly changed: readonly { readonly name: string; readonly from: string; readonly to: string }[];
  /** False when a description was cut at Lambda's 256 characters: packages past the cut are not compared. */
  readonly complete: boolean;
}

export interface LayerChange {
  readonly layerName: string;
  /** The version attached now; undefined when the layer is not attached now. */
  readonly from?: number;
  /** The version the rollback attaches; undefined when the target has no such layer. */
  readonly to?: number;
  /** How the packages differ, or why that is not known. */
  readonly packages: PackageDiff | { readonly unknown: string };
}

type Packages = NonNullable<DeployedLayer['packages']>;

function diffPackages(now: Packages, then: Packages): PackageDiff {
  const before = new Map(now.list.map((pkg) => [pkg.name, pkg.version]));
  const after = new Map(then.list.map((pkg) => [pkg.name, pkg.version]));
  return {
    added: then.list.filter((pkg) => !before.has(pkg.name)),
    removed: now.list.filter((pkg) => !after.has(pkg.name)),
    changed: then.list
      .filter((pkg) => before.has(pkg.name) && before.get(pkg.name) !== pkg.version)
      .map((pkg) => ({ name: pkg.name, from: before.get(pkg.name)!, to: pkg.version })),
    complete: now.complete && then.complete,
  };
}

/** Every layer version any retained deployment holds, by ARN: where a description is found. */
export function knownLayers(history: readonly Deployment[]): Map<string, DeployedLayer> {
  const known = new Map<string, DeployedLayer>();
  for (const deployment of history) for (const layer of deployment.layers) if (!known.has(layer.arn)) known.set(layer.arn, layer);
  return known;
}

/** Per layer (by name, in the target's order, then those only attached now): the version now, the version after, and the packages' difference. */
export function layerChanges(
  current: Pick<Deployment, 'function'>,
  target: Pick<Deployment, 'function'>,
  known: ReadonlyMap<string, DeployedLayer>,
): LayerChange[] {
  const byName = (arns: readonly string[]) =>
    new Map(
      arns.flatMap((arn) => {
        const parsed = parseLayerArn(arn);
        return parsed ? [[parsed.name, { arn, version: parsed.version }] as const] : [];
      }),
    );
  const now = byName(current.function?.layers ?? []);
  const then = byName(target.function?.layers ?? []);
  const names = [...then.keys(), ...[...now.keys()].filter((name) => !then.has(name))];
  return names.map((layerName) => {
    const before = now.get(layerName);
    const after = then.get(layerName);
    const beforePackages = before ? known.get(before.arn)?.packages : undefined;
    const afterPackages = after ? known.get(after.arn)?.packages : undefined;
    let packages: LayerChange['packages'];
    if (!before)
      packages = afterPackages
        ? diffPackages({ list: [], complete: true }, afterPackages)
        : { unknown: 'not attached now; its version has no package list in the retained state' };
    else if (!after)
      packages = beforePackages
        ? diffPackages(beforePackages, { list: [], complete: true })
        : { unknown: 'detached by the rollback; its version has no package list in the retained state' };
    else if (beforePackages && afterPackages) packages = diffPackages(beforePackages, afterPackages);
    else packages = { unknown: 'no package list in the retained state for one of the two versions (a managed layer, or a state from before the descriptions)' };
    return { layerName, ...(before ? { from: before.version } : {}), ...(after ? { to: after.version } : {}), packages };
  });
}

/** One line per layer, as the rollback prints it. */
export function describeLayerChange(change: LayerChange): string {
  const versions =
    change.from === change.to
      ? `version ${change.to} (unchanged)`
      : `${change.from === undefined ? 'not attached' : `version ${change.from}`} → ${change.to === undefined ? 'detached' : `version ${change.to}`}`;
  if ('unknown' in change.packages) return `layer ${change.layerName}: ${versions}; packages unknown: ${change.packages.unknown}`;
  const { added, removed, changed, complete } = change.packages;
  const parts = [
    ...changed.map((pkg) => `${pkg.name} ${pkg.from} → ${pkg.to}`),
    ...added.map((pkg) => `${pkg.name} ${pkg.version} added`),
    ...removed.map((pkg) => `${pkg.name} ${pkg.version} removed`),
  ];
  const packages = parts.length ? parts.join(', ') : 'the same packages';
  return `layer ${change.layerName}: ${versions}; ${packages}${complete ? '' : ' (as far as the layer descriptions go: one was cut at 256 characters)'}`;
}

/**
 * Which of the current code's packages (a Node.js bundle's externals) nothing would provide with the target's layers
 * attached: asked of the same providerOf the import coverage rule uses, with each layer's packages read from its
 * description, so what the runtime ships (the AWS SDK on nodejs*.x) or a managed layer holds is provided here too.
 * `certain` is false when one of the project's layers has a description that was cut or is missing, so an absence
 * proves nothing.
 */
export function packagesNotInLayers(
  externals: readonly string[],
  layerArns: readonly string[],
  known: ReadonlyMap<string, DeployedLayer>,
  platform: { readonly runtime: Runtime; readonly family: FamilyDefinition; readonly managed: readonly ManagedLayer[] },
): { missing: string[]; certain: boolean; provided: { module: string; provider: Provider }[] } {
  const managed = platform.managed.filter((layer) => layerArns.includes(layer.arn));
  const own = layerArns.filter((arn) => !managed.some((layer) => layer.arn === arn)).map((arn) => known.get(arn));
  const sources: ImportSources = {
    runtime: platform.runtime,
    family: platform.family,
    ownModules: [],
    layers: own.flatMap((layer) => (layer?.packages ? [{ name: layer.layerName, packages: layer.packages.list }] : [])),
    managed,
  };
  const found = externals.map((module) => ({ module, provider: providerOf(sources, { module }) }));
  return {
    missing: found.filter((entry) => !entry.provider).map((entry) => entry.module),
    certain: own.every((layer) => layer?.packages?.complete === true),
    provided: found.flatMap((entry) => (entry.provider ? [{ module: entry.module, provider: entry.provider }] : [])),
  };
}

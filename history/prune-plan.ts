import { pruneStateUnreadable } from './errors';
import { Deployment, UnreadableStateVersion } from './deployments';
import { parseLayerArn } from './terraform-state';

export interface LayerVersionRef {
  readonly arn: string;
  readonly layerName: string;
  readonly version: number;
}

export interface PruneDecision extends LayerVersionRef {
  readonly action: 'keep' | 'delete';
  /** Why it stays; empty for a deletion. */
  readonly reasons: readonly string[];
}

/** A function version that uses layers: `name:version` (or `name:$LATEST`), any function in the region. */
export interface LayerConsumer {
  readonly name: string;
  readonly layers: readonly string[];
}

export interface PruneInputs {
  /** Every published version of the stack's layers, as Lambda lists them. */
  readonly versions: readonly LayerVersionRef[];
  /** Every function version in the region and the layers it uses: this stack's, its retained versions (the alias's way back), and anyone else's. */
  readonly consumers: readonly LayerConsumer[];
  /** Every deployment whose state version is still retained. */
  readonly history: readonly Deployment[];
  /** Retained state versions that could not be read: while there is one, nothing may be pruned. */
  readonly unreadable: readonly UnreadableStateVersion[];
  /** Where the state lives, for the message. */
  readonly stateLocation: string;
  /** How many of the newest versions of each layer to keep regardless. */
  readonly keep: number;
}

/** The stack's own layer names, from every retained state: the layers to look at. */
export function stackLayerNames(history: readonly Deployment[]): string[] {
  const names = new Set<string>();
  for (const deployment of history) {
    for (const layer of deployment.layers) names.add(layer.layerName);
  }
  return [...names].sort();
}

function usedBy(names: readonly string[]): string {
  const shown = names.slice(0, 3).join(', ');
  return `used by ${shown}${names.length > 3 ? ` and ${names.length - 3} more function version(s)` : ''}`;
}

/**
 * Which layer versions may go: beyond the newest N of their layer, used by no function
 * version in the region (any function, and every published version, which an alias may
 * move back to), and referenced by no retained state (each one is a way back). Every
 * version that stays says why. A retained state version that cannot be read could be
 * the only reference to a version, so it stops the prune.
 */
export function planPrune(inputs: PruneInputs): PruneDecision[] {
  if (inputs.unreadable.length > 0) {
    const listed = inputs.unreadable.map((version) => `version ${version.versionId} (written ${version.lastModified}): ${version.reason}`).join('; ');
    throw pruneStateUnreadable(inputs.unreadable.length, inputs.stateLocation, listed);
  }
  const references = new Map<string, number[]>();
  for (const deployment of inputs.history) {
    const arns = new Set([...deployment.layers.map((layer) => layer.arn), ...(deployment.function?.layers ?? [])]);
    for (const arn of arns) references.set(arn, [...(references.get(arn) ?? []), deployment.serial]);
  }
  const byLayer = new Map<string, LayerVersionRef[]>();
  for (const version of inputs.versions) byLayer.set(version.layerName, [...(byLayer.get(version.layerName) ?? []), version]);
  const decisions: PruneDecision[] = [];
  for (const [, versions] of [...byLayer.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const newestFirst = [...versions].sort((a, b) => b.version - a.version);
    newestFirst.forEach((version, index) => {
      const reasons: string[] = [];
      if (index < inputs.keep) reasons.push(`one of the newest ${inputs.keep}`);
      const users = inputs.consumers.filter((consumer) => consumer.layers.includes(version.arn)).map((consumer) => consumer.name);
      if (users.length) reasons.push(usedBy(users));
      const serials = references.get(version.arn);
      if (serials?.length) reasons.push(`referenced by retained state serial${serials.length > 1 ? 's' : ''} ${serials.sort((a, b) => a - b).join(', ')}`);
      decisions.push({ ...version, action: reasons.length ? 'keep' : 'delete', reasons });
    });
  }
  return decisions;
}

export function layerVersionRef(arn: string): LayerVersionRef | undefined {
  const parsed = parseLayerArn(arn);
  return parsed ? { arn, layerName: parsed.name, version: parsed.version } : undefined;
}

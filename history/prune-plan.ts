import { Deployment } from './deployments';
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

export interface PruneInputs {
  /** Every published version of the stack's layers, as Lambda lists them. */
  readonly versions: readonly LayerVersionRef[];
  /** Layer ARNs the function has attached right now. */
  readonly attached: readonly string[];
  readonly functionName: string;
  /** Every deployment whose state version is still retained. */
  readonly history: readonly Deployment[];
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

/**
 * Which layer versions may go: beyond the newest N of their layer, attached to no
 * function, and referenced by no retained state (each one is a way back). Every
 * version that stays says why.
 */
export function planPrune(inputs: PruneInputs): PruneDecision[] {
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
      if (inputs.attached.includes(version.arn)) reasons.push(`attached to ${inputs.functionName}`);
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

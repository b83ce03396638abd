import { LayerArtifact } from './manifest';
import { LAMBDA_LIMITS } from '../config/lambda-limits';

/**
 * The description every layer version the stacks publish carries, and its reading back:
 * `content <hash16> | <runtime> <arch> | name@version, ...` (the direct packages). Lambda
 * keeps it with the version, so the state, the plan and Lambda's own listing say what a
 * version holds without downloading it.
 */

/** Lambda caps a layer version's description at 256 characters. */
export const MAX_DESCRIPTION = LAMBDA_LIMITS.descriptionCharacters;

/** The hash and runtime always fit; the package list is cut with "..." when it does not. */
export function layerDescription(artifact: LayerArtifact, runtime: string): string {
  const head = `content ${artifact.contentHash.slice(0, 16)} | ${runtime} ${artifact.architecture} | `;
  const direct = artifact.packages.filter((pkg) => pkg.direct).map((pkg) => `${pkg.name}@${pkg.version}`);
  const list = direct.join(', ');
  const room = MAX_DESCRIPTION - head.length;
  return head + (list.length <= room ? list : `${list.slice(0, room - 3)}...`);
}

export interface DescribedLayer {
  /** The first 16 hex characters of the tree's content hash. */
  readonly contentHash?: string;
  /** The direct packages; `complete` is false when the list was cut at 256 characters. */
  readonly packages?: { readonly list: readonly { readonly name: string; readonly version: string }[]; readonly complete: boolean };
}

/** `content <hash> | <runtime> <arch> | <packages>`. */
const DESCRIPTION = /^content ([0-9a-f]{8,64}) \| ([\w.]+) [\w]+ \| (.*)$/s;

/** The runtime a description names, e.g. `nodejs24.x`; undefined for a description the stacks did not write. */
export function runtimeInDescription(description: unknown): string | undefined {
  return typeof description === 'string' ? DESCRIPTION.exec(description)?.[2] : undefined;
}

/** What a description says; nothing for a description the stacks did not write. */
export function parseLayerDescription(description: unknown): DescribedLayer {
  if (typeof description !== 'string') return {};
  const match = DESCRIPTION.exec(description);
  if (!match) {
    const contentHash = /^content ([0-9a-f]{8,64})\b/.exec(description)?.[1];
    return contentHash ? { contentHash } : {};
  }
  const cut = match[3].endsWith('...');
  const items = (cut ? match[3].slice(0, -3) : match[3]).split(', ').filter(Boolean);
  // A cut list may end in the middle of an item: only whole name@version items count.
  const list = items.flatMap((item, index) => {
    const at = item.lastIndexOf('@');
    if (at <= 0 || (cut && index === items.length - 1)) return [];
    return [{ name: item.slice(0, at), version: item.slice(at + 1) }];
  });
  return { contentHash: match[1], packages: { list, complete: !cut } };
}

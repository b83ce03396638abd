import { pruneStateUnreadable } from '../history/errors';
import { UnreadableStateVersion } from '../history/deployments';
import { ledgerIncomplete, pruneRegionUnread } from './errors';
import { Ledger, keptBecause } from './ledger';

/**
 * Which layer versions may go, by the ledger: only a free one (no alias serves it, no function version has it, no
 * retained deployment needs it) beyond the newest N of its layer. Every version that stays says why. Nothing is
 * decided while a list or a retained state version could not be read: a version only they name would look free.
 * Pure.
 */

export interface PruneDecision {
  readonly arn: string;
  readonly layerName: string;
  readonly version: number;
  readonly action: 'keep' | 'delete';
  /** Why it stays; empty for a deletion. */
  readonly reasons: readonly string[];
}

export interface PruneOptions {
  readonly stack: string;
  /** How many of the newest versions of each layer to keep regardless. */
  readonly keep: number;
  /** Retained state versions that could not be read. */
  readonly unreadable: readonly UnreadableStateVersion[];
  /** Where the state lives, for the message. */
  readonly stateLocation: string;
  /** The deletions are to be made (not a dry run). */
  readonly apply: boolean;
}

export function planPrune(ledger: Ledger, options: PruneOptions): PruneDecision[] {
  if (options.unreadable.length > 0) {
    const listed = options.unreadable.map((version) => `version ${version.versionId} (written ${version.lastModified}): ${version.reason}`).join('; ');
    throw pruneStateUnreadable(options.unreadable.length, options.stateLocation, listed);
  }
  if (ledger.incomplete.length > 0) throw ledgerIncomplete(`Nothing of ${options.stack} is pruned`, ledger.incomplete);
  if (options.apply && !ledger.regionRead) throw pruneRegionUnread(options.stack);
  const seen = new Map<string, number>();
  // A version already deleted is not Lambda's to delete, and not one of the newest it keeps.
  return ledger.entries
    .filter((entry) => !entry.deleted)
    .map((entry) => {
      // The entries are by layer, newest first: the index within its layer.
      const index = seen.get(entry.layerName) ?? 0;
      seen.set(entry.layerName, index + 1);
      const reasons = [...(index < options.keep ? [`one of the newest ${options.keep}`] : []), ...keptBecause(entry)];
      const free = entry.status === 'free' && reasons.length === 0;
      return { arn: entry.arn, layerName: entry.layerName, version: entry.version, action: free ? 'delete' : 'keep', reasons };
    });
}

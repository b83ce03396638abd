import { UserError } from '../project/errors';
import { ListingFailure } from './readings';

/** The ledger, the prune by it and the drift check: the errors a user can fix, one factory each, each message made from the values it names. */

export const LEDGER_ERROR_CODES = ['LEDGER_INCOMPLETE', 'PRUNE_REGION_UNREAD'] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** One line per list that stopped part way: which, at what page, and what Lambda answered. */
export function failuresText(failures: readonly ListingFailure[]): string {
  return failures.map((failure) => `${failure.list} (page ${failure.page}: ${failure.error})`).join('; ');
}

export function ledgerIncomplete(what: string, failures: readonly ListingFailure[]): UserError<LedgerErrorCode> {
  return new UserError<LedgerErrorCode>(
    'LEDGER_INCOMPLETE',
    `${what}: ${failures.length} list(s) could not be read to their end, and a layer version only they name would look unused: ${failuresText(failures)}. ` +
      'Run it again (Lambda throttles list calls; the SDK retries a few times), or give the caller lambda:ListVersionsByFunction, lambda:ListAliases and lambda:ListLayerVersions on the environment.',
  );
}

export function pruneRegionUnread(stack: string): UserError<LedgerErrorCode> {
  return new UserError<LedgerErrorCode>(
    'PRUNE_REGION_UNREAD',
    `Deleting needs the region's other functions read too (another function may attach ${stack}'s layer versions by hand); --environment-only reads only the environment's. ` +
      'Drop --environment-only (the caller needs lambda:ListFunctions), or prune without --apply to see what would go.',
  );
}

import { UserError } from '../project/errors';
import { ListingFailure } from './readings';

/** The ledger, the prune by it and the drift check: the errors a user can fix, one factory each, each message made from the values it names. */

export const LEDGER_ERROR_CODES = ['LEDGER_INCOMPLETE', 'PRUNE_REGION_UNREAD'] as const;
export type LedgerErrorCode = (typeof LEDGER_ERROR_CODES)[number];

/** One line per list that stopped part way: which, at what page, and what Lambda answered. */
export function failuresText(failures: readonly ListingFailure[]): string {
  return failures.map((failure) => `${failure.list} (page ${failure.page}: ${failure.error})`).join('; ');
}

/** The permission each list needs, by how the list is named (aws/lambda-listing.ts). */
function permissionFor(list: string): string {
  if (list.startsWith('functions of the region')) return 'lambda:ListFunctions (or read the environment alone with --environment-only)';
  if (list.startsWith('versions of layer')) return 'lambda:ListLayerVersions on the layer';
  if (list.startsWith('versions of')) return 'lambda:ListVersionsByFunction on the function';
  if (list.startsWith('aliases of')) return 'lambda:ListAliases on the function';
  if (list.startsWith('configuration of')) return 'lambda:GetFunctionConfiguration on the function';
  return 'read access to it';
}

/** What to do about each failure: a denied list needs a permission, a state that cannot be read needs mending, anything else another try. */
export function adviceFor(failures: readonly ListingFailure[]): string {
  const advice = new Set<string>();
  for (const failure of failures) {
    if (/^AccessDenied/.test(failure.error)) advice.add(`give the caller ${permissionFor(failure.list)}`);
    else if (failure.list.startsWith('state version') || failure.list.startsWith('deployments of'))
      advice.add(`see to ${failure.list} (${failure.error.split(':')[0]})`);
    else advice.add('run it again (Lambda throttles list calls; the SDK retries only a few times)');
  }
  return [...advice].join('; ');
}

export function ledgerIncomplete(what: string, failures: readonly ListingFailure[]): UserError<LedgerErrorCode> {
  return new UserError<LedgerErrorCode>(
    'LEDGER_INCOMPLETE',
    `${what}: ${failures.length} list(s) could not be read to their end, and a layer version only they name would look unused: ${failuresText(failures)}. ` +
      `To read them whole: ${adviceFor(failures)}.`,
  );
}

export function pruneRegionUnread(stack: string): UserError<LedgerErrorCode> {
  return new UserError<LedgerErrorCode>(
    'PRUNE_REGION_UNREAD',
    `Deleting needs the region's other functions read too (another function may attach ${stack}'s layer versions by hand); --environment-only reads only the environment's. ` +
      'Drop --environment-only (the caller needs lambda:ListFunctions), or prune without --apply to see what would go.',
  );
}

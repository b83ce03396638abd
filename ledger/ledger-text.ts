import { formatBytes } from '../project/bytes';
import { failuresText } from './errors';
import { Ledger, LedgerEntry, LedgerStatus, aliasText } from './ledger';

/** The ledger as a person on call reads it: per layer, newest version first, who runs each version and what it holds. Pure. */

const STATUS_WORDS: Readonly<Record<LedgerStatus, string>> = {
  serving: 'SERVING',
  attached: 'attached',
  retained: 'retained',
  free: 'free',
  unknown: 'unknown',
};

function sizeText(entry: LedgerEntry): string {
  if (entry.deleted) return 'size unknown (deleted)';
  const parts = [
    ...(entry.zippedBytes !== undefined ? [`${formatBytes(entry.zippedBytes)} zipped`] : []),
    ...(entry.unzippedBytes !== undefined ? [`${formatBytes(entry.unzippedBytes)} unzipped`] : []),
  ];
  return parts.length ? parts.join(', ') : `size unknown${entry.sizeUnknown ? ` (${entry.sizeUnknown})` : ''}`;
}

function packagesText(entry: LedgerEntry): string {
  if (!entry.packages) return 'packages unknown (no stored manifest, and the description names none)';
  const direct = entry.packages.list.filter((pkg) => pkg.direct);
  const shown = direct.map((pkg) => `${pkg.name} ${pkg.version}`).join(', ') || 'none';
  if (entry.packages.source === 'description') {
    return `packages ${shown}${entry.packages.complete ? '' : ', ...'} (direct ones, from its description: no stored manifest)`;
  }
  const others = entry.packages.list.length - direct.length;
  return `packages ${shown}${others ? ` (+${others} they need)` : ''}`;
}

export function entryLines(entry: LedgerEntry): string[] {
  const head = `  ${String(entry.version).padStart(4)}  ${STATUS_WORDS[entry.status].padEnd(8)}  content ${entry.contentHash ?? '(not ours: no content hash in its description)'}  ${sizeText(entry)}${entry.created ? `  published ${entry.created}` : ''}`;
  const lines = [head];
  if (entry.deleted) lines.push('          DELETED from Lambda: what runs it keeps running, but no deploy or rollback can attach it again');
  const serving = entry.aliases.filter((alias) => alias.share > 0);
  if (serving.length) lines.push(`          aliases: ${serving.map(aliasText).join(', ')}`);
  if (entry.functionVersions.length) {
    const byFunction = new Map<string, string[]>();
    for (const seen of entry.functionVersions) byFunction.set(seen.function, [...(byFunction.get(seen.function) ?? []), seen.version]);
    lines.push(`          function versions: ${[...byFunction].map(([fn, versions]) => `${fn} ${versions.join(', ')}`).join('; ')}`);
  }
  if (entry.outside.length) lines.push(`          outside the environment: ${entry.outside.map((seen) => `${seen.function}:${seen.version}`).join(', ')}`);
  if (entry.deployments.length) {
    lines.push(
      `          retained deployments: ${entry.deployments
        .map((deployment) => `serial ${deployment.serial}${deployment.functions.length ? ` (${deployment.functions.join(', ')})` : ''}`)
        .join(', ')}`,
    );
  }
  lines.push(`          ${packagesText(entry)}`);
  return lines;
}

/** The whole ledger: a heading per layer, then its versions; the lists that could not be read come first. */
export function ledgerLines(stack: string, ledger: Ledger): string[] {
  const lines: string[] = [];
  if (ledger.incomplete.length) {
    lines.push(`INCOMPLETE: ${failuresText(ledger.incomplete)}. No version is called free while a list is incomplete.`, '');
  }
  if (!ledger.entries.length) lines.push(ledger.incomplete.length ? 'No layer version could be read.' : `${stack} has no layer version in Lambda.`);
  let layer: string | undefined;
  for (const entry of ledger.entries) {
    if (entry.layerName !== layer) {
      layer = entry.layerName;
      const count = ledger.entries.filter((other) => other.layerName === layer).length;
      lines.push(`${layer} (${count} version${count === 1 ? '' : 's'}, newest first)`);
    }
    lines.push(...entryLines(entry));
  }
  const counts = (['serving', 'attached', 'retained', 'free', 'unknown'] as const)
    .map((status) => [status, ledger.entries.filter((entry) => entry.status === status).length] as const)
    .filter(([, count]) => count > 0)
    .map(([status, count]) => `${count} ${status}`);
  if (counts.length) lines.push('', `${ledger.entries.length} layer version(s): ${counts.join(', ')}.`);
  if (ledger.absent.length) lines.push(`Not in Lambda: ${ledger.absent.join(', ')} (configured or in a retained deployment, but no such function).`);
  if (!ledger.regionRead) lines.push("The region's other functions were not read (--environment-only): free means no function of this environment needs it.");
  return lines;
}

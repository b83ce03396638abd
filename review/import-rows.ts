import { EnvironmentConfig } from '../config/environments';
import { ImportRow, Provider } from '../rules/import-coverage';

/** How an import's row reads, in doctor's table and in the plan review alike. */

/** How the table names a provider: "layer dependencies: fastapi 0.115.0", "python3.12 runtime: standard library". */
export function providerText(provider: Provider, env: Pick<EnvironmentConfig, 'runtime'>): string {
  switch (provider.kind) {
    case 'own':
      return 'own code (/var/task)';
    case 'layer':
      return `layer ${provider.layer}: ${provider.detail}`;
    case 'managed':
      return `managed layer ${provider.layer}, ${provider.detail}`;
    default:
      return `${env.runtime} runtime: ${provider.detail}`;
  }
}

/** Where a module is imported: the first place, and how many more ("main.py:12 +2"). */
export function locationText(row: Pick<ImportRow, 'locations'>): string {
  const first = row.locations[0];
  if (!first) return '';
  const more = row.locations.length > 1 ? ` +${row.locations.length - 1}` : '';
  return `${first.file}${first.line ? `:${first.line}` : ''}${more}`;
}

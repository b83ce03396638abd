import { LAMBDA_LIMITS } from '../config/lambda-limits';
import { FunctionDeployment, Finding, Rule } from './deployment';
import { exactBytes, formatBytes } from '../project/bytes';

const ID = 'unzipped-size-limit';

/** Function code plus layers must unzip to at most 262,144,000 bytes. */
export function unzippedSizeLimit({ env, layers, managed, bundle }: FunctionDeployment): Finding[] {
  const total = bundle.unzippedBytes + layers.reduce((sum, layer) => sum + layer.unzippedBytes, 0);
  if (total <= LAMBDA_LIMITS.unzippedBytes) return [];
  const parts = [...layers.map((layer) => `${layer.name} ${formatBytes(layer.unzippedBytes)}`), `function ${formatBytes(bundle.unzippedBytes)}`];
  const unknown = managed.length ? `, plus ${managed.map((layer) => layer.name).join(', ')} (size not known before deploy)` : '';
  return [
    {
      rule: ID,
      severity: 'error',
      message:
        `${env.stackName}: function and layers unzip to ${formatBytes(total)}, ${exactBytes(total)} (${parts.join(', ')}${unknown}); Lambda allows ` +
        `${formatBytes(LAMBDA_LIMITS.unzippedBytes)} (${exactBytes(LAMBDA_LIMITS.unzippedBytes)}). Drop packages, exclude tests and docs in layer.config.json, ` +
        'or move the heavy dependency to a container image.',
    },
  ];
}

/** The rule, as the registry (rules/index.ts) knows it: function code and layers unzip within Lambda's limit. */
export const unzippedSizeLimitRule: Rule = { id: ID, severity: 'error', lambda: 'refuses the deployment', check: unzippedSizeLimit };

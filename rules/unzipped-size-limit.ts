import { FunctionDeployment, Finding, LAMBDA_LIMITS, megabytes } from './deployment';

/** Function code plus layers must unzip to at most 262,144,000 bytes. */
export function unzippedSizeLimit({ env, layers, managed, bundle }: FunctionDeployment): Finding[] {
  const total = bundle.unzippedBytes + layers.reduce((sum, layer) => sum + layer.unzippedBytes, 0);
  if (total <= LAMBDA_LIMITS.unzippedBytes) return [];
  const parts = [...layers.map((layer) => `${layer.name} ${megabytes(layer.unzippedBytes)}`), `function ${megabytes(bundle.unzippedBytes)}`];
  const unknown = managed.length ? `, plus ${managed.map((layer) => layer.name).join(', ')} (size not known before deploy)` : '';
  return [
    {
      rule: 'unzipped-size-limit',
      severity: 'error',
      message:
        `${env.stackName}: function and layers unzip to ${megabytes(total)} (${parts.join(', ')}${unknown}); Lambda allows ` +
        `${LAMBDA_LIMITS.unzippedBytes.toLocaleString('en-US')} bytes. Drop packages, exclude tests and docs in layer.config.json, ` +
        'or move the heavy dependency to a container image.',
    },
  ];
}

import { FunctionDeployment, Finding, LAMBDA_LIMITS } from './deployment';

/** Lambda attaches at most five layers to a function; managed layers count. */
export function maxFiveLayers({ env, layers, managed }: FunctionDeployment): Finding[] {
  const names = [...managed.map((layer) => `${layer.name} (managed)`), ...layers.map((layer) => layer.name)];
  if (names.length <= LAMBDA_LIMITS.layersPerFunction) return [];
  return [
    {
      rule: 'max-five-layers',
      severity: 'error',
      message:
        `${env.stackName}: the function would have ${names.length} layers (${names.join(', ')}); Lambda attaches at most ` +
        `${LAMBDA_LIMITS.layersPerFunction}. Merge layers or use the "single" strategy.`,
    },
  ];
}

import { LAMBDA_LIMITS } from '../config/lambda-limits';
import { FunctionDeployment, Finding, Rule } from './deployment';

const ID = 'max-five-layers';

/** Lambda attaches at most five layers to a function; managed layers count. */
export function maxFiveLayers({ env, layers, managed }: FunctionDeployment): Finding[] {
  const names = [...managed.map((layer) => `${layer.name} (managed)`), ...layers.map((layer) => layer.name)];
  if (names.length <= LAMBDA_LIMITS.layersPerFunction) return [];
  return [
    {
      rule: ID,
      severity: 'error',
      message:
        `${env.stackName}: the function would have ${names.length} layers (${names.join(', ')}); Lambda attaches at most ` +
        `${LAMBDA_LIMITS.layersPerFunction}. Merge layers or use the "single" strategy.`,
    },
  ];
}

/** The rule, as the registry (rules/index.ts) knows it: Lambda attaches at most five layers, managed layers included. */
export const maxFiveLayersRule: Rule = { id: ID, severity: 'error', lambda: 'refuses the deployment', check: maxFiveLayers };

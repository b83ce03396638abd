import { FunctionDeployment, Finding, Rule } from './deployment';

const ID = 'layer-matches-function';

/** Every layer must be built for the function's runtime (family and Python version) and architecture. */
export function layerMatchesFunction({ env, family, families, layers }: FunctionDeployment): Finding[] {
  const findings: Finding[] = [];
  for (const layer of layers) {
    const problems: string[] = [];
    if (layer.family !== family.id) {
      problems.push(`it holds ${families.find(layer.family)?.name ?? layer.family} packages and the function runs ${env.runtime}`);
    } else if (layer.variant !== family.layerVariantOf(env.runtime)) {
      problems.push(`${family.variantMismatch(layer.variant)} and the function runs ${env.runtime}`);
    }
    if (layer.architecture !== env.architecture) {
      problems.push(`it is built for ${layer.architecture} and the function runs on ${env.architecture}`);
    }
    if (problems.length) {
      findings.push({
        rule: ID,
        severity: 'error',
        message: `${env.stackName}: layer ${layer.name} (${layer.id}) does not fit the function: ${problems.join('; ')}. Run \`npm run build\` for this environment.`,
      });
    }
  }
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: every layer fits the function's runtime and architecture. */
export const layerMatchesFunctionRule: Rule = { id: ID, severity: 'error', lambda: 'refuses the deployment', check: layerMatchesFunction };

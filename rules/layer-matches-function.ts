import { PythonRuntime, RUNTIME_FAMILIES, pythonVersionOf, runtimeFamilyOf } from '../config/environments';
import { FunctionDeployment, Finding, Rule } from './deployment';

const ID = 'layer-matches-function';

/** Every layer must be built for the function's runtime (family and Python version) and architecture. */
export function layerMatchesFunction({ env, layers }: FunctionDeployment): Finding[] {
  const family = runtimeFamilyOf(env.runtime);
  const findings: Finding[] = [];
  for (const layer of layers) {
    const problems: string[] = [];
    if (layer.kind !== family) {
      problems.push(`it holds ${RUNTIME_FAMILIES[layer.kind].name} packages and the function runs ${env.runtime}`);
    } else if (family === 'python' && layer.pythonVersion !== pythonVersionOf(env.runtime as PythonRuntime)) {
      problems.push(`its wheels are for Python ${layer.pythonVersion} and the function runs ${env.runtime}`);
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

import { FunctionDeployment, Finding, Rule } from './deployment';

const ID = 'layers-agree-on-versions';

/**
 * Lambda extracts layers over each other in order, so one package in two layers at
 * two versions leaves a mix of both on disk. Same version twice is only waste.
 */
export function layersAgreeOnVersions({ env, layers }: FunctionDeployment): Finding[] {
  const seen = new Map<string, { layer: string; version: string }>();
  const findings: Finding[] = [];
  for (const layer of layers) {
    for (const pkg of layer.packages) {
      const key = pkg.name.toLowerCase();
      const earlier = seen.get(key);
      if (earlier && earlier.version !== pkg.version) {
        findings.push({
          rule: ID,
          severity: 'warning',
          message:
            `${env.stackName}: ${pkg.name} is ${earlier.version} in layer ${earlier.layer} and ${pkg.version} in layer ${layer.name}; ` +
            'the later layer overwrites the earlier one file by file. Pin one version in both.',
        });
      }
      if (!earlier) seen.set(key, { layer: layer.name, version: pkg.version });
    }
  }
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: no package at two versions in two layers. */
export const layersAgreeOnVersionsRule: Rule = {
  id: ID,
  severity: 'warning',
  lambda: 'accepts it, and the later layer overwrites the earlier file by file',
  check: layersAgreeOnVersions,
};

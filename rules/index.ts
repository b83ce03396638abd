import { deploymentRefused } from '../project/errors';
import { Finding, FunctionDeployment, Rule } from './deployment';
import { directUploadLimit } from './direct-upload-limit';
import { importCoverageRule } from './import-coverage';
import { layerMatchesFunction } from './layer-matches-function';
import { layersAgreeOnVersions } from './layers-agree-on-versions';
import { maxFiveLayers } from './max-five-layers';
import { nativeCodeLoads } from './native-code';
import { unzippedSizeLimit } from './unzipped-size-limit';

export const DEPLOYMENT_RULES: readonly Rule[] = [
  layerMatchesFunction,
  maxFiveLayers,
  unzippedSizeLimit,
  directUploadLimit,
  layersAgreeOnVersions,
  importCoverageRule,
  nativeCodeLoads,
];

/** Every finding for every deployment, errors first. */
export function checkDeployments(deployments: readonly FunctionDeployment[]): Finding[] {
  const findings = deployments.flatMap((deployment) => DEPLOYMENT_RULES.flatMap((rule) => rule(deployment)));
  return [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')];
}

/** Throws one error listing every error finding; returns the warnings. */
export function assertDeployable(deployments: readonly FunctionDeployment[]): Finding[] {
  const findings = checkDeployments(deployments);
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    // Lambda refuses a deployment over its limits; one with an unprovided import or code that cannot load it accepts, and then fails every request.
    const refused = errors.some((finding) => finding.rule !== 'import-coverage' && finding.rule !== 'native-code');
    throw deploymentRefused(refused, errors);
  }
  return findings.filter((finding) => finding.severity === 'warning');
}

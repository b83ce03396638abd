import { deploymentRefused } from './errors';
import { Finding, FunctionDeployment, Rule } from './deployment';
import { directUploadLimitRule } from './direct-upload-limit';
import { importCoverageRule } from './import-coverage';
import { layerMatchesFunctionRule } from './layer-matches-function';
import { layersAgreeOnVersionsRule } from './layers-agree-on-versions';
import { maxFiveLayersRule } from './max-five-layers';
import { nativeCodeLoadsRule } from './native-code';
import { unzippedSizeLimitRule } from './unzipped-size-limit';

/** Every deployment rule, registered once; build, synth and the local run each run them once through checkDeployments. */
export const DEPLOYMENT_RULES: readonly Rule[] = [
  layerMatchesFunctionRule,
  maxFiveLayersRule,
  unzippedSizeLimitRule,
  directUploadLimitRule,
  layersAgreeOnVersionsRule,
  importCoverageRule,
  nativeCodeLoadsRule,
];

/** The registered rule a finding comes from. */
export function ruleOf(finding: Pick<Finding, 'rule'>): Rule {
  const rule = DEPLOYMENT_RULES.find((candidate) => candidate.id === finding.rule);
  if (!rule) throw new Error(`a finding of an unregistered rule: ${finding.rule}`);
  return rule;
}

/** Every finding for every deployment, errors first. */
export function checkDeployments(deployments: readonly FunctionDeployment[]): Finding[] {
  const findings = deployments.flatMap((deployment) => DEPLOYMENT_RULES.flatMap((rule) => rule.check(deployment)));
  return [...findings.filter((f) => f.severity === 'error'), ...findings.filter((f) => f.severity === 'warning')];
}

/** Throws one error listing every error finding; returns the warnings. */
export function assertDeployable(deployments: readonly FunctionDeployment[]): Finding[] {
  const findings = checkDeployments(deployments);
  const errors = findings.filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    // Lambda refuses a deployment over its limits; one with an unprovided import or code that cannot load it accepts, and then fails every request.
    const refused = errors.some((finding) => ruleOf(finding).lambda === 'refuses the deployment');
    throw deploymentRefused(refused, errors);
  }
  return findings.filter((finding) => finding.severity === 'warning');
}

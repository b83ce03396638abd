import { LAMBDA_LIMITS } from '../config/lambda-limits';
import { FunctionDeployment, Finding, Rule } from './deployment';
import { exactBytes, formatBytes } from '../project/bytes';

const ID = 'direct-upload-limit';

/** How a zip reaches Lambda: with the API call, or through the artifact bucket when it is too big for that. */
export function uploadRoute(zippedBytes: number, artifactBucket: string | undefined): 'direct' | 's3' | 'too-large' {
  if (zippedBytes <= LAMBDA_LIMITS.directUploadBytes) return 'direct';
  return artifactBucket ? 's3' : 'too-large';
}

/** A layer zip over 50 MiB must go through S3; without an artifact bucket that is an error naming the fix. */
export function directUploadLimit({ env, layers, bundle }: FunctionDeployment): Finding[] {
  const findings: Finding[] = [];
  for (const layer of layers) {
    if (uploadRoute(layer.zippedBytes, env.artifactBucket) !== 'too-large') continue;
    findings.push({
      rule: ID,
      severity: 'error',
      message:
        `${env.stackName}: layer ${layer.name} zips to about ${formatBytes(layer.zippedBytes)}; Lambda takes at most ` +
        `${formatBytes(LAMBDA_LIMITS.directUploadBytes)} (${exactBytes(LAMBDA_LIMITS.directUploadBytes)}) directly. Set an artifact bucket (ARTIFACT_BUCKET, or "artifactBucket" in ` +
        'the cdktf.json context) and the stack uploads the zip to S3 for the layer version, or slim the layer.',
    });
  }
  if (bundle.zippedBytes > LAMBDA_LIMITS.directUploadBytes) {
    findings.push({
      rule: ID,
      severity: 'error',
      message:
        `${env.stackName}: the function zips to about ${formatBytes(bundle.zippedBytes)}; Lambda takes at most ` +
        `${formatBytes(LAMBDA_LIMITS.directUploadBytes)} (${exactBytes(LAMBDA_LIMITS.directUploadBytes)}) directly. Move its dependencies into layers.`,
    });
  }
  return findings;
}

/** The rule, as the registry (rules/index.ts) knows it: a zip over the direct-upload limit goes through S3. */
export const directUploadLimitRule: Rule = { id: ID, severity: 'error', lambda: 'refuses the deployment', check: directUploadLimit };

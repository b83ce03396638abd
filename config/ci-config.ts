import { ProjectConfig } from './environments';
import { ConfigSources } from './load-config';
import { UserError, configInvalid } from '../project/errors';

/** What the workflows need to reach AWS, kept in cdktf.json (context "ci") so it is reviewed like code. */
export interface CiConfig {
  readonly region: string;
  readonly stateBucket: string;
  readonly planRoleArn: string;
  readonly deployRoleArn: string;
}

const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,128}$/;

/** Reads context "ci" ({ planRoleArn, deployRoleArn }); the region and state bucket come from the project configuration. */
export function loadCiConfig(sources: Pick<ConfigSources, 'context'>, project: ProjectConfig): CiConfig {
  const ci = sources.context['ci'];
  if (ci === undefined) {
    throw new UserError(
      'CI_NOT_CONFIGURED',
      'cdktf.json has no "ci" context. After the bootstrap, put its outputs there: ' +
        '"ci": { "planRoleArn": "<plan_role_arn>", "deployRoleArn": "<deploy_role_arn>" }, and "stateBucket": "<state_bucket>" (README, First-time setup).',
    );
  }
  const record = (typeof ci === 'object' && ci !== null ? ci : {}) as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of ['planRoleArn', 'deployRoleArn']) {
    if (typeof record[key] !== 'string' || !ROLE_ARN.test(record[key] as string)) {
      problems.push(`cdktf context "ci.${key}" is ${JSON.stringify(record[key])}; allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/name`);
    }
  }
  const unknown = Object.keys(record).filter((key) => key !== 'planRoleArn' && key !== 'deployRoleArn');
  for (const key of unknown) problems.push(`cdktf context "ci" has "${key}", which is not a setting; settings are planRoleArn, deployRoleArn`);
  if (problems.length) throw configInvalid(problems);
  return { region: project.region, stateBucket: project.stateBucket, planRoleArn: String(record['planRoleArn']), deployRoleArn: String(record['deployRoleArn']) };
}

/** `name=value` lines for $GITHUB_OUTPUT. */
export function githubOutputLines(config: CiConfig): string {
  return [
    `region=${config.region}`,
    `state_bucket=${config.stateBucket}`,
    `plan_role_arn=${config.planRoleArn}`,
    `deploy_role_arn=${config.deployRoleArn}`,
  ].join('\n');
}

import { EnvironmentConfig, ProjectConfig } from './environments';
import { ConfigSources } from './load-config';
import { ciNotConfigured, configInvalid } from './errors';

/** What the workflows need to reach AWS, kept in cdktf.json (context "ci") so it is reviewed like code. */
export interface CiConfig {
  readonly region: string;
  readonly stateBucket: string;
  readonly planRoleArn: string;
  /** One deploy role per environment, by environment name. */
  readonly deployRoleArns: Readonly<Record<string, string>>;
  /** The stacks in the order a push to main deploys them (and the plan workflow's matrix). */
  readonly deployOrder: readonly { readonly stack: string; readonly environment: string }[];
}

const ROLE_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SETTINGS = ['planRoleArn', 'deployRoleArns', 'deployOrder'];

/**
 * Reads context "ci" ({ planRoleArn, deployRoleArns: { <env>: arn } }), the bootstrap's outputs; the region
 * and state bucket come from the project configuration. Every environment needs its own deploy role.
 */
export function loadCiConfig(sources: Pick<ConfigSources, 'context'>, project: ProjectConfig): CiConfig {
  const ci = sources.context['ci'];
  const example = `"ci": { "planRoleArn": "<plan_role_arn>", "deployRoleArns": { ${project.environments.map((env) => `"${env.name}": "<arn>"`).join(', ')} } }`;
  if (ci === undefined) {
    throw ciNotConfigured(example);
  }
  const record = (typeof ci === 'object' && ci !== null ? ci : {}) as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof record['planRoleArn'] !== 'string' || !ROLE_ARN.test(record['planRoleArn'])) {
    problems.push(
      `cdktf context "ci.planRoleArn" is ${JSON.stringify(record['planRoleArn'])}; allowed: an IAM role ARN such as arn:aws:iam::123456789012:role/name`,
    );
  }
  const deploy = record['deployRoleArns'];
  const deployRecord = (typeof deploy === 'object' && deploy !== null && !Array.isArray(deploy) ? deploy : {}) as Record<string, unknown>;
  if (deploy === undefined || deployRecord !== deploy) {
    problems.push(
      `cdktf context "ci.deployRoleArns" is ${JSON.stringify(deploy)}; allowed: an object with one role ARN per environment, ${example.slice(example.indexOf('{ "'))}`,
    );
  } else {
    for (const env of project.environments) {
      const arn = deployRecord[env.name];
      if (typeof arn !== 'string' || !ROLE_ARN.test(arn)) {
        problems.push(
          `cdktf context "ci.deployRoleArns.${env.name}" is ${JSON.stringify(arn)}; allowed: the deploy role ARN of environment ${env.name} (bootstrap output deploy_role_arns)`,
        );
      }
    }
    const roles = Object.values(deployRecord).filter((arn) => typeof arn === 'string');
    if (new Set(roles).size !== roles.length)
      problems.push('cdktf context "ci.deployRoleArns" names one role for two environments; each environment has its own role');
    for (const name of Object.keys(deployRecord).filter((name) => !project.environments.some((env) => env.name === name))) {
      problems.push(
        `cdktf context "ci.deployRoleArns" has "${name}", which is not an environment; environments are ${project.environments.map((env) => env.name).join(', ')}`,
      );
    }
  }
  const order = record['deployOrder'];
  const names = project.environments.map((env) => env.name);
  if (order !== undefined) {
    const list = Array.isArray(order) ? order : [];
    const valid =
      Array.isArray(order) &&
      list.every((name) => typeof name === 'string') &&
      new Set(list).size === list.length &&
      list.length === names.length &&
      names.every((name) => list.includes(name));
    if (!valid) {
      problems.push(
        `cdktf context "ci.deployOrder" is ${JSON.stringify(order)}; allowed: every environment once, in the order to deploy them, e.g. ${JSON.stringify(names)}`,
      );
    }
  }
  for (const key of Object.keys(record).filter((key) => !SETTINGS.includes(key))) {
    problems.push(`cdktf context "ci" has "${key}", which is not a setting; settings are ${SETTINGS.join(', ')}`);
  }
  if (problems.length)
    throw configInvalid(
      problems,
      'CI settings are the "ci" object in the "context" of cdktf.json, from the bootstrap\'s outputs. See docs/security.md, "First-time setup".',
    );
  // By default the configuration's order: dev, staging, prod, then environments added in cdktf.json.
  const ordered = Array.isArray(order) ? (order as string[]) : names;
  const deployOrder = ordered.map((name) => ({ stack: project.environments.find((env) => env.name === name)!.stackName, environment: name }));
  return {
    region: project.region,
    stateBucket: project.stateBucket,
    planRoleArn: String(record['planRoleArn']),
    deployRoleArns: deployRecord as Record<string, string>,
    deployOrder,
  };
}

/**
 * `name=value` lines for $GITHUB_OUTPUT: the region, state bucket and plan role; the stacks (JSON, for the plan
 * workflow's matrix) and the deploy order (JSON, for the deploy workflow); with an environment, its name as
 * `environment` and its deploy role as `deploy_role_arn`.
 */
export function githubOutputLines(config: CiConfig, environment?: Pick<EnvironmentConfig, 'name'>): string {
  return [
    `region=${config.region}`,
    `state_bucket=${config.stateBucket}`,
    `plan_role_arn=${config.planRoleArn}`,
    `stacks=${JSON.stringify(config.deployOrder.map((entry) => entry.stack))}`,
    `deploy_order=${JSON.stringify(config.deployOrder)}`,
    ...(environment ? [`environment=${environment.name}`, `deploy_role_arn=${config.deployRoleArns[environment.name]}`] : []),
  ].join('\n');
}

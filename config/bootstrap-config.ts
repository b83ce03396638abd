import { ProjectConfig } from './environments';
import { ConfigSources } from './load-config';
import { configInvalid } from '../project/errors';

/** What the one-time bootstrap stack needs beyond the project configuration. */
export interface BootstrapConfig {
  /** GitHub repository whose workflows may assume the roles, "owner/name". */
  readonly repository: string;
  /**
   * Branch whose pushes deploy.
   * @default "main"
   */
  readonly deployBranch: string;
  /**
   * Days a replaced state version is kept; the history and rollback read these.
   * @default 90
   */
  readonly stateVersionRetentionDays: number;
  /** Bucket for function and large layer archives. @default "<project>-artifacts" */
  readonly artifactBucket: string;
  /**
   * IAM roles or users (ARNs) who may read state and use its key besides CI: the break-glass administrators.
   * @default - the role or user that applies the bootstrap
   */
  readonly stateAdministrators: readonly string[];
}

const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;

export function defaultArtifactBucket(project: string): string {
  return `${project}-artifacts`;
}

/**
 * The bootstrap settings, or undefined when no repository is configured (then the
 * bootstrap stack is not synthesised). Context keys: githubRepository, deployBranch,
 * stateVersionRetentionDays, stateAdministrators; GITHUB_REPOSITORY (set in every GitHub Actions job) also works.
 */
export function loadBootstrapConfig(sources: Pick<ConfigSources, 'context' | 'env'>, project: ProjectConfig): BootstrapConfig | undefined {
  const { context, env } = sources;
  const repository = env['GITHUB_REPOSITORY'] || (context['githubRepository'] as unknown);
  if (repository === undefined || repository === '') return undefined;
  const repositorySource = env['GITHUB_REPOSITORY'] ? 'environment variable GITHUB_REPOSITORY' : 'cdktf context "githubRepository"';
  const problems: string[] = [];
  if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
    problems.push(`githubRepository is ${JSON.stringify(repository)} (from ${repositorySource}); allowed: "owner/name" of a GitHub repository`);
  }
  const branch = context['deployBranch'] ?? 'main';
  if (typeof branch !== 'string' || !BRANCH.test(branch) || branch.includes('..')) {
    problems.push(`deployBranch is ${JSON.stringify(branch)} (from cdktf context "deployBranch"); allowed: a branch name such as "main"`);
  }
  const days = context['stateVersionRetentionDays'] ?? 90;
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 3650) {
    problems.push(`stateVersionRetentionDays is ${JSON.stringify(days)} (from cdktf context "stateVersionRetentionDays"); allowed: an integer from 1 to 3650 (days)`);
  }
  const administrators = context['stateAdministrators'] ?? [];
  if (!Array.isArray(administrators) || !administrators.every((arn) => typeof arn === 'string' && PRINCIPAL_ARN.test(arn))) {
    problems.push(
      `stateAdministrators is ${JSON.stringify(administrators)} (from cdktf context "stateAdministrators"); allowed: a list of IAM role or user ARNs, e.g. ["arn:aws:iam::123456789012:role/admin"]`,
    );
  }
  if (problems.length) {
    throw configInvalid(
      problems,
      'Bootstrap settings are githubRepository, deployBranch, stateVersionRetentionDays and stateAdministrators in the "context" of cdktf.json ' +
        '(GITHUB_REPOSITORY wins over githubRepository). See README "First-time setup".',
    );
  }
  return {
    repository: String(repository),
    deployBranch: String(branch),
    stateVersionRetentionDays: Number(days),
    artifactBucket: project.artifactBucket ?? defaultArtifactBucket(project.project),
    stateAdministrators: administrators as string[],
  };
}

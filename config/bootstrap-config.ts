import { ProjectConfig } from './environments';
import { ConfigSources } from './load-config';
import { configInvalid } from './errors';
import { textOf } from '../project/text';

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
  /**
   * Who approves each environment's deploys, rollbacks and promotions: GitHub logins, or "team:<slug>" for a
   * team of the repository's organisation. An environment that keeps its data (deletionProtection, prod by
   * default) must have one; the bootstrap writes them into the GitHub environment with its branch rule.
   * @default {}
   */
  readonly reviewers: Readonly<Record<string, EnvironmentReviewers>>;
}

/** An environment's required reviewers, as GitHub names them. */
export interface EnvironmentReviewers {
  readonly users: readonly string[];
  readonly teams: readonly string[];
}

const PRINCIPAL_ARN = /^arn:aws(-cn|-us-gov)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const BRANCH = /^[A-Za-z0-9._/-]{1,200}$/;
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^team:[a-z0-9][a-z0-9_-]{0,99}$/;

/** The branch whose pushes deploy, from context "deployBranch"; the one ref deploys, rollbacks and promotions run from. */
export function deployBranchOf(context: Readonly<Record<string, unknown>>): { branch: string; problem?: string } {
  const branch = context['deployBranch'] ?? 'main';
  if (typeof branch !== 'string' || !BRANCH.test(branch) || branch.includes('..')) {
    return { branch: 'main', problem: `deployBranch is ${JSON.stringify(branch)} (from cdktf context "deployBranch"); allowed: a branch name such as "main"` };
  }
  return { branch };
}

function readReviewers(value: unknown, project: ProjectConfig, problems: string[]): Record<string, EnvironmentReviewers> {
  const example = '{ "prod": ["<github-login>", "team:<team-slug>"] }';
  if (value === undefined) value = {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(
      `reviewers is ${JSON.stringify(value)} (from cdktf context "reviewers"); allowed: an object of environment to GitHub logins or "team:<slug>", e.g. ${example}`,
    );
    return {};
  }
  const reviewers: Record<string, EnvironmentReviewers> = {};
  for (const [name, list] of Object.entries(value as Record<string, unknown>)) {
    if (!project.environments.some((env) => env.name === name)) {
      problems.push(`reviewers has "${name}", which is not an environment; environments are ${project.environments.map((env) => env.name).join(', ')}`);
      continue;
    }
    const entries = Array.isArray(list) ? list : [list];
    const bad = entries.filter((entry) => typeof entry !== 'string' || !(LOGIN.test(entry) || TEAM.test(entry)));
    if (!Array.isArray(list) || bad.length || entries.length === 0 || entries.length > 6) {
      problems.push(
        `reviewers.${name} is ${JSON.stringify(list)} (from cdktf context "reviewers"); allowed: 1 to 6 GitHub logins or "team:<slug>" (GitHub's limit per environment)${bad.length ? `, not ${bad.map((entry) => JSON.stringify(entry)).join(', ')}` : ''}`,
      );
      continue;
    }
    reviewers[name] = {
      users: (entries as string[]).filter((entry) => !entry.startsWith('team:')),
      teams: (entries as string[]).filter((entry) => entry.startsWith('team:')).map((entry) => entry.slice('team:'.length)),
    };
  }
  const given = Object.keys(value);
  for (const env of project.environments.filter((candidate) => candidate.deletionProtection && !given.includes(candidate.name))) {
    problems.push(
      `environment ${env.name} keeps its data (deletionProtection) but has no reviewers: name who approves its deploys, e.g. "reviewers": { "${env.name}": ["<github-login>"] }`,
    );
  }
  return reviewers;
}

export function defaultArtifactBucket(project: string): string {
  return `${project}-artifacts`;
}

/**
 * The bootstrap settings, or undefined when no repository is configured (then the
 * bootstrap stack is not synthesised). Context keys: githubRepository, deployBranch,
 * stateVersionRetentionDays, stateAdministrators, reviewers; GITHUB_REPOSITORY (set in every GitHub Actions job) also works.
 */
export function loadBootstrapConfig(sources: Pick<ConfigSources, 'context' | 'env'>, project: ProjectConfig): BootstrapConfig | undefined {
  const { context, env } = sources;
  const repository = env['GITHUB_REPOSITORY'] || context['githubRepository'];
  if (repository === undefined || repository === '') return undefined;
  const repositorySource = env['GITHUB_REPOSITORY'] ? 'environment variable GITHUB_REPOSITORY' : 'cdktf context "githubRepository"';
  const problems: string[] = [];
  if (typeof repository !== 'string' || !REPOSITORY.test(repository)) {
    problems.push(`githubRepository is ${JSON.stringify(repository)} (from ${repositorySource}); allowed: "owner/name" of a GitHub repository`);
  }
  const { branch, problem } = deployBranchOf(context);
  if (problem) problems.push(problem);
  const days = context['stateVersionRetentionDays'] ?? 90;
  if (!Number.isInteger(days) || (days as number) < 1 || (days as number) > 3650) {
    problems.push(
      `stateVersionRetentionDays is ${JSON.stringify(days)} (from cdktf context "stateVersionRetentionDays"); allowed: an integer from 1 to 3650 (days)`,
    );
  }
  const administrators = context['stateAdministrators'] ?? [];
  if (!Array.isArray(administrators) || !administrators.every((arn) => typeof arn === 'string' && PRINCIPAL_ARN.test(arn))) {
    problems.push(
      `stateAdministrators is ${JSON.stringify(administrators)} (from cdktf context "stateAdministrators"); allowed: a list of IAM role or user ARNs, e.g. ["arn:aws:iam::123456789012:role/admin"]`,
    );
  }
  const reviewers = readReviewers(context['reviewers'], project, problems);
  if (problems.length) {
    throw configInvalid(
      problems,
      'Bootstrap settings are githubRepository, deployBranch, stateVersionRetentionDays, stateAdministrators and reviewers in the "context" of cdktf.json ' +
        '(GITHUB_REPOSITORY wins over githubRepository). See docs/security.md, "First-time setup".',
    );
  }
  return {
    repository: textOf(repository),
    deployBranch: String(branch),
    stateVersionRetentionDays: Number(days),
    artifactBucket: project.artifactBucket ?? defaultArtifactBucket(project.project),
    stateAdministrators: administrators as string[],
    reviewers,
  };
}

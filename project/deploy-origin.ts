/**
 * Who runs a deploy and from where, for the record each deploy leaves in its state: the GitHub actor and
 * the workflow run's URL in GitHub Actions, else the local user and machine. Pure: the caller passes the
 * environment and the local names.
 */
export interface DeployOrigin {
  /** A GitHub login (`octocat`, `dependabot[bot]`), or `<user> (local)`. */
  readonly by: string;
  /** The workflow run's URL, or `local machine <host>`. */
  readonly from: string;
}

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$/;
const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

export function deployOrigin(env: Readonly<Record<string, string | undefined>>, local: { readonly user: string; readonly host: string }): DeployOrigin {
  const actor = env['GITHUB_ACTOR'];
  const server = env['GITHUB_SERVER_URL'] ?? 'https://github.com';
  const repository = env['GITHUB_REPOSITORY'];
  const runId = env['GITHUB_RUN_ID'];
  const attempt = env['GITHUB_RUN_ATTEMPT'];
  if (
    env['GITHUB_ACTIONS'] === 'true' &&
    actor &&
    LOGIN.test(actor) &&
    repository &&
    REPOSITORY.test(repository) &&
    runId &&
    /^\d+$/.test(runId) &&
    /^https:\/\/[\w.-]+$/.test(server)
  ) {
    const attemptPath = attempt && /^\d+$/.test(attempt) && attempt !== '1' ? `/attempts/${attempt}` : '';
    return { by: actor, from: `${server}/${repository}/actions/runs/${runId}${attemptPath}` };
  }
  return { by: `${local.user || 'unknown user'} (local)`, from: `local machine ${local.host || 'unknown'}` };
}

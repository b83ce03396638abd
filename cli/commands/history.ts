import { Command, writeJson } from '../command';
import { loadStackHistory } from '../../use-cases/stacks';

export const historyCommand: Command = {
  usage: 'npm run history -- <stack> [--json]',
  help: `Reads every version of the stack's state object in the S3 backend (the bucket must
keep versions) and lists the deployments, newest first: time, state serial,
Terraform version, the commit deployed, who deployed it and from where (the GitHub
login and workflow run, or a local user and machine), whether it was a rollback and
to which serial, the API function's newest and live versions and those of every other
function of the stack, the layer versions and the API function's code hash. Resources are found by type, not by name.
AWS access follows the SDK's usual settings: AWS_REGION, AWS_PROFILE or role
credentials, and AWS_ENDPOINT_URL for any S3-compatible endpoint.`,
  options: {
    json: { type: 'boolean', describe: 'print the deployments as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const { env: environment, history, unreadable } = await loadStackHistory(project, positionals[0], 'history');
    for (const version of unreadable) {
      err.warn(
        `state version ${version.versionId} of s3://${environment.stateBucket}/${environment.stateKey} could not be read (${version.reason}), written ${version.lastModified}; it is left out.`,
      );
    }
    if (values['json']) {
      writeJson(out, { stack: environment.stackName, bucket: environment.stateBucket, key: environment.stateKey, deployments: history, unreadable });
      return 0;
    }
    if (history.length === 0) {
      err.line(`${environment.stackName} has no deployment in s3://${environment.stateBucket}/${environment.stateKey} yet.`);
      return 0;
    }
    out.write(`Deployments of ${environment.stackName} (s3://${environment.stateBucket}/${environment.stateKey}), newest first:\n`);
    for (const deployment of history) {
      const layers = deployment.layers.map((layer) => `${layer.layerName}:${layer.version}`).join(', ') || 'none';
      const versions = deployment.versions;
      const canary = versions?.canary ? `, canary ${versions.canary.version} at ${versions.canary.percent}%` : '';
      out.write(
        `  serial ${String(deployment.serial).padEnd(4)} ${deployment.time}  terraform ${deployment.terraformVersion}  commit ${shortHash(deployment.commit)}\n` +
          (deployment.origin
            ? `      by ${deployment.origin.by}${deployment.origin.from ? ` from ${deployment.origin.from}` : ''}\n`
            : '      by (not recorded)\n') +
          (deployment.rollback
            ? `      rollback to serial ${deployment.rollback.serial} (${deployment.rollback.scope === 'layers' ? 'layers only' : 'layers and code'})\n`
            : '') +
          `      function versions: newest ${versions?.newest ?? '-'}, live ${versions?.live ?? '-'}${canary}\n` +
          (deployment.functions ?? []).map((fn) => `      ${fn.name}: newest ${fn.newest ?? '-'}, live ${fn.live ?? '-'}\n`).join('') +
          `      layers ${layers}\n` +
          `      code   ${deployment.function?.codeHash ?? '-'}\n`,
      );
    }
    return 0;
  },
};

export function shortHash(value: string | undefined, length = 12): string {
  return value ? value.slice(0, length) : '-';
}

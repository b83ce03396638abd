import { LambdaClient } from '@aws-sdk/client-lambda';
import { functionNameOf } from '../../config/environments';
import { ROLLOUT_OUTPUTS } from '../../config/rollout-names';
import { awsClients } from '../../aws/clients';
import { currentState } from '../../aws/state';
import { optionValueInvalid } from '../../project/errors';
import { noPublishedVersion, probeVersionUnknown, probeVersionsUnreadable } from '../../rollout/errors';
import { publishedVersions, runProbe } from '../../rollout/lambda';
import { Command, writeJson } from '../command';
import { environmentForStack } from '../../use-cases/stacks';

export const probeCommand: Command = {
  usage: 'npm run probe -- <stack> [--version <n>] [--function <name>] [--json]',
  help: `The probe a rollout runs before a new version takes traffic, on its own: payload 2.0
events for GET / and GET /api/messages/ sent straight to one version of the function
(Lambda's Invoke with a qualifier, not through the API), each needing HTTP 200 and a
well-formed body; a function error (Runtime.ImportModuleError above all) fails it, with
the error's text. The version defaults to the stack's newest (its state output
${ROLLOUT_OUTPUTS.newestVersion}). --function names the function where there is no state, e.g.
against the local run (AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:3000, see npm start); the
version then defaults to the function's newest published one (Lambda's ListVersionsByFunction).`,
  options: {
    version: { type: 'string', value: '<n>', describe: 'the published version (or $LATEST, or the alias live)' },
    function: { type: 'string', value: '<name>', describe: 'the function (default: <project>-<env>-api of the stack)' },
    json: { type: 'boolean', describe: 'print the results as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const environment = environmentForStack(project.config(), positionals[0], 'probe');
    const functionName = (values['function'] as string | undefined) ?? functionNameOf(environment);
    let version = values['version'] as string | undefined;
    if (version !== undefined && !/^(\d+|\$LATEST|live)$/.test(version))
      throw optionValueInvalid('--version', 'a published version number, $LATEST or live', version, 'probe');
    const lambda = new LambdaClient({ region: environment.region });
    try {
      if (version === undefined && values['function'] !== undefined) {
        // No state to read: ask the function itself.
        const versions = await publishedVersions(lambda, functionName).catch((error: Error) => {
          throw probeVersionsUnreadable(functionName, `${error.name}: ${error.message}`);
        });
        version = versions.pop();
        if (version === undefined) throw noPublishedVersion(functionName);
      } else if (version === undefined) {
        const state = await currentState(awsClients(environment.region), environment.stateBucket, environment.stateKey);
        const newest = state.outputs?.[ROLLOUT_OUTPUTS.newestVersion];
        if (typeof newest !== 'string' || !/^\d+$/.test(newest)) {
          throw probeVersionUnknown(environment.stackName, ROLLOUT_OUTPUTS.newestVersion);
        }
        version = newest;
      }
      const results = await runProbe(lambda, functionName, version);
      const ok = results.every((result) => result.ok);
      if (values['json']) writeJson(out, { function: functionName, version, ok, results });
      for (const result of results) {
        err.line(`${result.ok ? err.green('✓') : err.red('✗')} ${result.route} on ${functionName}:${version}: ${result.detail}`);
        if (!result.ok && result.answer) err.line(`    answer: ${result.answer}`);
      }
      return ok ? 0 : 1;
    } finally {
      lambda.destroy();
    }
  },
};

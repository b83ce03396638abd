import { noSuch, portInvalid } from '../../project/errors';
import { startLocal } from '../../use-cases/start';
import { Command, writeJson } from '../command';
import { Trigger } from '../../config/functions';

function parsePort(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) throw portInvalid(raw, 'start');
  return Number(raw);
}

/** A function's trigger in a few words, for the banner. */
export function triggerText(trigger: Trigger, runIt?: string): string {
  if (trigger.type === 'http') return `routes ${trigger.routes.join(', ')}`;
  if (trigger.type === 'queue') return `queue, batches of ${trigger.batchSize}`;
  return `schedule ${trigger.expression}${runIt ? ` (run it: ${runIt})` : ''}`;
}

export const startCommand: Command = {
  usage: 'npm start -- [--env <name>] [--port <n>] [--schedules | --schedules-at-start] [--skip-build] [--skip-checks] [--build-dir <dir>] [--json]',
  help: `Builds the layers and the handler, synthesises every environment, then serves
every function of one environment from the built artifacts (the HTTP functions on
http://127.0.0.1:<port> by route, a queue function fed from a local SQS-compatible
server by a poller as Lambda's event source mapping feeds it, every one through
Lambda's Invoke API on the same port), each with its bundle as /var/task and its
layers where Lambda mounts layers (/opt), in its own process on the runtime's own interpreter (Node of its major, or Python of
its version) that cannot see this project's packages. Requests become API Gateway
HTTP API payload 2.0 events. DynamoDB is a local dynalite server; messages last
until you stop. Ctrl-C stops everything.

A scheduled function runs on demand (npm run invoke -- <stack> <function>); with
--schedules it also runs at the times its expression gives (rate from the start,
cron in its time zone), with the event its schedule sends; --schedules-at-start
also runs each once as soon as the API is up.

The deployment rules run first: a function whose imports nothing attached provides
is not served, as it is not deployed. --skip-checks serves it anyway (loudly), to
watch it fail the way it would on Lambda; it then does not synthesise.`,
  options: {
    env: { type: 'string', value: '<name>', describe: 'environment to mirror (default dev)' },
    port: { type: 'string', value: '<n>', describe: 'port (default PORT, else 3000; 0 picks a free port)' },
    host: { type: 'string', value: '<address>', describe: 'address to listen on (default 127.0.0.1)' },
    schedules: { type: 'boolean', describe: 'run each scheduled function at the times its schedule gives' },
    'schedules-at-start': { type: 'boolean', describe: 'as --schedules, and run each once when the API is up' },
    'skip-build': { type: 'boolean', describe: 'serve the existing build; do not build or synthesise' },
    'skip-checks': { type: 'boolean', describe: 'serve even what the deployment rules refuse; no synth' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print {"url", ...} on stdout once serving, for scripts' },
  },
  async run(values, _positionals, { project, env, err, out, signal }) {
    const config = project.config();
    const name = (values['env'] as string | undefined) ?? 'dev';
    const environment = config.environments.find((candidate) => candidate.name === name);
    if (!environment) {
      throw noSuch(
        'environment',
        name,
        config.environments.map((e) => e.name),
        'start',
      );
    }
    const port = parsePort((values['port'] as string | undefined) ?? env['PORT'] ?? '3000');
    const api = await startLocal({
      project,
      environment,
      report: err,
      buildDir: project.buildDir(values['build-dir'] as string | undefined),
      host: (values['host'] as string | undefined) ?? '127.0.0.1',
      port,
      skipBuild: Boolean(values['skip-build']),
      skipChecks: Boolean(values['skip-checks']),
      ...(values['schedules-at-start'] ? { schedules: 'at-start' as const } : values['schedules'] ? { schedules: 'on' as const } : {}),
    });
    err.line('');
    err.line(`${err.bold('Local API')} ${api.url}  ${err.dim(`(mirrors ${environment.stackName}: ${environment.runtime}, ${environment.architecture})`)}`);
    for (const layer of api.layers) {
      const direct = layer.packages.filter((pkg) => pkg.direct).map((pkg) => `${pkg.name}@${pkg.version}`);
      err.line(`  layer     ${layer.name} -> /opt  content ${layer.contentHash.slice(0, 12)}  ${direct.join(', ')}`);
    }
    err.line(`  function  ${api.bundle.id} -> /var/task  on ${api.interpreter.name} ${api.interpreter.version} (${api.interpreter.path})`);
    err.line(`  runtime   ${api.runtimePackages}`);
    err.line(`  dynamodb  ${api.dynamodbEndpoint} (dynalite), table ${api.tableName}`);
    for (const fn of api.functions.slice(1)) {
      const layers = fn.layers.map((layer) => layer.name).join(', ') || 'no layers';
      err.line(
        `  ${fn.name.padEnd(9)} ${fn.functionName}: ${triggerText(fn.trigger, values['schedules'] || values['schedules-at-start'] ? undefined : `npm run invoke -- ${environment.stackName} ${fn.name}, or npm start -- --schedules`)}; ${fn.bundle.id} with ${layers}, on ${fn.interpreter.name} ${fn.interpreter.version}`,
      );
    }
    if (api.sqsEndpoint)
      err.line(`  sqs       ${api.sqsEndpoint}, queues ${api.queues.map((queue) => queue.name).join(', ')} (a poller feeds each to its function)`);
    err.line(
      `  lambda    Invoke API for ${api.functions.map((fn) => fn.functionName).join(', ')} on the same port: AWS_ENDPOINT_URL_LAMBDA=${api.url} npm run probe -- ${environment.stackName} --function ${api.functionName}`,
    );
    err.line(`  try       curl ${api.url}/  |  curl ${api.url}/api/messages/`);
    err.line(err.dim('Press Ctrl-C to stop.'));
    if (values['json']) {
      writeJson(out, {
        url: api.url,
        environment: environment.name,
        dynamodbEndpoint: api.dynamodbEndpoint,
        tableName: api.tableName,
        functionName: api.functionName,
        sandbox: api.sandbox.root,
        interpreter: { name: api.interpreter.name, version: api.interpreter.version },
        runtimePackages: api.runtimePackages,
        skipChecks: Boolean(values['skip-checks']),
        layers: api.layers.map((layer) => ({ name: layer.name, contentHash: layer.contentHash })),
        bundle: api.bundle.id,
        functions: api.functions.map((fn) => ({
          name: fn.name,
          functionName: fn.functionName,
          trigger: fn.trigger,
          bundle: fn.bundle.id,
          layers: fn.layers.map((layer) => ({ name: layer.name, contentHash: layer.contentHash })),
          sandbox: fn.sandbox.root,
        })),
        ...(api.sqsEndpoint ? { sqsEndpoint: api.sqsEndpoint, queues: api.queues.map((queue) => ({ name: queue.name, url: queue.url })) } : {}),
      });
    }
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
    err.line('Stopping the local API ...');
    await api.stop();
    return 0;
  },
};

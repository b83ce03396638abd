import * as fs from 'node:fs';
import { argumentMissing, optionFileUnreadable, optionValueInvalid } from '../../project/errors';
import { invokeLocal } from '../../use-cases/invoke';
import { environmentForStack } from '../../use-cases/stacks';
import { Command, writeJson } from '../command';

function parseEvent(values: Record<string, unknown>): unknown {
  const inline = values['event'] as string | undefined;
  const file = values['event-file'] as string | undefined;
  if (inline !== undefined && file !== undefined) throw optionValueInvalid('--event', 'either --event or --event-file, not both', inline, 'invoke');
  let text = inline;
  if (file !== undefined) {
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw optionFileUnreadable('--event-file', file, error, 'invoke');
    }
  }
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw optionValueInvalid(inline !== undefined ? '--event' : '--event-file', `JSON (${(error as Error).message})`, text.slice(0, 80), 'invoke');
  }
}

export const invokeCommand: Command = {
  usage: 'npm run invoke -- <stack> <function> [--event <json> | --event-file <file>] [--skip-build] [--build-dir <dir>] [--json]',
  help: `Runs one function of a stack once, locally, as npm start runs it: its own sandbox with its
bundle and its layers, on its runtime's interpreter, with a local table and queues of its own
(not those of a running npm start; to run a schedule there: npm start -- --schedules). The event
is the one its trigger sends: a scheduled function gets {"scheduledTime": <now>} as EventBridge
Scheduler sends it, an HTTP function a GET of its first route without parameters; give any other
(an SQS batch for a queue function) with --event or --event-file. Prints the answer; exit code 1
when the function fails. While npm start runs, every function also answers Lambda's Invoke API on
its port (AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:3000 aws lambda invoke ...).`,
  options: {
    event: { type: 'string', value: '<json>', describe: 'the event, as JSON' },
    'event-file': { type: 'string', value: '<file>', describe: 'a file holding the event' },
    'skip-build': { type: 'boolean', describe: 'run the existing build; do not build or synthesise' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print {"function", "ok", "answer"} on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const environment = environmentForStack(project.config(), positionals[0], 'invoke');
    if (!positionals[1]) {
      throw argumentMissing(
        'Name',
        `a function of ${environment.stackName} after the stack: ${environment.functions.map((fn) => fn.name).join(', ')}`,
        'invoke',
      );
    }
    const event = parseEvent(values);
    const { functionName, result } = await invokeLocal({
      project,
      environment,
      functionName: positionals[1],
      ...(event !== undefined ? { event } : {}),
      report: err,
      buildDir: project.buildDir(values['build-dir'] as string | undefined),
      skipBuild: Boolean(values['skip-build']),
    });
    if (values['json']) {
      writeJson(out, {
        function: functionName,
        ok: result.ok,
        ...(result.ok ? { answer: result.payload } : { errorType: result.errorType, errorMessage: result.errorMessage }),
      });
    } else if (result.ok) {
      writeJson(out, result.payload);
    }
    if (!result.ok) err.line(err.red(`${functionName} failed: ${result.errorType}: ${result.errorMessage}`));
    return result.ok ? 0 : 1;
  },
};

import { Trigger, functionNameFor } from '../config/functions';
import { EnvironmentConfig } from '../config/environments';
import { toHttpApiEvent } from '../api-gateway/payload-v2';
import { InvokeResult } from '../local-lambda/local-function';
import { scheduledEvent } from '../local-lambda/schedule-clock';
import { Reporter } from '../project/progress';
import { noSuch } from '../project/errors';
import { eventNeeded, notDeployedHint } from './errors';
import { ProjectContext } from './context';
import { startLocal } from './start';

/**
 * `npm run invoke -- <stack> <function>`: one invocation of one function of an environment, run locally as `npm start`
 * runs it (its own sandbox, layers and process, the local table and queues), with the event its trigger sends: the
 * scheduled time for a scheduled function, a GET of its first plain route for an HTTP function, or the event given.
 */

/** The event a trigger sends when none is given: the schedule's (Scheduler fills in the time), an HTTP GET of a route without parameters. */
export function defaultEvent(trigger: Trigger, now: Date): unknown {
  if (trigger.type === 'schedule') return scheduledEvent(now);
  if (trigger.type === 'http') {
    const route = trigger.routes.map((key) => key.split(' ')).find(([method, path]) => (method === 'GET' || method === 'ANY') && path && !path.includes('{'));
    if (!route) return undefined;
    return toHttpApiEvent({
      method: 'GET',
      url: route[1],
      rawHeaders: ['accept', 'application/json', 'user-agent', 'layer-stacks-invoke'],
      body: Buffer.alloc(0),
      sourceIp: '127.0.0.1',
      requestId: 'local-invoke',
      time: now,
      domainName: 'invoke.invalid',
      route: { routeKey: route.join(' ') },
    });
  }
  return undefined;
}

export interface InvokeOptions {
  readonly project: ProjectContext;
  readonly environment: EnvironmentConfig;
  /** The function's name in the configuration ("digest"), or its whole name. */
  readonly functionName: string;
  readonly event?: unknown;
  readonly report: Reporter;
  readonly buildDir: string;
  readonly skipBuild: boolean;
}

export async function invokeLocal(options: InvokeOptions): Promise<{ functionName: string; event: unknown; result: InvokeResult }> {
  const { environment } = options;
  const fn = environment.functions.find(
    (candidate) => candidate.name === options.functionName || functionNameFor(environment, candidate.name) === options.functionName,
  );
  if (!fn)
    throw noSuch(
      'function',
      options.functionName,
      environment.functions.map((candidate) => candidate.name),
      'invoke',
      notDeployedHint(environment),
    );
  const event = options.event ?? defaultEvent(fn.trigger, new Date());
  if (event === undefined) throw eventNeeded(fn.name, fn.trigger.type);
  const api = await startLocal({ ...options, host: '127.0.0.1', port: 0, skipChecks: false });
  try {
    const served = api.functions.find((candidate) => candidate.name === fn.name)!;
    options.report.line(`Invoking ${served.functionName} with ${JSON.stringify(event).slice(0, 200)}`);
    return { functionName: served.functionName, event, result: await served.invoke(event) };
  } finally {
    await api.stop();
  }
}

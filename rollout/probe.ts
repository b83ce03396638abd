import { HttpApiEventV2, fromFunctionResult, toHttpApiEvent } from '../api-gateway/payload-v2';

/**
 * The probe: the read-only routes of the API, sent straight to one version of the
 * function (Lambda's Invoke with a qualifier, not through the API) as API Gateway
 * payload 2.0 events; and the judgement of what came back. Pure; the invoking is
 * in rollout/lambda.ts.
 */

export interface ProbeRoute {
  readonly name: string;
  readonly path: string;
  /** Whether the answer's body is what this route answers when healthy. */
  readonly wellFormed: (body: unknown) => boolean;
  readonly expects: string;
}

const isMessage = (item: unknown): boolean =>
  typeof item === 'object' &&
  item !== null &&
  ['id', 'content', 'author', 'created_at'].every((key) => typeof (item as Record<string, unknown>)[key] === 'string');

export const PROBE_ROUTES: readonly ProbeRoute[] = [
  {
    name: 'GET /',
    path: '/',
    wellFormed: (body) => typeof body === 'object' && body !== null && (body as Record<string, unknown>)['status'] === 'ok',
    expects: 'a JSON object with "status": "ok"',
  },
  {
    name: 'GET /api/messages/',
    path: '/api/messages/',
    wellFormed: (body) => Array.isArray(body) && body.every(isMessage),
    expects: 'a JSON array of messages',
  },
];

/** The payload 2.0 event API Gateway would send for a GET of `path`. */
export function probeEvent(path: string, requestId: string, time: Date): HttpApiEventV2 {
  return toHttpApiEvent({
    method: 'GET',
    url: path,
    rawHeaders: ['accept', 'application/json', 'user-agent', 'layer-stacks-probe'],
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
    requestId,
    time,
    domainName: 'probe.invalid',
  });
}

/** What Lambda's Invoke answered. */
export interface InvokeOutcome {
  /** The X-Amz-Function-Error header: the function failed (Unhandled), or its runtime did. */
  readonly functionError?: string;
  /** The response payload as text: the handler's result, or the error object. */
  readonly payload: string;
  /** X-Amz-Executed-Version. */
  readonly executedVersion?: string;
}

export interface ProbeResult {
  readonly route: string;
  readonly ok: boolean;
  /** What is wrong, or what was seen. */
  readonly detail: string;
  /** The status API Gateway would answer with. */
  readonly status?: number;
  /** Lambda's error type when the function failed, e.g. Runtime.ImportModuleError. */
  readonly errorType?: string;
  /** The answer as it came, shortened. */
  readonly answer: string;
}

function shorten(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length} characters)` : text;
}

/** A probe whose invocation failed in the function (or its runtime): Lambda's error type and message. */
function functionFailed(route: string, outcome: InvokeOutcome): ProbeResult {
  let error: { errorType?: string; errorMessage?: string } = {};
  try {
    error = JSON.parse(outcome.payload) as typeof error;
  } catch {
    // not the usual error object
  }
  const errorType = error.errorType ?? outcome.functionError!;
  return {
    route,
    ok: false,
    errorType,
    detail: `the function failed: ${errorType}: ${error.errorMessage ?? outcome.payload}`,
    answer: shorten(outcome.payload),
  };
}

/** A route's result from Lambda's answer: a function error, a status other than 200, or a body this route never answers, fails. */
export function judgeProbe(route: ProbeRoute, outcome: InvokeOutcome): ProbeResult {
  const answer = shorten(outcome.payload);
  if (outcome.functionError) return functionFailed(route.name, outcome);
  let result: unknown;
  try {
    result = outcome.payload === '' ? null : JSON.parse(outcome.payload);
  } catch {
    return { route: route.name, ok: false, detail: 'the function answered something that is not JSON', answer };
  }
  const response = fromFunctionResult(result);
  const text = response.body.toString('utf8');
  if (response.statusCode !== 200)
    return { route: route.name, ok: false, status: response.statusCode, detail: `HTTP ${response.statusCode}, expected 200`, answer: shorten(text) };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { route: route.name, ok: false, status: 200, detail: `the body is not JSON; expected ${route.expects}`, answer: shorten(text) };
  }
  if (!route.wellFormed(body)) return { route: route.name, ok: false, status: 200, detail: `the body is not ${route.expects}`, answer: shorten(text) };
  return { route: route.name, ok: true, status: 200, detail: `HTTP 200, ${route.expects}`, answer: shorten(text) };
}

/** What the rollout sends another function to probe it: its plain GET routes (an HTTP function), or the probe event. */
export type FunctionProbe = { readonly kind: 'route'; readonly route: ProbeRoute } | { readonly kind: 'event' };

/** How a function other than the API is probed: an HTTP function through its GET routes without parameters; any other (or one without such a route) with the probe event its handler recognises. */
export function probesOf(fn: { readonly name: string; readonly trigger: { readonly type: string; readonly routes?: readonly string[] } }): FunctionProbe[] {
  const routes = (fn.trigger.type === 'http' ? (fn.trigger.routes ?? []) : [])
    .map((key) => key.split(' '))
    .filter(([method, path]) => method === 'GET' && path !== undefined && !path.includes('{'))
    .map(([, path]): FunctionProbe => ({
      kind: 'route',
      route: {
        name: `${fn.name}: GET ${path}`,
        path: path,
        wellFormed: (body) => body !== null && typeof body === 'object',
        expects: 'a JSON object or array',
      },
    }));
  return routes.length ? routes : [{ kind: 'event' }];
}

/** The event a function's handler recognises as the rollout's probe and answers without side effects, echoing the token. */
export function probeEventOf(token: string): { readonly probe: string } {
  return { probe: token };
}

/** A function's answer to the probe event: it must not fail, and must echo the token (an answer from anything else does not). */
export function judgeEventProbe(name: string, token: string, outcome: InvokeOutcome): ProbeResult {
  const route = `${name}: probe event`;
  const answer = shorten(outcome.payload);
  if (outcome.functionError) return functionFailed(route, outcome);
  let result: unknown;
  try {
    result = JSON.parse(outcome.payload);
  } catch {
    return { route, ok: false, detail: 'the function answered something that is not JSON', answer };
  }
  const echoed = typeof result === 'object' && result !== null && (result as Record<string, unknown>)['probe'] === token;
  return echoed
    ? { route, ok: true, detail: 'answered the probe event with its token', answer }
    : {
        route,
        ok: false,
        detail: `did not answer the probe event {"probe": "${token}"} with its token; its handler must recognise it and answer {"probe": <token>} without side effects`,
        answer,
      };
}

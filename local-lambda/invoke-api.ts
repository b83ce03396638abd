import { InvokeResult } from './local-function';
import { OutgoingResponse } from '../api-gateway/payload-v2';

/**
 * Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`) for the local
 * function, and ListVersionsByFunction (`GET .../versions`) so a probe can find the newest
 * version, on the local API's own port, as one local edge endpoint serves every
 * service: requests under Lambda's path prefix never reach the API's routes. The AWS
 * SDK, pointed here with AWS_ENDPOINT_URL_LAMBDA, invokes the real local process.
 */

export const INVOKE_PREFIX = '/2015-03-31/functions/';

export interface InvokeRequest {
  /** The function named in the path: a name, a name:qualifier, or an ARN. */
  readonly functionName: string;
  /** The Qualifier query parameter, or the qualifier in the name. */
  readonly qualifier?: string;
  readonly invocationType: string;
}

/** The function, qualifier and invocation type of an Invoke request; undefined for any other path under the prefix. */
export function parseInvokeRequest(method: string, url: string, headers: Readonly<Record<string, string | string[] | undefined>>): InvokeRequest | undefined {
  const parsed = new URL(url, 'http://local');
  const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(parsed.pathname);
  if (method !== 'POST' || !match) return undefined;
  let name = decodeURIComponent(match[1]);
  let qualifier = parsed.searchParams.get('Qualifier') ?? undefined;
  const arn = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([^:]+)(?::(.+))?$/.exec(name);
  if (arn) {
    name = arn[1]!;
    qualifier = qualifier ?? arn[2];
  } else if (name.includes(':')) {
    [name, qualifier] = [name.slice(0, name.indexOf(':')), qualifier ?? name.slice(name.indexOf(':') + 1)];
  }
  const type = headers['x-amz-invocation-type'];
  return { functionName: name, ...(qualifier ? { qualifier } : {}), invocationType: (Array.isArray(type) ? type[0] : type) ?? 'RequestResponse' };
}

/** The function of a ListVersionsByFunction request (a name or an ARN); undefined for any other request. */
export function parseListVersionsRequest(method: string, url: string): string | undefined {
  const match = /^\/2015-03-31\/functions\/([^/]+)\/versions$/.exec(new URL(url, 'http://local').pathname);
  if (method !== 'GET' || !match) return undefined;
  const name = decodeURIComponent(match[1]);
  return /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:([^:]+)$/.exec(name)?.[1] ?? name;
}

/** One build is served here, so it is $LATEST and the one published version, 1 (which every number and `live` also name). */
export const LOCAL_PUBLISHED_VERSION = '1';

/** ListVersionsByFunction's answer for the local function: $LATEST and version 1. */
export function listVersionsResponse(functionName: string, local: { functionName: string; functionArn: string }): OutgoingResponse {
  if (functionName !== local.functionName) {
    return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${local.functionArn.replace(local.functionName, functionName)}`);
  }
  const version = (qualifier: string) => ({ FunctionName: local.functionName, FunctionArn: `${local.functionArn}:${qualifier}`, Version: qualifier });
  return jsonResponse(200, { Versions: [version('$LATEST'), version(LOCAL_PUBLISHED_VERSION)] });
}

/** A JSON answer of the local server. */
export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string[]> = {}): OutgoingResponse {
  return { statusCode, headers: { 'content-type': ['application/json'], ...headers }, body: Buffer.from(JSON.stringify(body)) };
}

/** Lambda's error answer: the type in x-amzn-ErrorType, where the SDK reads it. */
export function lambdaError(statusCode: number, type: string, message: string): OutgoingResponse {
  return jsonResponse(statusCode, { Type: 'User', message }, { 'x-amzn-errortype': [type] });
}

/** Why this endpoint will not run the request, as Lambda would say it; undefined when it will. */
export function refuseInvoke(request: InvokeRequest, local: { functionName: string; functionArn: string }): OutgoingResponse | undefined {
  if (request.functionName !== local.functionName) {
    return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${local.functionArn.replace(local.functionName, request.functionName)}`);
  }
  const qualifier = request.qualifier ?? '$LATEST';
  // One build runs here: every published version and the alias are that build.
  if (!/^(\$LATEST|\d+|live)$/.test(qualifier)) {
    return lambdaError(404, 'ResourceNotFoundException', `Function not found: ${local.functionArn}:${qualifier}`);
  }
  if (request.invocationType !== 'RequestResponse') {
    return lambdaError(400, 'InvalidParameterValueException', `The local function answers InvocationType RequestResponse only, not ${request.invocationType}`);
  }
  return undefined;
}

/** Lambda's answer to an invocation: the result, or the error object with X-Amz-Function-Error; a throttle as Lambda's 429. */
export function invokeResponse(result: InvokeResult, qualifier: string | undefined): OutgoingResponse {
  const executed = { 'x-amz-executed-version': [qualifier && /^\d+$/.test(qualifier) ? qualifier : '$LATEST'] };
  if (result.ok) return jsonResponse(200, result.payload, executed);
  if (result.errorType === 'Local.Throttled') return lambdaError(429, 'TooManyRequestsException', `Rate Exceeded. ${result.errorMessage}`);
  return jsonResponse(
    200,
    { errorMessage: result.errorMessage, errorType: result.errorType, stackTrace: [] },
    { ...executed, 'x-amz-function-error': ['Unhandled'] },
  );
}

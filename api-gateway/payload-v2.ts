import { routeKeyFor } from '../handlers/api/routes';

/**
 * API Gateway HTTP API payload format 2.0, both directions, as pure functions.
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
 */

export interface IncomingRequest {
  readonly method: string;
  /** Path and query as sent, e.g. `/api/messages/?limit=5`. */
  readonly url: string;
  /** Node's raw header list: name, value, name, value... */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly time: Date;
  /** host:port the client connected to. */
  readonly domainName: string;
  /** The route the request took, when the caller matched it against the API's routes; otherwise the seed's routes decide. */
  readonly route?: { readonly routeKey: string; readonly pathParameters?: Readonly<Record<string, string>> };
}

export interface HttpApiEventV2 {
  readonly version: '2.0';
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly pathParameters?: Readonly<Record<string, string>>;
  readonly requestContext: {
    readonly accountId: string;
    readonly apiId: string;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
    readonly requestId: string;
    readonly routeKey: string;
    readonly stage: string;
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

export interface OutgoingResponse {
  readonly statusCode: number;
  /** Header name -> values; set-cookie may repeat. */
  readonly headers: Record<string, string[]>;
  readonly body: Buffer;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `25/Nov/2026:21:00:00 +0000`, the requestContext.time format. */
export function clfTime(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0].trim().toLowerCase();
  return (
    type.startsWith('text/') ||
    type === 'application/json' ||
    type.endsWith('+json') ||
    type === 'application/xml' ||
    type.endsWith('+xml') ||
    type === 'application/javascript' ||
    type === 'application/x-www-form-urlencoded'
  );
}

function isValidUtf8(bytes: Buffer): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/**
 * The event API Gateway sends for a request. Header names are lower-cased and
 * repeated headers joined with commas; cookies move to `cookies`; a body that is
 * not text, or not valid UTF-8, is base64-encoded so its bytes survive.
 */
export function toHttpApiEvent(request: IncomingRequest): HttpApiEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i].toLowerCase();
    const value = request.rawHeaders[i + 1];
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((cookie) => cookie.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  const questionMark = request.url.indexOf('?');
  const rawPath = questionMark === -1 ? request.url : request.url.slice(0, questionMark);
  const rawQueryString = questionMark === -1 ? '' : request.url.slice(questionMark + 1);
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) {
    query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  const routeKey = request.route?.routeKey ?? routeKeyFor(request.method, path);
  const pathParameters = request.route?.pathParameters;
  const hasBody = request.body.length > 0;
  const asText = hasBody && isTextual(headers['content-type']) && isValidUtf8(request.body);
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: request.domainName,
      domainPrefix: request.domainName.split('.')[0],
      http: {
        method: request.method.toUpperCase(),
        path,
        protocol: 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(request.time),
      timeEpoch: request.time.getTime(),
    },
    ...(hasBody ? { body: asText ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

const INTERNAL_ERROR: OutgoingResponse = {
  statusCode: 500,
  headers: { 'content-type': ['application/json'] },
  body: Buffer.from('{"message":"Internal Server Error"}'),
};

/**
 * What API Gateway returns for a function's result: a `statusCode` object is used
 * as is; any other JSON value becomes a 200 JSON body; a malformed result is 500.
 */
export function fromFunctionResult(result: unknown): OutgoingResponse {
  if (typeof result === 'object' && result !== null && !Array.isArray(result) && 'statusCode' in result) {
    const structured = result as {
      statusCode: unknown;
      headers?: Record<string, unknown>;
      multiValueHeaders?: Record<string, unknown[]>;
      cookies?: unknown[];
      body?: unknown;
      isBase64Encoded?: unknown;
    };
    const status = structured.statusCode;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) return INTERNAL_ERROR;
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(structured.headers ?? {})) headers[name.toLowerCase()] = [String(value)];
    for (const [name, values] of Object.entries(structured.multiValueHeaders ?? {})) {
      headers[name.toLowerCase()] = (values ?? []).map(String);
    }
    if (Array.isArray(structured.cookies) && structured.cookies.length) {
      headers['set-cookie'] = [...(headers['set-cookie'] ?? []), ...structured.cookies.map(String)];
    }
    // A body that is not a string is what API Gateway stringifies too (JSON's text of a number or boolean, [object Object] of an object).
    const body =
      structured.body === undefined || structured.body === null ? '' : typeof structured.body === 'string' ? structured.body : `${structured.body as string}`;
    return {
      statusCode: status,
      headers,
      body: structured.isBase64Encoded === true ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8'),
    };
  }
  return {
    statusCode: 200,
    headers: { 'content-type': ['application/json'] },
    body: Buffer.from(typeof result === 'string' ? result : JSON.stringify(result ?? null), 'utf8'),
  };
}

/** API Gateway's answer when the function fails; locally it also says why, so the cause is visible at once. */
export function functionErrorResponse(error: { errorType: string; errorMessage: string }): OutgoingResponse {
  // Throttled: what API Gateway answers when it admits no more. A response over Lambda's limit: 502, as API Gateway answers
  // a Lambda integration that returned no usable response. Anything else: 500.
  if (error.errorType === 'Local.Throttled') {
    return { statusCode: 429, headers: { 'content-type': ['application/json'] }, body: Buffer.from(JSON.stringify({ message: 'Too Many Requests' })) };
  }
  return {
    statusCode: error.errorType === 'Function.ResponseSizeTooLarge' ? 502 : 500,
    headers: { 'content-type': ['application/json'] },
    body: Buffer.from(JSON.stringify({ message: 'Internal Server Error', errorType: error.errorType, errorMessage: error.errorMessage })),
  };
}

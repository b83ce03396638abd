import { clfTime, fromFunctionResult, functionErrorResponse, toHttpApiEvent, IncomingRequest } from '../../api-gateway/payload-v2';

const request = (overrides: Partial<IncomingRequest> = {}): IncomingRequest => ({
  method: 'POST',
  url: '/api/messages/?limit=5&tag=a&tag=b',
  rawHeaders: ['Host', '127.0.0.1:3000', 'Content-Type', 'application/json', 'X-Multi', '1', 'x-multi', '2', 'Cookie', 'a=1; b=2'],
  body: Buffer.from('{"content":"hi"}'),
  sourceIp: '127.0.0.1',
  requestId: 'req-1',
  time: new Date(Date.UTC(2026, 10, 25, 9, 5, 3, 7)),
  domainName: '127.0.0.1:3000',
  ...overrides,
});

describe('request to payload 2.0 event', () => {
  const event = toHttpApiEvent(request());

  it('fills the top-level fields API Gateway sends', () => {
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'POST /api/messages/',
      rawPath: '/api/messages/',
      rawQueryString: 'limit=5&tag=a&tag=b',
      queryStringParameters: { limit: '5', tag: 'a,b' },
      cookies: ['a=1', 'b=2'],
      body: '{"content":"hi"}',
      isBase64Encoded: false,
    });
  });

  it('lower-cases header names and joins repeated headers with commas', () => {
    expect(event.headers).toEqual({ host: '127.0.0.1:3000', 'content-type': 'application/json', 'x-multi': '1,2' });
  });

  it('fills the request context', () => {
    expect(event.requestContext).toMatchObject({
      http: { method: 'POST', path: '/api/messages/', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      requestId: 'req-1',
      routeKey: 'POST /api/messages/',
      stage: '$default',
      time: '25/Nov/2026:09:05:03 +0000',
      timeEpoch: Date.UTC(2026, 10, 25, 9, 5, 3, 7),
    });
    expect(clfTime(new Date(Date.UTC(2026, 0, 2, 3, 4, 5)))).toBe('02/Jan/2026:03:04:05 +0000');
  });

  it('base64-encodes binary bodies and text that is not valid UTF-8, so the bytes survive', () => {
    const invalid = toHttpApiEvent(request({ body: Buffer.from([0x7b, 0xff, 0x7d]) }));
    expect(invalid).toMatchObject({ isBase64Encoded: true, body: Buffer.from([0x7b, 0xff, 0x7d]).toString('base64') });
    const binary = toHttpApiEvent(request({ rawHeaders: ['Content-Type', 'application/octet-stream'], body: Buffer.from('abc') }));
    expect(binary).toMatchObject({ isBase64Encoded: true, body: 'YWJj' });
  });

  it('sends no body and $default for an unknown route without a body', () => {
    const get = toHttpApiEvent(request({ method: 'GET', url: '/nowhere', rawHeaders: [], body: Buffer.alloc(0) }));
    expect(get.routeKey).toBe('$default');
    expect(get.body).toBeUndefined();
    expect(get.isBase64Encoded).toBe(false);
    expect(get.queryStringParameters).toBeUndefined();
  });
});

describe('function result to response', () => {
  it('uses a structured result as is, with cookies as set-cookie', () => {
    const response = fromFunctionResult({ statusCode: 201, headers: { 'Content-Type': 'application/json' }, cookies: ['a=1'], body: '{"ok":true}' });
    expect(response.statusCode).toBe(201);
    expect(response.headers).toEqual({ 'content-type': ['application/json'], 'set-cookie': ['a=1'] });
    expect(response.body.toString()).toBe('{"ok":true}');
  });

  it('decodes base64 bodies', () => {
    expect(fromFunctionResult({ statusCode: 200, body: 'YWJj', isBase64Encoded: true }).body.toString()).toBe('abc');
  });

  it('turns any other JSON value into a 200 JSON body', () => {
    const response = fromFunctionResult({ hello: 'world' });
    expect(response).toMatchObject({ statusCode: 200, headers: { 'content-type': ['application/json'] } });
    expect(response.body.toString()).toBe('{"hello":"world"}');
  });

  it('answers 500 for a malformed status code', () => {
    expect(fromFunctionResult({ statusCode: 'two hundred' }).statusCode).toBe(500);
    expect(fromFunctionResult({ statusCode: 99 }).statusCode).toBe(500);
  });

  it('reports a function error as API Gateway does, plus the cause', () => {
    const response = functionErrorResponse({ errorType: 'Runtime.ImportModuleError', errorMessage: "Error: Cannot find package 'hono'" });
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body.toString())).toEqual({
      message: 'Internal Server Error',
      errorType: 'Runtime.ImportModuleError',
      errorMessage: "Error: Cannot find package 'hono'",
    });
  });

  it("answers 502 for a response over Lambda's limit, and 429 for a throttled invocation", () => {
    const tooLarge = functionErrorResponse({
      errorType: 'Function.ResponseSizeTooLarge',
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
    });
    expect(tooLarge.statusCode).toBe(502);
    expect(JSON.parse(tooLarge.body.toString())).toMatchObject({ message: 'Internal Server Error', errorType: 'Function.ResponseSizeTooLarge' });
    const throttled = functionErrorResponse({ errorType: 'Local.Throttled', errorMessage: '10 invocations are already waiting' });
    expect([throttled.statusCode, JSON.parse(throttled.body.toString())]).toEqual([429, { message: 'Too Many Requests' }]);
  });
});

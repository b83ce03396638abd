import { hostName, isLoopbackName, printable, refuseRequest } from '../../local-lambda/request-guard';

const PREFIX = '/2015-03-31/functions/';
const status = (url: string, headers: Record<string, string>, bound = '127.0.0.1') => refuseRequest({ url, headers }, bound, PREFIX)?.statusCode ?? 'served';

describe('what the local server refuses before anything runs', () => {
  it('serves loopback names only: localhost, *.localhost, 127.0.0.0/8, [::1], with or without a port', () => {
    for (const host of ['localhost', 'localhost:3000', 'LOCALHOST:3000', 'api.localhost:8080', '127.0.0.1:3000', '127.8.9.10', '[::1]:3000', '[::1]']) {
      expect([host, status('/api/messages/', { host })]).toEqual([host, 'served']);
    }
    for (const host of [
      'evil.example',
      'evil.example:3000',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '10.0.0.5:3000',
      '[::2]:3000',
      '127.0.0.256',
      '',
    ]) {
      expect([host, status('/api/messages/', { host })]).toEqual([host, 403]);
    }
    expect(status('/', {})).toBe(403);
    const body = JSON.parse(refuseRequest({ url: '/', headers: { host: 'rebind.evil.example:3000' } }, '127.0.0.1', PREFIX)!.body.toString('utf8'));
    expect(body).toEqual({
      error: 'forbidden_host',
      message:
        'the local API answers requests for localhost and 127.0.0.1 only, not for Host "rebind.evil.example:3000": a page on another site must not reach it',
    });
  });

  it('also serves the address it was told to listen on, when that is a specific one', () => {
    expect(status('/', { host: '192.168.1.5:3000' }, '192.168.1.5')).toBe('served');
    expect(status('/', { host: '192.168.1.6:3000' }, '192.168.1.5')).toBe(403);
    // Listening everywhere names no host: still loopback names only.
    expect(status('/', { host: '192.168.1.5:3000' }, '0.0.0.0')).toBe(403);
    expect(status('/', { host: '[fe80::1]:3000' }, 'fe80::1')).toBe('served');
  });

  it("refuses a browser's request to the Invoke API (Origin, or a cross-site Sec-Fetch-Site), not an SDK's", () => {
    const invoke = `${PREFIX}multicloud-auto-deploy-dev-api/invocations`;
    expect(status(invoke, { host: 'localhost:3000' })).toBe('served');
    expect(status(invoke, { host: 'localhost:3000', 'sec-fetch-site': 'none' })).toBe('served');
    expect(status(invoke, { host: 'localhost:3000', origin: 'https://evil.example' })).toBe(403);
    expect(status(invoke, { host: 'localhost:3000', origin: 'null' })).toBe(403);
    expect(status(invoke, { host: 'localhost:3000', 'sec-fetch-site': 'cross-site' })).toBe(403);
    expect(
      refuseRequest({ url: invoke, headers: { host: 'localhost', origin: 'https://evil.example' } }, '127.0.0.1', PREFIX)!.headers['x-amzn-errortype'],
    ).toEqual(['AccessDeniedException']);
    // The API itself answers browsers as API Gateway would; its writes need application/json, which a page cannot send unasked.
    expect(status('/api/messages/', { host: 'localhost:3000', origin: 'https://evil.example' })).toBe('served');
  });

  it('answers a path that is not valid percent-encoding with 400', () => {
    expect(status('/api/%E0%A4%A', { host: 'localhost' })).toBe(400);
    expect(status('/api/%zz?x=1', { host: 'localhost' })).toBe(400);
    expect(status('/api/%C3%A9', { host: 'localhost' })).toBe('served');
    expect(status('/api/messages/?q=%zz', { host: 'localhost' })).toBe('served');
    expect(hostName('[::1]:80')).toBe('::1');
    expect(isLoopbackName('127.0.0.1')).toBe(true);
  });

  it('escapes control characters and lone surrogates for the terminal, and leaves text alone', () => {
    expect(printable('GET /\u001b[31mred\u001b[0m\r\nforged log line\u0007')).toBe('GET /\\x1b[31mred\\x1b[0m\\x0d\\x0aforged log line\\x07');
    expect(printable('caf\u00e9 \u{1f600} \u0085 \ud800')).toBe('caf\u00e9 \u{1f600} \\x85 \\ud800');
  });
});

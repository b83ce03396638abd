import { sandboxListing } from '../../local-lambda/sandbox';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { localDynamoDbCall } from '../../local-lambda/dynamodb-local';
import * as path from 'node:path';
import { LocalServer, cliEnv, request, runCli, startLocalServer } from '../support/processes';
import { makeTempDir } from '../support/temp-dirs';
import { contractOverHttp, expiryOverHttp } from '../support/contract-cases';

type Message = { id: string; content: string; author: string; created_at: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** PIDs of the function processes (runtime interface clients) a local server started. */
function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('/var/runtime/bootstrap.mjs'))
      .map((line) => Number(line.trim().split(/\s+/)[0]));
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, what: string, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('local API, the seed contract', () => {
  let server: LocalServer;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    request(`${server.url}${path}`, { method: 'POST', body, headers });
  /** Every message, page after page, following the Link header as a client would. */
  const list = async (): Promise<Message[]> => {
    const all: Message[] = [];
    let next: string | undefined = '/api/messages/?limit=100';
    while (next) {
      const page = await request(`${server.url}${next}`);
      all.push(...(page.json as Message[]));
      next = /^<([^>]+)>; rel="next"$/.exec(page.headers.get('link') ?? '')?.[1];
    }
    return all;
  };

  beforeAll(async () => {
    server = await startLocalServer();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('prints the URL, the environment it mirrors and the layers in use', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.info).toMatchObject({
      environment: 'dev',
      tableName: 'multicloud-auto-deploy-dev-messages',
      bundle: expect.stringMatching(/^api\/nodejs24\.x-/),
    });
    expect(server.stderr()).toContain('mirrors api-dev: nodejs24.x, x86_64');
    expect(server.stderr()).toMatch(/layer +dependencies -> \/opt {2}content [0-9a-f]{12} {2}@aws-sdk\/client-dynamodb@[\d.]+, hono@[\d.]+/);
    expect(server.info['interpreter']).toEqual({ name: 'Node', version: expect.stringMatching(/^v24\./) as unknown });
  });

  it('answers every case of the shared contract over HTTP as the contract says (the Python function does too)', async () => {
    expect(await contractOverHttp(server.url)).toEqual([]);
  });

  it("cannot be reached from a web page: another Host gets 403, a browser's Invoke gets 403, a bad escape 400, and the log prints no control character", async () => {
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(server.url);
        const req = http.request({ host: url.hostname, port: url.port, path, headers }, (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        req.on('error', reject);
        req.end();
      });
    const rebound = await raw('/api/messages/', { host: `attacker.example:${new URL(server.url).port}` });
    expect(rebound.status).toBe(403);
    expect(JSON.parse(rebound.body).error).toBe('forbidden_host');
    expect((await raw('/', { host: `localhost:${new URL(server.url).port}` })).status).toBe(200);
    const invoke = `${server.url}/2015-03-31/functions/multicloud-auto-deploy-dev-api/invocations`;
    const fromPage = await request(invoke, { method: 'POST', body: Buffer.from('{}'), headers: { origin: 'https://attacker.example' } });
    expect(fromPage.status).toBe(403);
    expect((await request(invoke, { method: 'POST', body: Buffer.from('{}') })).status).toBe(200);
    for (const path of ['/api/%E0%A4%A', '/%zz']) {
      const bad = await request(`${server.url}${path}`);
      expect([path, bad.status, bad.json]).toEqual([path, 400, { error: 'bad_request', message: 'the path is not valid percent-encoding' }]);
    }
    await request(`${server.url}/2015-03-31/functions/%1b%5b31mforged%0d%0a/invocations`, { method: 'POST', body: Buffer.from('{}') });
    await request(`${server.url}/api/%1b%5b2J`);
    // eslint-disable-next-line no-control-regex -- no control character may reach the log
    expect(server.stderr()).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(server.stderr()).toContain('%1b%5b31mforged%0d%0a');
  });

  it('GET / answers the health document', async () => {
    const response = await request(`${server.url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.text).toBe('{"status":"ok","provider":"aws","version":"3.0.0"}');
  });

  it.each(['/api/messages/', '/api/messages'])('POST %s creates a message; the server chooses id and time', async (path) => {
    const before = Date.now();
    const response = await post(path, JSON.stringify({ content: 'Layer test message', author: 'System', id: 'mine', created_at: 'yesterday' }));
    expect(response.status).toBe(201);
    const message = response.json as Message;
    expect(Object.keys(message)).toEqual(['id', 'content', 'author', 'created_at']);
    expect(message).toMatchObject({ content: 'Layer test message', author: 'System' });
    expect(message.id).toMatch(UUID);
    expect(message.created_at).toMatch(ISO_UTC);
    expect(Date.parse(message.created_at)).toBeGreaterThanOrEqual(before - 1000);
  });

  it.each(['/api/messages/', '/api/messages'])('GET %s lists messages newest first', async (path) => {
    for (const content of ['first', 'second', 'third']) expect((await post('/api/messages/', JSON.stringify({ content, author: 'order' }))).status).toBe(201);
    const response = await request(`${server.url}${path}`);
    expect(response.status).toBe(200);
    const ours = (response.json as Message[]).filter((message) => message.author === 'order').slice(0, 3);
    expect(ours.map((message) => message.content)).toEqual(['third', 'second', 'first']);
    const times = (response.json as Message[]).map((message) => message.created_at);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('honours limit and rejects a bad one', async () => {
    for (const content of ['one', 'two']) expect((await post('/api/messages/', JSON.stringify({ content, author: 'limit' }))).status).toBe(201);
    expect(((await request(`${server.url}/api/messages/?limit=1`)).json as Message[]).length).toBe(1);
    const bad = await request(`${server.url}/api/messages/?limit=0`);
    expect(bad.status).toBe(400);
    expect(bad.json).toEqual({
      error: 'invalid_query',
      message: 'limit must be an integer from 1 to 100, got "0"; follow the Link header (rel="next") for more',
    });
    expect((await request(`${server.url}/api/messages/?limit=1000`)).status).toBe(400);
  });

  it('pages through every message with the Link header: newest first, none twice, none left out, no empty last page', async () => {
    for (let i = 0; i < 7; i++) expect((await post('/api/messages/', JSON.stringify({ content: `page ${i}`, author: 'pager' }))).status).toBe(201);
    const everything = (await request(`${server.url}/api/messages/?limit=100`)).json as Message[];
    const pages: Message[][] = [];
    let next: string | undefined = '/api/messages?limit=3';
    while (next) {
      const page = await request(`${server.url}${next}`);
      expect(page.status).toBe(200);
      pages.push(page.json as Message[]);
      const link = page.headers.get('link');
      next = link ? /^<(\/api\/messages\?limit=3&cursor=[A-Za-z0-9_-]+)>; rel="next"$/.exec(link)![1] : undefined;
    }
    expect(pages.flat().map((message) => message.id)).toEqual(everything.map((message) => message.id));
    expect(pages.slice(0, -1).every((page) => page.length === 3)).toBe(true);
    expect(pages[pages.length - 1].length).toBeGreaterThan(0);
    const bad = await request(`${server.url}/api/messages/?cursor=bm90LWFuLWlk`);
    expect(bad).toMatchObject({
      status: 400,
      json: { error: 'invalid_query', message: 'cursor "bm90LWFuLWlk" is not one this API gave out; start again without it' },
    });
  });

  it('refuses what Lambda would refuse: a request over its 6 MB invocation limit gets 413, before the function runs', async () => {
    const before = (await list()).length;
    const response = await post('/api/messages/', JSON.stringify({ content: 'c', author: 'a', pad: 'p'.repeat(6_400_000) }));
    expect(response.status).toBe(413);
    expect(response.json).toEqual({ message: 'Request Entity Too Large' });
    expect((await list()).length).toBe(before);
    expect(server.stderr()).toMatch(/POST \/api\/messages\/ -> 413 in/);
  });

  describe('bad input gets a 4xx JSON body naming the problem, and leaves no record', () => {
    const cases: [string, string | Buffer, number, string, RegExp][] = [
      ['invalid JSON', '{content: x}', 400, 'invalid_json', /not valid JSON/],
      ['truncated JSON', '{"content":"x","author":"y"', 400, 'invalid_json', /not valid JSON/],
      ['an empty body', '', 400, 'invalid_json', /body is empty/],
      ['a non-object body', '["content","author"]', 422, 'invalid_body', /must be a JSON object .* got an array/],
      ['a missing field', '{"content":"x"}', 422, 'invalid_fields', /^author is required$/],
      ['an empty field', '{"content":"","author":"a"}', 422, 'invalid_fields', /^content must not be empty$/],
      ['a blank field', '{"content":"   ","author":"a"}', 422, 'invalid_fields', /^content must not be blank$/],
      ['a non-string field', '{"content":"x","author":7}', 422, 'invalid_fields', /^author must be a string, got a number$/],
      [
        'content over 1000 characters',
        JSON.stringify({ content: 'c'.repeat(1001), author: 'a' }),
        422,
        'invalid_fields',
        /content must be at most 1000 characters, got 1001/,
      ],
      [
        'a control character in content',
        JSON.stringify({ content: 'ring\u0007', author: 'a' }),
        422,
        'invalid_fields',
        /content must not contain control characters other than tab, line feed and carriage return, found U\+0007 at character 5/,
      ],
      [
        'a line feed in the author',
        JSON.stringify({ content: 'c', author: 'a\nb' }),
        422,
        'invalid_fields',
        /author must not contain control characters, found U\+000A at character 2/,
      ],
      [
        'author over 100 characters',
        JSON.stringify({ content: 'c', author: 'a'.repeat(101) }),
        422,
        'invalid_fields',
        /author must be at most 100 characters, got 101/,
      ],
      ['a body over 64 KiB', JSON.stringify({ content: 'c', author: 'a', pad: 'p'.repeat(70000) }), 413, 'body_too_large', /limit is 65536/],
      [
        'invalid UTF-8',
        Buffer.concat([Buffer.from('{"content":"'), Buffer.from([0xc3, 0x28]), Buffer.from('","author":"a"}')]),
        400,
        'invalid_encoding',
        /not valid UTF-8/,
      ],
    ];

    it.each(cases)('%s', async (_name, body, status, code, message) => {
      const before = (await list()).length;
      const response = await post('/api/messages/', body);
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(response.json).toMatchObject({ error: code, message: expect.stringMatching(message) });
      expect((await list()).length).toBe(before);
    });
  });

  it('answers an unknown route with 404 JSON', async () => {
    const response = await request(`${server.url}/api/nothing`);
    expect(response.status).toBe(404);
    expect(response.json).toEqual({ error: 'not_found', message: 'no route for GET /api/nothing' });
  });

  it.each([
    ['DELETE', '/api/messages/', 'GET, POST'],
    ['PUT', '/api/messages', 'GET, POST'],
    ['POST', '/', 'GET'],
  ])('answers %s %s with 405 JSON and Allow', async (method, path, allow) => {
    const response = await request(`${server.url}${path}`, { method, body: method === 'DELETE' ? undefined : '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.json).toMatchObject({ error: 'method_not_allowed' });
  });

  it('keeps messages when the function process restarts (a new cold start)', async () => {
    const created = (await post('/api/messages/', JSON.stringify({ content: 'survivor', author: 'restart' }))).json as Message;
    const [functionPid] = childPids(server.child.pid!);
    expect(functionPid).toBeDefined();
    process.kill(functionPid, 'SIGKILL');
    await waitFor(() => !alive(functionPid), 'the function process to die');
    const after = await list();
    expect(after.map((message) => message.id)).toContain(created.id);
    const [newPid] = childPids(server.child.pid!);
    expect(newPid).toBeDefined();
    expect(newPid).not.toBe(functionPid);
    await waitFor(() => /GET \/api\/messages\/\?limit=100 -> 200 in [\d.]+ ms \(cold start\)/.test(server.stderr()), 'the cold start log line');
  });
});

describe('local API, failures and shutdown', () => {
  it('answers a storage failure with 503 JSON without internals, and Ctrl-C stops every process it started', async () => {
    const server = await startLocalServer(['--env', 'staging']);
    try {
      expect((await request(`${server.url}/`)).status).toBe(200);
      const deleted = await localDynamoDbCall(String(server.info['dynamodbEndpoint']), 'DeleteTable', { TableName: server.info['tableName'] });
      expect(deleted.status).toBe(200);

      for (const response of [
        await request(`${server.url}/api/messages/`),
        await request(`${server.url}/api/messages/`, { method: 'POST', body: '{"content":"x","author":"y"}', headers: { 'content-type': 'application/json' } }),
      ]) {
        expect(response.status).toBe(503);
        expect(response.json).toEqual({ error: 'storage_unavailable', message: 'the message store is unavailable; try again later' });
        expect(response.text).not.toMatch(/ResourceNotFound|dynamodb|stack|at /i);
      }

      const functionPids = childPids(server.child.pid!);
      expect(functionPids.length).toBe(1);
      const sandbox = String(server.info['sandbox']);
      expect(fs.existsSync(`${sandbox}/var/task/index.mjs`)).toBe(true);
      expect(await server.stop()).toBe(0);
      await waitFor(() => functionPids.every((pid) => !alive(pid)), 'the function process to stop');
      await expect(fetch(String(server.info['dynamodbEndpoint']))).rejects.toThrow();
      // The sandbox is kept, unchanged, for the next run of the same build, which starts in it without copying anything.
      const stamp = JSON.parse(fs.readFileSync(path.join(path.dirname(sandbox), 'stamp.json'), 'utf8')) as { listing: string };
      expect(sandboxListing(sandbox)).toBe(stamp.listing);
      const next = await startLocalServer(['--env', 'staging']);
      try {
        expect(next.info['sandbox']).toBe(sandbox);
        expect((await request(`${next.url}/`)).status).toBe(200);
      } finally {
        await next.stop();
      }
    } finally {
      await server.stop();
    }
  });
});

describe('local API, messages that expire', () => {
  it('stores each message with its expiry (messageTtlDays) and leaves an expired one out of the list', async () => {
    const server = await startLocalServer(
      ['--env', 'staging'],
      cliEnv({ CDKTF_CONTEXT_JSON: JSON.stringify({ environments: { staging: { messageTtlDays: 7 } } }) }),
    );
    try {
      expect(await expiryOverHttp(server, 7)).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('local API, hybrid strategy', () => {
  it("serves a function whose AWS SDK comes from the runtime, as Lambda's Node.js runtime provides it", async () => {
    const env = cliEnv({ CDKTF_CONTEXT_JSON: JSON.stringify({ environments: { staging: { layerStrategy: 'hybrid' } } }) });
    const buildDir = path.join(makeTempDir('hybrid'), 'build');
    const build = await runCli(['build', '--only-used', '--build-dir', buildDir, '--json'], { env });
    expect(build.code).toBe(0);
    const bundles = (JSON.parse(build.stdout) as { bundles: { id: string; externals: string[] }[] }).bundles;
    expect(bundles.find((bundle) => bundle.externals.includes('@aws-sdk/*'))?.externals).toEqual(['@aws-lambda-powertools/*', '@aws-sdk/*', 'hono']);
    const server = await startLocalServer(['--env', 'staging', '--build-dir', buildDir], env);
    try {
      expect(server.stderr()).toContain('powertools-typescript is published by AWS and attached on Lambda only');
      expect(server.info['layers']).toEqual([{ name: 'dependencies-minimal', contentHash: expect.any(String) }]);
      const created = await request(`${server.url}/api/messages/`, {
        method: 'POST',
        body: '{"content":"hybrid","author":"sdk from runtime"}',
        headers: { 'content-type': 'application/json' },
      });
      expect(created.status).toBe(201);
      expect(((await request(`${server.url}/api/messages`)).json as Message[])[0]?.content).toBe('hybrid');
    } finally {
      await server.stop();
    }
  });
});

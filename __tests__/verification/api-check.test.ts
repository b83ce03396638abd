import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { judgeCreate, judgeHealth, judgeList } from '../../verification/api-check';
import { LocalServer, runCli, startLocalServer } from '../support/processes';

describe("judging the seed's checks", () => {
  it("accepts the seed's answers", () => {
    expect(judgeHealth({ status: 200, body: '{"status":"ok","provider":"aws","version":"3.0.0"}' })).toEqual({ ok: true, detail: 'status ok, version 3.0.0' });
    expect(judgeList({ status: 200, body: '[]' })).toEqual({ ok: true, detail: '0 message(s)', ids: [] });
    const created = judgeCreate({
      status: 201,
      body: '{"id":"01a214ad-73fc-7260-b594-9b87daccee34","content":"Layer test message","author":"System","created_at":"2026-02-17T10:00:00.000Z"}',
    });
    expect(created).toMatchObject({ ok: true, id: '01a214ad-73fc-7260-b594-9b87daccee34' });
  });

  it('names what was wrong, with the answer', () => {
    expect(judgeHealth({ status: 500, body: '{"message":"Internal Server Error"}' }).detail).toBe(
      'expected 200 {"status":"ok","provider":"aws","version":...}, got HTTP 500 {"message":"Internal Server Error"}',
    );
    expect(judgeList({ status: 200, body: '{"items":[]}' }).ok).toBe(false);
    expect(judgeCreate({ status: 201, body: '{"id":"x","content":"Layer test message","author":"System","created_at":"now"}' }).ok).toBe(false);
  });
});

describe('npm run check:api', () => {
  let server: LocalServer;

  beforeAll(async () => {
    server = await startLocalServer(['--env', 'prod']);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('passes against the local API and reports every step', async () => {
    const result = await runCli(['check:api', server.url, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; results: { step: string; ok: boolean; detail: string }[] };
    expect(report.ok).toBe(true);
    expect(report.results.map((step) => [step.step, step.ok])).toEqual([
      ['health', true],
      ['list', true],
      ['create', true],
      ['list-after-create', true],
    ]);
    // Against a bare URL nothing can remove what it wrote, and it says so (npm run verify removes it).
    expect(report.results[2].detail).toMatch(/; it stays: the API has no delete, and this check has no access to its table$/);
  });

  it('fails when the API answers wrongly, and when nothing answers', async () => {
    const broken = http.createServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"Internal Server Error"}');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    try {
      const result = await runCli(['check:api', `http://127.0.0.1:${(broken.address() as AddressInfo).port}`]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('✗ health: expected 200');
    } finally {
      await new Promise<void>((resolve) => broken.close(() => resolve()));
    }
    const nothing = await runCli(['check:api', 'http://127.0.0.1:9']);
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/✗ health: .*HTTP 0 no answer/);
  });
});

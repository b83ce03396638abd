import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { expiresAt, nextPageLink, parseContentType, parseCursor, parseListLimit, parseNewMessage } from '../../handlers/api/message-input';
import { PROJECT_ROOT } from '../support/processes';
import { bodyOfCase, expandCase, readContractCases } from '../support/contract-cases';

const cases = readContractCases();

describe('the Node.js handler meets the shared contract', () => {
  it.each(cases.messages.map((test) => [test.name, test] as const))('message body: %s', (_name, test) => {
    const result = parseNewMessage(bodyOfCase(test));
    const expected = expandCase(test.expect) as { ok?: unknown; status?: number; body?: unknown };
    if (expected.ok) expect(result).toEqual({ ok: true, value: expected.ok });
    else expect(result).toEqual({ ok: false, error: { status: expected.status, body: expected.body } });
  });

  it.each(cases.contentTypes.map((test) => [test.name, test] as const))('Content-Type: %s', (_name, test) => {
    const result = parseContentType(test.raw ?? undefined);
    if (test.expect.ok) expect(result).toEqual({ ok: true, value: undefined });
    else expect(result).toEqual({ ok: false, error: { status: test.expect.status, body: test.expect.body } });
  });

  it.each(cases.expiry.map((test) => [test.name, test] as const))('expiry: %s', (_name, test) => {
    expect(expiresAt(test.createdAtMs, test.days) ?? null).toBe(test.expect);
  });

  it.each(cases.limits.map((test) => [test.name, test] as const))('list %s', (_name, test) => {
    const result = parseListLimit(test.raw ?? undefined);
    const expected = test.expect as { ok?: number; status?: number; body?: unknown };
    if (expected.ok !== undefined) expect(result).toEqual({ ok: true, value: expected.ok });
    else expect(result).toEqual({ ok: false, error: { status: expected.status, body: expected.body } });
  });
});

describe('pagination in the Node.js handler meets the shared contract', () => {
  it.each(cases.cursors.map((test) => [test.name, test] as const))('cursor: %s', (_name, test) => {
    const result = parseCursor(test.raw ?? undefined);
    const expected = test.expect as { ok?: string | null; status?: number; body?: unknown };
    if ('ok' in expected) expect(result).toEqual({ ok: true, value: expected.ok ?? undefined });
    else expect(result).toEqual({ ok: false, error: { status: expected.status, body: expected.body } });
  });

  it.each(cases.links.map((test) => [test.name, test] as const))('Link header: %s', (_name, test) => {
    expect(nextPageLink(test.path, test.limit, test.lastId)).toBe(test.expect);
  });
});

describe('the Python handler meets the same contract', () => {
  it("passes handlers/python_api/tests under python3 (the contract, and the worker's and the scheduled job's decisions)", () => {
    const result = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
      cwd: path.join(PROJECT_ROOT, 'handlers', 'python_api'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    // Every test module ran: the contract's 7 cases and the service's 9.
    expect(Number(/Ran (\d+) tests/.exec(result.stderr)?.[1])).toBeGreaterThanOrEqual(16);
    expect(result.stderr).toContain('test_service.');
    expect(result.stderr).toContain('test_contract.');
    expect(result.stderr).toContain('OK');
    expect(result.status).toBe(0);
  });
});

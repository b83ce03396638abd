import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { nextPageLink, parseCursor, parseListLimit, parseNewMessage } from '../handlers/api/message-input';
import { PROJECT_ROOT } from './support/processes';

/** The API contract both handlers meet, from one file of cases. */
interface Cases {
  messages: { name: string; text?: string; base64?: string; json?: unknown; expect: Record<string, unknown> }[];
  limits: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  cursors: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  links: { name: string; path: string; limit: number; lastId: string; expect: string }[];
}

const cases = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'handlers', 'contract-cases.json'), 'utf8')) as Cases;

function expand(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expand);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('$repeat' in record) return String(record['$repeat']).repeat(Number(record['times']));
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, expand(item)]));
  }
  return value;
}

function bodyOf(test: Cases['messages'][number]): Uint8Array {
  if (test.text !== undefined) return new TextEncoder().encode(test.text);
  if (test.base64 !== undefined) return Buffer.from(test.base64, 'base64');
  return new TextEncoder().encode(JSON.stringify(expand(test.json)));
}

describe('the Node.js handler meets the shared contract', () => {
  it.each(cases.messages.map((test) => [test.name, test] as const))('message body: %s', (_name, test) => {
    const result = parseNewMessage(bodyOf(test));
    const expected = expand(test.expect) as { ok?: unknown; status?: number; body?: unknown };
    if (expected.ok) expect(result).toEqual({ ok: true, value: expected.ok });
    else expect(result).toEqual({ ok: false, error: { status: expected.status, body: expected.body } });
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
  it('passes handlers/python_api/tests under python3', () => {
    const result = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
      cwd: path.join(PROJECT_ROOT, 'handlers', 'python_api'),
      encoding: 'utf8',
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    expect(result.stderr).toMatch(/Ran [6-9] tests/);
    expect(result.stderr).toContain('OK');
    expect(result.status).toBe(0);
  });
});

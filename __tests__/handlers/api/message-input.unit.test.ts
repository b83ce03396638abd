import { MAX_BODY_BYTES, MAX_LIST_LIMIT, codePoints, parseListLimit, parseNewMessage } from '../../../handlers/api/message-input';
import { createdAtOf, newMessageId } from '../../../handlers/api/message-ids';
import { routeKeyFor } from '../../../handlers/api/routes';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const errorOf = (input: Uint8Array) => {
  const parsed = parseNewMessage(input);
  if (parsed.ok) throw new Error('expected a validation error');
  return parsed.error;
};

describe('POST body validation', () => {
  it('accepts content and author, ignoring other fields', () => {
    expect(parseNewMessage(bytes('{"content":"Layer test message","author":"System","extra":1}'))).toEqual({
      ok: true,
      value: { content: 'Layer test message', author: 'System' },
    });
  });

  it.each([
    ['empty body', '', 400, 'invalid_json'],
    ['truncated JSON', '{"content":"x","author":', 400, 'invalid_json'],
    ['not JSON', 'content=x', 400, 'invalid_json'],
    ['an array', '[1,2]', 422, 'invalid_body'],
    ['a string', '"hello"', 422, 'invalid_body'],
    ['null', 'null', 422, 'invalid_body'],
    ['a number', '42', 422, 'invalid_body'],
  ])('rejects %s', (_name, body, status, code) => {
    const error = errorOf(bytes(body));
    expect(error.status).toBe(status);
    expect(error.body.error).toBe(code);
    expect(error.body.message.length).toBeGreaterThan(10);
  });

  it('rejects invalid UTF-8', () => {
    expect(errorOf(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])).body).toEqual({
      error: 'invalid_encoding',
      message: 'request body is not valid UTF-8',
    });
  });

  it('rejects bodies over 64 KiB with 413, before parsing', () => {
    const error = errorOf(new Uint8Array(MAX_BODY_BYTES + 1).fill(0x20));
    expect(error.status).toBe(413);
    expect(error.body.message).toBe('request body is 65537 bytes; the limit is 65536 (64 KiB)');
  });

  it.each([
    ['missing', {}, 'is required'],
    ['empty', { content: '', author: '' }, 'must not be empty'],
    ['blank', { content: ' \n\t', author: '   ' }, 'must not be blank'],
  ])('names %s fields', (_name, body, problem) => {
    const error = errorOf(bytes(JSON.stringify(body)));
    expect(error.status).toBe(422);
    expect(error.body).toEqual({
      error: 'invalid_fields',
      message: `content ${problem}; author ${problem}`,
      fields: { content: problem, author: problem },
    });
  });

  it('names non-string fields and their type', () => {
    expect(errorOf(bytes('{"content":5,"author":["a"]}')).body.fields).toEqual({
      content: 'must be a string, got a number',
      author: 'must be a string, got an array',
    });
    expect(errorOf(bytes('{"content":null,"author":{}}')).body.fields).toEqual({
      content: 'must be a string, got null',
      author: 'must be a string, got an object',
    });
  });

  it('limits content to 1000 and author to 100 characters, counted as code points', () => {
    const ok = parseNewMessage(bytes(JSON.stringify({ content: '😀'.repeat(1000), author: 'a'.repeat(100) })));
    expect(ok.ok).toBe(true);
    expect(errorOf(bytes(JSON.stringify({ content: 'x'.repeat(1001), author: 'a'.repeat(101) }))).body.fields).toEqual({
      content: 'must be at most 1000 characters, got 1001',
      author: 'must be at most 100 characters, got 101',
    });
    expect(codePoints('😀a')).toBe(2);
  });
});

describe('list limit', () => {
  it("defaults to 50 and accepts 1 to 100: a page can never approach Lambda's 6 MB response limit", () => {
    expect(parseListLimit(undefined)).toEqual({ ok: true, value: 50 });
    expect(parseListLimit('1')).toEqual({ ok: true, value: 1 });
    expect(parseListLimit('100')).toEqual({ ok: true, value: 100 });
  });

  it("keeps the largest possible page far below Lambda's 6 MB response limit, in either function", () => {
    // The largest message: every character the one that grows most when the page is serialised twice (once as the
    // body, once as Lambda's JSON of the result): '"' for Node.js (4 bytes), an astral character for Python,
    // whose runtime escapes non-ASCII (12 bytes for its two \\u escapes).
    const page = (char: string) =>
      Array.from({ length: MAX_LIST_LIMIT }, () => ({
        id: '0'.repeat(36),
        content: char.repeat(1000),
        author: char.repeat(100),
        created_at: '2026-01-01T00:00:00.000Z',
      }));
    const nodeResult = JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(page('"')) });
    const asciiOnly = (text: string) => text.replace(/[\u0080-\uffff]/g, (unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const pythonResult = asciiOnly(JSON.stringify({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(page('😀')) }));
    for (const result of [nodeResult, pythonResult]) expect(Buffer.byteLength(result)).toBeLessThan(6_291_556 / 4);
    // The old maximum of 1000 would not have fitted.
    expect(Buffer.byteLength(pythonResult) * 10).toBeGreaterThan(6_291_556);
  });

  it.each(['0', '101', '1000', '-1', 'ten', '1.5', ''])('rejects %j with 400', (raw) => {
    const parsed = parseListLimit(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ status: 400, body: { error: 'invalid_query' } });
  });
});

describe('message ids', () => {
  it('are UUID version 7, strictly increasing, and carry their creation time', () => {
    const now = Date.UTC(2026, 1, 17, 12, 0, 0, 123);
    const ids = Array.from({ length: 50 }, () => newMessageId(now));
    expect(ids[0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(50);
    expect(createdAtOf(ids[0])).toBe('2026-02-17T12:00:00.123Z');
    expect(newMessageId(now + 1) > ids[49]).toBe(true);
  });
});

describe('route keys', () => {
  it('matches the declared routes, with and without the trailing slash, else $default', () => {
    expect(routeKeyFor('get', '/')).toBe('GET /');
    expect(routeKeyFor('POST', '/api/messages/')).toBe('POST /api/messages/');
    expect(routeKeyFor('POST', '/api/messages')).toBe('POST /api/messages');
    expect(routeKeyFor('DELETE', '/api/messages')).toBe('$default');
    expect(routeKeyFor('GET', '/unknown')).toBe('$default');
  });
});

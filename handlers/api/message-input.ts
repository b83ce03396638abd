/**
 * The request contract of POST /api/messages/, as pure functions: every bad
 * input maps to one status and a JSON body that names the problem.
 */

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_CONTENT_CHARS = 1000;
export const MAX_AUTHOR_CHARS = 100;

export interface NewMessage {
  readonly content: string;
  readonly author: string;
}

export interface ApiError {
  readonly status: 400 | 404 | 405 | 413 | 422 | 500 | 503;
  readonly body: {
    readonly error: string;
    readonly message: string;
    readonly fields?: Readonly<Record<string, string>>;
  };
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

const fail = (status: ApiError['status'], error: string, message: string, fields?: Record<string, string>): Parsed<never> => ({
  ok: false,
  error: { status, body: fields ? { error, message, fields } : { error, message } },
});

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** What String.prototype.trim removes, spelt out so the Python handler can use the same set. */
const BLANK = /^[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*$/;

/** Length in Unicode code points, as Python's len() counts, so both handlers agree. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function checkField(body: Record<string, unknown>, field: keyof NewMessage, max: number): string | undefined {
  if (!(field in body)) return 'is required';
  const value = body[field];
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (value.length === 0) return 'must not be empty';
  if (BLANK.test(value)) return 'must not be blank';
  const length = codePoints(value);
  if (length > max) return `must be at most ${max} characters, got ${length}`;
  return undefined;
}

/** Validates a create-message request body, from raw bytes to a NewMessage. */
export function parseNewMessage(bytes: Uint8Array): Parsed<NewMessage> {
  if (bytes.byteLength > MAX_BODY_BYTES) {
    return fail(413, 'body_too_large', `request body is ${bytes.byteLength} bytes; the limit is ${MAX_BODY_BYTES} (64 KiB)`);
  }
  if (bytes.byteLength === 0) {
    return fail(400, 'invalid_json', 'request body is empty; send a JSON object such as {"content": "...", "author": "..."}');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return fail(400, 'invalid_encoding', 'request body is not valid UTF-8');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail(400, 'invalid_json', 'request body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return fail(422, 'invalid_body', `request body must be a JSON object with "content" and "author", got ${kindOf(body)}`);
  }
  const record = body as Record<string, unknown>;
  const fields: Record<string, string> = {};
  const content = checkField(record, 'content', MAX_CONTENT_CHARS);
  const author = checkField(record, 'author', MAX_AUTHOR_CHARS);
  if (content) fields['content'] = content;
  if (author) fields['author'] = author;
  if (content || author) {
    const message = Object.entries(fields)
      .map(([field, problem]) => `${field} ${problem}`)
      .join('; ');
    return fail(422, 'invalid_fields', message, fields);
  }
  return { ok: true, value: { content: record['content'] as string, author: record['author'] as string } };
}

export const DEFAULT_LIST_LIMIT = 100;
export const MAX_LIST_LIMIT = 1000;

/** The optional `limit` query parameter of GET /api/messages/. */
export function parseListLimit(raw: string | undefined): Parsed<number> {
  if (raw === undefined) return { ok: true, value: DEFAULT_LIST_LIMIT };
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIST_LIMIT) {
    return fail(400, 'invalid_query', `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${JSON.stringify(raw)}`);
  }
  return { ok: true, value: Number(raw) };
}

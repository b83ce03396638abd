/**
 * The request contract of POST /api/messages/, as pure functions: every bad
 * input maps to one status and a JSON body that names the problem.
 */

export const MAX_BODY_BYTES = 64 * 1024;
export const MAX_CONTENT_CHARS = 1000;
export const MAX_AUTHOR_CHARS = 100;
/** How deep arrays and objects may nest in a request body, counting the top-level object. */
export const MAX_JSON_DEPTH = 32;

export interface NewMessage {
  readonly content: string;
  readonly author: string;
}

export interface ApiError {
  readonly status: 400 | 404 | 405 | 413 | 415 | 422 | 500 | 503;
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

/**
 * Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F). A message's content may hold
 * tab, line feed and carriage return; an author none. Each would otherwise escape to six bytes in JSON.
 */
// eslint-disable-next-line no-control-regex -- control characters are what these refuse
const CONTENT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex -- control characters are what these refuse
const AUTHOR_CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function controlProblem(value: string, pattern: RegExp, allowed: string): string | undefined {
  const found = pattern.exec(value);
  if (!found) return undefined;
  const code = `U+${found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `must not contain control characters${allowed}, found ${code} at character ${codePoints(value.slice(0, found.index)) + 1}`;
}

/** Length in Unicode code points, as Python's len() counts, so both handlers agree. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** The first code point of `value` that `test` picks, as "U+XXXX at character N"; undefined when none. */
function firstCodePoint(value: string, test: (code: number) => boolean): string | undefined {
  let position = 0;
  for (const character of value) {
    position += 1;
    const code = character.codePointAt(0)!;
    if (test(code)) return `${hex(code)} at character ${position}`;
  }
  return undefined;
}

/** A surrogate code point standing alone: JSON's \ud800 escape makes one; no UTF-8 text can hold it. */
const isSurrogate = (code: number) => code >= 0xd800 && code <= 0xdfff;

/** Unicode's Bidi_Control characters: embeddings, overrides, isolates and marks, which reorder how text around them reads. */
const isBidiControl = (code: number) =>
  code === 0x061c || code === 0x200e || code === 0x200f || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);

/** Unicode's Default_Ignorable_Code_Point (zero-width spaces and joiners, variation selectors, tags...) and the blanks: nothing to see. */
const DEFAULT_IGNORABLE: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x061c, 0x061c],
  [0x115f, 0x1160],
  [0x17b4, 0x17b5],
  [0x180b, 0x180f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2060, 0x206f],
  [0x3164, 0x3164],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
  [0xffa0, 0xffa0],
  [0xfff0, 0xfff8],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0000, 0xe0fff],
];
const isInvisible = (code: number) => BLANK.test(String.fromCodePoint(code)) || DEFAULT_IGNORABLE.some(([low, high]) => code >= low && code <= high);

function checkField(body: Record<string, unknown>, field: keyof NewMessage, max: number): string | undefined {
  if (!(field in body)) return 'is required';
  const value = body[field];
  if (typeof value !== 'string') return `must be a string, got ${kindOf(value)}`;
  if (value.length === 0) return 'must not be empty';
  if (BLANK.test(value)) return 'must not be blank';
  const control =
    field === 'content' ? controlProblem(value, CONTENT_CONTROL, ' other than tab, line feed and carriage return') : controlProblem(value, AUTHOR_CONTROL, '');
  if (control) return control;
  const surrogate = firstCodePoint(value, isSurrogate);
  if (surrogate) return `must not contain unpaired surrogates, found ${surrogate}`;
  if (field === 'author') {
    const bidi = firstCodePoint(value, isBidiControl);
    if (bidi) return `must not contain bidirectional control characters, found ${bidi}`;
    if (!firstCodePoint(value, (code) => !isInvisible(code))) return 'must contain a visible character, not only invisible ones';
  }
  const length = codePoints(value);
  if (length > max) return `must be at most ${max} characters, got ${length}`;
  return undefined;
}

/**
 * Whether JSON text opens more than `limit` arrays or objects inside each other, read before parsing (a parser
 * recursing 10,000 levels deep is what this keeps out). Brackets inside strings do not count.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const character = text[i];
    if (inString) {
      if (character === '\\') i += 1;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '[' || character === '{') {
      depth += 1;
      if (depth > limit) return true;
    } else if (character === ']' || character === '}') depth -= 1;
  }
  return false;
}

/**
 * The Content-Type a create must carry: application/json, in UTF-8 if a charset is named. A form or plain-text
 * body (what a web page can send another site without asking) is refused before it is read.
 */
export function parseContentType(raw: string | undefined): Parsed<void> {
  const refuse = (why: string) => fail(415, 'unsupported_media_type', why);
  if (raw === undefined || raw.trim() === '') return refuse('Content-Type must be application/json, got none');
  const [mediaType, ...parameters] = raw.split(';');
  if (mediaType.trim().toLowerCase() !== 'application/json') return refuse(`Content-Type must be application/json, got ${JSON.stringify(raw)}`);
  for (const parameter of parameters) {
    const equals = parameter.indexOf('=');
    if (equals < 0 || parameter.slice(0, equals).trim().toLowerCase() !== 'charset') continue;
    const charset = parameter
      .slice(equals + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
    if (!['utf-8', 'utf8'].includes(charset.toLowerCase()))
      return refuse(`Content-Type application/json must be UTF-8, got charset ${JSON.stringify(charset)}`);
  }
  return { ok: true, value: undefined };
}

/** When a message created at `createdAtMs` expires (DynamoDB's TTL attribute, in epoch seconds); undefined when messages are kept. */
export function expiresAt(createdAtMs: number, ttlDays: number): number | undefined {
  return ttlDays > 0 ? Math.floor(createdAtMs / 1000) + ttlDays * 86400 : undefined;
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
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    return fail(400, 'invalid_json', `request body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep`);
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

/**
 * A page holds at most 100 messages: even 100 of the largest (1000 characters that each escape to six bytes
 * when Lambda serialises the response) stay far below Lambda's 6 MiB response limit. Later pages follow the
 * `Link: <...>; rel="next"` header, so the body stays the seed's JSON array.
 */
export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 100;

/** The optional `limit` query parameter of GET /api/messages/. */
export function parseListLimit(raw: string | undefined): Parsed<number> {
  if (raw === undefined) return { ok: true, value: DEFAULT_LIST_LIMIT };
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_LIST_LIMIT) {
    return fail(
      400,
      'invalid_query',
      `limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${JSON.stringify(raw)}; follow the Link header (rel="next") for more`,
    );
  }
  return { ok: true, value: Number(raw) };
}

const MESSAGE_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The cursor of the page after the one ending with message `lastId`: opaque to clients, base64url of the id. */
export function cursorAfter(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

/** The optional `cursor` query parameter: the id of the last message of the previous page. */
export function parseCursor(raw: string | undefined): Parsed<string | undefined> {
  if (raw === undefined) return { ok: true, value: undefined };
  const id = /^[A-Za-z0-9_-]{1,64}$/.test(raw) ? Buffer.from(raw, 'base64url').toString('utf8') : '';
  if (!MESSAGE_ID.test(id) || cursorAfter(id) !== raw) {
    return fail(400, 'invalid_query', `cursor ${JSON.stringify(raw)} is not one this API gave out; start again without it`);
  }
  return { ok: true, value: id };
}

/** The Link header that points to the next page: the same path, the same limit, the cursor after this page. */
export function nextPageLink(path: string, limit: number, lastId: string): string {
  return `<${path}?limit=${limit}&cursor=${cursorAfter(lastId)}>; rel="next"`;
}

import { Hono, type Context } from 'hono';
import { ApiError, expiresAt, nextPageLink, parseContentType, parseCursor, parseListLimit, parseNewMessage } from './message-input';
import { createdAtOf, newMessageId } from './message-ids';
import { MessagesStore, StoreUnavailableError } from './messages-store';

export interface AppOptions {
  readonly store: MessagesStore;
  /** Reported by GET /. */
  readonly version: string;
  /**
   * Days a message is kept; DynamoDB's TTL removes it after, and lists leave expired ones out.
   * @default 0 (kept)
   */
  readonly messageTtlDays?: number;
}

const MESSAGES_PATHS = ['/api/messages', '/api/messages/'];

function sendError(c: Context, error: ApiError, headers?: Record<string, string>): Response {
  return c.json(error.body, error.status, headers);
}

function storeUnavailable(c: Context, error: unknown): Response {
  console.error('message store failed:', error instanceof StoreUnavailableError ? error.cause : error);
  return sendError(c, {
    status: 503,
    body: { error: 'storage_unavailable', message: 'the message store is unavailable; try again later' },
  });
}

function methodNotAllowed(allowed: readonly string[]) {
  return (c: Context): Response =>
    sendError(
      c,
      { status: 405, body: { error: 'method_not_allowed', message: `${c.req.method} is not allowed here; use ${allowed.join(' or ')}` } },
      { Allow: allowed.join(', ') },
    );
}

/** The seed's API: health, list and create messages, with and without a trailing slash. */
export function createApp({ store, version, messageTtlDays = 0 }: AppOptions): Hono {
  const app = new Hono();

  app.get('/', (c) => c.json({ status: 'ok', provider: 'aws', version }));
  app.all('/', methodNotAllowed(['GET']));

  for (const path of MESSAGES_PATHS) {
    app.get(path, async (c) => {
      const limit = parseListLimit(c.req.query('limit'));
      if (!limit.ok) return sendError(c, limit.error);
      const cursor = parseCursor(c.req.query('cursor'));
      if (!cursor.ok) return sendError(c, cursor.error);
      try {
        const page = await store.list(limit.value, cursor.value);
        return c.json(page.messages, 200, page.nextAfter ? { Link: nextPageLink(path, limit.value, page.nextAfter) } : {});
      } catch (error) {
        return storeUnavailable(c, error);
      }
    });
    app.post(path, async (c) => {
      const contentType = parseContentType(c.req.header('content-type'));
      if (!contentType.ok) return sendError(c, contentType.error);
      const parsed = parseNewMessage(new Uint8Array(await c.req.arrayBuffer()));
      if (!parsed.ok) return sendError(c, parsed.error);
      const id = newMessageId();
      const message = { id, content: parsed.value.content, author: parsed.value.author, created_at: createdAtOf(id) };
      const expires = expiresAt(Date.parse(message.created_at), messageTtlDays);
      try {
        await store.create(message, expires);
      } catch (error) {
        return storeUnavailable(c, error);
      }
      return c.json(message, 201);
    });
    app.all(path, methodNotAllowed(['GET', 'POST']));
  }

  app.notFound((c) => sendError(c, { status: 404, body: { error: 'not_found', message: `no route for ${c.req.method} ${c.req.path}` } }));
  app.onError((error, c) => {
    console.error('unhandled error:', error);
    return sendError(c, { status: 500, body: { error: 'internal_error', message: 'the server could not handle the request' } });
  });
  return app;
}

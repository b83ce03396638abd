/**
 * The seed's success check, "success means all three answer": health, list,
 * create, then the list shows the new message; then, where it can, the message
 * it created is removed again, so a check leaves no trace in the environment's
 * data. Each step is judged by a pure function; `checkApi` only does the HTTP.
 */

export interface HttpAnswer {
  readonly status: number;
  readonly body: string;
}

export interface StepResult {
  readonly step: 'health' | 'list' | 'create' | 'list-after-create' | 'cleanup';
  readonly ok: boolean;
  readonly detail: string;
  readonly ms: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

export const PROBE_MESSAGE = { content: 'Layer test message', author: 'System' } as const;

function parse(answer: HttpAnswer): unknown {
  try {
    return JSON.parse(answer.body);
  } catch {
    return undefined;
  }
}

function excerpt(answer: HttpAnswer): string {
  return `HTTP ${answer.status} ${answer.body.slice(0, 200)}`;
}

export function judgeHealth(answer: HttpAnswer): { ok: boolean; detail: string } {
  const body = parse(answer) as Record<string, unknown> | undefined;
  const ok = answer.status === 200 && body?.['status'] === 'ok' && body?.['provider'] === 'aws' && typeof body?.['version'] === 'string';
  return {
    ok,
    detail: ok ? `status ok, version ${String(body['version'])}` : `expected 200 {"status":"ok","provider":"aws","version":...}, got ${excerpt(answer)}`,
  };
}

export function judgeList(answer: HttpAnswer): { ok: boolean; detail: string; ids: string[] } {
  const body = parse(answer);
  const ok = answer.status === 200 && Array.isArray(body);
  const ids = ok ? (body as { id?: unknown }[]).map((item) => String(item?.id)) : [];
  return { ok, detail: ok ? `${ids.length} message(s)` : `expected 200 and a JSON array, got ${excerpt(answer)}`, ids };
}

export function judgeCreate(answer: HttpAnswer): { ok: boolean; detail: string; id?: string } {
  const body = parse(answer) as Record<string, unknown> | undefined;
  const ok =
    answer.status === 201 &&
    typeof body?.['id'] === 'string' &&
    UUID.test(body['id']) &&
    body?.['content'] === PROBE_MESSAGE.content &&
    body?.['author'] === PROBE_MESSAGE.author &&
    typeof body?.['created_at'] === 'string' &&
    ISO_UTC.test(body['created_at']);
  return ok
    ? { ok, detail: `created ${String(body['id'])} at ${String(body['created_at'])}`, id: String(body['id']) }
    : { ok, detail: `expected 201 with id, content, author and created_at, got ${excerpt(answer)}` };
}

export interface ApiCheckOptions {
  /** How long to keep retrying the health check while a fresh deploy settles. @default 0 */
  readonly waitMs?: number;
  readonly fetchImpl?: typeof fetch;
  /**
   * Removes the message the create step wrote (the API itself has no delete). Without it the message stays,
   * and the create step says so.
   */
  readonly removeCreated?: (id: string) => Promise<{ ok: boolean; detail: string }>;
}

/** Every step of a full check, in order: a verification with fewer did not finish. */
export const API_STEPS: readonly StepResult['step'][] = ['health', 'list', 'create', 'list-after-create', 'cleanup'];

/** Runs the seed's checks against a deployed (or local) API; every step is reported, the first failure stops the rest. */
export async function checkApi(baseUrl: string, options: ApiCheckOptions = {}): Promise<StepResult[]> {
  const doFetch = options.fetchImpl ?? fetch;
  const url = (path: string): string => `${baseUrl.replace(/\/+$/, '')}${path}`;
  const call = async (path: string, init?: RequestInit): Promise<HttpAnswer> => {
    try {
      const response = await doFetch(url(path), { ...init, signal: AbortSignal.timeout(15_000) });
      return { status: response.status, body: await response.text() };
    } catch (error) {
      return { status: 0, body: `no answer: ${(error as Error).message}` };
    }
  };
  const results: StepResult[] = [];
  const timed = async <T extends { ok: boolean; detail: string }>(step: StepResult['step'], work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const judged = await work();
    results.push({ step, ok: judged.ok, detail: judged.detail, ms: Date.now() - started });
    return judged;
  };

  const until = Date.now() + (options.waitMs ?? 0);
  const health = await timed('health', async () => {
    for (;;) {
      const judged = judgeHealth(await call('/'));
      if (judged.ok || Date.now() >= until) return judged;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  });
  if (!health.ok) return results;
  const list = await timed('list', async () => judgeList(await call('/api/messages/')));
  if (!list.ok) return results;
  const created = await timed('create', async () => {
    const judged = judgeCreate(
      await call('/api/messages/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(PROBE_MESSAGE) }),
    );
    return judged.ok && !options.removeCreated
      ? { ...judged, detail: `${judged.detail}; it stays: the API has no delete, and this check has no access to its table` }
      : judged;
  });
  if (!created.ok) return results;
  await timed('list-after-create', async () => {
    const after = judgeList(await call('/api/messages/'));
    const seen = after.ok && after.ids.includes(created.id!);
    return { ok: seen, detail: seen ? `the list shows ${created.id}` : `the new message ${created.id} is not in the list (${after.detail})` };
  });
  if (options.removeCreated) await timed('cleanup', () => options.removeCreated!(created.id!));
  return results;
}

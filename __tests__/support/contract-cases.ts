import * as fs from 'node:fs';
import * as path from 'node:path';
import { localDynamoDbCall } from '../../local-lambda/dynamodb-local';
import { PROJECT_ROOT, request } from './processes';

/** handlers/contract-cases.json: the API contract both handlers meet, one file of cases. */
export interface ContractCases {
  messages: { name: string; text?: string | unknown[]; base64?: string; json?: unknown; expect: Record<string, unknown> }[];
  limits: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  cursors: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  links: { name: string; path: string; limit: number; lastId: string; expect: string }[];
  contentTypes: { name: string; raw: string | null; expect: { ok?: true; status?: number; body?: unknown } }[];
  expiry: { name: string; createdAtMs: number; days: number; expect: number | null }[];
}

export function readContractCases(): ContractCases {
  return JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'handlers', 'contract-cases.json'), 'utf8')) as ContractCases;
}

/** A case with its `{"$repeat": s, "times": n}` values written out. */
export function expandCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandCase);
  if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('$repeat' in record) return String(record['$repeat']).repeat(Number(record['times']));
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, expandCase(item)]));
  }
  return value;
}

/** The request body of a message case: its text, its bytes, or its JSON. */
export function bodyOfCase(test: ContractCases['messages'][number]): Uint8Array {
  if (typeof test.text === 'string') return new TextEncoder().encode(test.text);
  if (Array.isArray(test.text)) return new TextEncoder().encode((expandCase(test.text) as string[]).join(''));
  if (test.base64 !== undefined) return Buffer.from(test.base64, 'base64');
  return new TextEncoder().encode(JSON.stringify(expandCase(test.json)));
}

/** Every case of handlers/contract-cases.json sent to a served API over HTTP; the cases whose answer differs, with what came. */
export async function contractOverHttp(url: string): Promise<string[]> {
  const cases = readContractCases();
  const wrong: string[] = [];
  for (const test of cases.messages) {
    const answer = await request(`${url}/api/messages/`, {
      method: 'POST',
      body: Buffer.from(bodyOfCase(test)),
      headers: { 'content-type': 'application/json' },
    });
    const expected = expandCase(test.expect) as { ok?: { content: string; author: string }; status?: number; body?: unknown };
    const ok = expected.ok
      ? answer.status === 201 &&
        JSON.stringify([(answer.json as { content: string }).content, (answer.json as { author: string }).author]) ===
          JSON.stringify([expected.ok.content, expected.ok.author])
      : answer.status === expected.status && JSON.stringify(answer.json) === JSON.stringify(expected.body);
    if (!ok) wrong.push(`message ${test.name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  const query = async (name: string, parameter: string, raw: string | null, expected: { ok?: unknown; status?: number; body?: unknown }) => {
    const answer = await request(`${url}/api/messages/${raw === null ? '' : `?${parameter}=${encodeURIComponent(raw)}`}`);
    const ok =
      'ok' in expected
        ? answer.status === 200 && Array.isArray(answer.json)
        : answer.status === expected.status && JSON.stringify(answer.json) === JSON.stringify(expected.body);
    if (!ok) wrong.push(`${parameter} ${name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  };
  for (const test of cases.contentTypes) {
    const answer = await request(`${url}/api/messages/`, {
      method: 'POST',
      body: Buffer.from(JSON.stringify({ content: 'typed', author: 'contract' })),
      headers: test.raw === null ? {} : { 'content-type': test.raw },
    });
    const ok = test.expect.ok
      ? answer.status === 201
      : answer.status === test.expect.status && JSON.stringify(answer.json) === JSON.stringify(test.expect.body);
    if (!ok) wrong.push(`Content-Type ${test.name}: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  for (const test of cases.limits) await query(test.name, 'limit', test.raw, test.expect);
  for (const test of cases.cursors) await query(test.name, 'cursor', test.raw, test.expect);
  return wrong;
}

/**
 * A server started with messageTtlDays = `days`: a new message is stored with its expiry (DynamoDB's TTL
 * attribute, `days` after its creation), and a message whose expiry has passed is left out of the list while TTL
 * has not removed it yet. Returns what is wrong, empty when nothing is.
 */
export async function expiryOverHttp(server: { url: string; info: Record<string, unknown> }, days: number): Promise<string[]> {
  const endpoint = String(server.info['dynamodbEndpoint']);
  const table = String(server.info['tableName']);
  const wrong: string[] = [];
  const created = await request(`${server.url}/api/messages/`, {
    method: 'POST',
    body: JSON.stringify({ content: 'fleeting', author: 'ttl' }),
    headers: { 'content-type': 'application/json' },
  });
  const message = created.json as { id: string; created_at: string };
  const stored = await localDynamoDbCall(endpoint, 'GetItem', { TableName: table, Key: { pk: { S: 'MESSAGE' }, sk: { S: message.id } } });
  const expires = Number((stored.body['Item'] as Record<string, { N?: string }> | undefined)?.['expires_at']?.N);
  const wanted = Math.floor(Date.parse(message.created_at) / 1000) + days * 86400;
  if (expires !== wanted) wrong.push(`stored expires_at ${expires}, expected ${wanted}`);
  // One whose expiry passed a minute ago, newer than every other (a v7 id from the future's first millisecond).
  const expiredId = '0fffffff-ffff-7fff-bfff-ffffffffffff';
  await localDynamoDbCall(endpoint, 'PutItem', {
    TableName: table,
    Item: {
      pk: { S: 'MESSAGE' },
      sk: { S: expiredId },
      id: { S: expiredId },
      content: { S: 'expired' },
      author: { S: 'ttl' },
      created_at: { S: '2026-01-01T00:00:00.000Z' },
      expires_at: { N: String(Math.floor(Date.now() / 1000) - 60) },
    },
  });
  const listed = (await request(`${server.url}/api/messages/?limit=1`)).json as { id: string }[];
  if (listed[0]?.id !== message.id)
    wrong.push(`the newest listed is ${JSON.stringify(listed[0])}, not the message just created (the expired one must be left out)`);
  return wrong;
}

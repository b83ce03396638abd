import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from './processes';

/** handlers/contract-cases.json: the API contract both handlers meet, one file of cases. */
export interface ContractCases {
  messages: { name: string; text?: string; base64?: string; json?: unknown; expect: Record<string, unknown> }[];
  limits: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  cursors: { name: string; raw: string | null; expect: Record<string, unknown> }[];
  links: { name: string; path: string; limit: number; lastId: string; expect: string }[];
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
  if (test.text !== undefined) return new TextEncoder().encode(test.text);
  if (test.base64 !== undefined) return Buffer.from(test.base64, 'base64');
  return new TextEncoder().encode(JSON.stringify(expandCase(test.json)));
}

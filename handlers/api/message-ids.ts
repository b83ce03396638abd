import { randomBytes } from 'node:crypto';

let lastMillis = -1;
let sequence = 0;

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit
 * counter that keeps ids from one process strictly increasing within a
 * millisecond, then random bits. Sorting ids sorts messages by creation.
 */
export function newMessageId(now: number = Date.now()): string {
  if (now > lastMillis) {
    lastMillis = now;
    sequence = randomBytes(2).readUInt16BE(0) & 0x3ff;
  } else {
    sequence += 1;
    if (sequence > 0xfff) {
      lastMillis += 1;
      sequence = 0;
    }
  }
  const bytes = randomBytes(16);
  const millis = BigInt(lastMillis);
  for (let i = 0; i < 6; i++) bytes[i] = Number((millis >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The creation time a v7 id carries, as ISO 8601 UTC with milliseconds. */
export function createdAtOf(id: string): string {
  const millis = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
  return new Date(millis).toISOString();
}

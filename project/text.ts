/** A value read from JSON or the command line, as text: a string as it is, null and undefined as '', anything else as its JSON (never "[object Object]"). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value) ?? '';
}

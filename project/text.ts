/** A value read from JSON or the command line, as text: a string as it is, null and undefined as '', anything else as its JSON (never "[object Object]"). */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value) ?? '';
}

/** Closest known name within two edits, for "did you mean". */
export function didYouMean(name: string, known: readonly string[]): string {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0];
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j];
        row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length];
  };
  const best = known.map((candidate) => ({ candidate, score: distance(name, candidate) })).sort((x, y) => x.score - y.score)[0];
  return best && best.score <= 2 ? ` Did you mean "${best.candidate}"?` : '';
}

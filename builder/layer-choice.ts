/**
 * Which layers a function attaches when its configuration leaves them to the build ("layers": "auto"): the fewest of
 * the environment's layers, in the strategy's order, that provide every import its runtime does not. Pure: what each
 * layer provides and what the function needs are read elsewhere (the build's manifest and the function's imports).
 */

/** A layer the function may attach, with what it lets the function import (module or package names). */
export interface CandidateLayer {
  readonly name: string;
  readonly provides: ReadonlySet<string>;
}

export interface LayerChoice {
  /** The layers chosen, in the candidates' (the strategy's) order. */
  readonly layers: readonly string[];
  /** Needed imports no subset of at most `max` candidates provides: the import coverage rule names them and refuses. */
  readonly missing: readonly string[];
}

/** Every subset of `n` items of size `k`, as sorted index lists, in lexicographic order (so earlier layers win ties). */
function* subsets(n: number, k: number, from = 0): Generator<number[]> {
  if (k === 0) {
    yield [];
    return;
  }
  for (let first = from; first <= n - k; first++) {
    for (const rest of subsets(n, k - 1, first + 1)) yield [first, ...rest];
  }
}

/**
 * The fewest candidates whose union provides every needed import, at most `max` of them; among sets of one size the
 * one whose layers come first in the strategy's order. A layer that provides nothing needed is never chosen. When no
 * set of at most `max` provides all, the set that provides the most (then the fewest layers, then the earliest) is
 * chosen and the rest are missing.
 */
export function chooseLayers(needed: readonly string[], candidates: readonly CandidateLayer[], max: number): LayerChoice {
  const wanted = [...new Set(needed)].sort();
  // Only layers that provide something needed can be in a smallest set.
  const useful = candidates.map((layer, index) => ({ layer, index })).filter(({ layer }) => wanted.some((name) => layer.provides.has(name)));
  const providedBy = (indexes: readonly number[]): Set<string> => {
    const covered = new Set<string>();
    for (const i of indexes) for (const name of wanted) if (useful[i].layer.provides.has(name)) covered.add(name);
    return covered;
  };
  let best: { indexes: number[]; covered: number } = { indexes: [], covered: 0 };
  const most = Math.min(max, useful.length);
  for (let size = 0; size <= most; size++) {
    for (const indexes of subsets(useful.length, size)) {
      const covered = providedBy(indexes).size;
      if (covered === wanted.length) return result(indexes);
      if (covered > best.covered) best = { indexes, covered };
    }
  }
  return result(best.indexes);

  function result(indexes: readonly number[]): LayerChoice {
    const covered = providedBy(indexes);
    return {
      layers: indexes.map((i) => useful[i].layer.name),
      missing: wanted.filter((name) => !covered.has(name)),
    };
  }
}

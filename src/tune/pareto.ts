/**
 * Pareto dominance for multi-objective studies: which trials are not beaten on every objective at
 * once. The sort is the fast non-dominated sort of NSGA-II (Deb et al. 2002,
 * https://doi.org/10.1109/4235.996017), O(M N²) for N points and M objectives.
 */
import { UsageError } from '../errors.js';
import type { Direction, FrozenTrial } from './types.js';

/**
 * True when `a` Pareto-dominates `b`: `a` is no worse on every objective and strictly better on at
 * least one, "better" read through each objective's direction.
 *
 * @example
 * dominates([1, 2], [2, 2], ['minimize', 'minimize']); // true
 * dominates([1, 3], [2, 2], ['minimize', 'minimize']); // false (a trade-off)
 */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  if (a.length !== directions.length || b.length !== directions.length) {
    throw new UsageError(`dominates: expected ${directions.length} values (one per direction), got ${a.length} and ${b.length}`);
  }
  let strictlyBetter = false;
  for (let i = 0; i < directions.length; i++) {
    const sign = directions[i] === 'maximize' ? -1 : 1;
    const x = sign * a[i]!;
    const y = sign * b[i]!;
    if (x > y) return false;
    if (x < y) strictlyBetter = true;
  }
  return strictlyBetter;
}

/**
 * Sorts points into Pareto fronts (Deb et al. 2002, fast non-dominated sort): front 0 holds the
 * indices no point dominates, front 1 those only front 0 dominates, and so on. Indices within a
 * front are in ascending order. Equal points share a front.
 *
 * @see https://doi.org/10.1109/4235.996017
 * @example
 * nonDominatedSort([[1, 4], [2, 2], [3, 3], [4, 1]], ['minimize', 'minimize']); // [[0, 1, 3], [2]]
 */
export function nonDominatedSort(values: readonly (readonly number[])[], directions: readonly Direction[]): number[][] {
  const n = values.length;
  const dominatedBy: number[][] = Array.from({ length: n }, () => []);
  const count = new Array<number>(n).fill(0);
  for (let p = 0; p < n; p++) {
    for (let q = p + 1; q < n; q++) {
      if (dominates(values[p]!, values[q]!, directions)) {
        dominatedBy[p]!.push(q);
        count[q]!++;
      } else if (dominates(values[q]!, values[p]!, directions)) {
        dominatedBy[q]!.push(p);
        count[p]!++;
      }
    }
  }
  const fronts: number[][] = [];
  let current: number[] = [];
  for (let p = 0; p < n; p++) if (count[p] === 0) current.push(p);
  while (current.length > 0) {
    fronts.push(current);
    const next: number[] = [];
    for (const p of current) {
      for (const q of dominatedBy[p]!) {
        count[q]!--;
        if (count[q] === 0) next.push(q);
      }
    }
    current = next.sort((x, y) => x - y);
  }
  return fronts;
}

/**
 * The complete trials on the Pareto front (first non-dominated front) of `trials`, in trial-number
 * order. Trials that are not `complete` or whose values do not match `directions` are skipped.
 */
export function paretoFront(trials: readonly FrozenTrial[], directions: readonly Direction[]): FrozenTrial[] {
  const done = trials.filter((t) => t.state === 'complete' && t.values !== undefined && t.values.length === directions.length);
  if (done.length === 0) return [];
  const front = nonDominatedSort(done.map((t) => t.values!), directions)[0]!;
  return front.map((i) => done[i]!).sort((x, y) => x.number - y.number);
}

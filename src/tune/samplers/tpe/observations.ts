/**
 * TPE's view of a study's history: finished trials ranked best first and split into the "good"
 * group (l(x), the best gamma(n)) and the rest (g(x)), Bergstra et al. 2011,
 * https://papers.nips.cc/paper/4443-algorithms-for-hyper-parameter-optimization.
 *
 * Ranking follows Optuna: complete trials come first, by value (negated when maximizing); pruned
 * trials follow, those stopped at a later step first, then by their last intermediate value (NaN
 * last); pruned trials that reported nothing come last. Failed and running trials are ignored.
 */
import type { Direction, FrozenTrial } from '../../types.js';

/** A finished trial with the key it is ranked by (lexicographic: step, then score; lower is better). */
export interface RankedTrial {
  readonly trial: FrozenTrial;
  /** -Infinity for complete trials, -(last step) for pruned ones, 1 for pruned without reports. */
  readonly step: number;
  /** Objective (or last intermediate) value, sign-flipped when maximizing. */
  readonly score: number;
}

/** The complete and pruned trials of a single-objective study, in trial-number order, with rank keys. */
export function rankableTrials(trials: readonly FrozenTrial[], directions: readonly Direction[]): RankedTrial[] {
  const sign = directions[0] === 'maximize' ? -1 : 1;
  const out: RankedTrial[] = [];
  for (const trial of [...trials].sort((a, b) => a.number - b.number)) {
    if (trial.state === 'complete') {
      const v = trial.values?.[0];
      if (v === undefined) continue;
      out.push({ trial, step: -Infinity, score: Number.isNaN(v) ? Infinity : sign * v });
    } else if (trial.state === 'pruned') {
      const steps = Object.keys(trial.intermediate).map(Number).filter(Number.isFinite);
      if (steps.length === 0) {
        out.push({ trial, step: 1, score: 0 });
        continue;
      }
      const last = Math.max(...steps);
      const v = trial.intermediate[last]!;
      out.push({ trial, step: -last, score: Number.isNaN(v) ? Infinity : sign * v });
    }
  }
  return out;
}

/**
 * Optuna's default gamma: how many of n observations form the good group, min(ceil(0.1 n), 25).
 */
export function defaultGamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

/**
 * Splits ranked trials into the best `nBelow` and the rest, each in trial-number order. Ties keep
 * trial-number order (a stable sort).
 */
export function splitBelowAbove(ranked: readonly RankedTrial[], nBelow: number): { below: RankedTrial[]; above: RankedTrial[] } {
  const order = Array.from(ranked.keys()).sort((a, b) => {
    const x = ranked[a]!;
    const y = ranked[b]!;
    if (x.step !== y.step) return x.step < y.step ? -1 : 1;
    if (x.score !== y.score) return x.score < y.score ? -1 : 1;
    return a - b;
  });
  const belowSet = new Set(order.slice(0, nBelow));
  const below: RankedTrial[] = [];
  const above: RankedTrial[] = [];
  ranked.forEach((r, i) => (belowSet.has(i) ? below : above).push(r));
  return { below, above };
}

/**
 * Asynchronous successive halving, ASHA (Li et al. 2018, https://arxiv.org/abs/1810.05934), as
 * Optuna's SuccessiveHalvingPruner: rungs at steps r·η^(s+k) (r the minimum resource, η the
 * reduction factor, s the minimum early-stopping rate, k = 0, 1, ...). When a trial reaches a
 * rung it is compared with every trial that reached that rung before it: it goes on only if its
 * value is among the top 1/η of them (among the first η-1 arrivals, only if it is the best so far,
 * since a stopped trial cannot be resumed later).
 *
 * Nothing is stored besides the reports: a trial's value at a rung is its intermediate value at
 * its first reported step at or beyond the rung, and a trial passed every rung at or below its
 * previous report (it was checked there and is still running). So every worker reconstructs the
 * same rungs from the log. This assumes `shouldPrune` is asked after each `report`, the usual loop.
 */
import { UsageError } from '../../errors.js';
import type { Direction, FrozenTrial, Pruner, StudyView } from '../types.js';
import { intOption, longestCompleteRun, positiveOption, reportedSteps, singleDirection } from './common.js';

/** Options of {@link SuccessiveHalvingPruner}. */
export interface SuccessiveHalvingOptions {
  /**
   * Resource (steps) of the first rung; 'auto' (default, as Optuna): once a trial completes,
   * max(1, floor(its last step / 100)), fixed from then on.
   */
  readonly minResource?: number | 'auto';
  /** η, the reduction factor: the top 1/η of a rung is promoted (default 3). */
  readonly reductionFactor?: number;
  /** s: the first rung is at minResource·η^s (default 0). */
  readonly minEarlyStoppingRate?: number;
}

/** The step of rung k: minResource·η^(s+k). */
export function rungStep(minResource: number, reductionFactor: number, minEarlyStoppingRate: number, k: number): number {
  return minResource * reductionFactor ** (minEarlyStoppingRate + k);
}

/** The value `trial` brought to the rung at `step`: its report at the first step >= `step`. */
export function rungValue(trial: FrozenTrial, step: number): number | undefined {
  let first: number | undefined;
  for (const s of Object.keys(trial.intermediate)) {
    const n = Number(s);
    if (n >= step && (first === undefined || n < first)) first = n;
  }
  return first === undefined ? undefined : trial.intermediate[first];
}

/**
 * True when `value` is among the top floor(n/η) of `competing` (n values, `value` included), or,
 * when n < η, when it is the best of them.
 */
export function promotable(value: number, competing: readonly number[], reductionFactor: number, direction: Direction): boolean {
  let index = Math.floor(competing.length / reductionFactor) - 1;
  if (index < 0) index = 0;
  const sorted = [...competing].sort((a, b) => a - b);
  return direction === 'maximize' ? sorted[sorted.length - 1 - index]! <= value : value <= sorted[index]!;
}

/** ASHA: stops a trial that is not in the top 1/η at a rung it reaches (see the module comment). */
export class SuccessiveHalvingPruner implements Pruner {
  readonly reductionFactor: number;
  readonly minEarlyStoppingRate: number;
  #minResource: number | undefined;
  readonly #label: string;

  constructor(options: SuccessiveHalvingOptions = {}, label = 'successive-halving') {
    this.#label = label;
    const r = options.minResource ?? 'auto';
    if (r !== 'auto') this.#minResource = positiveOption(label, 'minResource', r);
    this.reductionFactor = positiveOption(label, 'reductionFactor', options.reductionFactor ?? 3, 2);
    this.minEarlyStoppingRate = intOption(label, 'minEarlyStoppingRate', options.minEarlyStoppingRate ?? 0, 0);
    if (typeof r !== 'number' && r !== 'auto') throw new UsageError(`${label} pruner: minResource must be a number > 0 or 'auto', got ${String(r)}`);
  }

  /** The minimum resource in use (undefined while 'auto' waits for a complete trial). */
  get minResource(): number | undefined {
    return this.#minResource;
  }

  /** True when the trial, at a rung it newly reached, is not promotable (or reported NaN there). */
  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    const direction = singleDirection(this.#label, study);
    const steps = reportedSteps(trial);
    if (steps.length === 0) return false;
    if (this.#minResource === undefined) {
      const longest = longestCompleteRun(study);
      if (longest === undefined) return false;
      this.#minResource = Math.max(1, Math.floor(longest / 100));
    }
    const step = steps[steps.length - 1]!;
    const previous = steps.length > 1 ? steps[steps.length - 2]! : -1;
    const value = trial.intermediate[step]!;
    for (let k = 0; ; k++) {
      const rung = rungStep(this.#minResource, this.reductionFactor, this.minEarlyStoppingRate, k);
      if (step < rung) return false;
      if (rung <= previous) continue; // passed when checked at an earlier report
      if (Number.isNaN(value)) return true;
      const competing = [value];
      for (const t of study.trials) {
        if (t.number === trial.number) continue;
        const v = rungValue(t, rung);
        if (v !== undefined) competing.push(v);
      }
      if (!promotable(value, competing, this.reductionFactor, direction)) return true;
    }
  }
}

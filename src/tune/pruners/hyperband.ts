/**
 * Hyperband (Li et al. 2017, https://arxiv.org/abs/1603.06560) as Optuna runs it: several ASHA
 * brackets that differ in how early they start stopping trials. With minimum resource r, maximum
 * R and reduction factor η there are n = floor(log_η(R/r)) + 1 brackets; bracket b is ASHA with
 * minimum early-stopping rate b (first rung at r·η^b), so bracket 0 is the most aggressive.
 * Bracket b gets a share ceil(n·η^s/(s+1)) (s = n-1-b) of the trials: trial number t goes to the
 * bracket whose cumulative share first exceeds t mod (sum of shares), deterministic and the same in
 * every worker (Optuna hashes the study name with the number instead). Trials are compared only
 * with trials of their own bracket. The bracket count is computed exactly: Optuna's floating-point
 * log gives one bracket fewer when R/r is certain exact powers of η (e.g. 243 = 3^5: 5, not 6).
 */
import { UsageError } from '../../errors.js';
import type { FrozenTrial, Pruner, StudyView } from '../types.js';
import { lastStep, longestCompleteRun, positiveOption } from './common.js';
import { SuccessiveHalvingPruner } from './successive-halving.js';

/** Options of {@link HyperbandPruner}. */
export interface HyperbandOptions {
  /** Resource (steps) of the first rung of the most aggressive bracket (default 1). */
  readonly minResource?: number;
  /**
   * The most steps a trial runs; 'auto' (default, as Optuna): once a trial completes, its last
   * step + 1, fixed from then on. No pruning before it is known.
   */
  readonly maxResource?: number | 'auto';
  /** η (default 3). */
  readonly reductionFactor?: number;
}

/** Hyperband: ASHA brackets, a trial's bracket fixed by its number (see the module comment). */
export class HyperbandPruner implements Pruner {
  readonly minResource: number;
  readonly reductionFactor: number;
  #maxResource: number | undefined;
  #brackets: SuccessiveHalvingPruner[] = [];
  #budgets: number[] = [];

  constructor(options: HyperbandOptions = {}) {
    this.minResource = positiveOption('hyperband', 'minResource', options.minResource ?? 1);
    this.reductionFactor = positiveOption('hyperband', 'reductionFactor', options.reductionFactor ?? 3, 2);
    const max = options.maxResource ?? 'auto';
    if (max !== 'auto') {
      positiveOption('hyperband', 'maxResource', max);
      if (max < this.minResource) throw new UsageError(`hyperband pruner: maxResource (${max}) must be >= minResource (${this.minResource})`);
      this.#init(max);
    }
  }

  #init(maxResource: number): void {
    this.#maxResource = maxResource;
    let n = 1;
    while (this.minResource * this.reductionFactor ** n <= maxResource * (1 + 1e-12)) n++;
    this.#brackets = [];
    this.#budgets = [];
    for (let b = 0; b < n; b++) {
      const s = n - 1 - b;
      this.#budgets.push(Math.ceil((n * this.reductionFactor ** s) / (s + 1)));
      this.#brackets.push(new SuccessiveHalvingPruner(
        { minResource: this.minResource, reductionFactor: this.reductionFactor, minEarlyStoppingRate: b }, 'hyperband'));
    }
  }

  /** The maximum resource in use (undefined while 'auto' waits for a complete trial). */
  get maxResource(): number | undefined {
    return this.#maxResource;
  }

  /** Number of brackets (0 until the maximum resource is known). */
  get nBrackets(): number {
    return this.#brackets.length;
  }

  /** Share of trials of each bracket, ceil(n·η^s/(s+1)). */
  get budgets(): readonly number[] {
    return this.#budgets;
  }

  /** The bracket of trial `number`. */
  bracketOf(number: number): number {
    const total = this.#budgets.reduce((a, b) => a + b, 0);
    let rest = number % total;
    for (let b = 0; b < this.#budgets.length; b++) {
      rest -= this.#budgets[b]!;
      if (rest < 0) return b;
    }
    return this.#budgets.length - 1;
  }

  /** ASHA of the trial's bracket, on the trials of that bracket only. */
  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    if (this.#maxResource === undefined) {
      const longest = longestCompleteRun(study);
      if (longest === undefined) return false;
      this.#init(Math.max(this.minResource, longest + 1));
    }
    if (lastStep(trial) === undefined) return false;
    const bracket = this.bracketOf(trial.number);
    const trials = study.trials.filter((t) => this.bracketOf(t.number) === bracket);
    return this.#brackets[bracket]!.shouldPrune({ ...study, trials }, trial);
  }
}

/**
 * The percentile and median pruners (Optuna's PercentilePruner / MedianPruner, after the median
 * stopping rule of Google Vizier, Golovin et al. 2017, https://doi.org/10.1145/3097983.3098043):
 * stop a trial whose best intermediate value so far is worse than the given percentile of the
 * complete trials' values at the same step.
 */
import { UsageError } from '../../errors.js';
import type { FrozenTrial, Pruner, StudyView } from '../types.js';
import { intOption, reportedSteps, singleDirection } from './common.js';

/** Options of {@link PercentilePruner}. */
export interface PercentilePrunerOptions {
  /** Percentile in [0, 100]: 50 keeps the better half; 25 keeps the top quarter (for either direction). */
  readonly percentile: number;
  /** No pruning until this many trials are complete (default 5). */
  readonly nStartupTrials?: number;
  /** No pruning before this step (default 0). */
  readonly nWarmupSteps?: number;
  /** Check once per interval of steps after the warm-up (default 1: every step). */
  readonly intervalSteps?: number;
  /** Compare only when at least this many complete trials reported the step (default 1). */
  readonly nMinTrials?: number;
}

/** The q-th percentile of `values` (0..100), linear interpolation between order statistics (numpy's default). */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (q / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Prunes a trial whose best value is worse than a percentile of other trials at its step. */
export class PercentilePruner implements Pruner {
  readonly percentile: number;
  readonly nStartupTrials: number;
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  readonly nMinTrials: number;
  readonly #label: string;

  constructor(options: PercentilePrunerOptions, label = 'percentile') {
    this.#label = label;
    const p = options.percentile;
    if (typeof p !== 'number' || !(p >= 0 && p <= 100)) throw new UsageError(`${label} pruner: percentile must be a number in [0, 100], got ${p}`);
    this.percentile = p;
    this.nStartupTrials = intOption(label, 'nStartupTrials', options.nStartupTrials ?? 5, 0);
    this.nWarmupSteps = intOption(label, 'nWarmupSteps', options.nWarmupSteps ?? 0, 0);
    this.intervalSteps = intOption(label, 'intervalSteps', options.intervalSteps ?? 1, 1);
    this.nMinTrials = intOption(label, 'nMinTrials', options.nMinTrials ?? 1, 1);
  }

  /**
   * True when: at least nStartupTrials trials are complete, the last step is past the warm-up and
   * the first of its interval, at least nMinTrials complete trials reported that step, and the
   * trial's best value over its steps is worse than their percentile.
   */
  shouldPrune(study: StudyView, trial: FrozenTrial): boolean {
    const direction = singleDirection(this.#label, study);
    const complete = study.trials.filter((t) => t.state === 'complete');
    if (complete.length === 0 || complete.length < this.nStartupTrials) return false;
    const steps = reportedSteps(trial);
    if (steps.length === 0) return false;
    const step = steps[steps.length - 1]!;
    if (step < this.nWarmupSteps) return false;
    // Only the first report in each interval [w + k*i, w + (k+1)*i) is checked.
    const intervalStart = Math.floor((step - this.nWarmupSteps) / this.intervalSteps) * this.intervalSteps + this.nWarmupSteps;
    const previous = steps.length > 1 ? steps[steps.length - 2]! : -1;
    if (previous >= intervalStart) return false;
    const own = steps.map((s) => trial.intermediate[s]!);
    const best = direction === 'maximize' ? Math.max(...own) : Math.min(...own);
    const others = complete.map((t) => t.intermediate[step]).filter((v): v is number => v !== undefined);
    if (others.length < this.nMinTrials) return false;
    const q = direction === 'maximize' ? 100 - this.percentile : this.percentile;
    const threshold = percentile(others, q);
    return direction === 'maximize' ? best < threshold : best > threshold;
  }
}

/** Options of {@link MedianPruner}: a percentile pruner at 50. */
export type MedianPrunerOptions = Omit<PercentilePrunerOptions, 'percentile'>;

/**
 * The median stopping rule: prune a trial whose best intermediate value is worse than the median
 * of the complete trials at the same step. Defaults as Optuna: nStartupTrials 5, nWarmupSteps 0,
 * intervalSteps 1, nMinTrials 1.
 */
export class MedianPruner extends PercentilePruner {
  constructor(options: MedianPrunerOptions = {}) {
    super({ ...options, percentile: 50 }, 'median');
  }
}

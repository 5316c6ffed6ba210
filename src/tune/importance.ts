/**
 * Parameter importance: how much of the objective's variation each parameter explains alone.
 *
 * For each parameter, the complete trials that have it are grouped (categories by value; numbers
 * in up to `bins` equal-count bins of their internal value, log scale in log space) and the
 * share of the objective's variance explained by the group means is computed, corrected for the
 * share pure noise would explain with that many groups: ω² = (SS_between − (k−1)·MS_within) /
 * (SS_total + MS_within), clipped at 0 (Hays' omega-squared, a less biased sibling of
 * η² = SS_between / SS_total). The scores are then normalized to sum to 1.
 *
 * This is not fANOVA (Hutter et al. 2014, https://proceedings.mlr.press/v32/hutter14.html, what
 * Optuna uses by default): it fits no surrogate model and looks at one parameter at a time, so it
 * misses interactions (a parameter that matters only together with another scores low), it is
 * biased toward parameters the sampler happened to vary more, and with few trials per bin it is
 * noisy. Use it to rank parameters, not to quantify them.
 */
import { UsageError } from '../errors.js';
import { toInternal } from './distributions.js';
import type { FrozenTrial, StudyView } from './types.js';

/** Options of {@link parameterImportance}. */
export interface ImportanceOptions {
  /** Which objective (index into the study's directions; default 0). */
  readonly objective?: number;
  /** Parameters to score (default: every parameter of the complete trials). */
  readonly params?: readonly string[];
  /** Most bins for a numeric parameter (default 10; fewer when trials are few: about n/5). */
  readonly bins?: number;
}

/** ω² of `target` grouped by `groups` (group labels), clipped to [0, 1]. */
export function explainedVariance(target: readonly number[], groups: readonly (string | number)[]): number {
  const n = target.length;
  if (n < 2) return 0;
  const mean = target.reduce((a, b) => a + b, 0) / n;
  const ssTotal = target.reduce((a, y) => a + (y - mean) ** 2, 0);
  if (ssTotal <= 0) return 0;
  const sums = new Map<string | number, { sum: number; count: number }>();
  groups.forEach((g, i) => {
    const e = sums.get(g) ?? { sum: 0, count: 0 };
    e.sum += target[i]!;
    e.count++;
    sums.set(g, e);
  });
  const k = sums.size;
  if (k < 2) return 0;
  let ssBetween = 0;
  for (const { sum, count } of sums.values()) ssBetween += count * (sum / count - mean) ** 2;
  const msWithin = n > k ? (ssTotal - ssBetween) / (n - k) : 0;
  const eps = (ssBetween - (k - 1) * msWithin) / (ssTotal + msWithin);
  return Math.min(1, Math.max(0, eps));
}

/** Equal-count bin labels (0..bins-1) of `xs` by rank; equal values share a bin. */
function binByRank(xs: readonly number[], bins: number): number[] {
  const order = xs.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const labels = new Array<number>(xs.length);
  let start = 0;
  while (start < order.length) {
    let end = start;
    while (end + 1 < order.length && order[end + 1]![0] === order[start]![0]) end++;
    const bin = Math.min(bins - 1, Math.floor((start * bins) / order.length));
    for (let j = start; j <= end; j++) labels[order[j]![1]] = bin;
    start = end + 1;
  }
  return labels;
}

/**
 * Importance of each parameter for one objective of the study's complete trials (see the module
 * comment for the estimate and its limits), normalized to sum to 1 (all 0 when nothing explains
 * anything), sorted from most to least important.
 *
 * @example
 * parameterImportance(study.view()); // { lr: 0.83, batch: 0.12, dropout: 0.05 }
 */
export function parameterImportance(study: StudyView | { readonly trials: readonly FrozenTrial[]; readonly directions: readonly unknown[] }, options: ImportanceOptions = {}): Record<string, number> {
  const objective = options.objective ?? 0;
  if (!Number.isInteger(objective) || objective < 0 || objective >= study.directions.length) {
    throw new UsageError(`importance: objective must be an index in [0, ${study.directions.length - 1}], got ${objective}`);
  }
  const maxBins = options.bins ?? 10;
  if (!Number.isInteger(maxBins) || maxBins < 2) throw new UsageError(`importance: bins must be an integer >= 2, got ${maxBins}`);
  const complete = study.trials.filter((t) => t.state === 'complete' && t.values !== undefined && Number.isFinite(t.values[objective]));
  const names = options.params ?? [...new Set(complete.flatMap((t) => Object.keys(t.params)))].sort();
  const raw: Record<string, number> = {};
  for (const name of names) {
    const having = complete.filter((t) => name in t.params && t.distributions[name] !== undefined);
    const target = having.map((t) => t.values![objective]!);
    let groups: (string | number)[];
    const dist = having[0]?.distributions[name];
    if (dist === undefined) {
      raw[name] = 0;
      continue;
    }
    if (dist.kind === 'categorical') {
      groups = having.map((t) => JSON.stringify(t.params[name]));
    } else {
      const xs = having.map((t) => toInternal(t.distributions[name]!, t.params[name]!));
      const bins = Math.max(2, Math.min(maxBins, Math.floor(having.length / 5)));
      groups = binByRank(xs, bins);
    }
    raw[name] = explainedVariance(target, groups);
  }
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  const entries = Object.entries(raw).map(([k, v]) => [k, total > 0 ? v / total : 0] as const);
  entries.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return Object.fromEntries(entries);
}

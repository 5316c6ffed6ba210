/**
 * A minimal in-process study loop over hand-built StudyView snapshots, following the Sampler
 * protocol (relative space at the start of a trial, relative values where the distribution
 * matches, independent sampling for the rest). Lets sampler tests run without storage.
 */
import { categoricalDistribution, contains, floatDistribution, intDistribution, isSingle, singleValue, type FloatOptions, type IntOptions } from '../../../src/tune/distributions.js';
import type { Direction, Distribution, FrozenTrial, ParamValue, Sampler, StudyView, TrialState } from '../../../src/tune/types.js';

/** What an objective gets: define-by-run suggestions plus report. */
export interface HarnessTrial {
  readonly number: number;
  suggestFloat(name: string, low: number, high: number, options?: FloatOptions): number;
  suggestInt(name: string, low: number, high: number, options?: IntOptions): number;
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T;
  report(value: number, step: number): void;
}

/** An objective's verdict: values (complete), or a scripted failed/pruned ending. */
export type Outcome = number | readonly number[] | { readonly state: 'failed' } | { readonly state: 'pruned' };

/** Runs `nTrials` trials of `objective` with `sampler`; returns the trials (and every proposal). */
export function runStudy(sampler: Sampler, objective: (t: HarnessTrial) => Outcome, nTrials: number, directions: readonly Direction[] = ['minimize'], initial: readonly FrozenTrial[] = []): FrozenTrial[] {
  const trials: FrozenTrial[] = [...initial];
  for (let k = 0; k < nTrials; k++) trials.push(runTrial(sampler, objective, trials, directions));
  return trials;
}

/** One trial on top of `history` (not modified). */
export function runTrial(sampler: Sampler, objective: (t: HarnessTrial) => Outcome, history: readonly FrozenTrial[], directions: readonly Direction[]): FrozenTrial {
  const number = history.length;
  const params: Record<string, ParamValue> = {};
  const distributions: Record<string, Distribution> = {};
  const intermediate: Record<number, number> = {};
  const frozen = (state: TrialState, values?: readonly number[]): FrozenTrial => ({
    number, state, params: { ...params }, distributions: { ...distributions }, intermediate: { ...intermediate }, userAttrs: {}, ...(values ? { values } : {}),
  });
  const view = (): StudyView => ({ name: 'harness', directions, trials: [...history, frozen('running')] });
  const space = sampler.inferRelativeSearchSpace?.(view(), frozen('running')) ?? {};
  const relative = Object.keys(space).length > 0 && sampler.sampleRelative ? sampler.sampleRelative(view(), frozen('running'), space) : {};
  const suggest = (name: string, dist: Distribution): ParamValue => {
    if (name in params) return params[name]!;
    // As src/tune/trial.ts does: single values need no sampler; relative values count when they fit.
    const value = isSingle(dist) ? singleValue(dist) : name in relative && contains(dist, relative[name]!) ? relative[name]! : sampler.sampleIndependent(view(), frozen('running'), name, dist);
    params[name] = value;
    distributions[name] = dist;
    return value;
  };
  const trial: HarnessTrial = {
    number,
    suggestFloat: (name, low, high, options) => suggest(name, floatDistribution(name, low, high, options)) as number,
    suggestInt: (name, low, high, options) => suggest(name, intDistribution(name, low, high, options)) as number,
    suggestCategorical: <T extends ParamValue>(name: string, choices: readonly T[]) => suggest(name, categoricalDistribution(name, choices)) as T,
    report: (value, step) => void (intermediate[step] = value),
  };
  const outcome = objective(trial);
  if (typeof outcome === 'number') return frozen('complete', [outcome]);
  if (Array.isArray(outcome)) return frozen('complete', outcome as readonly number[]);
  return frozen((outcome as { state: 'failed' | 'pruned' }).state);
}

/** Best (lowest) first objective value among complete trials. */
export function bestValue(trials: readonly FrozenTrial[]): number {
  return Math.min(...trials.filter((t) => t.state === 'complete').map((t) => t.values![0]!));
}

/**
 * The NSGA-II sampler: the elitist genetic algorithm of Deb, Pratap, Agarwal and Meyarivan, "A Fast
 * and Elitist Multiobjective Genetic Algorithm: NSGA-II" (2002, https://doi.org/10.1109/4235.996017)
 * with Optuna's NSGAIISampler defaults, for multi-objective studies (and single-objective ones).
 */
import { UsageError } from '../../errors.js';
import type { Rng } from '../../random.js';
import { nonDominatedSort } from '../pareto.js';
import type { Direction, Distribution, FrozenTrial, ParamValue, Sampler, StudyView } from '../types.js';
import { intersectionSearchSpace, sampleUniform, trialRng } from './common.js';
import { checkSeed } from './random.js';

/** Options of {@link Nsga2Sampler}; defaults are Optuna's. */
export interface Nsga2Options {
  /** Seed of every random draw (an integer; a fresh random seed when omitted). */
  readonly seed?: number;
  /** Individuals per generation (default 50). */
  readonly populationSize?: number;
  /** Probability that a child comes from crossover rather than copying one parent (default 0.9). */
  readonly crossoverProb?: number;
  /** Uniform crossover: probability of taking each parameter from the second parent (default 0.5). */
  readonly swappingProb?: number;
  /** Probability that a parameter is resampled at random (default 1 / number of parameters). */
  readonly mutationProb?: number;
}

/** An individual: a complete trial with its Pareto rank and crowding distance in its population. */
interface Individual {
  readonly trial: FrozenTrial;
  rank: number;
  crowding: number;
}

/**
 * Crowding distance of each point of one front (Deb et al. 2002, §III-B): per objective, the gap
 * between its two neighbours divided by the objective's range, summed; the extremes get Infinity.
 *
 * @see https://doi.org/10.1109/4235.996017
 * @example
 * crowdingDistance([[0, 3], [1, 1], [3, 0]]); // [Infinity, 2, Infinity]
 */
export function crowdingDistance(values: readonly (readonly number[])[]): number[] {
  const n = values.length;
  const out = new Array<number>(n).fill(0);
  if (n === 0) return out;
  const m = values[0]!.length;
  for (let k = 0; k < m; k++) {
    const order = Array.from(values.keys()).sort((a, b) => values[a]![k]! - values[b]![k]! || a - b);
    const lo = values[order[0]!]![k]!;
    const hi = values[order[n - 1]!]![k]!;
    out[order[0]!] = Infinity;
    out[order[n - 1]!] = Infinity;
    if (hi === lo) continue;
    for (let r = 1; r < n - 1; r++) out[order[r]!]! += (values[order[r + 1]!]![k]! - values[order[r - 1]!]![k]!) / (hi - lo);
  }
  return out;
}

/**
 * Elitist selection of NSGA-II: the best `size` of `trials` by non-dominated front, the last front
 * that does not fit whole cut by crowding distance (largest first; ties by trial number). Returns
 * the chosen individuals with rank and crowding distance set.
 */
export function selectElite(trials: readonly FrozenTrial[], directions: readonly Direction[], size: number): Individual[] {
  const fronts = nonDominatedSort(trials.map((t) => t.values!), directions);
  const chosen: Individual[] = [];
  fronts.forEach((front, rank) => {
    if (chosen.length >= size) return;
    const members = front.map((i) => trials[i]!);
    const crowd = crowdingDistance(members.map((t) => t.values!));
    const individuals = members.map((trial, i) => ({ trial, rank, crowding: crowd[i]! }));
    if (chosen.length + individuals.length > size) {
      individuals.sort((a, b) => b.crowding - a.crowding || a.trial.number - b.trial.number);
      individuals.length = size - chosen.length;
    }
    chosen.push(...individuals);
  });
  return chosen;
}

/**
 * NSGA-II sampler. Generations come from trial numbers: the complete trials (in number order)
 * form generation 0, 1, 2... by consecutive groups of `populationSize`; the parent population of
 * generation g + 1 is the elite of generation g together with the parents of generation g. A new
 * trial breeds from the latest parent population: two parents by binary tournament (crowded
 * comparison: lower front, then larger crowding distance), uniform crossover with probability
 * `crossoverProb` (else a copy of a random parent), then each parameter is mutated (resampled
 * uniformly at random) with probability `mutationProb`. Generation 0 and parameters outside the
 * intersection search space are sampled uniformly at random. Failed and pruned trials are ignored.
 * The state is replayed from the study, so workers can share it.
 *
 * @see https://doi.org/10.1109/4235.996017
 * @example
 * const sampler = new Nsga2Sampler({ seed: 0, populationSize: 20 });
 */
export class Nsga2Sampler implements Sampler {
  /** The seed in use (drawn at random when none was given). */
  readonly seed: number;
  private readonly populationSize: number;
  private readonly crossoverProb: number;
  private readonly swappingProb: number;
  private readonly mutationProb: number | undefined;

  constructor(options: Nsga2Options = {}) {
    this.seed = checkSeed('nsga2', options.seed);
    this.populationSize = options.populationSize ?? 50;
    this.crossoverProb = options.crossoverProb ?? 0.9;
    this.swappingProb = options.swappingProb ?? 0.5;
    this.mutationProb = options.mutationProb;
    if (!Number.isInteger(this.populationSize) || this.populationSize < 2) throw new UsageError(`nsga2: populationSize must be an integer >= 2, got ${this.populationSize}`);
    const probs: [string, number | undefined][] = [['crossoverProb', this.crossoverProb], ['swappingProb', this.swappingProb], ['mutationProb', this.mutationProb]];
    for (const [name, v] of probs) {
      if (v !== undefined && !(v >= 0 && v <= 1)) throw new UsageError(`nsga2: ${name} must be a probability in [0, 1], got ${v}`);
    }
  }

  /** The parameters every complete trial shares with the same distribution. */
  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    return intersectionSearchSpace(study.trials, ['complete']);
  }

  /** A child of the current parent population (nothing in generation 0). */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: Readonly<Record<string, Distribution>>): Record<string, ParamValue> {
    const names = Object.keys(space);
    if (names.length === 0) return {};
    const parents = this.parentPopulation(study);
    if (parents.length === 0) return {};
    const rng = trialRng(this.seed, trial.number, 'nsga2');
    let child: Record<string, ParamValue>;
    if (rng.next() < this.crossoverProb) {
      const a = tournament(parents, rng).trial.params;
      const b = tournament(parents, rng).trial.params;
      child = Object.fromEntries(names.map((n) => [n, rng.next() < this.swappingProb ? b[n]! : a[n]!]));
    } else {
      const p = parents[rng.int(0, parents.length)]!.trial.params;
      child = Object.fromEntries(names.map((n) => [n, p[n]!]));
    }
    const mutation = this.mutationProb ?? 1 / Math.max(1, names.length);
    const out: Record<string, ParamValue> = {};
    for (const n of names) if (rng.next() >= mutation && child[n] !== undefined) out[n] = child[n]!;
    return out;
  }

  /** Uniform random values (generation 0, mutated and non-shared parameters). */
  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(distribution, trialRng(this.seed, trial.number, `nsga2:${name}`));
  }

  /** The parents for the next child, replayed generation by generation from the complete trials. */
  private parentPopulation(study: StudyView): Individual[] {
    const m = study.directions.length;
    const done = [...study.trials]
      .filter((t) => t.state === 'complete' && t.values !== undefined && t.values.length === m && t.values.every((v) => !Number.isNaN(v)))
      .sort((a, b) => a.number - b.number);
    const size = this.populationSize;
    let parents: Individual[] = [];
    for (let start = 0; start + size <= done.length; start += size) {
      const pool = [...done.slice(start, start + size), ...parents.map((p) => p.trial)];
      parents = selectElite(pool, study.directions, size);
    }
    return parents;
  }
}

/** Binary tournament with the crowded-comparison operator (lower rank, then larger crowding). */
function tournament(population: readonly Individual[], rng: Rng): Individual {
  const a = population[rng.int(0, population.length)]!;
  const b = population[rng.int(0, population.length)]!;
  if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
  return a.crowding >= b.crowding ? a : b;
}

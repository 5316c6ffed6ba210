/**
 * The CMA-ES sampler: CMA Evolution Strategy (Hansen, "The CMA Evolution Strategy: A Tutorial",
 * https://arxiv.org/abs/1604.00772) over the continuous (float and int) parameters of a study,
 * with Optuna's CmaEsSampler defaults.
 */
import { UsageError } from '../../errors.js';
import { fromInternal } from '../distributions.js';
import type { Distribution, FrozenTrial, ParamValue, Sampler, StudyView } from '../types.js';
import { cmaParameters, defaultPopulation, initialState, sampleSolution, tellGeneration, type CmaParameters, type CmaState } from './cmaes-core.js';
import { intersectionSearchSpace, sampleUniform, trialRng } from './common.js';
import { checkSeed } from './random.js';

/** Options of {@link CmaEsSampler}; defaults are Optuna's. */
export interface CmaEsOptions {
  /** Seed of every random draw (an integer; a fresh random seed when omitted). */
  readonly seed?: number;
  /** Complete trials sampled at random before CMA-ES starts (default 1). */
  readonly nStartupTrials?: number;
  /** Population λ (default 4 + ⌊3 ln n⌋ for n parameters). */
  readonly popsize?: number;
  /** Initial step size in the unit cube every parameter is mapped to (default 1/6). */
  readonly sigma0?: number;
}

type Numeric = Exclude<Distribution, { kind: 'categorical' }>;

/** Unit-cube coordinates of one parameter: kernel-space bounds (log, ±half a step on grids). */
function unitBounds(d: Numeric): { low: number; high: number } {
  const half = d.kind === 'int' ? 0.5 * d.step : d.step !== undefined ? 0.5 * d.step : 0;
  if (d.log) return { low: Math.log(d.low - (d.kind === 'int' ? 0.5 : 0)), high: Math.log(d.high + (d.kind === 'int' ? 0.5 : 0)) };
  return { low: d.low - half, high: d.high + half };
}

/**
 * CMA-ES sampler for float and int parameters. Each parameter is mapped to [0, 1] (in log space
 * for `log`, widened by half a step on grids); the search starts at the centre (x0 = 0.5) with
 * σ0 = 1/6 and C = I, population 4 + ⌊3 ln n⌋, after `nStartupTrials` (1) random trials.
 *
 * The state is not stored anywhere: it is replayed from the study, so any number of workers can
 * share one study. The complete trials that have every parameter of the space (in trial-number
 * order, skipping the first `nStartupTrials` of them) form generation 0, 1, 2... by consecutive
 * groups of λ; each full group updates mean, paths, σ and C (ranked by value, sign-flipped when
 * maximizing). Failed and pruned trials are ignored, so a generation is λ complete trials. Samples
 * outside the cube are redrawn (up to 100 times), then clipped; ints and grids are rounded.
 *
 * Categorical parameters are outside CMA-ES: they are sampled independently and uniformly at
 * random (a note is added to {@link CmaEsSampler.notes} the first time). Single-objective only.
 *
 * @see https://arxiv.org/abs/1604.00772
 * @example
 * const sampler = new CmaEsSampler({ seed: 3 });
 */
export class CmaEsSampler implements Sampler {
  /** One-time remarks (e.g. that categorical parameters are sampled at random). */
  readonly notes: string[] = [];
  /** The seed in use (drawn at random when none was given). */
  readonly seed: number;
  private readonly nStartupTrials: number;
  private readonly popsize: number | undefined;
  private readonly sigma0: number;
  private cache: { key: string; numbers: number[]; state: CmaState } | undefined;

  constructor(options: CmaEsOptions = {}) {
    this.seed = checkSeed('cmaes', options.seed);
    this.nStartupTrials = options.nStartupTrials ?? 1;
    this.popsize = options.popsize;
    this.sigma0 = options.sigma0 ?? 1 / 6;
    if (!Number.isInteger(this.nStartupTrials) || this.nStartupTrials < 0) throw new UsageError(`cmaes: nStartupTrials must be an integer >= 0, got ${this.nStartupTrials}`);
    if (this.popsize !== undefined && (!Number.isInteger(this.popsize) || this.popsize < 2)) throw new UsageError(`cmaes: popsize must be an integer >= 2, got ${this.popsize}`);
    if (!(this.sigma0 > 0) || !Number.isFinite(this.sigma0)) throw new UsageError(`cmaes: sigma0 must be a finite number > 0, got ${this.sigma0}`);
  }

  /** The float and int parameters every complete trial shares. */
  inferRelativeSearchSpace(study: StudyView): Record<string, Distribution> {
    checkSingleObjective(study);
    const space = intersectionSearchSpace(study.trials, ['complete']);
    const out: Record<string, Distribution> = {};
    for (const [name, d] of Object.entries(space)) {
      if (d.kind !== 'categorical') out[name] = d;
      else this.note(`cmaes: categorical parameter '${name}' is sampled independently at random (CMA-ES models only float and int parameters)`);
    }
    return out;
  }

  /** A draw from the CMA-ES distribution replayed from the study's complete trials. */
  sampleRelative(study: StudyView, trial: FrozenTrial, space: Readonly<Record<string, Distribution>>): Record<string, ParamValue> {
    const names = Object.keys(space).filter((n) => space[n]!.kind !== 'categorical');
    if (names.length === 0) return {};
    checkSingleObjective(study);
    const dists = names.map((n) => space[n] as Numeric);
    const bounds = dists.map(unitBounds);
    const sign = study.directions[0] === 'maximize' ? -1 : 1;
    const usable: { number: number; x: Float64Array; value: number }[] = [];
    for (const t of [...study.trials].sort((a, b) => a.number - b.number)) {
      if (t.state !== 'complete' || t.values?.[0] === undefined || !Number.isFinite(t.values[0])) continue;
      const x = new Float64Array(names.length);
      let ok = true;
      names.forEach((n, i) => {
        const v = t.params[n];
        if (typeof v !== 'number' || v < dists[i]!.low || v > dists[i]!.high) ok = false;
        else x[i] = ((dists[i]!.log ? Math.log(v) : v) - bounds[i]!.low) / (bounds[i]!.high - bounds[i]!.low);
      });
      if (ok) usable.push({ number: t.number, x, value: sign * t.values[0] });
    }
    if (usable.length < Math.max(1, this.nStartupTrials)) return {};
    const p = cmaParameters(names.length, this.popsize ?? defaultPopulation(names.length));
    const state = this.replay(p, JSON.stringify(space), usable.slice(this.nStartupTrials));
    const rng = trialRng(this.seed, trial.number, 'cmaes');
    let x = sampleSolution(state, rng);
    for (let attempt = 0; attempt < 100 && x.some((v) => v < 0 || v > 1); attempt++) x = sampleSolution(state, rng);
    const out: Record<string, ParamValue> = {};
    names.forEach((n, i) => {
      const u = Math.min(1, Math.max(0, x[i]!));
      const b = bounds[i]!;
      out[n] = fromInternal(dists[i]!, b.low + u * (b.high - b.low));
    });
    return out;
  }

  /** Uniform random values for parameters CMA-ES does not cover (and the start-up trials). */
  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(distribution, trialRng(this.seed, trial.number, `cmaes:${name}`));
  }

  /** Replays the full generations of `trials`, resuming from the cached state when its trials are a prefix. */
  private replay(p: CmaParameters, key: string, trials: readonly { number: number; x: Float64Array; value: number }[]): CmaState {
    const full = Math.floor(trials.length / p.lambda) * p.lambda;
    const numbers = trials.slice(0, full).map((t) => t.number);
    let state = initialState(new Array<number>(p.n).fill(0.5), this.sigma0);
    let done = 0;
    const c = this.cache;
    if (c && c.key === key && c.numbers.length <= numbers.length && c.numbers.every((num, i) => numbers[i] === num)) {
      state = c.state;
      done = c.numbers.length;
    }
    for (let start = done; start < full; start += p.lambda) {
      state = tellGeneration(p, state, trials.slice(start, start + p.lambda));
    }
    this.cache = { key, numbers, state };
    return state;
  }

  private note(message: string): void {
    if (!this.notes.includes(message)) this.notes.push(message);
  }
}

function checkSingleObjective(study: StudyView): void {
  if (study.directions.length !== 1) {
    throw new UsageError(`cmaes: study '${study.name}' has ${study.directions.length} objectives; CMA-ES handles one (use the 'nsga2' sampler for multi-objective studies)`);
  }
}

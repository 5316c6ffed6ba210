/**
 * The grid sampler: every combination of the listed values, each once, in an order shuffled by
 * the seed. Combinations any trial of the study already holds (this worker's or another's) are
 * skipped, so several workers sharing a study split the grid between them; when every
 * combination has been handed out, `isExhausted` is true and `optimize` stops.
 */
import { mulberry32 } from '../../random.js';
import { UsageError } from '../../errors.js';
import { categoricalDistribution, contains, describeDistribution } from '../distributions.js';
import type { Distribution, FrozenTrial, ParamValue, Sampler, StudyView } from '../types.js';
import { checkSeed } from './random.js';

/** Options of {@link GridSampler}. */
export interface GridSamplerOptions {
  /** Values to try per parameter; every combination is one trial. */
  readonly space: Readonly<Record<string, readonly ParamValue[]>>;
  /** Seed of the visiting order (random when omitted). */
  readonly seed?: number;
}

/** Tries every combination of a grid once (see the module comment). */
export class GridSampler implements Sampler {
  readonly seed: number;
  /** Parameter names, sorted. */
  readonly names: readonly string[];
  /** Every combination, in the seeded visiting order. */
  readonly combinations: readonly Readonly<Record<string, ParamValue>>[];
  readonly #space: Record<string, Distribution> = {};
  /** Combinations this sampler handed out, by trial number (seen before their params are stored). */
  readonly #assigned = new Map<number, string>();

  constructor(options: GridSamplerOptions) {
    if (options === undefined || typeof options.space !== 'object' || options.space === null) {
      throw new UsageError('grid sampler: expected a space, e.g. { lr: [0.01, 0.1], batch: [32, 64] }');
    }
    this.seed = checkSeed('grid', options.seed);
    this.names = Object.keys(options.space).sort();
    if (this.names.length === 0) throw new UsageError('grid sampler: the space has no parameters');
    for (const name of this.names) this.#space[name] = categoricalDistribution(name, options.space[name]!);
    let combos: Record<string, ParamValue>[] = [{}];
    for (const name of this.names) {
      const values = (this.#space[name] as { choices: readonly ParamValue[] }).choices;
      combos = combos.flatMap((c) => values.map((v) => ({ ...c, [name]: v })));
    }
    const rng = mulberry32(this.seed);
    for (let i = combos.length - 1; i > 0; i--) {
      const j = rng.int(0, i + 1);
      [combos[i], combos[j]] = [combos[j]!, combos[i]!];
    }
    this.combinations = combos;
  }

  #key(params: Readonly<Record<string, ParamValue>>): string | undefined {
    if (!this.names.every((n) => n in params)) return undefined;
    return JSON.stringify(this.names.map((n) => params[n]));
  }

  /** Keys of combinations held by trials other than `self`, and how many earlier trials are still choosing. */
  #taken(study: StudyView, self: number): { taken: Set<string>; choosing: number } {
    const taken = new Set<string>();
    let choosing = 0;
    for (const t of study.trials) {
      if (t.number === self) continue;
      const key = this.#assigned.get(t.number) ?? this.#key(t.params);
      if (key !== undefined) taken.add(key);
      else if (t.state === 'running' && t.number < self) choosing++;
    }
    return { taken, choosing };
  }

  /** The grid's parameters, as categorical distributions of their values. */
  inferRelativeSearchSpace(): Readonly<Record<string, Distribution>> {
    return this.#space;
  }

  /**
   * The first combination in the seeded order that no trial holds yet. Trials of other workers
   * that started earlier and have not stored their parameters yet are assumed to take the first
   * free ones (the n-th such trial the n-th), which keeps concurrent workers apart. When every
   * combination is taken, combinations repeat in order.
   */
  sampleRelative(study: StudyView, trial: FrozenTrial): Record<string, ParamValue> {
    const { taken, choosing } = this.#taken(study, trial.number);
    const free = this.combinations.filter((c) => !taken.has(this.#key(c)!));
    const pick = free.length > 0 ? free[choosing % free.length]! : this.combinations[trial.number % this.combinations.length]!;
    this.#assigned.set(trial.number, this.#key(pick)!);
    return { ...pick };
  }

  /** Grid values come from `sampleRelative`; asking here means the objective and grid disagree. */
  sampleIndependent(_study: StudyView, _trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    const values = this.#space[name];
    if (values === undefined) {
      throw new UsageError(`grid sampler: parameter '${name}' is not in the grid space (${this.names.join(', ')})`);
    }
    const bad = (values as { choices: readonly ParamValue[] }).choices.filter((v) => !contains(distribution, v));
    throw new UsageError(`grid sampler: grid values [${bad.map(String).join(', ')}] of '${name}' are outside ${describeDistribution(distribution)}`);
  }

  /** True when every combination is held by some trial of the study. */
  isExhausted(study: StudyView): boolean {
    const { taken } = this.#taken(study, -1);
    return this.combinations.every((c) => taken.has(this.#key(c)!));
  }
}

/**
 * A study: one search, its trials in storage, a sampler and a pruner. `createStudy` / `loadStudy`
 * open one; `optimize` runs an objective many times; `ask` / `tell` let a loop outside whittle
 * drive the trials. Everything a study knows is in its storage's log, so any number of workers
 * (in this process or others sharing the storage) can work on one study.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.js';
import { paretoFront } from './pareto.js';
import { createPruner, MedianPruner, type PrunerSpec } from './pruners/index.js';
import { createSampler, defaultSampler, type SamplerSpec } from './samplers/index.js';
import { JournalStorage } from './storage/journal-storage.js';
import { MemoryBackend } from './storage/memory.js';
import { Trial } from './trial.js';
import type { Direction, FrozenTrial, JournalBackend, ParamValue, Pruner, Sampler, StudyView } from './types.js';
import { runOptimize, type Objective, type OptimizeOptions, type OptimizeResult } from './optimize.js';

/** Options of {@link createStudy}. */
export interface CreateStudyOptions {
  /** Study name (a random `study-xxxxxxxx` by default). */
  readonly name?: string;
  /** Where the study lives: a JournalStorage, or a backend to wrap in one (memory by default). */
  readonly storage?: JournalStorage | JournalBackend;
  /** A sampler or a sampler spec (default: see `defaultSampler`). */
  readonly sampler?: Sampler | SamplerSpec;
  /** A pruner or a pruner spec (default: median, as Optuna). */
  readonly pruner?: Pruner | PrunerSpec;
  /** Direction of a single objective (default 'minimize'). Not with `directions`. */
  readonly direction?: Direction;
  /** One direction per objective, for multi-objective studies. */
  readonly directions?: readonly Direction[];
  /** Continue the study if the storage already has one of this name (else that is an error). */
  readonly loadIfExists?: boolean;
}

/** What {@link Study.tell} accepts: the objective's value(s), or how the trial ended without one. */
export type TellResult = number | readonly number[] | { readonly state: 'pruned' } | { readonly state: 'failed'; readonly reason?: string };

function toStorage(storage: JournalStorage | JournalBackend | undefined): JournalStorage {
  if (storage === undefined) return new JournalStorage(new MemoryBackend());
  if (storage instanceof JournalStorage) return storage;
  if (typeof storage.append === 'function' && typeof storage.read === 'function') return new JournalStorage(storage);
  throw new UsageError('storage must be a JournalStorage or a JournalBackend (append, read, close)');
}

function toSampler(sampler: Sampler | SamplerSpec | undefined, objectives: number): Sampler {
  if (sampler === undefined) return defaultSampler(objectives);
  return typeof (sampler as Sampler).sampleIndependent === 'function' ? (sampler as Sampler) : createSampler(sampler as SamplerSpec);
}

function toPruner(pruner: Pruner | PrunerSpec | undefined): Pruner {
  if (pruner === undefined) return new MedianPruner();
  return typeof (pruner as Pruner).shouldPrune === 'function' ? (pruner as Pruner) : createPruner(pruner as PrunerSpec);
}

/**
 * Creates a study (or, with `loadIfExists`, continues the one of that name).
 *
 * @example
 * const study = await createStudy({ direction: 'maximize', sampler: { name: 'random', seed: 1 } });
 * await study.optimize((t) => -((t.suggestFloat('x', -5, 5) - 2) ** 2), { nTrials: 50 });
 * study.bestParams; // { x: ~2 }
 */
export async function createStudy(options: CreateStudyOptions = {}): Promise<Study> {
  if (options.direction !== undefined && options.directions !== undefined) {
    throw new UsageError('createStudy: give direction (one objective) or directions (several), not both');
  }
  const directions = options.directions ?? [options.direction ?? 'minimize'];
  const storage = toStorage(options.storage);
  const name = options.name ?? `study-${randomBytes(4).toString('hex')}`;
  const info = await storage.createStudy(name, directions, { loadIfExists: options.loadIfExists ?? false });
  return new Study(info.name, info.directions, storage, toSampler(options.sampler, info.directions.length), toPruner(options.pruner));
}

/** Opens the existing study `name` in `storage` (an error naming the studies there if it is missing). */
export async function loadStudy(options: {
  readonly name: string; readonly storage: JournalStorage | JournalBackend;
  readonly sampler?: Sampler | SamplerSpec; readonly pruner?: Pruner | PrunerSpec;
}): Promise<Study> {
  const storage = toStorage(options.storage);
  const info = await storage.getStudy(options.name);
  if (info === undefined) {
    const names = await storage.studyNames();
    throw new UsageError(`no study named '${options.name}' in this storage (${names.length > 0 ? `studies: ${names.join(', ')}` : 'it holds no studies'})`);
  }
  return new Study(info.name, info.directions, storage, toSampler(options.sampler, info.directions.length), toPruner(options.pruner));
}

/** One hyperparameter search (see the module comment). Build it with {@link createStudy}. */
export class Study {
  readonly #live = new Map<number, Trial>();
  #stopRequested = false;

  constructor(
    readonly name: string,
    readonly directions: readonly Direction[],
    readonly storage: JournalStorage,
    readonly sampler: Sampler,
    readonly pruner: Pruner,
  ) {}

  /** The direction of a single-objective study. */
  get direction(): Direction {
    this.#single('direction');
    return this.directions[0]!;
  }

  /** Every trial as of the last sync with storage (see {@link Study.refresh}). */
  get trials(): FrozenTrial[] {
    return this.storage.cachedTrials(this.name);
  }

  /** The study as samplers and pruners see it, as of the last sync. */
  view(): StudyView {
    return { name: this.name, directions: this.directions, trials: this.trials };
  }

  /** Reads what other workers appended since the last sync. */
  async refresh(): Promise<void> {
    await this.storage.sync();
  }

  #single(what: string): void {
    if (this.directions.length !== 1) {
      throw new UsageError(`study '${this.name}' has ${this.directions.length} objectives: ${what} is for single-objective studies; use bestTrials (the Pareto front)`);
    }
  }

  /** The complete trial with the best value (lowest number on ties). Single objective only. */
  get bestTrial(): FrozenTrial {
    this.#single('bestTrial');
    const sign = this.directions[0] === 'maximize' ? -1 : 1;
    let best: FrozenTrial | undefined;
    for (const t of this.trials) {
      if (t.state !== 'complete' || t.values === undefined) continue;
      if (best === undefined || sign * t.values[0]! < sign * best.values![0]!) best = t;
    }
    if (best === undefined) throw new UsageError(`study '${this.name}' has no complete trial yet (run optimize, or refresh to see other workers' trials)`);
    return best;
  }

  /** The best trial's value. */
  get bestValue(): number {
    return this.bestTrial.values![0]!;
  }

  /** The best trial's parameters. */
  get bestParams(): Readonly<Record<string, ParamValue>> {
    return this.bestTrial.params;
  }

  /** The complete trials on the Pareto front (all objectives), by number; for one objective, the best trial(s). */
  get bestTrials(): FrozenTrial[] {
    return paretoFront(this.trials, this.directions);
  }

  /** Asks `optimize` (running or next) to start no more trials; running ones finish. */
  stop(): void {
    this.#stopRequested = true;
  }

  /** True once {@link Study.stop} was called; cleared when the next optimize starts. @internal */
  takeStopRequest(reset: boolean): boolean {
    const r = this.#stopRequested;
    if (reset) this.#stopRequested = false;
    return r;
  }

  /**
   * Starts a trial: takes the oldest enqueued one if any (or uses `fixed` parameters), else a
   * new one; the sampler's joint proposal for it is made now, on the current snapshot.
   */
  async ask(fixed?: Readonly<Record<string, ParamValue>>, signal: AbortSignal = new AbortController().signal): Promise<Trial> {
    let number: number | undefined;
    if (fixed === undefined) number = await this.storage.claimWaitingTrial(this.name);
    number ??= await this.storage.createTrial(this.name, fixed !== undefined ? { fixed } : {});
    const view = this.view();
    const self = view.trials[number]!;
    const fixedParams = this.storage.fixedParams(this.name, number);
    let relative: Record<string, ParamValue> = {};
    try {
      const space = { ...(this.sampler.inferRelativeSearchSpace?.(view, self) ?? {}) };
      for (const key of Object.keys(fixedParams)) delete space[key];
      if (Object.keys(space).length > 0 && this.sampler.sampleRelative !== undefined) {
        relative = this.sampler.sampleRelative(view, self, space);
      }
    } catch (error) {
      // A sampler failure must not leave a trial running forever.
      await this.storage.finishTrial(this.name, number, 'failed', { reason: `sampler failed: ${(error as Error).message}` });
      throw error;
    }
    const trial = new Trial({
      storage: this.storage, study: this.name, number, sampler: this.sampler, pruner: this.pruner,
      view, fixed: fixedParams, relative, signal,
    });
    this.#live.set(number, trial);
    return trial;
  }

  /**
   * Ends a trial: with its value(s) (`complete`; a non-finite value or a wrong count marks it
   * `failed`), or `{ state: 'pruned' }` (its last intermediate value becomes its value, as in
   * Optuna), or `{ state: 'failed' }`. Telling a finished trial is a UsageError.
   */
  async tell(trial: Trial | number, result: TellResult): Promise<FrozenTrial> {
    const number = typeof trial === 'number' ? trial : trial.number;
    await this.storage.sync();
    const stored = this.trials[number];
    if (stored === undefined) throw new UsageError(`study '${this.name}' has no trial number ${number}`);
    if (stored.state !== 'running') throw new UsageError(`trial ${number} of study '${this.name}' is ${stored.state}: it cannot be told a result`);
    const { trial: frozen } = await this.finish(number, result);
    return frozen;
  }

  /** Records the end of a trial; `counted` is false when another worker had already ended it. @internal */
  async finish(number: number, result: TellResult | unknown): Promise<{ trial: FrozenTrial; counted: boolean }> {
    const live = this.#live.get(number);
    let writeError: unknown;
    if (live !== undefined) {
      try {
        await live.flush();
      } catch (error) {
        writeError = error;
      }
    }
    await this.storage.sync();
    const end = writeError !== undefined
      ? { state: 'failed' as const, reason: `storage write failed: ${(writeError as Error).message}` }
      : this.#outcome(number, result);
    const counted = await this.storage.finishTrial(this.name, number, end.state, end);
    live?.markFinished();
    this.#live.delete(number);
    const frozen = this.storage.cachedTrial(this.name, number);
    if (counted) this.sampler.afterTrial?.(this.view(), frozen);
    if (writeError !== undefined) throw writeError;
    return { trial: frozen, counted };
  }

  #outcome(number: number, result: unknown): { state: 'complete' | 'pruned' | 'failed'; values?: number[]; reason?: string } {
    if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
      const r = result as { state?: unknown; reason?: unknown };
      if (r.state === 'failed') return { state: 'failed', reason: typeof r.reason === 'string' ? r.reason : 'failed' };
      if (r.state === 'pruned') {
        const steps = Object.keys(this.trials[number]!.intermediate).map(Number);
        if (this.directions.length !== 1 || steps.length === 0) return { state: 'pruned' };
        return { state: 'pruned', values: [this.trials[number]!.intermediate[Math.max(...steps)]!] };
      }
      throw new UsageError(`tell: expected value(s), { state: 'pruned' } or { state: 'failed' }, got ${JSON.stringify(result)}`);
    }
    const values = typeof result === 'number' ? [result] : Array.isArray(result) ? result : undefined;
    if (values === undefined || values.some((v) => typeof v !== 'number')) {
      return { state: 'failed', reason: `objective returned ${JSON.stringify(result) ?? String(result)}, not a number or number[]` };
    }
    if (values.length !== this.directions.length) {
      return { state: 'failed', reason: `objective returned ${values.length} value(s) for ${this.directions.length} objective(s)` };
    }
    const bad = values.find((v) => !Number.isFinite(v));
    if (bad !== undefined) return { state: 'failed', reason: `objective returned ${bad}` };
    return { state: 'complete', values: [...values] };
  }

  /** Enqueues a trial with fixed parameters; the next `ask` (of any worker) takes it. Returns its number. */
  async enqueueTrial(params: Readonly<Record<string, ParamValue>>): Promise<number> {
    return this.storage.createTrial(this.name, { fixed: params, waiting: true });
  }

  /**
   * Runs `objective` on new trials until a limit is reached (see {@link OptimizeOptions}).
   *
   * @example
   * await study.optimize(async (trial) => {
   *   const lr = trial.suggestFloat('lr', 1e-4, 1e-1, { log: true });
   *   for (let epoch = 0; epoch < 10; epoch++) {
   *     const acc = await trainOneEpoch(lr);
   *     trial.report(acc, epoch);
   *     if (await trial.shouldPrune()) throw new TrialPruned();
   *   }
   *   return acc;
   * }, { nTrials: 40, concurrency: 4 });
   */
  async optimize(objective: Objective, options: OptimizeOptions = {}): Promise<OptimizeResult> {
    return runOptimize(this, objective, options);
  }
}

/**
 * A define-by-run trial (Akiba et al. 2019, https://arxiv.org/abs/1907.10902): the objective asks
 * for each parameter where it needs it, so conditional spaces are just `if`s. Suggestions are
 * synchronous: the sampler works on the study snapshot taken when the trial started (relative,
 * joint sampling is done then). Every write (a parameter, a report, a user attribute) goes through
 * an in-order queue to storage; {@link Trial.flush} waits for it.
 */
import { UsageError, WhittleError } from '../errors.js';
import {
  categoricalDistribution, contains, describeDistribution, floatDistribution, intDistribution,
  isSingle, sameDistribution, singleValue, type FloatOptions, type IntOptions,
} from './distributions.js';
import { NopPruner } from './pruners/none.js';
import type { JournalStorage } from './storage/journal-storage.js';
import type { Distribution, FrozenTrial, JournalOp, ParamValue, Pruner, Sampler, StudyView } from './types.js';

/**
 * Thrown by an objective to stop its trial early (usually after `trial.shouldPrune()` said so):
 * `optimize` records the trial as pruned, with its last intermediate value as its value.
 */
export class TrialPruned extends WhittleError {
  override readonly userError = false;
  constructor(message = 'trial pruned') {
    super(message);
  }
}

/** What a trial needs from its study (built by `Study.ask`). */
export interface TrialContext {
  readonly storage: JournalStorage;
  readonly study: string;
  readonly number: number;
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  /** The study as of the trial's start: what samplers see. */
  readonly view: StudyView;
  /** Parameters fixed by `enqueueTrial` or `ask(fixed)`: used instead of sampling. */
  readonly fixed: Readonly<Record<string, ParamValue>>;
  /** Values the sampler proposed jointly at the start. */
  readonly relative: Readonly<Record<string, ParamValue>>;
  /** Aborted when the optimize loop running this trial stops. */
  readonly signal: AbortSignal;
}

/** One evaluation of the objective: suggests parameters, reports progress (see the module comment). */
export class Trial {
  /** 0, 1, 2... in the study (unique across workers). */
  readonly number: number;
  /** Aborted when the `optimize` loop running this trial is aborted or stops on an error. */
  readonly signal: AbortSignal;
  readonly #ctx: TrialContext;
  readonly #params: Record<string, ParamValue> = {};
  readonly #distributions: Record<string, Distribution> = {};
  readonly #intermediate: Record<number, number> = {};
  readonly #userAttrs: Record<string, unknown> = {};
  #queue: JournalOp[] = [];
  #draining: Promise<void> | undefined;
  #writeError: unknown;
  #finished = false;
  #diverged = false;

  constructor(ctx: TrialContext) {
    this.#ctx = ctx;
    this.number = ctx.number;
    this.signal = ctx.signal;
  }

  /** Name of the study this trial belongs to. */
  get study(): string {
    return this.#ctx.study;
  }

  /** Parameters suggested so far. */
  get params(): Readonly<Record<string, ParamValue>> {
    return { ...this.#params };
  }

  /** Distributions of the parameters suggested so far. */
  get distributions(): Readonly<Record<string, Distribution>> {
    return { ...this.#distributions };
  }

  /** Intermediate values reported so far, by step. */
  get intermediate(): Readonly<Record<number, number>> {
    return { ...this.#intermediate };
  }

  /** User attributes set so far. */
  get userAttrs(): Readonly<Record<string, unknown>> {
    return { ...this.#userAttrs };
  }

  /** True once the study recorded the trial's end (no more writes allowed). */
  get finished(): boolean {
    return this.#finished;
  }

  /**
   * A real parameter in [low, high] (`log`: log-uniform, needs low > 0; `step`: on the grid
   * low, low + step, ...). Asking for the same name again returns the same value.
   *
   * @example
   * const lr = trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
   */
  suggestFloat(name: string, low: number, high: number, options: FloatOptions = {}): number {
    return this.#suggest(name, floatDistribution(name, low, high, options)) as number;
  }

  /** An integer parameter in [low, high] on a grid of `step` (`log`: log-uniform, low >= 1). */
  suggestInt(name: string, low: number, high: number, options: IntOptions = {}): number {
    return this.#suggest(name, intDistribution(name, low, high, options)) as number;
  }

  /** One of `choices`. */
  suggestCategorical<T extends ParamValue>(name: string, choices: readonly T[]): T {
    return this.#suggest(name, categoricalDistribution(name, choices)) as T;
  }

  #suggest(name: string, dist: Distribution): ParamValue {
    if (typeof name !== 'string' || name.length === 0) throw new UsageError(`parameter name must be a non-empty string, got ${JSON.stringify(name)}`);
    this.#checkOpen(`suggest '${name}'`);
    const known = this.#distributions[name];
    if (known !== undefined) {
      if (!sameDistribution(known, dist)) {
        throw new UsageError(`parameter '${name}' of trial ${this.number} was suggested as ${describeDistribution(known)} and now as ${describeDistribution(dist)}; one name, one distribution per trial`);
      }
      return this.#params[name]!;
    }
    let value: ParamValue;
    const { fixed, relative, sampler, view } = this.#ctx;
    if (name in fixed) {
      value = fixed[name]!;
      if (!contains(dist, value)) {
        throw new UsageError(`trial ${this.number}: fixed value ${JSON.stringify(value)} of '${name}' is outside ${describeDistribution(dist)}`);
      }
    } else if (isSingle(dist)) {
      value = singleValue(dist);
    } else if (name in relative && contains(dist, relative[name]!)) {
      value = relative[name]!;
    } else {
      value = sampler.sampleIndependent(view, this.frozen(), name, dist);
      if (!contains(dist, value)) {
        throw new WhittleError(`sampler proposed ${JSON.stringify(value)} for '${name}', outside ${describeDistribution(dist)} (a sampler bug)`);
      }
    }
    this.#params[name] = value;
    this.#distributions[name] = dist;
    this.#write({ op: 'setParam', study: this.#ctx.study, trial: this.number, name, value, distribution: dist });
    return value;
  }

  /**
   * Reports an intermediate value (e.g. validation loss after epoch `step`, an integer >= 0).
   * The first report of a step counts; a repeat is ignored. A non-finite value (NaN, ±Infinity)
   * is not stored (the journal is JSON), but marks the trial diverged: `shouldPrune` then says
   * true, unless the study's pruner is `none`.
   */
  report(value: number, step: number): void {
    this.#checkOpen('report');
    if (!Number.isInteger(step) || step < 0) throw new UsageError(`trial ${this.number}: report step must be an integer >= 0, got ${step}`);
    if (typeof value !== 'number') throw new UsageError(`trial ${this.number}: report value must be a number, got ${typeof value}`);
    if (!Number.isFinite(value)) {
      this.#diverged = true;
      return;
    }
    if (step in this.#intermediate) return;
    this.#intermediate[step] = value;
    this.#write({ op: 'report', study: this.#ctx.study, trial: this.number, step, value });
  }

  /**
   * Whether the study's pruner says to stop this trial now (then throw {@link TrialPruned}).
   * Flushes the trial's writes and syncs the study first, so the pruner sees every worker's
   * latest reports. Also true when the trial was already ended elsewhere (e.g. failed by another
   * worker that saw no heartbeat): the work would not count. Single-objective studies only.
   */
  async shouldPrune(): Promise<boolean> {
    const { storage, study, pruner } = this.#ctx;
    if (this.#ctx.view.directions.length > 1) {
      throw new UsageError(`trial ${this.number}: pruning is for single-objective studies; study '${study}' has ${this.#ctx.view.directions.length} objectives`);
    }
    this.#checkOpen('shouldPrune');
    await this.flush();
    const trials = await storage.trials(study);
    const self = trials[this.number]!;
    if (self.state !== 'running') return true;
    if (this.#diverged && !(pruner instanceof NopPruner)) return true;
    return pruner.shouldPrune({ name: study, directions: this.#ctx.view.directions, trials }, self);
  }

  /** Stores a JSON-able user attribute (last write of a key wins). */
  setUserAttr(key: string, value: unknown): void {
    this.#checkOpen('setUserAttr');
    this.#userAttrs[key] = value;
    this.#write({ op: 'setUserAttr', study: this.#ctx.study, trial: this.number, key, value });
  }

  /** Waits until every write so far is in storage; throws the first write error, if any. */
  async flush(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
    if (this.#writeError !== undefined) throw this.#writeError;
  }

  /** The trial as samplers see it: its stored record with this process's latest writes. */
  frozen(): FrozenTrial {
    const stored = this.#ctx.view.trials[this.number];
    return {
      ...(stored ?? {}),
      number: this.number,
      state: 'running',
      params: { ...this.#params },
      distributions: { ...this.#distributions },
      intermediate: { ...this.#intermediate },
      userAttrs: { ...this.#userAttrs },
    };
  }

  /** True when a non-finite value was reported. */
  get diverged(): boolean {
    return this.#diverged;
  }

  /** Called by the study once the trial's end is recorded. @internal */
  markFinished(): void {
    this.#finished = true;
  }

  #checkOpen(what: string): void {
    if (this.#finished) throw new UsageError(`trial ${this.number} is finished: cannot ${what}`);
  }

  #write(op: JournalOp): void {
    this.#queue.push(op);
    if (this.#draining === undefined) this.#draining = this.#drain();
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const ops = this.#queue;
        this.#queue = [];
        try {
          await this.#ctx.storage.append(ops);
        } catch (error) {
          this.#writeError ??= error;
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}

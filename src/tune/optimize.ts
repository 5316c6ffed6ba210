/**
 * The optimize loop: `concurrency` in-process workers, each repeatedly asking for a trial,
 * running the objective on it (with heartbeats while it runs, when enabled) and telling the
 * result, until a trial count, a timeout, an abort, `study.stop()` or an exhausted sampler ends it.
 */
import { MemoryBackend } from './storage/memory.js';
import { UsageError } from '../errors.js';
import { TrialPruned, type Trial } from './trial.js';
import type { FrozenTrial } from './types.js';
import type { Study } from './study.js';

/** An objective: value(s) of one trial (one number per study direction), sync or async. */
export type Objective = (trial: Trial) => number | readonly number[] | Promise<number | readonly number[]>;

/** Called after each trial this optimize call finished. */
export type OptimizeCallback = (study: Study, trial: FrozenTrial) => void | Promise<void>;

/** Options of `study.optimize`. */
export interface OptimizeOptions {
  /** Trials to run in this call (across its concurrent workers). */
  readonly nTrials?: number;
  /** Seconds after which no new trial starts (running ones finish). */
  readonly timeout?: number;
  /** Trials run at once in this process (async objectives interleave; default 1). */
  readonly concurrency?: number;
  /**
   * What a throwing objective does. Either way its trial is recorded as failed (with the error
   * message as reason). 'throw' (default, as Optuna): no new trials start, running ones finish,
   * and optimize rejects with the error. 'fail': the study goes on. Throwing `TrialPruned` is not
   * an error: the trial is recorded as pruned.
   */
  readonly catch?: 'fail' | 'throw';
  /** Aborting starts no new trials and aborts `trial.signal` of running ones; optimize resolves once they end. */
  readonly signal?: AbortSignal;
  /** Called after each finished trial (an error thrown there stops optimize like an objective error). */
  readonly callbacks?: readonly OptimizeCallback[];
  /**
   * Milliseconds between heartbeats of a running trial. Default: none for in-memory storage,
   * 10 000 for any other backend (a journal file, PostgreSQL), where other processes may be
   * waiting on a crashed worker's trial.
   */
  readonly heartbeatMs?: number;
  /**
   * Before each new trial, running trials of other workers whose last heartbeat is older than
   * this are marked failed (reason 'heartbeat'). Default: 6 × heartbeatMs when heartbeats are on.
   * Keep it well above the longest time an objective blocks the event loop without awaiting.
   */
  readonly staleAfterMs?: number;
}

/** What an optimize call did. */
export interface OptimizeResult {
  /** Trials this call finished, in the order they finished. */
  readonly trials: readonly FrozenTrial[];
  /** Why it stopped. */
  readonly stoppedBy: 'nTrials' | 'timeout' | 'aborted' | 'stopped' | 'exhausted' | 'error';
}

function positive(name: string, value: number | undefined, integer: boolean): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UsageError(`optimize: ${name} must be a ${integer ? 'positive integer' : 'positive number'}, got ${value}`);
  }
}

/** Runs the loop of `study.optimize` (see the module comment and {@link OptimizeOptions}). */
export async function runOptimize(study: Study, objective: Objective, options: OptimizeOptions): Promise<OptimizeResult> {
  if (typeof objective !== 'function') throw new UsageError('optimize: the objective must be a function (trial) => value');
  positive('nTrials', options.nTrials, true);
  positive('timeout', options.timeout, false);
  positive('concurrency', options.concurrency, true);
  positive('heartbeatMs', options.heartbeatMs, false);
  positive('staleAfterMs', options.staleAfterMs, false);
  const onError = options.catch ?? 'throw';
  if (onError !== 'throw' && onError !== 'fail') throw new UsageError(`optimize: catch must be 'throw' or 'fail', got ${String(onError)}`);
  const heartbeatMs = options.heartbeatMs ?? (study.storage.backend instanceof MemoryBackend ? undefined : 10_000);
  const staleAfterMs = options.staleAfterMs ?? (heartbeatMs !== undefined ? 6 * heartbeatMs : undefined);
  const deadline = options.timeout !== undefined ? Date.now() + options.timeout * 1000 : Infinity;
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  study.takeStopRequest(true);

  const finished: FrozenTrial[] = [];
  let started = 0;
  let stoppedBy: OptimizeResult['stoppedBy'] | undefined;
  let error: { value: unknown } | undefined;

  const stopReason = (): OptimizeResult['stoppedBy'] | undefined => {
    if (error !== undefined) return 'error';
    if (options.signal?.aborted === true) return 'aborted';
    if (study.takeStopRequest(false)) return 'stopped';
    if (options.nTrials !== undefined && started >= options.nTrials) return 'nTrials';
    if (Date.now() >= deadline) return 'timeout';
    return undefined;
  };

  const fail = (value: unknown): void => {
    error ??= { value };
    controller.abort(value);
  };

  const runOne = async (trial: Trial): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    let result: unknown;
    let thrown: { value: unknown } | undefined;
    try {
      // Inside the try: a failing first heartbeat must not leave the trial running forever.
      if (heartbeatMs !== undefined) {
        await study.storage.heartbeat(study.name, trial.number);
        timer = setInterval(() => {
          study.storage.heartbeat(study.name, trial.number).catch(() => undefined);
        }, heartbeatMs);
        timer.unref();
      }
      result = await objective(trial);
    } catch (e) {
      thrown = { value: e };
    } finally {
      if (timer !== undefined) clearInterval(timer);
    }
    let outcome: unknown = result;
    if (thrown === undefined && typeof result === 'object' && result !== null && !Array.isArray(result)) {
      // Not a TellResult: an objective returns value(s); `finish` would reject an object and leave the trial running.
      outcome = { state: 'failed', reason: `objective returned ${JSON.stringify(result)}, not a number or number[]` };
    } else if (thrown !== undefined) {
      outcome = thrown.value instanceof TrialPruned
        ? { state: 'pruned' }
        : { state: 'failed', reason: thrown.value instanceof Error ? thrown.value.message : String(thrown.value) };
    }
    const { trial: frozen, counted } = await study.finish(trial.number, outcome);
    if (thrown !== undefined && !(thrown.value instanceof TrialPruned) && onError === 'throw') fail(thrown.value);
    if (!counted) return;
    finished.push(frozen);
    for (const callback of options.callbacks ?? []) await callback(study, frozen);
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      const reason = stopReason();
      if (reason !== undefined) {
        stoppedBy ??= reason;
        return;
      }
      started++;
      if (staleAfterMs !== undefined) await study.storage.failStaleTrials(study.name, staleAfterMs);
      await study.storage.sync();
      if (study.sampler.isExhausted?.(study.view()) === true) {
        started--;
        stoppedBy ??= 'exhausted';
        return;
      }
      const trial = await study.ask(undefined, controller.signal);
      await runOne(trial);
    }
  };

  try {
    const workers = Array.from({ length: options.concurrency ?? 1 }, () => worker().catch(fail));
    await Promise.all(workers);
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  if (error !== undefined) throw error.value;
  return { trials: finished, stoppedBy: stoppedBy ?? 'nTrials' };
}

/**
 * The contracts of hyperparameter search, after Optuna's design (Akiba et al. 2019,
 * https://arxiv.org/abs/1907.10902): a define-by-run objective asks a {@link Trial} for values,
 * a {@link Sampler} proposes them, a {@link Pruner} stops hopeless trials early, and every change
 * writes through to a study's storage: an append-only log of {@link JournalOp}s that any number
 * of processes (or machines) append to and replay. A {@link JournalBackend} only stores the log
 * (memory, a file, PostgreSQL); `JournalStorage` turns it into studies and trials.
 */

/** A parameter value as the objective sees it. */
export type ParamValue = number | string | boolean | null;

/** Where a parameter's values come from. Bounds are inclusive. */
export type Distribution =
  /** A real in [low, high]; `log` samples uniformly in log space (low > 0); `step` discretizes. */
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step?: number }
  /** An integer in [low, high] on a grid of `step` (1 by default); `log` needs step 1 and low >= 1. */
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
  /** One of `choices` (compared with ===). */
  | { readonly kind: 'categorical'; readonly choices: readonly ParamValue[] };

/** Optimization direction of one objective. */
export type Direction = 'minimize' | 'maximize';

/**
 * Life of a trial. `running` until finished; `complete` with values; `pruned` when stopped early
 * (its last intermediate value may stand in for its value); `failed` when the objective threw,
 * returned a non-finite value, or its worker stopped sending heartbeats; `waiting` when enqueued
 * with fixed parameters and not yet taken by a worker.
 */
export type TrialState = 'running' | 'complete' | 'pruned' | 'failed' | 'waiting';

/** A trial as stored: what every sampler, pruner and report reads. Plain JSON-able data. */
export interface FrozenTrial {
  /** 0, 1, 2... in creation order within the study (unique across processes). */
  readonly number: number;
  readonly state: TrialState;
  /** Values of the objectives (one per study direction); set when `complete`. */
  readonly values?: readonly number[];
  /** Parameters suggested so far, in the objective's representation. */
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly distributions: Readonly<Record<string, Distribution>>;
  /** Reported intermediate values by step (e.g. validation accuracy per epoch). */
  readonly intermediate: Readonly<Record<number, number>>;
  readonly userAttrs: Readonly<Record<string, unknown>>;
  /** Milliseconds since the epoch. */
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Last heartbeat of the worker running the trial (ms since the epoch). */
  readonly heartbeatAt?: number;
  /** Who runs it (host:pid:random), to tell workers apart in logs and in crash detection. */
  readonly worker?: string;
  /** Why a `failed` trial failed (e.g. 'heartbeat', 'objective returned NaN', an error message). */
  readonly reason?: string;
}

/** One entry of a study's log. Replaying the log in order rebuilds every study and trial. */
export type JournalOp =
  | { readonly op: 'createStudy'; readonly study: string; readonly directions: readonly Direction[]; readonly worker: string; readonly at: number }
  /** `fixed` parameters come from `enqueueTrial` (state waiting) and are used instead of sampling. */
  | { readonly op: 'createTrial'; readonly study: string; readonly worker: string; readonly at: number; readonly fixed?: Readonly<Record<string, ParamValue>>; readonly waiting?: boolean }
  /** A waiting trial taken by a worker; the first `claimTrial` in the log wins. */
  | { readonly op: 'claimTrial'; readonly study: string; readonly trial: number; readonly worker: string; readonly at: number }
  | { readonly op: 'setParam'; readonly study: string; readonly trial: number; readonly name: string; readonly value: ParamValue; readonly distribution: Distribution }
  | { readonly op: 'report'; readonly study: string; readonly trial: number; readonly step: number; readonly value: number }
  | { readonly op: 'setUserAttr'; readonly study: string; readonly trial: number; readonly key: string; readonly value: unknown }
  | { readonly op: 'heartbeat'; readonly study: string; readonly trial: number; readonly at: number }
  /**
   * Ends a trial. Only the first `finishTrial` of a trial counts when the log is replayed (a
   * worker declared dead that comes back cannot finish its trial twice).
   */
  | { readonly op: 'finishTrial'; readonly study: string; readonly trial: number; readonly state: 'complete' | 'pruned' | 'failed'; readonly values?: readonly number[]; readonly at: number; readonly worker: string; readonly reason?: string };

/**
 * Stores a study log. The whole contract: appends are atomic and totally ordered (every reader
 * sees the same order), and `read(from)` returns the entries with index >= `from` in that order.
 * Several processes may append to one backend concurrently.
 */
export interface JournalBackend {
  /** Appends `ops` (in order, contiguously) and returns the log index of the first one. */
  append(ops: readonly JournalOp[]): Promise<number>;
  /** Entries from index `from` (0-based) to the end of the log. */
  read(from: number): Promise<readonly JournalOp[]>;
  /** Releases files or connections. */
  close(): Promise<void>;
}

/** What samplers and pruners see of a study: its directions and a snapshot of its trials. */
export interface StudyView {
  readonly name: string;
  readonly directions: readonly Direction[];
  /** Every trial, by number, as of the last sync with storage (includes the asking trial). */
  readonly trials: readonly FrozenTrial[];
}

/**
 * Proposes parameter values. Called synchronously on a snapshot of the study. Samplers that
 * model parameters jointly (multivariate TPE, CMA-ES, NSGA-II) implement the relative pair: at
 * the start of a trial `sampleRelative` proposes values for the space it infers from finished
 * trials; any parameter it does not cover falls back to `sampleIndependent`.
 * Samplers are seeded and reproducible: same seed and same history give the same proposals.
 */
export interface Sampler {
  /** The joint space to sample at the start of `trial` (empty: sample everything independently). */
  inferRelativeSearchSpace?(study: StudyView, trial: FrozenTrial): Readonly<Record<string, Distribution>>;
  /** Values for `space`, jointly. */
  sampleRelative?(study: StudyView, trial: FrozenTrial, space: Readonly<Record<string, Distribution>>): Record<string, ParamValue>;
  /** A value for one parameter. */
  sampleIndependent(study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue;
  /** Told when a trial of this process ends. */
  afterTrial?(study: StudyView, trial: FrozenTrial): void;
  /**
   * True when the sampler has nothing new left to propose (a grid whose every point has been
   * tried): `optimize` then stops before starting another trial.
   */
  isExhausted?(study: StudyView): boolean;
}

/** Decides whether a running trial should stop, from its and others' intermediate values. */
export interface Pruner {
  shouldPrune(study: StudyView, trial: FrozenTrial): boolean;
}

/**
 * Studies and trials over an append-only log (Optuna's journal storage design): every change is
 * an op appended to a {@link JournalBackend}; the state is what replaying the log gives (see
 * `replay.ts` for the rules). Any number of `JournalStorage` instances, in one process or many,
 * may share one backend: each keeps a read cursor and replays new ops on {@link JournalStorage.sync}.
 * Conflicts resolve by log order, so trial numbers are unique, a waiting trial goes to exactly one
 * worker, and a trial is finished (and counted) exactly once.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { UsageError, WhittleError } from '../../errors.js';
import type { Direction, Distribution, FrozenTrial, JournalBackend, JournalOp, ParamValue } from '../types.js';
import { applyOp, freezeTrial, isFinished, type StudyRecord, type TrialRecord } from './replay.js';

/** A fresh worker id, `${hostname}:${pid}:${random hex}`. */
export function newWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** What a stored study is. */
export interface StudyInfo {
  readonly name: string;
  readonly directions: readonly Direction[];
}

/** Studies and trials replayed from a {@link JournalBackend}. */
export class JournalStorage {
  /** This instance's worker id (host:pid:random), written into the ops it appends. */
  readonly worker: string;
  readonly backend: JournalBackend;
  readonly #studies = new Map<string, StudyRecord>();
  #cursor = 0;
  #running: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /** @param options.worker the worker id to write (a fresh {@link newWorkerId} by default). */
  constructor(backend: JournalBackend, options: { worker?: string } = {}) {
    this.backend = backend;
    this.worker = options.worker ?? newWorkerId();
  }

  /** Number of log entries replayed so far. */
  get cursor(): number {
    return this.#cursor;
  }

  /**
   * Reads and replays the ops appended since the last sync. Calls made while a sync is running
   * share one follow-up read that starts after it, so each caller sees every op appended before
   * its call.
   */
  sync(): Promise<void> {
    if (this.#queued !== undefined) return this.#queued;
    const before = this.#running ?? Promise.resolve();
    const next: Promise<void> = before.catch(() => undefined).then(async () => {
      this.#queued = undefined;
      this.#running = next;
      try {
        const ops = await this.backend.read(this.#cursor);
        for (const op of ops) applyOp(this.#studies, op, this.#cursor++);
      } finally {
        if (this.#running === next) this.#running = undefined;
      }
    });
    this.#queued = next;
    return next;
  }

  /** Appends ops without syncing; returns the log index of the first. */
  async append(ops: readonly JournalOp[]): Promise<number> {
    return this.backend.append(ops);
  }

  /** Appends ops and syncs past them; returns the log index of the first. */
  async #appendAndSync(ops: readonly JournalOp[]): Promise<number> {
    const index = await this.backend.append(ops);
    await this.sync();
    if (this.#cursor < index + ops.length) {
      throw new WhittleError(`storage backend said it appended at log index ${index}, but the log read back has only ${this.#cursor} entries`);
    }
    return index;
  }

  #study(name: string): StudyRecord {
    const study = this.#studies.get(name);
    if (study === undefined) {
      const known = [...this.#studies.keys()];
      throw new UsageError(`no study named '${name}' in this storage (${known.length > 0 ? `studies: ${known.join(', ')}` : 'it holds no studies'})`);
    }
    return study;
  }

  /** The trial's record, syncing once if this instance has not seen it yet. */
  async #known(study: string, number: number): Promise<TrialRecord> {
    if (this.#studies.get(study)?.trials[number] === undefined) await this.sync();
    return this.#trial(study, number);
  }

  #trial(study: string, number: number): TrialRecord {
    const trial = this.#study(study).trials[number];
    if (trial === undefined) throw new UsageError(`study '${study}' has no trial number ${number}`);
    return trial;
  }

  /**
   * Creates study `name` with one direction per objective. If it exists: an error unless
   * `loadIfExists`, and an error if its directions differ. Two processes creating the same name at
   * once both succeed with `loadIfExists` (the first `createStudy` in the log counts).
   */
  async createStudy(name: string, directions: readonly Direction[], options: { loadIfExists?: boolean } = {}): Promise<StudyInfo> {
    if (typeof name !== 'string' || name.length === 0) throw new UsageError(`study name must be a non-empty string, got ${JSON.stringify(name)}`);
    if (directions.length === 0 || directions.some((d) => d !== 'minimize' && d !== 'maximize')) {
      throw new UsageError(`study '${name}': directions must be a non-empty list of 'minimize' | 'maximize', got ${JSON.stringify(directions)}`);
    }
    await this.sync();
    let index = -1;
    if (!this.#studies.has(name)) {
      index = await this.#appendAndSync([{ op: 'createStudy', study: name, directions: [...directions], worker: this.worker, at: Date.now() }]);
    }
    const study = this.#study(name);
    if (study.createdAt !== index && options.loadIfExists !== true) {
      throw new UsageError(`study '${name}' already exists in this storage (pass loadIfExists to continue it, or choose another name)`);
    }
    if (study.directions.length !== directions.length || study.directions.some((d, i) => d !== directions[i])) {
      throw new UsageError(`study '${name}' exists with directions [${study.directions.join(', ')}], not [${directions.join(', ')}]`);
    }
    return { name, directions: study.directions };
  }

  /** The study named `name` after a sync, or undefined. */
  async getStudy(name: string): Promise<StudyInfo | undefined> {
    await this.sync();
    const s = this.#studies.get(name);
    return s === undefined ? undefined : { name: s.name, directions: s.directions };
  }

  /** Names of every study in the log, in creation order. */
  async studyNames(): Promise<string[]> {
    await this.sync();
    return [...this.#studies.keys()];
  }

  /**
   * Creates a trial and returns its number: the position of this `createTrial` op among the
   * study's `createTrial` ops in the log, so numbers are unique across processes. `fixed` params
   * are used instead of sampling; `waiting` leaves the trial for a worker to claim.
   */
  async createTrial(study: string, options: { fixed?: Readonly<Record<string, ParamValue>>; waiting?: boolean } = {}): Promise<number> {
    this.#study(study);
    const op: JournalOp = {
      op: 'createTrial', study, worker: this.worker, at: Date.now(),
      ...(options.fixed !== undefined ? { fixed: { ...options.fixed } } : {}),
      ...(options.waiting === true ? { waiting: true } : {}),
    };
    const index = await this.#appendAndSync([op]);
    const number = this.#study(study).numberAt.get(index);
    if (number === undefined) throw new WhittleError(`storage: the createTrial op at log index ${index} is not a trial of study '${study}'`);
    return number;
  }

  /**
   * Claims the oldest waiting trial of `study` for `worker` and returns its number, or undefined
   * when none is waiting. If another worker claims the same trial first (in log order), tries the next.
   */
  async claimWaitingTrial(study: string, worker: string = this.worker): Promise<number | undefined> {
    await this.sync();
    for (;;) {
      const waiting = this.#study(study).trials.find((t) => t.state === 'waiting');
      if (waiting === undefined) return undefined;
      const index = await this.#appendAndSync([{ op: 'claimTrial', study, trial: waiting.number, worker, at: Date.now() }]);
      if (waiting.claimedAt === index) return waiting.number;
    }
  }

  /** Records parameter `name` = `value` (first write of a name wins on replay). */
  async setParam(study: string, trial: number, name: string, value: ParamValue, distribution: Distribution): Promise<void> {
    await this.#known(study, trial);
    await this.append([{ op: 'setParam', study, trial, name, value, distribution }]);
  }

  /** Records intermediate `value` at `step` (first report of a step wins on replay). */
  async report(study: string, trial: number, step: number, value: number): Promise<void> {
    await this.#known(study, trial);
    await this.append([{ op: 'report', study, trial, step, value }]);
  }

  /** Sets a user attribute (JSON-able value; last write wins). */
  async setUserAttr(study: string, trial: number, key: string, value: unknown): Promise<void> {
    await this.#known(study, trial);
    await this.append([{ op: 'setUserAttr', study, trial, key, value }]);
  }

  /** Says the worker running `trial` is alive at time `at` (ms since the epoch). */
  async heartbeat(study: string, trial: number, at: number = Date.now()): Promise<void> {
    await this.#known(study, trial);
    await this.append([{ op: 'heartbeat', study, trial, at }]);
  }

  /**
   * Finishes a trial. Returns true when this op is the first finish of the trial in the log (it
   * counted); false when the trial was already finished (e.g. failed by another worker).
   */
  async finishTrial(
    study: string, trial: number, state: 'complete' | 'pruned' | 'failed',
    options: { values?: readonly number[]; reason?: string; worker?: string } = {},
  ): Promise<boolean> {
    const record = await this.#known(study, trial);
    if (isFinished(record.state)) return false;
    const index = await this.#appendAndSync([{
      op: 'finishTrial', study, trial, state, at: Date.now(), worker: options.worker ?? this.worker,
      ...(options.values !== undefined ? { values: [...options.values] } : {}),
      ...(options.reason !== undefined ? { reason: options.reason } : {}),
    }]);
    return record.finishedAtIndex === index;
  }

  /**
   * Marks failed (reason 'heartbeat') every running trial of other workers whose last heartbeat
   * is older than `graceMs` at time `now`. Trials that never sent a heartbeat are left alone
   * (their worker does not use heartbeats). Returns the numbers this call failed.
   */
  async failStaleTrials(study: string, graceMs: number, now: number = Date.now()): Promise<number[]> {
    await this.sync();
    const stale = this.#study(study).trials.filter((t) =>
      t.state === 'running' && t.worker !== this.worker && t.heartbeatAt !== undefined && now - t.heartbeatAt > graceMs);
    const failed: number[] = [];
    for (const t of stale) {
      if (await this.finishTrial(study, t.number, 'failed', { reason: 'heartbeat' })) failed.push(t.number);
    }
    return failed;
  }

  /** Every trial of `study` by number, after a sync. */
  async trials(study: string): Promise<FrozenTrial[]> {
    await this.sync();
    return this.cachedTrials(study);
  }

  /** Every trial of `study` as of the last sync (no I/O). */
  cachedTrials(study: string): FrozenTrial[] {
    return this.#study(study).trials.map(freezeTrial);
  }

  /** One trial as of the last sync (no I/O). */
  cachedTrial(study: string, number: number): FrozenTrial {
    return freezeTrial(this.#trial(study, number));
  }

  /** The directions of a study as of the last sync (no I/O). */
  cachedDirections(study: string): readonly Direction[] {
    return this.#study(study).directions;
  }

  /** The fixed parameters a trial was created with (enqueued trials), or an empty record. */
  fixedParams(study: string, number: number): Readonly<Record<string, ParamValue>> {
    return this.#trial(study, number).fixed ?? {};
  }

  /** Closes the backend. */
  async close(): Promise<void> {
    await this.backend.close();
  }
}

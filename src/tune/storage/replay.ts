/**
 * Replaying a journal: the in-memory state of studies and trials that a log of {@link JournalOp}s
 * describes. Replay is deterministic: every process that reads the same log builds the same
 * state. The rules that keep shared studies sound:
 * - the first `createStudy` of a name wins, later ones are ignored;
 * - trial numbers are the order of a study's `createTrial` ops in the log;
 * - the first `claimTrial` of a waiting trial wins;
 * - the first `finishTrial` of a trial counts; any later op on a finished trial is ignored
 *   (so a worker declared dead that comes back changes nothing);
 * - the first `setParam` of a name and the first `report` of a step win.
 */
import type { Direction, Distribution, FrozenTrial, JournalOp, ParamValue, TrialState } from '../types.js';

/** A trial as replay builds it (mutable; frozen copies go out). */
export interface TrialRecord {
  readonly number: number;
  state: TrialState;
  values?: number[];
  params: Record<string, ParamValue>;
  distributions: Record<string, Distribution>;
  intermediate: Record<number, number>;
  userAttrs: Record<string, unknown>;
  startedAt?: number;
  finishedAt?: number;
  heartbeatAt?: number;
  worker?: string;
  reason?: string;
  readonly fixed?: Readonly<Record<string, ParamValue>>;
  /** Log index of the op that created, claimed and finished the trial. */
  readonly createdAt: number;
  claimedAt?: number;
  finishedAtIndex?: number;
  /** Cached frozen copy, dropped on every change. */
  frozen?: FrozenTrial;
}

/** A study as replay builds it. */
export interface StudyRecord {
  readonly name: string;
  readonly directions: readonly Direction[];
  /** Log index of the `createStudy` op that counted. */
  readonly createdAt: number;
  readonly trials: TrialRecord[];
  /** Log index of a `createTrial` op -> trial number. */
  readonly numberAt: Map<number, number>;
}

const FINISHED: ReadonlySet<TrialState> = new Set(['complete', 'pruned', 'failed']);

/** True for `complete`, `pruned` and `failed`. */
export function isFinished(state: TrialState): boolean {
  return FINISHED.has(state);
}

/** Applies one op at log index `index` to `studies` (see the module comment for the rules). */
export function applyOp(studies: Map<string, StudyRecord>, op: JournalOp, index: number): void {
  if (op.op === 'createStudy') {
    if (!studies.has(op.study)) {
      studies.set(op.study, { name: op.study, directions: [...op.directions], createdAt: index, trials: [], numberAt: new Map() });
    }
    return;
  }
  const study = studies.get(op.study);
  if (study === undefined) return;
  if (op.op === 'createTrial') {
    const number = study.trials.length;
    const waiting = op.waiting === true;
    study.trials.push({
      number,
      state: waiting ? 'waiting' : 'running',
      params: {},
      distributions: {},
      intermediate: {},
      userAttrs: {},
      ...(waiting ? {} : { startedAt: op.at, worker: op.worker }),
      ...(op.fixed !== undefined ? { fixed: { ...op.fixed } } : {}),
      createdAt: index,
    });
    study.numberAt.set(index, number);
    return;
  }
  const trial = study.trials[op.trial];
  if (trial === undefined || isFinished(trial.state)) return;
  if (op.op === 'claimTrial') {
    if (trial.state !== 'waiting') return;
    trial.state = 'running';
    trial.worker = op.worker;
    trial.startedAt = op.at;
    trial.claimedAt = index;
  } else if (trial.state !== 'running') {
    return; // a waiting trial takes nothing before it is claimed
  } else if (op.op === 'setParam') {
    if (op.name in trial.params) return;
    trial.params[op.name] = op.value;
    trial.distributions[op.name] = op.distribution;
  } else if (op.op === 'report') {
    if (op.step in trial.intermediate) return;
    trial.intermediate[op.step] = op.value;
  } else if (op.op === 'setUserAttr') {
    trial.userAttrs[op.key] = op.value;
  } else if (op.op === 'heartbeat') {
    trial.heartbeatAt = Math.max(trial.heartbeatAt ?? -Infinity, op.at);
  } else if (op.op === 'finishTrial') {
    trial.state = op.state;
    if (op.values !== undefined) trial.values = [...op.values];
    trial.finishedAt = op.at;
    trial.finishedAtIndex = index;
    if (op.reason !== undefined) trial.reason = op.reason;
  }
  trial.frozen = undefined;
}

/** A frozen (deeply read-only) copy of a trial record, cached until the record changes. */
export function freezeTrial(t: TrialRecord): FrozenTrial {
  if (t.frozen !== undefined) return t.frozen;
  const frozen: FrozenTrial = Object.freeze({
    number: t.number,
    state: t.state,
    ...(t.values !== undefined ? { values: Object.freeze([...t.values]) } : {}),
    params: Object.freeze({ ...t.params }),
    distributions: Object.freeze({ ...t.distributions }),
    intermediate: Object.freeze({ ...t.intermediate }),
    userAttrs: Object.freeze({ ...t.userAttrs }),
    ...(t.startedAt !== undefined ? { startedAt: t.startedAt } : {}),
    ...(t.finishedAt !== undefined ? { finishedAt: t.finishedAt } : {}),
    ...(t.heartbeatAt !== undefined ? { heartbeatAt: t.heartbeatAt } : {}),
    ...(t.worker !== undefined ? { worker: t.worker } : {}),
    ...(t.reason !== undefined ? { reason: t.reason } : {}),
  });
  t.frozen = frozen;
  return frozen;
}

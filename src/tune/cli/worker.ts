/**
 * One `whittle tune` worker: opens the study in its storage and runs trials until its run has
 * added its budget of trials. Several workers (processes, on one machine or many) share a study
 * through its storage; each run (one `whittle tune` command and its worker processes) tags its
 * trials through its workers' ids (`RUN/host:pid:random`), and before each trial a worker counts
 * the run's trials in storage (finished and running), so together they stop at the budget, while
 * other runs on the same study (other machines) count their own. Trial numbers are handed out in
 * log order, so if two workers start the last trial at the same moment, the one whose trial comes
 * later records it as failed ("over the trial budget") without training.
 */
import { UsageError, WhittleError } from '../../errors.js';
import { loadStudy } from '../study.js';
import { newWorkerId } from '../storage/journal-storage.js';
import type { JournalStorage } from '../storage/journal-storage.js';
import { openStorage } from '../storage/open.js';
import type { Trial } from '../trial.js';
import { prunerSpec, samplerSpec, type TuneConfig } from './config.js';
import { runTrial, tuneData } from './objective.js';

/** Why a trial past the budget ends without training. */
export class OverBudget extends WhittleError {}

/** Options of {@link runWorker}. */
export interface WorkerOptions {
  /** Stops starting trials; the running one is aborted. */
  readonly signal?: AbortSignal;
  /** Called after each trial this worker finished. */
  readonly onTrial?: () => void;
  /** An open storage to use (and leave open) instead of opening `config.storage`. */
  readonly storage?: JournalStorage;
}

/** The trials of run `run` (its workers' ids start with `run/`), enqueued ones left out. */
export function runTrials<T extends { readonly state: string; readonly worker?: string }>(trials: readonly T[], run: string): T[] {
  return trials.filter((t) => t.state !== 'waiting' && t.worker !== undefined && t.worker.startsWith(`${run}/`));
}

/**
 * Runs trials of `config.study` until run `config.run` has `config.budget` trials in it (see the
 * module comment). Returns the number of trials this worker finished.
 */
export async function runWorker(config: TuneConfig, options: WorkerOptions = {}): Promise<number> {
  const data = tuneData(config.trainSamples);
  const storage = options.storage ?? await openStorage(config.storage, { worker: `${config.run}/${newWorkerId()}` });
  let done = 0;
  try {
    const study = await loadStudy({ name: config.study, storage, sampler: samplerSpec(config), pruner: prunerSpec(config) });
    const objective = async (trial: Trial): Promise<number[]> => {
      const before = runTrials(study.trials, config.run).filter((t) => t.number < trial.number).length;
      if (before >= config.budget) {
        throw new OverBudget(`over the trial budget of ${config.budget}: another worker of this run started the last trial first`);
      }
      return runTrial(trial, config, data);
    };
    for (;;) {
      if (options.signal?.aborted) break;
      await study.refresh();
      if (runTrials(study.trials, config.run).length >= config.budget) break;
      const result = await study.optimize(objective, { nTrials: 1, catch: 'fail', ...(options.signal ? { signal: options.signal } : {}) });
      done += result.trials.length;
      options.onTrial?.();
      if (result.stoppedBy === 'exhausted' || result.stoppedBy === 'aborted') break;
    }
  } finally {
    if (options.storage === undefined) await storage.close();
  }
  return done;
}

/** Parses the JSON config a worker process gets as its argument. */
export function parseWorkerConfig(text: string | undefined): TuneConfig {
  if (text === undefined) throw new UsageError('tune worker: expected the run config (JSON) as the first argument');
  try {
    return JSON.parse(text) as TuneConfig;
  } catch (e) {
    throw new UsageError(`tune worker: the config is not JSON: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A whole `whittle tune` run: opens or creates the study, runs the workers (in this process for
 * one worker, else as child processes sharing the storage), then collects the results: best
 * trial or Pareto front, parameter importance, the best model copied to OUT/best.onnx and scored
 * once on the test digits, and the report (OUT/report.json + report.html).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError, WhittleError } from '../../errors.js';
import { createStudy } from '../study.js';
import { newWorkerId } from '../storage/journal-storage.js';
import { openStorage, parseStorageUrl } from '../storage/open.js';
import { redactUrl } from '../storage/postgres.js';
import type { JournalStorage } from '../storage/journal-storage.js';
import type { FrozenTrial } from '../types.js';
import { directionsOf, type TuneConfig } from './config.js';
import { collectResults, type TuneResult } from './results.js';
import { runTrials, runWorker } from './worker.js';

/** What the command asks for: the workers' config (without the budget) plus the run's own settings. */
export interface TuneRequest extends Omit<TuneConfig, 'run' | 'budget'> {
  /** Trials this run adds to the study. */
  readonly trials: number;
  /** Worker processes (1: trials run in this process). */
  readonly workers: number;
  /** Continue the study of this name (it must exist). */
  readonly resume: boolean;
}

/** Hooks of {@link runTune}. */
export interface TuneHooks {
  /** Called about once a second while trials run, with this run's trials so far and its budget. */
  readonly onProgress?: (trials: readonly FrozenTrial[], budget: number) => void;
  readonly signal?: AbortSignal;
}

const WORKER_MAIN = fileURLToPath(new URL('./worker-main.js', import.meta.url));

/** Checks that nothing of a previous run in `out` would be overwritten without --resume. */
function checkOut(request: TuneRequest): void {
  if (request.resume) return;
  for (const name of ['best.onnx', 'report.json']) {
    const path = join(request.out, name);
    if (existsSync(path)) throw new UsageError(`${path} already exists (a previous tuning run); pass --resume to continue its study, or choose another --out`);
  }
}

/** Creates (or, with resume, opens) the study. */
async function prepareStudy(request: TuneRequest, shared: JournalStorage | undefined): Promise<void> {
  const storage = shared ?? await openStorage(request.storage);
  try {
    const where = redactUrl(request.storage);
    const existing = await storage.getStudy(request.study);
    if (request.resume && existing === undefined) {
      throw new UsageError(`--resume: no study named '${request.study}' in ${where} (run without --resume to start it)`);
    }
    if (!request.resume && existing !== undefined) {
      throw new UsageError(`study '${request.study}' already exists in ${where}; pass --resume to continue it, or --study NAME for a new one`);
    }
    await createStudy({ name: request.study, storage, directions: directionsOf(request.objectives), loadIfExists: request.resume });
  } finally {
    if (shared === undefined) await storage.close();
  }
}

/** Runs `workers` child processes to the budget; rejects with the first failing worker's message. */
function runChildren(config: TuneConfig, workers: number, signal?: AbortSignal): Promise<void> {
  const children = Array.from({ length: workers }, () => spawn(process.execPath, [WORKER_MAIN, JSON.stringify(config)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  }));
  const onAbort = (): void => { for (const c of children) c.kill('SIGTERM'); };
  signal?.addEventListener('abort', onAbort, { once: true });
  return Promise.all(children.map((child, i) => new Promise<void>((resolve, reject) => {
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-8000); });
    child.on('error', (e) => { onAbort(); reject(new WhittleError(`tune worker ${i + 1} could not start: ${e.message}`, { cause: e })); });
    child.on('close', (code, sig) => {
      if (code === 0) return resolve();
      onAbort(); // the run failed: stop the other workers rather than wait for their budget
      const line = stderr.trim().split('\n')[0] ?? '';
      const why = `tune worker ${i + 1} ${sig ? `was killed by ${sig}` : `exited with code ${code}`}${line ? `: ${line}` : ''}`;
      reject(code === 2 ? new UsageError(why) : new Error(why));
    });
  }))).then(() => undefined).finally(() => signal?.removeEventListener('abort', onAbort));
}

/** Polls the study every second for `onProgress` until stopped. */
function watch(config: TuneConfig, onProgress: TuneHooks['onProgress'], shared: JournalStorage | undefined): () => Promise<void> {
  if (!onProgress) return async () => undefined;
  let stopped = false;
  const loop = (async () => {
    const storage = shared ?? await openStorage(config.storage);
    try {
      while (!stopped) {
        await new Promise((r) => setTimeout(r, 1000));
        await storage.sync();
        if (await storage.getStudy(config.study)) onProgress(runTrials(storage.cachedTrials(config.study), config.run), config.budget);
      }
    } finally {
      if (shared === undefined) await storage.close();
    }
  })().catch(() => undefined);
  return async () => { stopped = true; await loop; };
}

/** Runs the tuning described by `request` (see the module comment). */
export async function runTune(request: TuneRequest, hooks: TuneHooks = {}): Promise<TuneResult> {
  const t0 = performance.now();
  checkOut(request);
  try {
    mkdirSync(join(request.out, 'trials'), { recursive: true });
  } catch (e) {
    throw new UsageError(`--out ${request.out}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e });
  }
  // Memory storage lives in this process: one JournalStorage serves the whole run.
  const run = `run-${randomBytes(4).toString('hex')}`;
  const shared = parseStorageUrl(request.storage).kind === 'memory' ? await openStorage('memory', { worker: `${run}/${newWorkerId()}` }) : undefined;
  if (shared && request.resume) throw new UsageError("--resume needs a storage that outlives the process: 'memory' does not (use journal:FILE or postgres://...)");
  if (shared && request.workers > 1) {
    throw new UsageError(`--workers ${request.workers} needs storage the worker processes can share: 'memory' lives in one process (use journal:FILE or postgres://...)`);
  }
  await prepareStudy(request, shared);
  const { trials, workers, resume: _r, ...rest } = request;
  const config: TuneConfig = { ...rest, run, budget: trials };
  const stopWatch = watch(config, hooks.onProgress, shared);
  try {
    if (workers === 1) await runWorker(config, { ...(hooks.signal ? { signal: hooks.signal } : {}), ...(shared ? { storage: shared } : {}) });
    else await runChildren(config, workers, hooks.signal);
  } finally {
    await stopWatch();
  }
  const storage = shared ?? await openStorage(request.storage);
  try {
    return await collectResults(request, storage, run, (performance.now() - t0) / 1000);
  } finally {
    await storage.close();
  }
}

/**
 * A storage worker that the storage tests run as a child process (`node worker.js '<task JSON>'`)
 * or, for in-process storages, call directly ({@link runWorker}). It prints one JSON line with its
 * result on stdout. Without a task argument (as when `node --test` runs every file under
 * dist/test) it does nothing.
 */
import { FileLock } from '../../../src/tune/storage/file-lock.js';
import type { JournalStorage } from '../../../src/tune/storage/journal-storage.js';
import { openBackend, openStorage, type StorageSpec } from '../../../src/tune/storage/open.js';
import { createStudy } from '../../../src/tune/study.js';
import type { Trial } from '../../../src/tune/trial.js';
import type { JournalOp } from '../../../src/tune/types.js';

/** What a worker does. */
export type WorkerTask =
  /** Appends `count` setUserAttr ops tagged `tag` in batches of 1, 2, 3, 1, 2, 3... */
  | { readonly task: 'append'; readonly spec: StorageSpec; readonly tag: string; readonly count: number }
  /** Runs `study.optimize` of {@link objective} for `nTrials` with a seeded random sampler. */
  | { readonly task: 'optimize'; readonly spec: StorageSpec; readonly study: string; readonly nTrials: number; readonly seed: number; readonly heartbeatMs?: number; readonly staleAfterMs?: number }
  /** Starts one trial whose objective reports, prints `{"hanging": number}` and never returns. */
  | { readonly task: 'hang'; readonly spec: StorageSpec; readonly study: string; readonly heartbeatMs: number }
  /** Takes the journal lock at `path`, prints `{"locked": true}` and never lets go. */
  | { readonly task: 'lock'; readonly path: string };

/** One finished trial as a worker saw it. */
export interface SeenTrial { number: number; state: string; values?: readonly number[]; params: Record<string, unknown> }

/** The cheap objective of the conformance suite: its value is a pure function of the params. */
export function objectiveValue(p: Readonly<Record<string, unknown>>): number {
  return (p.x as number) ** 2 + (p.k as number) + (p.c === 'b' ? 0.5 : 0);
}

function objective(tag: string) {
  return (t: Trial): number => {
    const x = t.suggestFloat('x', -10, 10);
    const k = t.suggestInt('k', 0, 50);
    const c = t.suggestCategorical('c', ['a', 'b', 'c']);
    t.setUserAttr('by', tag);
    t.report(x * x, 0);
    return objectiveValue({ x, k, c });
  };
}

/** Runs `task` on `storage` (opened by the caller for in-process use). */
export async function runWorker(task: Exclude<WorkerTask, { task: 'append' | 'lock' }>, storage: JournalStorage, tag: string): Promise<unknown> {
  if (task.task === 'optimize') {
    const study = await createStudy({ name: task.study, storage, loadIfExists: true, sampler: { name: 'random', seed: task.seed } });
    const before = (await storage.trials(task.study)).length;
    const r = await study.optimize(objective(tag), {
      nTrials: task.nTrials,
      ...(task.heartbeatMs !== undefined ? { heartbeatMs: task.heartbeatMs } : {}),
      ...(task.staleAfterMs !== undefined ? { staleAfterMs: task.staleAfterMs } : {}),
    });
    const trials: SeenTrial[] = r.trials.map((t) => ({ number: t.number, state: t.state, values: t.values, params: { ...t.params } }));
    return { before, trials };
  }
  const study = await createStudy({ name: task.study, storage, loadIfExists: true, sampler: { name: 'random', seed: 7 } });
  await study.optimize(async (t) => {
    t.suggestFloat('x', -10, 10);
    t.report(1, 0);
    await t.flush();
    process.stdout.write(`${JSON.stringify({ hanging: t.number })}\n`);
    setInterval(() => undefined, 1_000); // the heartbeat timer is unref'd: keep the process alive
    return new Promise<number>(() => undefined);
  }, { nTrials: 1, heartbeatMs: task.heartbeatMs });
  return { returned: true };
}

async function appendTask(task: Extract<WorkerTask, { task: 'append' }>): Promise<unknown> {
  const backend = await openBackend(task.spec);
  const batches: { index: number; keys: string[] }[] = [];
  let i = 0;
  for (let b = 0; i < task.count; b++) {
    const ops: JournalOp[] = [];
    for (let n = 0; n < (b % 3) + 1 && i < task.count; n++, i++) {
      ops.push({ op: 'setUserAttr', study: task.tag, trial: i, key: `${task.tag}-${i}`, value: { i, pid: process.pid, text: 'ü€😀 "\n' } });
    }
    batches.push({ index: await backend.append(ops), keys: ops.map((o) => (o as { key: string }).key) });
  }
  await backend.close();
  return { batches };
}

async function main(arg: string): Promise<void> {
  const task = JSON.parse(arg) as WorkerTask;
  const tag = `pid${process.pid}`;
  let result: unknown;
  if (task.task === 'append') {
    result = await appendTask(task);
  } else if (task.task === 'lock') {
    await FileLock.acquire(task.path, { timeoutMs: 10_000, staleMs: 60_000 });
    process.stdout.write(`${JSON.stringify({ locked: true })}\n`);
    setInterval(() => undefined, 1_000);
    return;
  } else {
    const storage = await openStorage(task.spec);
    try {
      result = await runWorker(task, storage, tag);
    } finally {
      await storage.close();
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[2] !== undefined) {
  main(process.argv[2]).catch((e: unknown) => {
    process.stderr.write(`worker failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}

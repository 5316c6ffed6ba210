/**
 * The storage conformance suite, run for every storage (memory, journal file, PostgreSQL) through
 * the Study API: concurrent writers from several processes, a worker killed mid-trial, resuming a
 * study from a new process, and two storages racing to finish one trial. Storages that only live
 * in one process (memory) run the same scenarios with in-process workers, and a crash there is a
 * worker that stops writing (the closest a single process gets to SIGKILL).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import type { JournalStorage } from '../../../src/tune/storage/journal-storage.js';
import type { StorageSpec } from '../../../src/tune/storage/open.js';
import { createStudy } from '../../../src/tune/study.js';
import type { FrozenTrial, JournalOp } from '../../../src/tune/types.js';
import { freshName, runChild, sleep, startChild } from './helpers.js';
import { objectiveValue, runWorker, type SeenTrial, type WorkerTask } from './worker.js';

/** Where one storage under test keeps its studies. */
export interface ConformancePlace {
  /** What a child process opens; undefined for storages that only live in this process. */
  readonly spec?: StorageSpec;
  /** A new storage (with its own backend instance) on this place. */
  open(): Promise<JournalStorage>;
}

type OptimizeTask = Omit<Extract<WorkerTask, { task: 'optimize' }>, 'spec'>;

/** Runs an optimize worker: a child process when the place has a spec, else in this process. */
async function optimizeWorker(place: ConformancePlace, task: OptimizeTask, tag: string): Promise<{ before: number; trials: SeenTrial[] }> {
  if (place.spec !== undefined) return runChild({ ...task, spec: place.spec });
  const storage = await place.open();
  try {
    return await runWorker({ ...task, spec: { kind: 'memory' } }, storage, tag) as { before: number; trials: SeenTrial[] };
  } finally {
    await storage.close();
  }
}

/** A new storage's view of a study, and the raw log's finishTrial count per trial. */
async function snapshot(place: ConformancePlace, study: string): Promise<{ trials: FrozenTrial[]; finishes: Map<number, number> }> {
  const storage = await place.open();
  try {
    const trials = await storage.trials(study);
    const finishes = new Map<number, number>();
    for (const op of await storage.backend.read(0) as JournalOp[]) {
      if (op.op === 'finishTrial' && op.study === study) finishes.set(op.trial, (finishes.get(op.trial) ?? 0) + 1);
    }
    return { trials, finishes };
  } finally {
    await storage.close();
  }
}

/** Every trial is complete, intact (value = f(params), report and attr present) and numbered 0..n-1. */
function assertIntact(trials: readonly FrozenTrial[], n: number): void {
  assert.equal(trials.length, n);
  trials.forEach((t, i) => {
    assert.equal(t.number, i);
    assert.equal(t.state, 'complete', `trial ${i} is ${t.state}`);
    assert.deepEqual(Object.keys(t.params).sort(), ['c', 'k', 'x']);
    assert.deepEqual(Object.keys(t.distributions).sort(), ['c', 'k', 'x']);
    assert.deepEqual(t.values, [objectiveValue(t.params)], `trial ${i}'s value matches its params`);
    assert.equal(t.intermediate[0], (t.params.x as number) ** 2);
    assert.match(String(t.userAttrs.by), /^(pid\d+|w\d)$/);
  });
}

/** Registers the conformance tests for one storage. */
export function storageConformance(name: string, fresh: () => Promise<ConformancePlace>, options: { skip?: string | false } = {}): void {
  describe(`storage conformance: ${name}`, { skip: options.skip ?? false }, () => {
    it('concurrent writers from several processes: every trial once, numbered densely, intact', async () => {
      const place = await fresh();
      const study = freshName('concurrent');
      const n = 12;
      const runs = await Promise.all([0, 1, 2].map((w) =>
        optimizeWorker(place, { task: 'optimize', study, nTrials: n, seed: 100 + w, heartbeatMs: 2_000 }, `w${w}`)));
      const { trials, finishes } = await snapshot(place, study);
      assertIntact(trials, 3 * n);
      const seen = runs.flatMap((r) => r.trials);
      assert.deepEqual(seen.map((t) => t.number).sort((a, b) => a - b), trials.map((t) => t.number), 'each trial finished by exactly one worker');
      for (const t of seen) assert.deepEqual({ ...t, values: [...t.values!] }, { number: t.number, state: 'complete', values: [...trials[t.number]!.values!], params: { ...trials[t.number]!.params } });
      for (const t of trials) assert.equal(finishes.get(t.number), 1, `trial ${t.number} finished once in the log`);
    });

    it('a killed worker: its trial is failed by heartbeat, the study goes on, nothing counted twice', async () => {
      const place = await fresh();
      const study = freshName('killed');
      const staleAfterMs = 400;
      let hung: number;
      if (place.spec !== undefined) {
        const child = startChild({ task: 'hang', spec: place.spec, study, heartbeatMs: 50 });
        hung = (await child.line((v) => typeof v.hanging === 'number')).hanging as number;
        const probe = await place.open();
        const first = (await probe.trials(study))[hung]!.heartbeatAt!;
        for (let i = 0; i < 100 && (await probe.trials(study))[hung]!.heartbeatAt! <= first; i++) await sleep(20);
        assert.ok((await probe.trials(study))[hung]!.heartbeatAt! > first, 'the hung worker keeps sending heartbeats');
        await probe.close();
        child.process.kill('SIGKILL');
        assert.equal((await child.exited).signal, 'SIGKILL');
      } else {
        const crashed = await place.open();
        await crashed.createStudy(study, ['minimize'], { loadIfExists: true });
        hung = await crashed.createTrial(study);
        await crashed.setParam(study, hung, 'x', 1.5, { kind: 'float', low: -10, high: 10, log: false });
        await crashed.report(study, hung, 0, 1);
        await crashed.heartbeat(study, hung);
        // ...and this worker is never heard from again.
      }
      await sleep(staleAfterMs + 100);
      const run = await optimizeWorker(place, { task: 'optimize', study, nTrials: 4, seed: 5, heartbeatMs: 50, staleAfterMs }, 'w9');
      const { trials, finishes } = await snapshot(place, study);
      const dead = trials[hung]!;
      assert.equal(dead.state, 'failed');
      assert.equal((dead as { reason?: string }).reason, 'heartbeat');
      assert.equal(dead.values, undefined);
      assert.equal(typeof dead.params.x, 'number', 'what the dead worker wrote is kept');
      assert.equal(dead.intermediate[0], 1);
      assert.equal(trials.length, 5);
      const done = trials.filter((t) => t.state === 'complete');
      assert.deepEqual(done.map((t) => t.number), run.trials.map((t) => t.number).sort((a, b) => a - b));
      assert.equal(done.length, 4);
      for (const t of done) assert.deepEqual(t.values, [objectiveValue(t.params)]);
      for (const t of trials) assert.equal(finishes.get(t.number), 1, `trial ${t.number} finished once in the log`);
    });

    it('resume: a new process continues the study with every earlier trial intact', async () => {
      const place = await fresh();
      const study = freshName('resume');
      const first = await optimizeWorker(place, { task: 'optimize', study, nTrials: 6, seed: 1 }, 'w1');
      assert.equal(first.before, 0);
      const before = (await snapshot(place, study)).trials;
      assertIntact(before, 6);
      const second = await optimizeWorker(place, { task: 'optimize', study, nTrials: 6, seed: 2 }, 'w2');
      assert.equal(second.before, 6, 'the new worker saw the earlier trials');
      assert.deepEqual(second.trials.map((t) => t.number), [6, 7, 8, 9, 10, 11]);
      const after = (await snapshot(place, study)).trials;
      assertIntact(after, 12);
      assert.deepEqual(after.slice(0, 6), before, 'earlier trials unchanged');
    });

    it('a trial is finished once: two storages race to finish it and exactly one wins', async () => {
      const place = await fresh();
      const study = freshName('race');
      const a = await place.open();
      const b = await place.open();
      try {
        const s = await createStudy({ name: study, storage: a, sampler: { name: 'random', seed: 3 } });
        const asked = await Promise.all(Array.from({ length: 6 }, () => s.ask()));
        await b.sync();
        const wins = await Promise.all(asked.map((t) => Promise.all([
          a.finishTrial(study, t.number, 'complete', { values: [t.number] }),
          b.finishTrial(study, t.number, 'failed', { reason: 'heartbeat' }),
        ])));
        for (const [wa, wb] of wins) assert.equal(Number(wa) + Number(wb), 1, 'exactly one finish counts');
        const [ta, tb] = [await a.trials(study), await b.trials(study)];
        assert.deepEqual(ta, tb, 'both storages agree');
        wins.forEach(([wa], i) => {
          const n = asked[i]!.number;
          assert.deepEqual(ta[n]!.state === 'complete' ? ta[n]!.values : ta[n]!.state, wa ? [n] : 'failed', `trial ${n} ended as its winner said`);
        });
        // A worker that comes back to a trial another storage already ended cannot record it.
        const t = await s.ask();
        await b.sync();
        assert.equal(await b.finishTrial(study, t.number, 'failed', { reason: 'heartbeat' }), true);
        await assert.rejects(s.tell(t, 1), (e: unknown) => e instanceof UsageError && /is failed/.test(e.message));
        assert.equal((await a.trials(study))[t.number]!.state, 'failed');
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
}

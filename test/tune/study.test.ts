import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { UsageError } from '../../src/errors.js';
import { JournalStorage } from '../../src/tune/storage/journal-storage.js';
import { MemoryBackend } from '../../src/tune/storage/memory.js';
import { createStudy, loadStudy } from '../../src/tune/study.js';
import { TrialPruned } from '../../src/tune/trial.js';

describe('Study.optimize', () => {
  it('runs nTrials with the requested concurrency', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 1 } });
    let running = 0;
    let peak = 0;
    const result = await study.optimize(async (t) => {
      running++;
      peak = Math.max(peak, running);
      const x = t.suggestFloat('x', -1, 1);
      await sleep(5);
      running--;
      return x * x;
    }, { nTrials: 12, concurrency: 3 });
    assert.equal(peak, 3);
    assert.equal(result.trials.length, 12);
    assert.equal(result.stoppedBy, 'nTrials');
    assert.deepEqual(study.trials.map((t) => t.number), Array.from({ length: 12 }, (_, i) => i));
    assert.ok(study.trials.every((t) => t.state === 'complete'));
    assert.equal(study.bestValue, Math.min(...study.trials.map((t) => t.values![0]!)));
  });

  it('stops starting trials at the timeout', async () => {
    const study = await createStudy();
    const t0 = Date.now();
    const result = await study.optimize(async (t) => {
      await sleep(20);
      return t.suggestFloat('x', 0, 1);
    }, { timeout: 0.1 });
    const elapsed = Date.now() - t0;
    assert.equal(result.stoppedBy, 'timeout');
    assert.ok(result.trials.length >= 2 && result.trials.length <= 6, `${result.trials.length} trials`);
    assert.ok(elapsed < 400, `${elapsed} ms`);
  });

  it('rejects bad options with a UsageError naming them', async () => {
    const study = await createStudy();
    await assert.rejects(study.optimize(() => 0, { nTrials: 1.5 }), /nTrials must be a positive integer, got 1.5/);
    await assert.rejects(study.optimize(() => 0, { concurrency: 0 }), /concurrency/);
    await assert.rejects(createStudy({ direction: 'minimize', directions: ['minimize'] }), UsageError);
  });

  it('a throwing objective fails its trial; catch: throw re-throws, catch: fail goes on', async () => {
    const study = await createStudy();
    await assert.rejects(study.optimize(() => { throw new Error('boom'); }, { nTrials: 5 }), /boom/);
    assert.equal(study.trials.length, 1);
    assert.equal(study.trials[0]!.state, 'failed');
    assert.equal(study.trials[0]!.reason, 'boom');
    const r = await study.optimize((t) => {
      if (t.number % 2 === 1) throw new Error('odd');
      return t.number;
    }, { nTrials: 4, catch: 'fail' });
    assert.equal(r.trials.length, 4);
    assert.deepEqual(study.trials.map((t) => t.state), ['failed', 'failed', 'complete', 'failed', 'complete']);
  });

  it('records NaN, wrong counts and TrialPruned', async () => {
    const study = await createStudy({ pruner: { name: 'none' } });
    const outputs = [Number.NaN, [1, 2], 'x', 3];
    await study.optimize((t) => {
      if (t.number === 4) {
        t.report(7, 0);
        t.report(6, 3);
        throw new TrialPruned();
      }
      return outputs[t.number] as number;
    }, { nTrials: 5 });
    const [nan, two, str, ok, pruned] = study.trials;
    assert.deepEqual([nan!.state, nan!.reason], ['failed', 'objective returned NaN']);
    assert.deepEqual([two!.state, two!.reason], ['failed', 'objective returned 2 value(s) for 1 objective(s)']);
    assert.equal(str!.state, 'failed');
    assert.deepEqual(ok!.values, [3]);
    assert.deepEqual([pruned!.state, pruned!.values], ['pruned', [6]]);
  });

  it('an objective returning an object fails its trial (not left running)', async () => {
    const study = await createStudy();
    const r = await study.optimize(() => ({ accuracy: 0.9 }) as unknown as number, { nTrials: 2 });
    assert.equal(r.trials.length, 2);
    assert.ok(study.trials.every((t) => t.state === 'failed' && /objective returned \{"accuracy":0\.9\}, not a number/.test(t.reason!)), JSON.stringify(study.trials));
  });

  it('a failing first heartbeat fails the trial instead of leaving it running', async () => {
    const memory = new MemoryBackend();
    const backend = {
      append: (ops: Parameters<MemoryBackend['append']>[0]) => (ops.some((o) => o.op === 'heartbeat') ? Promise.reject(new Error('disk full')) : memory.append(ops)),
      read: (from: number) => memory.read(from),
      close: () => memory.close(),
    };
    const study = await createStudy({ storage: backend });
    await assert.rejects(study.optimize(() => 1, { nTrials: 1, heartbeatMs: 1000 }), /disk full/);
    assert.deepEqual([study.trials[0]!.state, study.trials[0]!.reason], ['failed', 'disk full']);
  });

  it('abort stops new trials and aborts running ones', async () => {
    const study = await createStudy();
    const controller = new AbortController();
    const result = await study.optimize(async (t) => {
      if (t.number === 2) controller.abort();
      await sleep(1);
      return t.signal.aborted ? 1 : 0;
    }, { signal: controller.signal });
    assert.equal(result.stoppedBy, 'aborted');
    assert.equal(result.trials.length, 3);
    assert.deepEqual(study.trials[2]!.values, [1]);
  });

  it('study.stop() from a callback ends optimize', async () => {
    const study = await createStudy();
    const seen: number[] = [];
    const r = await study.optimize(() => 1, { callbacks: [(s, t) => { seen.push(t.number); if (t.number === 3) s.stop(); }] });
    assert.equal(r.stoppedBy, 'stopped');
    assert.deepEqual(seen, [0, 1, 2, 3]);
  });
});

describe('Study ask/tell, enqueue, objectives', () => {
  it('ask/tell drives trials from outside; telling twice is a UsageError', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: { name: 'random', seed: 4 } });
    for (let i = 0; i < 5; i++) {
      const t = await study.ask();
      const x = t.suggestFloat('x', 0, 1);
      await study.tell(i % 2 === 0 ? t : t.number, x);
    }
    const best = study.trials.reduce((a, b) => (a.values![0]! >= b.values![0]! ? a : b));
    assert.equal(study.bestTrial.number, best.number);
    assert.deepEqual(study.bestParams, best.params);
    await assert.rejects(study.tell(0, 1), /trial 0 .* is complete: it cannot be told/);
    await assert.rejects(study.tell(99, 1), /no trial number 99/);
    const f = await study.ask();
    assert.equal((await study.tell(f, { state: 'failed' })).state, 'failed');
  });

  it('enqueued trials run first with their fixed parameters', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 1 } });
    await study.enqueueTrial({ x: 0.125, opt: 'adam' });
    await study.enqueueTrial({ x: 0.5 });
    await study.optimize((t) => t.suggestFloat('x', 0, 1) + (t.suggestCategorical('opt', ['sgd', 'adam']) === 'adam' ? 0 : 1), { nTrials: 3 });
    assert.equal(study.trials.length, 3);
    assert.equal(study.trials[0]!.params['x'], 0.125);
    assert.equal(study.trials[0]!.params['opt'], 'adam');
    assert.equal(study.trials[1]!.params['x'], 0.5);
    assert.ok(study.trials.every((t) => t.state === 'complete'));
  });

  it('multi-objective: bestTrials is the Pareto front; bestTrial names the fix', async () => {
    const study = await createStudy({ directions: ['minimize', 'maximize'], sampler: { name: 'random', seed: 9 } });
    await study.optimize((t) => {
      const x = t.suggestFloat('x', 0, 1);
      return [x, x * x + (t.number % 3 === 0 ? 0 : -0.5)];
    }, { nTrials: 30 });
    const front = study.bestTrials;
    assert.ok(front.length > 0);
    for (const t of study.trials) {
      const dominated = front.some((p) => p.values![0]! <= t.values![0]! && p.values![1]! >= t.values![1]! && (p.values![0]! < t.values![0]! || p.values![1]! > t.values![1]!));
      assert.equal(!dominated, front.includes(t), `trial ${t.number}`);
    }
    assert.throws(() => study.bestTrial, /2 objectives.*use bestTrials/);
    await study.optimize(() => 1, { nTrials: 1 });
    assert.equal(study.trials[30]!.reason, 'objective returned 1 value(s) for 2 objective(s)');
  });

  it('a random sampler with a seed reproduces its proposals', async () => {
    const run = async (seed: number): Promise<unknown[]> => {
      const study = await createStudy({ sampler: { name: 'random', seed } });
      await study.optimize((t) => t.suggestFloat('x', 0, 1) + t.suggestInt('n', 0, 9) + (t.suggestCategorical('c', ['a', 'b', 'c']) === 'a' ? 1 : 0), { nTrials: 8, concurrency: 2 });
      return study.trials.map((t) => t.params);
    };
    assert.deepEqual(await run(7), await run(7));
    assert.notDeepEqual(await run(7), await run(8));
  });

  it('grid: every combination once, then optimize stops; a second worker skips what the first ran', async () => {
    const space = { a: [1, 2, 3], b: ['x', 'y'] };
    const objective = (t: import('../../src/tune/trial.js').Trial): number => t.suggestInt('a', 1, 3) + (t.suggestCategorical('b', ['x', 'y']) === 'x' ? 0 : 10);
    const solo = await createStudy({ sampler: { name: 'grid', space, seed: 1 } });
    const r = await solo.optimize(async (t) => { await sleep(1); return objective(t); }, { nTrials: 50, concurrency: 4 });
    assert.equal(r.stoppedBy, 'exhausted');
    assert.equal(new Set(solo.trials.map((t) => JSON.stringify(t.params))).size, 6);
    assert.equal(solo.trials.length, 6);

    const backend = new MemoryBackend();
    const w1 = await createStudy({ name: 'g', storage: new JournalStorage(backend), sampler: { name: 'grid', space, seed: 2 } });
    const w2 = await createStudy({ name: 'g', storage: new JournalStorage(backend), sampler: { name: 'grid', space, seed: 2 }, loadIfExists: true });
    await w1.optimize(objective, { nTrials: 4 });
    const r2 = await w2.optimize(objective, { nTrials: 50 });
    assert.equal(r2.trials.length, 2);
    assert.equal(r2.stoppedBy, 'exhausted');
    await w1.refresh();
    assert.equal(new Set(w1.trials.map((t) => JSON.stringify(t.params))).size, 6);
    assert.throws(() => new (solo.sampler.constructor as never as new (o: unknown) => unknown)({ space: {} }), /no parameters/);
  });

  it('loadStudy continues a study; a missing one names the studies there', async () => {
    const storage = new JournalStorage(new MemoryBackend());
    const a = await createStudy({ name: 'one', storage });
    await a.optimize(() => 2, { nTrials: 2 });
    const b = await loadStudy({ name: 'one', storage });
    await b.optimize(() => 1, { nTrials: 1 });
    assert.equal(b.trials.length, 3);
    assert.equal(b.bestValue, 1);
    await assert.rejects(loadStudy({ name: 'two', storage }), /no study named 'two'.*studies: one/);
  });

  it('fails a crashed worker\'s trial by heartbeat before starting new ones', async () => {
    const backend = new MemoryBackend();
    const crashed = new JournalStorage(backend);
    await crashed.createStudy('hb', ['minimize']);
    const orphan = await crashed.createTrial('hb');
    await crashed.heartbeat('hb', orphan, Date.now() - 5_000);
    const study = await createStudy({ name: 'hb', storage: backend, loadIfExists: true });
    const beats: number[] = [];
    await study.optimize(async (t) => {
      await sleep(60);
      await study.refresh();
      beats.push(study.trials[t.number]!.heartbeatAt ?? -1);
      return 0;
    }, { nTrials: 1, heartbeatMs: 20, staleAfterMs: 1_000 });
    assert.equal(study.trials[orphan]!.state, 'failed');
    assert.equal(study.trials[orphan]!.reason, 'heartbeat');
    assert.equal(study.trials[1]!.state, 'complete');
    assert.ok(beats[0]! > Date.now() - 1_000, 'the running trial sent heartbeats');
    assert.equal(await crashed.finishTrial('hb', orphan, 'complete', { values: [0] }), false);
  });
});

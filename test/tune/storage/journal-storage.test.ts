import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { floatDistribution } from '../../../src/tune/distributions.js';
import { JournalStorage, newWorkerId } from '../../../src/tune/storage/journal-storage.js';
import { MemoryBackend } from '../../../src/tune/storage/memory.js';

async function pair(): Promise<[JournalStorage, JournalStorage, MemoryBackend]> {
  const backend = new MemoryBackend();
  const a = new JournalStorage(backend);
  const b = new JournalStorage(backend);
  await a.createStudy('s', ['minimize']);
  await b.createStudy('s', ['minimize'], { loadIfExists: true });
  return [a, b, backend];
}

describe('JournalStorage', () => {
  it('worker ids are host:pid:random and differ', () => {
    const id = newWorkerId();
    assert.match(id, new RegExp(`^.+:${process.pid}:[0-9a-f]{8}$`));
    assert.notEqual(id, newWorkerId());
  });

  it('createStudy: exists without loadIfExists, or with other directions, is a UsageError', async () => {
    const [a] = await pair();
    await assert.rejects(a.createStudy('s', ['minimize']), (e: unknown) => e instanceof UsageError && /already exists.*loadIfExists/.test(e.message));
    await assert.rejects(a.createStudy('s', ['maximize'], { loadIfExists: true }), /directions \[minimize\], not \[maximize\]/);
    await assert.rejects(a.createStudy('t', []), /non-empty list/);
    assert.deepEqual(await a.studyNames(), ['s']);
    await assert.rejects(a.createTrial('nope'), /no study named 'nope'.*studies: s/);
  });

  it('trial numbers are unique with interleaved appends from two instances', async () => {
    const [a, b] = await pair();
    const made = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).createTrial('s')));
    assert.deepEqual([...made].sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i));
    const trials = await b.trials('s');
    assert.equal(trials.length, 40);
    // the trial each call got is the one carrying its worker id
    made.forEach((n, i) => assert.equal(trials[n]!.worker, (i % 2 === 0 ? a : b).worker));
  });

  it('the first finish counts; a second finish and later ops are ignored', async () => {
    const [a, b, backend] = await pair();
    const n = await a.createTrial('s');
    const dist = floatDistribution('x', 0, 1);
    await a.setParam('s', n, 'x', 0.5, dist);
    await a.report('s', n, 0, 3);
    assert.equal(await a.finishTrial('s', n, 'complete', { values: [1.5] }), true);
    // b has not synced: it still believes the trial runs, appends a finish, and learns it did not count
    assert.equal(await b.finishTrial('s', n, 'failed', { reason: 'heartbeat' }), false);
    assert.equal(await a.finishTrial('s', n, 'failed'), false); // a knows it is finished: nothing appended
    const before = backend.length;
    await b.setParam('s', n, 'y', 0.1, dist);
    await b.setParam('s', n, 'x', 0.9, dist);
    await b.report('s', n, 1, 7);
    await b.setUserAttr('s', n, 'k', 1);
    await b.heartbeat('s', n, 123);
    assert.equal(backend.length, before + 5);
    for (const s of [a, b, new JournalStorage(backend)]) {
      const [t] = await s.trials('s');
      assert.equal(t!.state, 'complete');
      assert.deepEqual(t!.values, [1.5]);
      assert.deepEqual(t!.params, { x: 0.5 });
      assert.deepEqual(t!.intermediate, { 0: 3 });
      assert.deepEqual(t!.userAttrs, {});
      assert.equal(t!.heartbeatAt, undefined);
    }
  });

  it('first setParam of a name and first report of a step win', async () => {
    const [a] = await pair();
    const n = await a.createTrial('s');
    const dist = floatDistribution('x', 0, 1);
    await a.setParam('s', n, 'x', 0.2, dist);
    await a.setParam('s', n, 'x', 0.3, dist);
    await a.report('s', n, 4, 1);
    await a.report('s', n, 4, 2);
    const [t] = await a.trials('s');
    assert.deepEqual(t!.params, { x: 0.2 });
    assert.deepEqual(t!.intermediate, { 4: 1 });
  });

  it('a waiting trial goes to exactly one claimer; its fixed params stay with it', async () => {
    const [a, b] = await pair();
    const w1 = await a.createTrial('s', { waiting: true, fixed: { x: 0.25 } });
    const w2 = await a.createTrial('s', { waiting: true, fixed: { x: 0.75 } });
    const [ca, cb, cc] = await Promise.all([a.claimWaitingTrial('s'), b.claimWaitingTrial('s'), b.claimWaitingTrial('s')]);
    const got = [ca, cb, cc].filter((x) => x !== undefined).sort();
    assert.deepEqual(got, [w1, w2]);
    assert.equal(await a.claimWaitingTrial('s'), undefined);
    const trials = await a.trials('s');
    assert.ok(trials.every((t) => t.state === 'running'));
    assert.deepEqual(b.fixedParams('s', w2), { x: 0.75 });
    // a claimed trial runs for the worker that claimed it
    assert.equal(trials[ca ?? cb!]!.worker, ca !== undefined ? a.worker : b.worker);
  });

  it('failStaleTrials fails other workers\' silent trials once; the late finish does not count', async () => {
    const [a, b] = await pair();
    const t0 = 1_000_000;
    const stale = await a.createTrial('s');
    await a.heartbeat('s', stale, t0);
    const fresh = await a.createTrial('s');
    await a.heartbeat('s', fresh, t0 + 1500);
    const silent = await a.createTrial('s'); // never sent a heartbeat: left alone
    const own = await b.createTrial('s');
    await b.heartbeat('s', own, t0);
    assert.deepEqual(await b.failStaleTrials('s', 1000, t0 + 2000), [stale]);
    assert.deepEqual(await b.failStaleTrials('s', 1000, t0 + 2000), []);
    const trials = await a.trials('s');
    assert.equal(trials[stale]!.state, 'failed');
    assert.equal(trials[stale]!.reason, 'heartbeat');
    assert.equal(trials[fresh]!.state, 'running');
    assert.equal(trials[silent]!.state, 'running');
    assert.equal(trials[own]!.state, 'running');
    assert.equal(await a.finishTrial('s', stale, 'complete', { values: [0] }), false);
    assert.equal((await b.trials('s'))[stale]!.state, 'failed');
  });

  it('sync is incremental and concurrent syncs replay each op once', async () => {
    const [a, b, backend] = await pair();
    for (let i = 0; i < 5; i++) await a.createTrial('s');
    await Promise.all([b.sync(), b.sync(), b.sync()]);
    assert.equal(b.cursor, backend.length);
    assert.equal(b.cachedTrials('s').length, 5);
    await a.createTrial('s');
    assert.equal(b.cachedTrials('s').length, 5);
    await b.sync();
    assert.equal(b.cachedTrials('s').length, 6);
  });
});

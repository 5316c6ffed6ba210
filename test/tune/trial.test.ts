import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { createStudy } from '../../src/tune/study.js';

describe('Trial suggest semantics', () => {
  it('respects bounds, log scale and steps', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 3 } });
    const seen = { lr: [] as number[], d: [] as number[], n: [] as number[], b: [] as number[] };
    for (let i = 0; i < 200; i++) {
      const t = await study.ask();
      seen.lr.push(t.suggestFloat('lr', 1e-5, 1e-1, { log: true }));
      seen.d.push(t.suggestFloat('d', 0, 0.55, { step: 0.1 }));
      seen.n.push(t.suggestInt('n', 1, 8, { step: 2 }));
      seen.b.push(t.suggestInt('b', 1, 1024, { log: true }));
      await study.tell(t, 0);
    }
    assert.ok(seen.lr.every((v) => v >= 1e-5 && v <= 1e-1));
    // log-uniform: about half the draws below the geometric midpoint 1e-3
    const below = seen.lr.filter((v) => v < 1e-3).length;
    assert.ok(below > 70 && below < 130, `log-uniform lr: ${below}/200 below 1e-3`);
    assert.deepEqual([...new Set(seen.d)].sort(), [0, 0.1, 0.2, 0.3, 0.4, 0.5]);
    assert.deepEqual([...new Set(seen.n)].sort(), [1, 3, 5, 7]);
    assert.ok(seen.b.every((v) => Number.isInteger(v) && v >= 1 && v <= 1024));
    assert.ok(seen.b.filter((v) => v <= 32).length > 70, 'log-uniform ints favour small values');
  });

  it('the same name returns the same value; another distribution is a UsageError', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 1 } });
    const t = await study.ask();
    const x = t.suggestFloat('x', 0, 1);
    assert.equal(t.suggestFloat('x', 0, 1), x);
    assert.throws(() => t.suggestFloat('x', 0, 2), (e: unknown) => e instanceof UsageError && /'x'.*float\[0, 1\].*float\[0, 2\]/.test(e.message));
    assert.throws(() => t.suggestInt('x', 0, 1), UsageError);
    const c = t.suggestCategorical('opt', ['sgd', 'adam']);
    assert.equal(t.suggestCategorical('opt', ['sgd', 'adam']), c);
    assert.throws(() => t.suggestCategorical('opt', ['adam', 'sgd']), UsageError);
    assert.throws(() => t.suggestFloat('y', 2, 1), /'y': low \(2\) must be <= high \(1\)/);
    await study.tell(t, x);
    assert.throws(() => t.suggestFloat('z', 0, 1), /trial 0 is finished/);
    assert.deepEqual(study.trials[0]!.params, { x, opt: c });
  });

  it('conditional parameters: each trial stores only the branch it took', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 2 } });
    await study.optimize((t) => {
      const kind = t.suggestCategorical('kind', ['sgd', 'adam']);
      if (kind === 'sgd') return t.suggestFloat('momentum', 0, 0.99);
      return t.suggestFloat('beta2', 0.9, 0.9999);
    }, { nTrials: 30 });
    const kinds = new Set<string>();
    for (const t of study.trials) {
      kinds.add(t.params['kind'] as string);
      const expected = t.params['kind'] === 'sgd' ? ['kind', 'momentum'] : ['beta2', 'kind'];
      assert.deepEqual(Object.keys(t.params).sort(), expected);
    }
    assert.equal(kinds.size, 2);
  });

  it('fixed parameters win over sampling and are checked against the distribution', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 1 } });
    const t = await study.ask({ x: 0.25, c: 'b' });
    assert.equal(t.suggestFloat('x', 0, 1), 0.25);
    assert.equal(t.suggestCategorical('c', ['a', 'b']), 'b');
    const free = t.suggestFloat('y', 0, 1);
    assert.ok(free >= 0 && free <= 1);
    assert.equal(t.suggestCategorical('c2', ['a']), 'a'); // a single choice needs no sampler
    const u = await study.ask({ x: 5 });
    assert.throws(() => u.suggestFloat('x', 0, 1), /fixed value 5 of 'x' is outside float\[0, 1\]/);
  });

  it('report, shouldPrune and user attributes write through to storage', async () => {
    const study = await createStudy({ pruner: { name: 'none' } });
    const t = await study.ask();
    t.report(0.5, 0);
    t.report(0.9, 0); // a repeated step is ignored
    t.report(0.4, 1);
    t.setUserAttr('note', { a: 1 });
    assert.throws(() => t.report(1, -1), /step must be an integer >= 0/);
    assert.throws(() => t.report(1, 1.5), /step must be an integer >= 0/);
    assert.equal(await t.shouldPrune(), false);
    t.report(Number.NaN, 2); // not stored; with the none pruner the trial goes on
    assert.equal(await t.shouldPrune(), false);
    await t.flush();
    await study.refresh();
    assert.deepEqual(study.trials[0]!.intermediate, { 0: 0.5, 1: 0.4 });
    assert.deepEqual(study.trials[0]!.userAttrs, { note: { a: 1 } });
    const pruned = await study.tell(t, { state: 'pruned' });
    assert.equal(pruned.state, 'pruned');
    assert.deepEqual(pruned.values, [0.4]); // last intermediate value, as Optuna
  });

  it('a non-finite report makes shouldPrune true under a real pruner', async () => {
    const study = await createStudy({ pruner: { name: 'median' } });
    const t = await study.ask();
    t.report(Number.POSITIVE_INFINITY, 0);
    assert.equal(await t.shouldPrune(), true);
  });
});

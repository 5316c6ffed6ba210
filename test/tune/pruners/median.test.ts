import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { createPruner, MedianPruner, PercentilePruner } from '../../../src/tune/pruners/index.js';
import { curve, view } from './helpers.js';

// Five complete trials; medians at steps 0, 1, 2 are 8, 6, 4 (minimize).
const done = [[10, 8, 6], [9, 7, 5], [8, 6, 4], [7, 5, 3], [6, 4, 2]].map((c, i) => curve(i, c, 'complete'));

describe('median pruner', () => {
  it('prunes a trial whose best value is worse than the median at its step', () => {
    const p = new MedianPruner();
    const at = (c: number[] | Record<number, number>): boolean => p.shouldPrune(view([...done, curve(5, c)]), curve(5, c));
    assert.equal(at([9]), true); // 9 > 8
    assert.equal(at([8]), false); // ties are kept
    assert.equal(at([7, 6.5]), true); // best 6.5 > 6
    assert.equal(at([5, 6.5]), false); // best over steps is 5 <= 6
    assert.equal(at([]), false);
    assert.equal(at({ 7: 100 }), false); // no complete trial reported step 7
  });

  it('waits for nStartupTrials complete trials, the warm-up, the interval and nMinTrials', () => {
    const t = curve(5, [9]);
    assert.equal(new MedianPruner().shouldPrune(view([...done.slice(0, 4), t]), t), false);
    assert.equal(new MedianPruner({ nStartupTrials: 4 }).shouldPrune(view([...done.slice(0, 4), t]), t), true);
    assert.equal(new MedianPruner({ nWarmupSteps: 1 }).shouldPrune(view([...done, t]), t), false);
    assert.equal(new MedianPruner({ nMinTrials: 6 }).shouldPrune(view([...done, t]), t), false);
    // interval 2: steps 0, 2, 4... are checked; step 1 right after step 0 is not
    const u = curve(5, [7, 9]);
    assert.equal(new MedianPruner({ intervalSteps: 2 }).shouldPrune(view([...done, u]), u), false);
    assert.equal(new MedianPruner({ intervalSteps: 1 }).shouldPrune(view([...done, u]), u), true);
    const v = curve(5, { 0: 7, 2: 9 });
    assert.equal(new MedianPruner({ intervalSteps: 2 }).shouldPrune(view([...done, v]), v), true);
  });

  it('reads maximize and other percentiles', () => {
    const up = done.map((t) => curve(t.number, Object.values(t.intermediate).map((x) => -x), 'complete'));
    const t = curve(5, [-9]);
    assert.equal(new MedianPruner().shouldPrune(view([...up, t], 'maximize'), t), true);
    const s = curve(5, [-7.5]);
    assert.equal(new MedianPruner().shouldPrune(view([...up, s], 'maximize'), s), false);
    // 25th percentile (minimize) of [10, 9, 8, 7, 6] at step 0 is 7: keep the top quarter
    const q = curve(5, [7.5]);
    assert.equal(new PercentilePruner({ percentile: 25 }).shouldPrune(view([...done, q]), q), true);
    assert.equal(new PercentilePruner({ percentile: 25 }).shouldPrune(view([...done, curve(5, [7])]), curve(5, [7])), false);
  });

  it('validates options', () => {
    assert.throws(() => createPruner({ name: 'median', nStartupTrials: -1 }), (e: unknown) => e instanceof UsageError && /median pruner: nStartupTrials must be an integer >= 0, got -1/.test(e.message));
    assert.throws(() => createPruner({ name: 'percentile', percentile: 120 }), /percentile must be a number in \[0, 100\], got 120/);
    assert.throws(() => createPruner({ name: 'median', intervalSteps: 0 }), /intervalSteps/);
    assert.throws(() => createPruner({ name: 'bogus' } as never), /unknown pruner "bogus"/);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPruner, promotable, rungValue, SuccessiveHalvingPruner } from '../../../src/tune/pruners/index.js';
import type { FrozenTrial } from '../../../src/tune/types.js';
import { curve, view } from './helpers.js';

/** Trials arriving one by one; each asks the pruner after its last report. */
function decide(p: SuccessiveHalvingPruner, curves: (number[] | Record<number, number>)[], direction: 'minimize' | 'maximize' = 'minimize'): boolean[] {
  const trials: FrozenTrial[] = [];
  return curves.map((c, i) => {
    const t = curve(i, c);
    trials.push(t);
    return p.shouldPrune(view(trials, direction), t);
  });
}

describe('successive halving (ASHA) pruner', () => {
  it('promotes the top 1/eta at the first rung (r = 1, eta = 3: rungs at 1, 3, 9)', () => {
    const p = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    // step-1 values arriving: 5 (alone: best, kept), 6 (of [5,6] not the best: pruned),
    // 4 (best of 3), 5.5 (n=4: top floor(4/3)=1 is 4: pruned), 4.5 (n=5, top 1: pruned),
    // 3.9 (n=6: top 2 are [3.9, 4]: kept), 4.2 (n=7: top 2 [3.9, 4]: pruned)
    const d = decide(p, [[9, 5], [9, 6], [9, 4], [9, 5.5], [9, 4.5], [9, 3.9], [9, 4.2]]);
    assert.deepEqual(d, [false, true, false, true, true, false, true]);
  });

  it('checks a rung once, when first reached; later rungs compare with those that reached them', () => {
    const p = new SuccessiveHalvingPruner({ minResource: 1, reductionFactor: 3 });
    const a = curve(0, [9, 5, 100]); // passed rung 1 at step 1; step 2 is below rung 3: no check
    assert.equal(p.shouldPrune(view([a]), a), false);
    const b = curve(1, [9, 4]);
    const a3 = curve(0, [9, 5, 100, 3]); // reaches rung 3 with 3: alone there, kept
    assert.equal(p.shouldPrune(view([a3, b]), a3), false);
    const b3 = curve(1, [9, 4, 4, 3.5]); // rung 3: [3.5, 3]: not the best: pruned
    assert.equal(p.shouldPrune(view([a3, b3]), b3), true);
    // several rungs crossed in one report: each is checked with the value at the last step
    const c = curve(2, { 0: 9, 5: 2 });
    assert.equal(p.shouldPrune(view([a3, b3, c]), c), false); // rung 1: [2, 5, 4]; rung 3: [2, 3, 3.5]
    const d = curve(3, { 0: 9, 5: 3.2 });
    assert.equal(p.shouldPrune(view([a3, b3, c, d]), d), true); // rung 1: [3.2, 5, 4, 2] top 1 is 2
  });

  it('a rung value is the report at the first step at or beyond the rung', () => {
    assert.equal(rungValue(curve(0, { 0: 1, 2: 7, 4: 8 }), 1), 7);
    assert.equal(rungValue(curve(0, { 0: 1, 2: 7 }), 3), undefined);
    assert.equal(promotable(5, [5], 3, 'minimize'), true);
    assert.equal(promotable(5, [5, 1, 2, 3, 4, 6], 3, 'minimize'), false); // top 2 of 6
    assert.equal(promotable(2, [5, 1, 2, 3, 4, 6], 3, 'minimize'), true);
    assert.equal(promotable(5, [5, 1, 2, 3, 4, 6], 3, 'maximize'), true);
  });

  it('min early-stopping rate and maximize', () => {
    const p = new SuccessiveHalvingPruner({ minResource: 2, reductionFactor: 2, minEarlyStoppingRate: 1 }); // rungs at 4, 8
    assert.deepEqual(decide(p, [[0, 0, 0, 0, 0.5], [0, 0, 0, 0, 0.7], [0, 0, 0, 0, 0.6], [0, 0, 0, 0.9]], 'maximize'), [false, false, true, false]);
  });

  it("'auto' min resource waits for a complete trial, then uses max(1, floor(last step / 100))", () => {
    const p = new SuccessiveHalvingPruner();
    const t = curve(1, [9, 9, 9]);
    assert.equal(p.shouldPrune(view([curve(0, [1, 1, 1]), t]), t), false);
    assert.equal(p.minResource, undefined);
    const long = curve(0, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [i, 1])), 'complete');
    assert.equal(p.shouldPrune(view([long, t]), t), true); // r = 2: rung at 2, [9, 1]
    assert.equal(p.minResource, 2);
  });

  it('validates options', () => {
    assert.throws(() => createPruner({ name: 'asha', reductionFactor: 1 }), /asha pruner: reductionFactor must be a number >= 2, got 1/);
    assert.throws(() => createPruner({ name: 'asha', minResource: 0 }), /minResource must be a number > 0, got 0/);
    assert.throws(() => createPruner({ name: 'successive-halving', minEarlyStoppingRate: 0.5 }), /minEarlyStoppingRate/);
  });
});

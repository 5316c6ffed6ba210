import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPruner, HyperbandPruner } from '../../../src/tune/pruners/index.js';
import type { FrozenTrial } from '../../../src/tune/types.js';
import { curve, view } from './helpers.js';

describe('hyperband pruner', () => {
  it('brackets and budgets (r = 1, R = 9, eta = 3)', () => {
    const p = new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    // n = floor(log3 9) + 1 = 3; budgets ceil(3*3^s/(s+1)) for s = 2, 1, 0: 9, 5, 3
    assert.equal(p.nBrackets, 3);
    assert.deepEqual(p.budgets, [9, 5, 3]);
    assert.deepEqual([0, 8, 9, 13, 14, 16, 17, 26, 30].map((n) => p.bracketOf(n)), [0, 0, 1, 1, 2, 2, 0, 1, 1]); // 26 and 30 are 9 and 13 mod 17
    assert.equal(new HyperbandPruner({ minResource: 1, maxResource: 243, reductionFactor: 3 }).nBrackets, 6);
  });

  it('compares trials only within their bracket, each bracket with its own rungs', () => {
    const p = new HyperbandPruner({ minResource: 1, maxResource: 9, reductionFactor: 3 });
    const trials: FrozenTrial[] = Array.from({ length: 17 }, (_, i) => curve(i, []));
    const ask = (n: number, c: number[]): boolean => {
      trials[n] = curve(n, c);
      return p.shouldPrune(view(trials), trials[n]!);
    };
    assert.equal(ask(9, [9, 1]), false); // bracket 1: first rung at 3
    assert.equal(ask(0, [9, 5]), false); // bracket 0, rung 1: alone (trial 9 is in another bracket)
    assert.equal(ask(1, [9, 6]), true); // bracket 0, rung 1: [6, 5]
    assert.equal(ask(2, [9, 4]), false); // [4, 5, 6]: best
    assert.equal(ask(10, [9, 100]), false); // bracket 1 does not look at step 1
    assert.equal(ask(9, [9, 1, 1, 1]), false); // bracket 1, rung 3: alone
    assert.equal(ask(11, [9, 9, 9, 2]), true); // bracket 1, rung 3: [2, 1]
    assert.equal(ask(14, [9, 9, 9, 9, 9]), false); // bracket 2: first rung at 9
  });

  it("'auto' max resource waits for a complete trial (its last step + 1)", () => {
    const p = new HyperbandPruner({ minResource: 1 });
    const t = curve(1, [9, 9]);
    assert.equal(p.shouldPrune(view([curve(0, [1, 1]), t]), t), false);
    assert.equal(p.nBrackets, 0);
    assert.equal(p.shouldPrune(view([curve(0, [1, 1, 1, 1, 1, 1, 1, 1, 1], 'complete'), t]), t), true); // R = 9: bracket 0 has both
    assert.equal(p.maxResource, 9);
    assert.equal(p.nBrackets, 3);
  });

  it('validates options', () => {
    assert.throws(() => createPruner({ name: 'hyperband', minResource: 10, maxResource: 3 }), /maxResource \(3\) must be >= minResource \(10\)/);
    assert.throws(() => createPruner({ name: 'hyperband', reductionFactor: 0.5 }), /reductionFactor/);
    assert.throws(() => createPruner({ name: 'hyperband', maxResource: 'big' as never }), /maxResource must be a number > 0, got big/);
  });
});

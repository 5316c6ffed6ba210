import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/random.js';
import { dominates, nonDominatedSort, paretoFront } from '../../src/tune/pareto.js';
import type { Direction, FrozenTrial } from '../../src/tune/types.js';

describe('pareto', () => {
  it('dominates reads each direction', () => {
    assert.equal(dominates([1, 2], [2, 2], ['minimize', 'minimize']), true);
    assert.equal(dominates([1, 2], [1, 2], ['minimize', 'minimize']), false);
    assert.equal(dominates([1, 3], [2, 2], ['minimize', 'minimize']), false);
    assert.equal(dominates([1, 3], [2, 2], ['minimize', 'maximize']), true);
    assert.throws(() => dominates([1], [1, 2], ['minimize', 'minimize']), /expected 2 values/);
  });

  it('sorts a hand example into fronts', () => {
    const fronts = nonDominatedSort([[1, 4], [2, 2], [3, 3], [4, 1], [5, 5], [2, 2]], ['minimize', 'minimize']);
    assert.deepEqual(fronts, [[0, 1, 3, 5], [2], [4]]);
  });

  it('agrees with the definition on random points (3 objectives, mixed directions)', () => {
    const rng = mulberry32(5);
    const dirs: Direction[] = ['minimize', 'maximize', 'minimize'];
    const pts = Array.from({ length: 60 }, () => [rng.int(0, 6), rng.int(0, 6), rng.int(0, 6)]);
    const fronts = nonDominatedSort(pts, dirs);
    assert.equal(fronts.flat().length, pts.length);
    const rank = new Map<number, number>();
    fronts.forEach((f, k) => f.forEach((i) => rank.set(i, k)));
    for (let i = 0; i < pts.length; i++) {
      const k = rank.get(i)!;
      // nothing in the same or a later front dominates i
      for (let j = 0; j < pts.length; j++) if (rank.get(j)! >= k) assert.equal(dominates(pts[j]!, pts[i]!, dirs), false);
      // something in the previous front does
      if (k > 0) assert.ok(fronts[k - 1]!.some((j) => dominates(pts[j]!, pts[i]!, dirs)));
    }
  });

  it('paretoFront keeps complete trials only', () => {
    const t = (number: number, values: number[] | undefined, state: FrozenTrial['state'] = 'complete'): FrozenTrial =>
      ({ number, state, ...(values ? { values } : {}), params: {}, distributions: {}, intermediate: {}, userAttrs: {} });
    const front = paretoFront([t(0, [1, 5]), t(1, [0, 0], 'failed'), t(2, [5, 1]), t(3, [3, 3]), t(4, [4, 4]), t(5, undefined, 'running')], ['minimize', 'minimize']);
    assert.deepEqual(front.map((x) => x.number), [0, 2, 3]);
  });
});

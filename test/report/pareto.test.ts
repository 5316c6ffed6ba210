import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { mulberry32 } from '../../src/random.js';
import { paretoFront2, type Directions2, type Point2 } from '../../src/report/pareto.js';

/** The definition, O(n²): i is on the front when no j is at least as good on both and better on one. */
function bruteForce(points: readonly Point2[], d: Directions2): number[] {
  const better = (a: number, b: number, dir: 'minimize' | 'maximize') => (dir === 'minimize' ? a < b : a > b);
  const noWorse = (a: number, b: number, dir: 'minimize' | 'maximize') => a === b || better(a, b, dir);
  return points.map((p, i) => ({ p, i })).filter(({ p }) => !points.some((q) =>
    noWorse(q.x, p.x, d.x) && noWorse(q.y, p.y, d.y) && (better(q.x, p.x, d.x) || better(q.y, p.y, d.y)))).map((e) => e.i);
}

describe('paretoFront2', () => {
  const minMax: Directions2 = { x: 'minimize', y: 'maximize' };
  it('keeps the trade-off points, ordered by x', () => {
    const pts = [{ x: 10, y: 0.9 }, { x: 5, y: 0.95 }, { x: 1, y: 0.8 }, { x: 6, y: 0.94 }, { x: 20, y: 0.99 }];
    assert.deepEqual(paretoFront2(pts, minMax), [2, 1, 4]);
  });
  it('keeps exact duplicates of a front point, drops points equal on one axis and worse on the other', () => {
    const pts = [{ x: 1, y: 0.5 }, { x: 1, y: 0.5 }, { x: 1, y: 0.4 }, { x: 2, y: 0.5 }, { x: 3, y: 0.9 }];
    assert.deepEqual(paretoFront2(pts, minMax), [0, 1, 4]);
  });
  it('agrees with the definition on random points, every direction pair', () => {
    const rng = mulberry32(3);
    const dirs = ['minimize', 'maximize'] as const;
    for (let round = 0; round < 200; round++) {
      const n = 1 + rng.int(0, 25);
      // Coarse grid values so ties happen often.
      const pts = Array.from({ length: n }, () => ({ x: rng.int(0, 8), y: rng.int(0, 8) / 4 }));
      const d = { x: dirs[rng.int(0, 2)]!, y: dirs[rng.int(0, 2)]! };
      const got = paretoFront2(pts, d);
      assert.deepEqual([...got].sort((a, b) => a - b), bruteForce(pts, d), JSON.stringify({ pts, d }));
      for (let k = 1; k < got.length; k++) assert.ok(pts[got[k - 1]!]!.x <= pts[got[k]!]!.x);
    }
  });
  it('handles empty input and refuses non-finite coordinates', () => {
    assert.deepEqual(paretoFront2([], minMax), []);
    assert.throws(() => paretoFront2([{ x: 1, y: NaN }], minMax), (e) => e instanceof UsageError && /point 0 is \(1, NaN\)/.test(e.message));
  });
});

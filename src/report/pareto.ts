/**
 * The two-dimensional Pareto front the report's charts mark: the points no other point beats on
 * both axes at once. (N-dimensional fronts for studies live in `tune/pareto.ts`.)
 */
import { UsageError } from '../errors.js';

/** A point of a 2-D trade-off chart. */
export interface Point2 {
  readonly x: number;
  readonly y: number;
}

/** Which way each axis is better. */
export interface Directions2 {
  readonly x: 'minimize' | 'maximize';
  readonly y: 'minimize' | 'maximize';
}

/**
 * Indices of the Pareto-optimal points, ordered by ascending x (ties by index). A point is on the
 * front when no other point is at least as good on both axes and strictly better on one; equal
 * points are all kept. Non-finite coordinates are refused. O(n log n): sort by x (best first),
 * then sweep keeping the best y seen.
 *
 * @example
 * // maximize accuracy (y) while minimizing size (x)
 * paretoFront2([{ x: 10, y: 0.9 }, { x: 5, y: 0.95 }, { x: 1, y: 0.8 }], { x: 'minimize', y: 'maximize' }); // [2, 1]
 */
export function paretoFront2(points: readonly Point2[], dirs: Directions2): number[] {
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new UsageError(`paretoFront2: point ${i} is (${p.x}, ${p.y}); expected finite coordinates`);
    }
  });
  // Work in "smaller is better" on both axes.
  const sx = dirs.x === 'maximize' ? -1 : 1;
  const sy = dirs.y === 'maximize' ? -1 : 1;
  const order = points.map((p, i) => ({ i, x: sx * p.x, y: sy * p.y }));
  order.sort((a, b) => a.x - b.x || a.y - b.y || a.i - b.i);
  const front: number[] = [];
  let bestY = Infinity;
  let bestX = -Infinity;
  for (const p of order) {
    if (p.y < bestY) {
      front.push(p.i);
      bestY = p.y;
      bestX = p.x;
    } else if (p.y === bestY && p.x === bestX) {
      front.push(p.i); // an exact duplicate of a front point is not dominated by it
    }
  }
  return front.sort((a, b) => points[a]!.x - points[b]!.x || a - b);
}

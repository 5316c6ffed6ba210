import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crowdingDistance, Nsga2Sampler, selectElite } from '../../../src/tune/samplers/nsga2.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { paretoFront } from '../../../src/tune/pareto.js';
import type { FrozenTrial } from '../../../src/tune/types.js';
import { samplerConformance } from '../sampler-conformance.js';
import { bestValue, runStudy, type HarnessTrial } from './harness.js';

samplerConformance('nsga2', (seed) => new Nsga2Sampler({ seed, populationSize: 8 }), { multiObjective: true, trials: 40 });

/** ZDT1 (Zitzler, Deb, Thiele 2000) with 6 variables: front f2 = 1 − √f1 at x2..x6 = 0. */
function zdt1(t: HarnessTrial): number[] {
  const x = Array.from({ length: 6 }, (_, i) => t.suggestFloat(`x${i}`, 0, 1));
  const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / 5;
  return [x[0]!, g * (1 - Math.sqrt(x[0]! / g))];
}

/** Hypervolume of a 2-D minimization front with respect to `ref`. */
function hypervolume2d(points: readonly (readonly number[])[], ref: readonly [number, number]): number {
  const inside = points.filter((p) => p[0]! < ref[0] && p[1]! < ref[1]).sort((a, b) => a[0]! - b[0]!);
  let hv = 0;
  let lastY = ref[1];
  for (const p of inside) {
    if (p[1]! < lastY) {
      hv += (ref[0] - p[0]!) * (lastY - p[1]!);
      lastY = p[1]!;
    }
  }
  return hv;
}

const trial = (number: number, values: number[]): FrozenTrial => ({ number, state: 'complete', values, params: {}, distributions: {}, intermediate: {}, userAttrs: {} });

describe('NSGA-II parts (Deb et al. 2002)', () => {
  it('crowding distance: extremes infinite, interior by normalized neighbour gaps', () => {
    assert.deepEqual(crowdingDistance([[0, 3], [1, 1], [3, 0]]), [Infinity, 2, Infinity]);
    assert.deepEqual(crowdingDistance([[1, 1]]), [Infinity]);
    const d = crowdingDistance([[0, 4], [1, 3], [2, 2], [4, 0]]);
    assert.ok(Math.abs(d[1]! - (2 / 4 + 2 / 4)) < 1e-12 && Math.abs(d[2]! - (3 / 4 + 3 / 4)) < 1e-12);
  });
  it('elitist selection fills by fronts, cutting the last by crowding distance', () => {
    const pool = [trial(0, [0, 4]), trial(1, [1, 3]), trial(2, [2, 2.5]), trial(3, [4, 0]), trial(4, [3, 3]), trial(5, [5, 5])];
    const elite = selectElite(pool, ['minimize', 'minimize'], 5);
    assert.deepEqual(elite.map((e) => e.trial.number).sort(), [0, 1, 2, 3, 4]);
    const cut = selectElite(pool, ['minimize', 'minimize'], 3);
    // Front 0 is [0, 1, 2, 3]; the extremes 0 and 3 are kept, then the more isolated of 1 and 2.
    assert.deepEqual(cut.map((e) => e.trial.number).sort(), [0, 2, 3]);
  });
});

describe('NSGA-II sampler', () => {
  it('improves the hypervolume of the ZDT1 front over random search (every seed)', () => {
    for (let seed = 0; seed < 3; seed++) {
      const front = (trials: FrozenTrial[]) => paretoFront(trials, ['minimize', 'minimize']).map((t) => t.values!);
      const nsga = front(runStudy(new Nsga2Sampler({ seed, populationSize: 20 }), zdt1, 300, ['minimize', 'minimize']));
      const random = front(runStudy(new RandomSampler({ seed }), zdt1, 300, ['minimize', 'minimize']));
      const hvN = hypervolume2d(nsga, [1.1, 11]);
      const hvR = hypervolume2d(random, [1.1, 11]);
      assert.ok(hvN > hvR + 0.2, `seed ${seed}: nsga2 ${hvN} vs random ${hvR}`);
    }
  });
  it('works on a single objective', () => {
    const sphere = (t: HarnessTrial) => Array.from({ length: 5 }, (_, i) => (t.suggestFloat(`x${i}`, -5, 5) - 1) ** 2).reduce((a, b) => a + b);
    let nsga = 0;
    let random = 0;
    for (let seed = 0; seed < 3; seed++) {
      nsga += bestValue(runStudy(new Nsga2Sampler({ seed, populationSize: 10 }), sphere, 300)) / 3;
      random += bestValue(runStudy(new RandomSampler({ seed }), sphere, 300)) / 3;
    }
    assert.ok(nsga < random / 2, `nsga2 ${nsga} vs random ${random}`);
  });
  it('refuses bad options', () => {
    assert.throws(() => new Nsga2Sampler({ populationSize: 1 }), /populationSize must be an integer >= 2, got 1/);
    assert.throws(() => new Nsga2Sampler({ crossoverProb: 1.5 }), /crossoverProb must be a probability in \[0, 1\], got 1.5/);
  });
});

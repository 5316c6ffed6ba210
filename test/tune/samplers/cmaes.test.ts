import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../../src/random.js';
import { CmaEsSampler } from '../../../src/tune/samplers/cmaes.js';
import { cmaParameters, initialState, sampleSolution, symmetricEigen, tellGeneration } from '../../../src/tune/samplers/cmaes-core.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { samplerConformance } from '../sampler-conformance.js';
import { bestValue, runStudy, type HarnessTrial } from './harness.js';

samplerConformance('cmaes', (seed) => new CmaEsSampler({ seed }), { multiObjective: false });

const sphere = (dims: number, shift = 1.5) => (t: HarnessTrial) => {
  let s = 0;
  for (let i = 0; i < dims; i++) s += (t.suggestFloat(`x${i}`, -5, 5) - shift) ** 2;
  return s;
};

describe('CMA-ES core (Hansen 2016)', () => {
  it("has the tutorial's default strategy parameters", () => {
    const p = cmaParameters(2);
    assert.equal(p.lambda, 6);
    assert.equal(p.mu, 3);
    const pos = [...p.weights.slice(0, 3)];
    assert.ok(Math.abs(pos.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(p.weights.slice(3).every((w) => w < 0));
    // μ_eff for λ = 6: (Σw')² / Σw'² with w'_i = ln(3.5) − ln i.
    const raw = [1, 2, 3].map((i) => Math.log(3.5) - Math.log(i));
    assert.ok(Math.abs(p.muEff - raw.reduce((a, b) => a + b) ** 2 / raw.reduce((a, b) => a + b * b, 0)) < 1e-12);
    assert.ok(Math.abs(p.c1 - 2 / (3.3 ** 2 + p.muEff)) < 1e-12);
    assert.ok(p.c1 + p.cmu <= 1 && p.cSigma < 1 && p.cc < 1);
    assert.equal(cmaParameters(10).lambda, 10);
  });
  it('decomposes symmetric matrices (B diag(D²) Bᵀ = C)', () => {
    const C = Float64Array.from([4, 1, 0.5, 1, 3, -0.2, 0.5, -0.2, 2]);
    const { values, B } = symmetricEigen(C, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += B[i * 3 + k]! * values[k]! * B[j * 3 + k]!;
        assert.ok(Math.abs(s - C[i * 3 + j]!) < 1e-10);
      }
    }
  });
  it('moves the mean towards better solutions and shrinks σ near an optimum', () => {
    const p = cmaParameters(2);
    let state = initialState([0, 0], 1);
    const rng = mulberry32(1);
    for (let g = 0; g < 80; g++) {
      const sols = Array.from({ length: p.lambda }, () => sampleSolution(state, rng)).map((x) => ({ x, value: (x[0]! - 1) ** 2 + 10 * (x[1]! + 2) ** 2 }));
      state = tellGeneration(p, state, sols);
    }
    assert.ok(Math.abs(state.mean[0]! - 1) < 1e-3 && Math.abs(state.mean[1]! + 2) < 1e-3, `mean ${state.mean}`);
    assert.ok(state.sigma < 1e-2);
    // C adapts to the ill-conditioning: more variance along x0 than x1 (10x steeper).
    assert.ok(state.C[0]! > 3 * state.C[3]!, `C ${state.C}`);
  });
});

describe('CMA-ES sampler', () => {
  it('converges on a 4-D sphere (best < 1e-2 after 250 trials, every seed), far better than random', () => {
    for (let seed = 0; seed < 3; seed++) {
      const best = bestValue(runStudy(new CmaEsSampler({ seed }), sphere(4), 250));
      const random = bestValue(runStudy(new RandomSampler({ seed }), sphere(4), 250));
      assert.ok(best < 1e-2, `seed ${seed}: cma ${best}`);
      assert.ok(best < random / 100, `seed ${seed}: cma ${best} vs random ${random}`);
    }
  });
  it('replays its state from the study: a fresh sampler continues a history identically', () => {
    const a = new CmaEsSampler({ seed: 9 });
    const history = runStudy(a, sphere(3), 40);
    const next = runStudy(a, sphere(3), 5, ['minimize'], history);
    const fresh = runStudy(new CmaEsSampler({ seed: 9 }), sphere(3), 5, ['minimize'], history);
    assert.deepEqual(next.map((t) => t.params), fresh.map((t) => t.params));
  });
  it('samples categorical parameters at random, with a note, and rounds ints', () => {
    const s = new CmaEsSampler({ seed: 1 });
    const trials = runStudy(s, (t) => (t.suggestInt('k', 0, 20) - 7) ** 2 + (t.suggestCategorical('c', ['a', 'b']) === 'a' ? 0 : 1) + (t.suggestFloat('x', 0, 1) - 0.5) ** 2, 80);
    assert.ok(trials.every((t) => Number.isInteger(t.params['k'])));
    assert.equal(s.notes.length, 1);
    assert.match(s.notes[0]!, /categorical parameter 'c' is sampled independently at random/);
    assert.ok(trials.slice(60).filter((t) => Math.abs((t.params['k'] as number) - 7) <= 1).length >= 12);
  });
  it('refuses bad options', () => {
    assert.throws(() => new CmaEsSampler({ popsize: 1 }), /popsize must be an integer >= 2, got 1/);
    assert.throws(() => new CmaEsSampler({ sigma0: 0 }), /sigma0/);
  });
});

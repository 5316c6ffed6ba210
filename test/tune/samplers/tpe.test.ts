import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../../src/random.js';
import { RandomSampler } from '../../../src/tune/samplers/random.js';
import { logGaussMass, logNdtr, truncNormLogPdf, truncNormSample } from '../../../src/tune/samplers/tpe/normal.js';
import { defaultGamma, defaultWeights, ParzenEstimator, rankableTrials, splitBelowAbove, TpeSampler } from '../../../src/tune/samplers/tpe/index.js';
import type { Distribution, FrozenTrial } from '../../../src/tune/types.js';
import { samplerConformance } from '../sampler-conformance.js';
import { bestValue, runStudy } from './harness.js';
import { OPTUNA_REFERENCE as REF } from './optuna-reference.js';

samplerConformance('tpe', (seed) => new TpeSampler({ seed }), { multiObjective: false });
samplerConformance('tpe (multivariate)', (seed) => new TpeSampler({ seed, multivariate: true }), { multiObjective: false });

describe('truncated normal', () => {
  it('log CDF and log mass match reference values, far into the tails', () => {
    for (const [x, want] of REF.logNdtr) assert.ok(Math.abs(logNdtr(x) - want) <= 1e-6 * Math.max(1, Math.abs(want)), `logNdtr(${x})`);
    for (const [a, b, want] of REF.logGaussMass) assert.ok(Math.abs(logGaussMass(a, b) - want) <= 2e-6 * Math.max(1, Math.abs(want)), `logGaussMass(${a}, ${b}) = ${logGaussMass(a, b)}, want ${want}`);
  });
  it('the density integrates to 1 over its bounds and samples stay inside', () => {
    for (const [mu, sigma, low, high] of [[0.2, 0.05, 0, 1], [0, 3, -1, 1], [9, 1, -5, 10]] as const) {
      let total = 0;
      const steps = 20000;
      const h = (high - low) / steps;
      for (let i = 0; i < steps; i++) total += Math.exp(truncNormLogPdf(low + (i + 0.5) * h, mu, sigma, low, high)) * h;
      assert.ok(Math.abs(total - 1) < 1e-4, `integral ${total}`);
      const rng = mulberry32(1);
      for (let i = 0; i < 200; i++) {
        const x = truncNormSample(rng, mu, sigma, low, high);
        assert.ok(x >= low && x <= high);
      }
    }
  });
});

describe('Parzen estimator', () => {
  const params = { priorWeight: 1, considerMagicClip: true, considerEndpoints: false, weights: defaultWeights, density: 'exact' as const };
  it("matches Optuna's log-densities (bandwidths, prior, magic clip, steps, log, categorical, multivariate)", () => {
    for (const c of REF.parzen) {
      const space = c.space as unknown as Record<string, Distribution>;
      const obs = c.obs as unknown as Record<string, number[]>;
      const pe = new ParzenEstimator(obs, space, { ...params, multivariate: c.multivariate });
      const got = pe.logPdf(c.samples as unknown as Record<string, number[]>);
      got.forEach((g, i) => assert.ok(Math.abs(g - c.expected[i]!) < 1e-5, `${c.name}[${i}]: ${g} vs ${c.expected[i]}`));
    }
  });
  it("in 'optuna-3.1' density mode, matches Optuna 3.1's unpatched log-densities", () => {
    const c = REF.parzen[0]!;
    const pe = new ParzenEstimator(c.obs as unknown as Record<string, number[]>, c.space as unknown as Record<string, Distribution>, { ...params, multivariate: false, density: 'optuna-3.1' });
    const want = [-1.0883822943329169, -0.9351954256165835, -0.882695038120737, -0.9755024149420074, -1.268974561924753];
    pe.logPdf(c.samples as unknown as Record<string, number[]>).forEach((g, i) => assert.ok(Math.abs(g - want[i]!) < 1e-5, `${g} vs ${want[i]}`));
  });
  it("uses Optuna's default weights and gamma", () => {
    defaultWeights(30).forEach((w, i) => assert.ok(Math.abs(w - REF.weights30[i]!) < 1e-12));
    assert.deepEqual(defaultWeights(3), [1, 1, 1]);
    assert.deepEqual([1, 10, 11, 100, 250, 1000].map(defaultGamma), [1, 1, 2, 10, 25, 25]);
  });
  it('samples on the grid and inside the bounds, near good observations', () => {
    const space: Record<string, Distribution> = { k: { kind: 'int', low: 2, high: 20, log: false, step: 3 }, x: { kind: 'float', low: 1e-4, high: 1, log: true } };
    const pe = new ParzenEstimator({ k: [5, 5, 5, 5, 5, 5], x: [1e-3, 1e-3, 1e-3, 1e-3, 1e-3, 1e-3] }, space, { ...params, multivariate: false });
    const s = pe.sample(mulberry32(3), 400);
    assert.ok(s['k']!.every((v) => [2, 5, 8, 11, 14, 17, 20].includes(v)));
    assert.ok(s['x']!.every((v) => v >= 1e-4 && v <= 1));
    // 6 of 7 kernels sit at 5 with bandwidth 21/8 (magic clip): ~37% of the draws land on 5.
    const counts = [2, 5, 8, 11, 14, 17, 20].map((g) => s['k']!.filter((v) => v === g).length);
    assert.equal(Math.max(...counts), counts[1], `counts ${counts}`);
    assert.ok(counts[1]! > 110 && counts[1]! < 190, `counts ${counts}`);
  });
});

describe('TPE ranking', () => {
  const t = (number: number, state: FrozenTrial['state'], value?: number, intermediate: Record<number, number> = {}): FrozenTrial => ({
    number, state, params: {}, distributions: {}, intermediate, userAttrs: {}, ...(value !== undefined ? { values: [value] } : {}),
  });
  it('ranks complete trials first, then pruned by later step and last value; ignores failed and running', () => {
    const trials = [t(0, 'pruned', undefined, { 1: 0.1 }), t(1, 'complete', 5), t(2, 'failed'), t(3, 'pruned', undefined, { 1: 9, 4: 3 }), t(4, 'complete', 7), t(5, 'pruned'), t(6, 'running'), t(7, 'pruned', undefined, { 2: Number.NaN })];
    const ranked = rankableTrials(trials, ['minimize']);
    assert.deepEqual(ranked.map((r) => r.trial.number), [0, 1, 3, 4, 5, 7]);
    const order = (k: number) => splitBelowAbove(ranked, k).below.map((r) => r.trial.number);
    assert.deepEqual([order(1), order(2), order(3), order(4), order(5)], [[1], [1, 4], [1, 3, 4], [1, 3, 4, 7], [0, 1, 3, 4, 7]]);
    const max = splitBelowAbove(rankableTrials(trials, ['maximize']), 1).below.map((r) => r.trial.number);
    assert.deepEqual(max, [4]);
  });
});

describe('TPE on synthetic functions', () => {
  const quadratic = (t: { suggestFloat: (n: string, l: number, h: number) => number }) => (t.suggestFloat('x', -10, 10) - 2) ** 2 + (t.suggestFloat('y', -10, 10) + 3) ** 2;
  it("beats random search on a 2-D quadratic after 60 trials (mean over 5 seeds)", () => {
    let tpe = 0;
    let random = 0;
    for (let seed = 0; seed < 5; seed++) {
      tpe += bestValue(runStudy(new TpeSampler({ seed }), quadratic, 60)) / 5;
      random += bestValue(runStudy(new RandomSampler({ seed }), quadratic, 60)) / 5;
    }
    assert.ok(tpe < random / 2, `tpe ${tpe} vs random ${random}`);
    assert.ok(tpe < 0.5, `tpe ${tpe}`);
  });
  it('multivariate TPE also beats random, and maximization is the mirror image', () => {
    let mv = 0;
    let random = 0;
    for (let seed = 0; seed < 5; seed++) {
      mv += bestValue(runStudy(new TpeSampler({ seed, multivariate: true }), quadratic, 60)) / 5;
      random += bestValue(runStudy(new RandomSampler({ seed }), quadratic, 60)) / 5;
    }
    assert.ok(mv < random / 2, `multivariate ${mv} vs random ${random}`);
    const maxTrials = runStudy(new TpeSampler({ seed: 1 }), (t) => -quadratic(t), 60, ['maximize']);
    const best = Math.max(...maxTrials.map((x) => x.values![0]!));
    assert.ok(best > -0.5, `max ${best}`);
  });
  it('finds the good choice of a categorical and the good region of a log-scaled int', () => {
    const trials = runStudy(new TpeSampler({ seed: 2 }), (t) => {
      const opt = t.suggestCategorical('opt', ['sgd', 'adam', 'rmsprop', 'lion']);
      const batch = t.suggestInt('batch', 1, 1024, { log: true });
      return (opt === 'lion' ? 0 : 1) + Math.abs(Math.log2(batch) - 5);
    }, 60);
    const late = trials.slice(30);
    assert.ok(late.filter((x) => x.params['opt'] === 'lion').length >= 15, 'lion chosen in most late trials');
    assert.ok(bestValue(trials) <= 0.5);
  });
  it('refuses bad options', () => {
    assert.throws(() => new TpeSampler({ nEiCandidates: 0 }), /nEiCandidates must be an integer >= 1, got 0/);
    assert.throws(() => new TpeSampler({ priorWeight: -1 }), /priorWeight/);
  });
});

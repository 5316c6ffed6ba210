/**
 * The conformance suite every sampler passes: proposals inside their distributions (bounds, step
 * grid, log range, choices), reproducible (same seed and same history give the same proposals),
 * conditional parameters, failed and pruned trials in the history, maximization, and (where the
 * sampler supports it) multi-objective studies. Each sampler's test file calls
 * {@link samplerConformance} with a factory.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contains } from '../../src/tune/distributions.js';
import { NopPruner } from '../../src/tune/pruners/none.js';
import { createStudy } from '../../src/tune/study.js';
import type { Direction, FrozenTrial, ParamValue, Sampler } from '../../src/tune/types.js';
import { runStudy, runTrial, type HarnessTrial, type Outcome } from './samplers/harness.js';

/** Grid values for every parameter the suite suggests, for grid-like samplers (pick by `names`). */
export const CONFORMANCE_GRID: Readonly<Record<string, readonly ParamValue[]>> = {
  f: [-2, 0.5, 3], flog: [1e-4, 1e-2], fstep: [0, 0.3, 0.9], i: [-3, 7], istep: [2, 8], ilog: [1, 64], c: ['sgd', 'adam', null],
  kind: ['a', 'b'], xa: [0.1, 0.9], yb: [1, 5],
};

/** How the suite calls a sampler. */
export interface ConformanceOptions {
  /** True when the sampler handles multi-objective studies (otherwise it must refuse them with UsageError). */
  readonly multiObjective: boolean;
  /** Trials per study run (default 30): enough to leave any start-up phase. */
  readonly trials?: number;
}

/** Suggests every kind of parameter; the value is a smooth function of them. */
function fullSpace(t: HarnessTrial): number {
  const f = t.suggestFloat('f', -2, 3);
  const flog = t.suggestFloat('flog', 1e-4, 1e-2, { log: true });
  const fstep = t.suggestFloat('fstep', 0, 0.9, { step: 0.3 });
  const i = t.suggestInt('i', -3, 7);
  const istep = t.suggestInt('istep', 2, 8, { step: 3 });
  const ilog = t.suggestInt('ilog', 1, 64, { log: true });
  const c = t.suggestCategorical('c', ['sgd', 'adam', null]);
  return (f - 1) ** 2 + Math.log10(flog) ** 2 / 10 + fstep + Math.abs(i) / 5 + istep / 10 + Math.log2(ilog) / 6 + (c === 'adam' ? 0 : 0.5);
}

/** A categorical switch between two sub-spaces. */
function conditional(t: HarnessTrial): number {
  return t.suggestCategorical('kind', ['a', 'b']) === 'a' ? (t.suggestFloat('xa', 0.1, 0.9) - 0.3) ** 2 : t.suggestInt('yb', 1, 5) / 10;
}

function assertInside(trials: readonly FrozenTrial[]): void {
  for (const t of trials) {
    for (const [name, value] of Object.entries(t.params)) {
      assert.ok(contains(t.distributions[name]!, value), `trial ${t.number}: ${name} = ${String(value)} is outside ${JSON.stringify(t.distributions[name])}`);
    }
  }
}

const FULL = ['f', 'flog', 'fstep', 'i', 'istep', 'ilog', 'c'];
const CONDITIONAL = ['kind', 'xa', 'yb'];

/** `CONFORMANCE_GRID` restricted to `names`. */
export function conformanceGrid(names: readonly string[]): Record<string, readonly ParamValue[]> {
  return Object.fromEntries(names.map((n) => [n, CONFORMANCE_GRID[n]!]));
}

const params = (trials: readonly FrozenTrial[]) => trials.map((t) => t.params);

/**
 * Registers the conformance tests of the sampler that `build(seed, names)` builds; `names` are
 * the parameters the objective of that test suggests (for samplers that need the space up front).
 */
export function samplerConformance(name: string, build: (seed: number, names: readonly string[]) => Sampler, options: ConformanceOptions): void {
  const n = options.trials ?? 30;
  const factory = (seed: number) => build(seed, FULL);
  describe(`${name}: sampler conformance`, () => {
    it('proposes values inside bounds, on steps, in log ranges and among choices', () => {
      const trials = runStudy(factory(1), fullSpace, n);
      assertInside(trials);
      assert.equal(trials.length, n);
      for (const t of trials) assert.equal(Object.keys(t.params).length, 7);
    });

    it('is reproducible: same seed and same history give the same proposals', () => {
      const a = runStudy(factory(7), fullSpace, n);
      const b = runStudy(factory(7), fullSpace, n);
      assert.deepEqual(params(a), params(b));
      // A fresh sampler asked about the same history proposes what the first one proposed.
      const history = a.slice(0, n - 1);
      const again = runTrial(factory(7), fullSpace, history, ['minimize']);
      assert.deepEqual(again.params, a[n - 1]!.params);
    });

    it('depends on the seed', () => {
      assert.notDeepEqual(params(runStudy(factory(1), fullSpace, n)), params(runStudy(factory(2), fullSpace, n)));
    });

    it('handles conditional parameters', () => {
      const trials = runStudy(build(3, CONDITIONAL), conditional, n);
      assertInside(trials);
      for (const t of trials) {
        const keys = Object.keys(t.params).sort();
        assert.deepEqual(keys, t.params['kind'] === 'a' ? ['kind', 'xa'] : ['kind', 'yb']);
      }
    });

    it('goes on past failed and pruned trials (with and without reports)', () => {
      const objective = (t: HarnessTrial): Outcome => {
        const v = fullSpace(t);
        if (t.number % 5 === 4) return { state: 'failed' };
        if (t.number % 7 === 6) {
          if (t.number % 2 === 0) t.report(v + 1, 3);
          return { state: 'pruned' };
        }
        return v;
      };
      const trials = runStudy(factory(4), objective, n);
      assertInside(trials);
      assert.ok(trials.some((t) => t.state === 'failed') && trials.some((t) => t.state === 'pruned'));
    });

    it('maximizes as well as minimizes', () => {
      const trials = runStudy(factory(5), (t) => -fullSpace(t), n, ['maximize']);
      assertInside(trials);
    });

    it('works through study.optimize and ask/tell, reproducibly', async () => {
      const viaOptimize = async (seed: number) => {
        const study = await createStudy({ sampler: factory(seed), pruner: new NopPruner() });
        await study.optimize((t) => fullSpace(t), { nTrials: n });
        return study.view().trials;
      };
      const a = await viaOptimize(11);
      assert.equal(a.length, n);
      assert.ok(a.every((t) => t.state === 'complete'));
      assertInside(a);
      assert.deepEqual(params(a), params(await viaOptimize(11)));
      const study = await createStudy({ sampler: build(12, CONDITIONAL), direction: 'maximize' });
      for (let k = 0; k < n; k++) {
        const trial = await study.ask();
        await study.tell(trial, -conditional(trial));
      }
      const told = study.view().trials;
      assert.ok(told.length === n && told.every((t) => t.state === 'complete'));
      assertInside(told);
    });

    it(options.multiObjective ? 'handles multi-objective studies' : 'refuses multi-objective studies with a UsageError', () => {
      const directions: Direction[] = ['minimize', 'maximize'];
      const objective = (t: HarnessTrial): Outcome => {
        const v = fullSpace(t);
        return [v, (t.suggestFloat('f', -2, 3) + 2) * 3];
      };
      if (options.multiObjective) {
        const trials = runStudy(factory(6), objective, n, directions);
        assertInside(trials);
        assert.ok(trials.every((t) => t.values!.length === 2));
      } else {
        assert.throws(() => runStudy(factory(6), objective, n, directions), (e: Error) => e.name === 'UsageError' && /nsga2/.test(e.message));
      }
    });
  });
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import {
  categoricalDistribution, contains, floatDistribution, fromInternal, intDistribution, internalBounds, isSingle, roundToStep, toInternal,
} from '../../src/tune/distributions.js';

describe('distributions', () => {
  it('validates and names the parameter', () => {
    assert.throws(() => floatDistribution('lr', 1, 0), (e: unknown) => e instanceof UsageError && /'lr'.*low \(1\) must be <= high \(0\)/.test(e.message));
    assert.throws(() => floatDistribution('lr', 0, 1, { log: true }), /'lr': log scale needs low > 0/);
    assert.throws(() => floatDistribution('lr', 1e-3, 1, { log: true, step: 0.1 }), /cannot be combined with log/);
    assert.throws(() => floatDistribution('x', 0, 1, { step: 0 }), /'x': step must be > 0/);
    assert.throws(() => floatDistribution('x', 0, Number.NaN), /'x': high must be a finite number/);
    assert.throws(() => intDistribution('n', 0.5, 3), /'n': integer bounds/);
    assert.throws(() => intDistribution('n', 0, 10, { log: true }), /'n': log scale needs low >= 1/);
    assert.throws(() => intDistribution('n', 1, 10, { log: true, step: 2 }), /cannot be combined with log/);
    assert.throws(() => intDistribution('n', 1, 10, { step: 1.5 }), /'n': step must be an integer >= 1/);
    assert.throws(() => categoricalDistribution('c', []), /'c': expected a non-empty array/);
    assert.throws(() => categoricalDistribution('c', ['a', 'a']), /distinct/);
  });

  it('moves high down onto the step grid (as Optuna)', () => {
    assert.deepEqual(floatDistribution('d', 0, 0.55, { step: 0.1 }), { kind: 'float', low: 0, high: 0.5, log: false, step: 0.1 });
    assert.equal((floatDistribution('d', 0, 0.3, { step: 0.1 }) as { high: number }).high, 0.3);
    assert.deepEqual(intDistribution('n', 1, 8, { step: 2 }), { kind: 'int', low: 1, high: 7, log: false, step: 2 });
  });

  it('contains checks bounds, integrality and the grid', () => {
    const f = floatDistribution('x', 0, 1, { step: 0.25 });
    assert.equal(contains(f, 0.75), true);
    assert.equal(contains(f, 0.7), false);
    assert.equal(contains(f, 1.25), false);
    const i = intDistribution('n', 1, 7, { step: 2 });
    assert.equal(contains(i, 5), true);
    assert.equal(contains(i, 4), false);
    assert.equal(contains(intDistribution('n', 0, 5), 2.5), false);
    assert.equal(contains(categoricalDistribution('c', ['a', 1, null]), null), true);
    assert.equal(contains(categoricalDistribution('c', ['a', 1]), '1'), false);
    assert.equal(contains(floatDistribution('x', 0, 1), 'a'), false);
  });

  it('isSingle', () => {
    assert.equal(isSingle(floatDistribution('x', 2, 2)), true);
    assert.equal(isSingle(floatDistribution('x', 0, 0.5, { step: 1 })), true);
    assert.equal(isSingle(intDistribution('n', 0, 1)), false);
    assert.equal(isSingle(categoricalDistribution('c', ['a'])), true);
  });

  it('maps to and from the internal number', () => {
    const log = floatDistribution('lr', 1e-4, 1, { log: true });
    assert.ok(Math.abs(toInternal(log, 1e-2) - Math.log(1e-2)) < 1e-12);
    assert.ok(Math.abs((fromInternal(log, Math.log(1e-2)) as number) - 1e-2) < 1e-15);
    assert.deepEqual(internalBounds(log), { low: Math.log(1e-4), high: 0 });
    const cat = categoricalDistribution('c', ['sgd', 'adam', 'lion']);
    assert.equal(toInternal(cat, 'lion'), 2);
    assert.equal(fromInternal(cat, 1.4), 'adam');
    assert.equal(fromInternal(cat, 9), 'lion');
    const stepped = floatDistribution('d', 0, 0.5, { step: 0.1 });
    assert.equal(fromInternal(stepped, 0.26), 0.3); // rounded and tidied, not 0.30000000000000004
    assert.equal(fromInternal(stepped, 7), 0.5);
    assert.equal(fromInternal(intDistribution('n', 1, 7, { step: 2 }), 4.2), 5);
    assert.equal(fromInternal(intDistribution('n', 1, 100, { log: true }), Math.log(9.7)), 10);
    assert.equal(roundToStep(0.9, 0, 2, 0.5), 1);
  });
});

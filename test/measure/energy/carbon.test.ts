import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { co2Grams, GRID_INTENSITY, gridIntensity, regionCodes } from '../../../src/measure/energy/carbon.js';

describe('grid carbon intensity', () => {
  it('defaults to the world average and says so', () => {
    const g = gridIntensity();
    assert.deepEqual([g.region, g.name, g.gramsPerKWh, g.isDefault], ['WORLD', 'World', 481, true]);
    assert.match(g.source, /world average, Ember 2023 lifecycle intensity of generation, via Our World in Data/);
  });

  it('looks regions up by ISO code, any case', () => {
    assert.equal(gridIntensity({ region: 'fra' }).gramsPerKWh, 56);
    assert.equal(gridIntensity({ region: 'POL' }).gramsPerKWh, 662);
    assert.equal(gridIntensity({ region: ' swe ' }).name, 'Sweden');
    for (const code of ['USA', 'FRA', 'DEU', 'GBR', 'CHN', 'IND', 'SWE', 'NOR', 'POL', 'AUS', 'CAN', 'JPN', 'BRA']) {
      assert.ok(gridIntensity({ region: code }).gramsPerKWh > 0, code);
    }
  });

  it('takes an explicit figure, labelled by the region when given', () => {
    assert.deepEqual(gridIntensity({ gramsPerKWh: 123 }), { region: 'custom', name: '', gramsPerKWh: 123, source: 'given', isDefault: false });
    assert.equal(gridIntensity({ region: 'FRA', gramsPerKWh: 20 }).region, 'FRA');
    assert.throws(() => gridIntensity({ gramsPerKWh: -1 }), UsageError);
  });

  it('refuses an unknown region, listing the codes', () => {
    assert.throws(() => gridIntensity({ region: 'Atlantis' }), (e: unknown) =>
      e instanceof UsageError && /unknown region 'Atlantis'/.test(e.message) && e.message.includes(regionCodes()));
  });

  it('has unique ISO alpha-3 codes and plausible figures', () => {
    const codes = GRID_INTENSITY.map((r) => r.code);
    assert.equal(new Set(codes).size, codes.length);
    assert.ok(codes.length >= 20);
    for (const r of GRID_INTENSITY) {
      assert.match(r.code, /^([A-Z]{3}|WORLD)$/);
      assert.ok(r.gramsPerKWh >= 10 && r.gramsPerKWh <= 1000, r.code);
    }
  });

  it('converts joules to grams: 1 kWh at 100 g/kWh is 100 g', () => {
    assert.equal(co2Grams(3.6e6, 100), 100);
    assert.equal(co2Grams(0, 500), 0);
  });
});

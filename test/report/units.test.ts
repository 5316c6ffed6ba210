import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  fmtBytes, fmtCount, fmtFlops, fmtGrams, fmtJoules, fmtMs, fmtPercent, fmtRatio, fmtSeconds, fmtValue,
} from '../../src/report/units.js';

describe('report units', () => {
  it('counts with SI prefixes and 3 significant digits', () => {
    assert.deepEqual([0, 7, 950, 999, 1000, 44_426, 421_642, 12_345_678, 2.5e9, -1500].map(fmtCount),
      ['0', '7', '950', '999', '1.00 K', '44.4 K', '422 K', '12.3 M', '2.50 G', '-1.50 K']);
    // 999.6 rounds to 1000: printed with the next prefix, never as "1000".
    assert.equal(fmtCount(999_600), '1.00 M');
    assert.deepEqual([1_176_000, 512].map(fmtFlops), ['1.18 MFLOPs', '512 FLOPs']);
  });
  it('bytes with binary prefixes', () => {
    assert.deepEqual([0, 512, 1023, 1024, 1536, 110_411, 1_689_133, 3 * 1024 ** 3].map(fmtBytes),
      ['0 B', '512 B', '1023 B', '1.00 KiB', '1.50 KiB', '108 KiB', '1.61 MiB', '3.00 GiB']);
  });
  it('milliseconds, seconds, percentages, ratios', () => {
    assert.deepEqual([0.4123, 1.93, 12.34, 456.2, 1234].map(fmtMs), ['0.412 ms', '1.93 ms', '12.3 ms', '456 ms', '1.23 s']);
    assert.deepEqual([0.5, 12.34, 125, 3725].map(fmtSeconds), ['0.50 s', '12.3 s', '2 min 05 s', '1 h 02 min']);
    assert.deepEqual([0.98123, 1, 0, null, undefined, NaN].map((f) => fmtPercent(f)), ['98.12 %', '100.00 %', '0.00 %', '—', '—', '—']);
    assert.equal(fmtPercent(0.98123, 1), '98.1 %');
    assert.deepEqual([191.3, 6.814, 1].map(fmtRatio), ['191x', '6.81x', '1.00x']);
  });
  it('energy and CO2', () => {
    assert.deepEqual([0, 0.5, 4.8, 905, 3210, 2.5e6].map(fmtJoules), ['0 J', '500 mJ', '4.80 J', '905 J', '3.21 kJ', '2.50 MJ']);
    assert.deepEqual([0, 0.00028, 0.038, 0.423, 4.56, 1234].map(fmtGrams), ['0 g', '280 µg', '38.0 mg', '423 mg', '4.56 g', '1.23 kg']);
  });
  it('table values', () => {
    assert.deepEqual([42, 0.001234, 0.0001084, 1e7 + 0.5, 'adamw', true, null, { a: 1 }].map(fmtValue),
      ['42', '0.001234', '1.084e-4', '1.000e+7', 'adamw', 'true', '—', '{"a":1}']);
  });
  it('each formatter is self-contained, so the page can inline its source', () => {
    // Rebuild every function from its source text alone and compare on a few inputs.
    const fns = [fmtCount, fmtFlops, fmtBytes, fmtMs, fmtPercent, fmtJoules, fmtGrams, fmtSeconds, fmtRatio, fmtValue];
    const rebuilt = new Function(`${fns.map((f) => f.toString()).join('\n')}\nreturn [${fns.map((f) => f.name).join(', ')}];`)() as ((x: number) => string)[];
    for (const [i, f] of fns.entries()) {
      for (const x of [0, 0.0123, 1.5, 999.6, 123_456, 9.9e9]) assert.equal(rebuilt[i]!(x), (f as (x: number) => string)(x), `${f.name}(${x})`);
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../src/random.js';
import { explainedVariance, parameterImportance } from '../../src/tune/importance.js';
import { createStudy } from '../../src/tune/study.js';

describe('parameter importance', () => {
  it('finds the parameter that matters (numeric, log and categorical)', async () => {
    const study = await createStudy({ sampler: { name: 'random', seed: 11 } });
    const noise = mulberry32(3);
    await study.optimize((t) => {
      const x = t.suggestFloat('x', -2, 2);
      t.suggestFloat('lr', 1e-5, 1, { log: true }); // unused
      t.suggestCategorical('opt', ['a', 'b', 'c']); // unused
      t.suggestInt('n', 1, 64, { log: true }); // unused
      return x * x + 0.05 * noise.normal();
    }, { nTrials: 200 });
    const imp = parameterImportance(study.view());
    assert.deepEqual(Object.keys(imp)[0], 'x');
    assert.ok(imp['x']! > 0.9, JSON.stringify(imp));
    for (const k of ['lr', 'opt', 'n']) assert.ok(imp[k]! < 0.05, `${k}: ${JSON.stringify(imp)}`);
    assert.ok(Math.abs(Object.values(imp).reduce((a, b) => a + b, 0) - 1) < 1e-12);
  });

  it('scores a categorical that matters, on log scale where asked', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: { name: 'random', seed: 2 } });
    await study.optimize((t) => {
      const opt = t.suggestCategorical('opt', ['sgd', 'adam', 'lion']);
      const lr = t.suggestFloat('lr', 1e-5, 1, { log: true });
      return (opt === 'adam' ? 1 : 0) + 0.1 * Math.log10(lr);
    }, { nTrials: 150 });
    const imp = parameterImportance(study.view());
    // true variance shares: opt 2/9 = 0.222, lr 0.01 * 25/12 = 0.021, so about 0.91 and 0.09
    assert.ok(imp['opt']! > 0.85 && imp['opt']! < 0.97, JSON.stringify(imp));
    assert.ok(imp['lr']! > 0.03 && imp['lr']! < 0.15, JSON.stringify(imp));
  });

  it('explained variance: exact for a perfect split, ~0 for noise', () => {
    assert.equal(explainedVariance([1, 1, 5, 5], ['a', 'a', 'b', 'b']), 1);
    assert.equal(explainedVariance([1, 2, 3], ['a', 'a', 'a']), 0);
    const rng = mulberry32(1);
    const y = Array.from({ length: 300 }, () => rng.normal());
    const g = Array.from({ length: 300 }, () => rng.int(0, 10));
    assert.ok(explainedVariance(y, g) < 0.03);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machineInfo } from '../../src/measure/machine.js';
import { parseRecipe } from '../../src/recipe/parse.js';
import { recipeReport } from '../../src/recipe/report.js';
import type { RecipeRun } from '../../src/recipe/run.js';

const recipe = parseRecipe({ steps: [{ train: 'm', model: 'zoo:mlp-small' }, { eval: 'all' }] }, 'r.yaml', process.cwd());
const energy = (co2Grams: number) => ({ joules: 3.6e6, co2Grams, seconds: 10, method: 'estimate' as const, note: '' });
const run: RecipeRun = {
  recipe, outDir: 'out', dataSource: 'mnist', testSamples: 2000,
  steps: [
    // Reused from a run priced at 50 g/kWh.
    { kind: 'train', description: 'trained', artifact: { name: 'm', file: 'm.onnx', sha256: 'x' }, seconds: 10, energy: energy(50), reused: true },
    { kind: 'eval', description: 'evaluated', seconds: 1, figures: { m: { accuracy: 0.9, loss: 0.3 } }, reused: false },
  ],
};

describe('recipeReport', () => {
  it('one variant per model, with its eval figures and the energy of the step that made it', () => {
    const r = recipeReport(run, { title: 't', machine: machineInfo() });
    assert.equal(r.variants.length, 1);
    assert.equal(r.variants[0]!.accuracy, 0.9);
    assert.equal(r.variants[0]!.file, 'm.onnx');
    assert.equal(r.variants[0]!.energy!.co2Grams, 50, 'no report intensity: the recorded figure');
  });

  it('prices reused steps at the grid intensity the report states', () => {
    const r = recipeReport(run, { title: 't', machine: machineInfo(), energy: { method: 'estimate', region: 'FRA', gramsPerKWh: 30, note: '' } });
    assert.ok(Math.abs(r.variants[0]!.energy!.co2Grams - 30) < 1e-9, `1 kWh at 30 g/kWh, got ${r.variants[0]!.energy!.co2Grams}`);
  });
});

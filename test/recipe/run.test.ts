import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeNpz } from '../../src/data/npz.js';
import { loadModel } from '../../src/onnx/load.js';
import { Tensor } from '../../src/onnx/tensor.js';
import { parseRecipe } from '../../src/recipe/parse.js';
import { runRecipe } from '../../src/recipe/run.js';
import { RunState } from '../../src/recipe/state.js';

const recipe = (sparsity: number) => parseRecipe({
  seed: 3,
  steps: [
    { train: 'small', model: 'zoo:mlp-small', epochs: 1, batch: 128 },
    { prune: 'small-pruned', model: 'small', sparsity, layers: 'all' },
    { quantize: 'small-int8', model: 'small-pruned', mode: 'int8', 'calib-samples': 64 },
    { eval: 'all' },
    { bench: ['small', 'small-int8'], runs: 5, warmup: 1 },
  ],
}, 'test recipe', process.cwd());

describe('runRecipe', () => {
  const out = mkdtempSync(join(tmpdir(), 'whittle-run-'));

  it('runs every step into one folder, then reuses finished steps, and reruns what changed', async () => {
    const first = await runRecipe(recipe(0.5), { outDir: out });
    assert.deepEqual(first.steps.map((s) => s.reused), [false, false, false, false, false]);
    for (const f of ['small.onnx', 'small-pruned.onnx', 'small-int8.onnx', 'state.json']) assert.ok(existsSync(join(out, f)), f);
    const pruned = await loadModel(join(out, 'small-pruned.onnx'));
    const w = pruned.graph.initializers.get('fc1.weight')!.data as Float32Array;
    assert.ok(Math.abs(w.filter((v) => v === 0).length / w.length - 0.5) < 0.01, 'half of fc1 is zero');
    const evalFigures = first.steps[3]!.figures!;
    assert.deepEqual(Object.keys(evalFigures), ['small', 'small-pruned', 'small-int8']);
    assert.ok(evalFigures['small']!.accuracy! > 0.8, `accuracy ${evalFigures['small']!.accuracy}`);
    const bench = first.steps[4]!.figures!;
    assert.equal(bench['small']!.params, 101_770);
    assert.ok(bench['small-int8']!.brotliBytes! < bench['small']!.brotliBytes! / 3);
    assert.ok(bench['small']!.latencyMsP50! > 0);

    const trained = statSync(join(out, 'small.onnx')).mtimeMs;
    const second = await runRecipe(recipe(0.5), { outDir: out });
    assert.deepEqual(second.steps.map((s) => s.reused), [true, true, true, true, true]);
    assert.equal(statSync(join(out, 'small.onnx')).mtimeMs, trained, 'the trained model was not rewritten');
    assert.deepEqual(second.steps[3]!.figures, evalFigures);

    // A changed option reruns that step and everything that reads its model.
    const third = await runRecipe(recipe(0.7), { outDir: out });
    assert.deepEqual(third.steps.map((s) => s.reused), [true, false, false, false, false]);

    // A deleted or altered artifact is made again.
    rmSync(join(out, 'small-int8.onnx'));
    const fourth = await runRecipe(recipe(0.7), { outDir: out });
    assert.deepEqual(fourth.steps.map((s) => s.reused), [true, true, false, true, true]);
    assert.ok(existsSync(join(out, 'small-int8.onnx')));

    const fresh = await runRecipe(recipe(0.7), { outDir: out, fresh: true });
    assert.ok(fresh.steps.every((s) => !s.reused));
  });

  it('stops when aborted, keeping the steps already finished', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-abort-'));
    const controller = new AbortController();
    await assert.rejects(runRecipe(recipe(0.5), {
      outDir: dir, signal: controller.signal,
      onEvent: (e) => { if (e.type === 'step-done' && e.index === 0) controller.abort(); },
    }), { name: 'AbortError' });
    assert.ok(existsSync(join(dir, 'small.onnx')));
    assert.ok(!existsSync(join(dir, 'small-pruned.onnx')));
    const resumed = await runRecipe(recipe(0.5), { outDir: dir });
    assert.deepEqual(resumed.steps.map((s) => s.reused), [true, false, false, false, false]);
  });

  it('reruns steps when a .npz data file is rewritten in place (the data is fingerprinted by content)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-npz-'));
    const write = (name: string, n: number, seed: number) => {
      const image = new Float32Array(n * 784).map((_, i) => ((i * 2654435761 + seed) % 1000) / 1000);
      const labels = new BigInt64Array(n).map((_, i) => BigInt((i + seed) % 10));
      writeNpz(join(dir, name), { image: new Tensor('float32', [n, 1, 28, 28], image), labels: new Tensor('int64', [n], labels) });
    };
    write('train.npz', 64, 1);
    write('test.npz', 32, 2);
    const npzRecipe = () => parseRecipe({
      data: { train: 'train.npz', test: 'test.npz' },
      steps: [{ train: 'm', model: 'zoo:mlp-small', epochs: 1, batch: 32 }, { eval: 'all' }],
    }, 'npz recipe', dir);
    const out = join(dir, 'out');
    await runRecipe(npzRecipe(), { outDir: out });
    const again = await runRecipe(npzRecipe(), { outDir: out });
    assert.deepEqual(again.steps.map((s) => s.reused), [true, true]);
    write('train.npz', 64, 7);
    const changed = await runRecipe(npzRecipe(), { outDir: out });
    assert.deepEqual(changed.steps.map((s) => s.reused), [false, false]);
  });

  it('refuses a state.json it cannot read with one clear error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-state-'));
    for (const text of ['null', '{"version":1,"steps":null}', '{"version":1,"steps":[]}', '{"version":9,"steps":{}}', '{oops']) {
      writeFileSync(join(dir, 'state.json'), text);
      assert.throws(() => RunState.open(dir, 'r.yaml'), { name: 'RecipeError', message: /state\.json: .*delete it, or choose another output folder/ }, text);
    }
  });
});

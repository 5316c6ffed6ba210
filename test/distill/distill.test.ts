/**
 * distill() end to end on MNIST digits in ONNX Runtime: a trained teacher improves a student,
 * the teacher's cached logits match the teacher, hint projections train and vanish from the
 * result, unlabelled data at alpha = 1, a teacher with another input name, and clear errors.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ArrayDataset, subset, type Dataset } from '../../src/data/dataset.js';
import { loadMnist } from '../../src/data/mnist.js';
import { distill } from '../../src/distill/index.js';
import { UsageError } from '../../src/errors.js';
import type { Model } from '../../src/graph/ir.js';
import { countParameters } from '../../src/measure/params.js';
import { buildZooModel } from '../../src/nn/zoo.js';
import { evaluate } from '../../src/train/evaluate.js';
import { fit } from '../../src/train/fit.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const { train: all, test: allTest } = loadMnist({ seed: 0 });
const train = subset(all, range(2000));
const test = subset(allTest, range(500));
// lr 1e-2: at T = 4 the student must grow its logits to the teacher's scale, slow at 1e-3 in 2 epochs.
const common = { batchSize: 64, threads: 1, seed: 0, optimizer: { name: 'adamw', lr: 1e-2 } } as const;
let teacher: Model;

before(async () => {
  teacher = (await fit(buildZooModel('lenet', { seed: 0 }), train, { ...common, loss: { kind: 'cross-entropy' }, optimizer: { name: 'adamw', lr: 3e-3 }, epochs: 3 })).model;
});

/** `data` without its labels column. */
function unlabelled(data: Dataset): Dataset {
  const b = data.batch(range(data.size));
  return new ArrayDataset({ image: b['image']! });
}

describe('distill', () => {
  it('trains a small student from the teacher, reports both models, and leaves the inputs unchanged', async () => {
    const student = buildZooModel('mlp', { seed: 1, widths: [16] });
    const before = (await evaluate(student, test)).accuracy!;
    const r = await distill(teacher, student, train, { ...common, epochs: 2, validation: test });
    const acc = r.student.validation!.accuracy!;
    assert.ok(acc > 0.8 && acc > before + 0.5, `student accuracy ${before} -> ${acc}`);
    assert.equal(r.temperature, 4);
    assert.equal(r.alpha, 0.9);
    assert.equal(r.steps, 2 * Math.ceil(2000 / 64));
    assert.equal(r.teacher.params, countParameters(teacher).total);
    assert.equal(r.student.params, 784 * 16 + 16 + 16 * 10 + 10);
    assert.equal(r.compression, r.teacher.params / r.student.params);
    assert.equal(r.teacher.cacheBytes, 2000 * 10 * 4);
    assert.equal(r.teacher.validation!.accuracy, (await evaluate(teacher, test)).accuracy);
    // The cached logits are the teacher's: its accuracy from the cache equals a fresh evaluation.
    assert.equal(r.teacher.trainAccuracy, (await evaluate(teacher, train)).accuracy);
    assert.deepEqual(r.model.graph.inputs, student.graph.inputs);
    assert.deepEqual(r.model.graph.nodes, student.graph.nodes);
    assert.notDeepEqual(r.model.graph.initializers.get('fc1.weight')!.data, student.graph.initializers.get('fc1.weight')!.data);
  });

  it('hints: a learned MatMul (fc features) and 1x1 Conv (conv features) projection, removed from the result', async () => {
    const student = buildZooModel('lenet', { seed: 2, widths: [4, 8, 16] });
    const data = subset(train, range(500));
    const hints = [
      { student: '/relu3/Relu_output_0', teacher: '/relu3/Relu_output_0', weight: 0.5 },
      { student: '/relu1/Relu_output_0', teacher: '/relu1/Relu_output_0' },
    ];
    const plain = await distill(teacher, student, data, { ...common, epochs: 1 });
    const seen: Model[] = [];
    const hinted = await distill(teacher, student, data, { ...common, epochs: 4, hints, callbacks: [{ onEpochEnd: (_r, c) => { seen.push(c.model()); } }] });
    // A callback (e.g. a checkpoint) sees the student without the projections too.
    assert.equal(seen.length, 4);
    assert.deepEqual(seen[3]!.graph.nodes, student.graph.nodes);
    assert.deepEqual([...seen[3]!.graph.initializers.keys()], [...student.graph.initializers.keys()]);
    assert.equal(hinted.teacher.cacheBytes, 500 * (10 + 64 + 8 * 26 * 26) * 4);
    assert.deepEqual(hinted.model.graph.nodes, student.graph.nodes);
    assert.deepEqual([...hinted.model.graph.initializers.keys()], [...student.graph.initializers.keys()]);
    assert.equal(hinted.student.params, plain.student.params);
    // The hint terms changed the training (same seed, same batches otherwise).
    assert.notDeepEqual(hinted.model.graph.initializers.get('conv1.weight')!.data, plain.model.graph.initializers.get('conv1.weight')!.data);
    assert.ok(hinted.history[0]!.trainLoss > plain.history[0]!.trainLoss, 'the hint terms add to the loss');
    const losses = hinted.history.map((h) => h.trainLoss);
    assert.ok(losses.every((l, i) => i === 0 || l < losses[i - 1]!), `loss falls every epoch: ${losses.join(', ')}`);
    assert.ok((await evaluate(hinted.model, test)).accuracy! > 0.2, 'the hinted student learned (24 steps)');
  });

  it('alpha = 1 trains on unlabelled data (the teacher top-1 as labels); alpha < 1 needs labels', async () => {
    const student = buildZooModel('mlp', { seed: 3, widths: [16] });
    const data = unlabelled(subset(train, range(1000)));
    const r = await distill(teacher, student, data, { ...common, epochs: 2, alpha: 1, validation: test });
    assert.equal(r.teacher.trainAccuracy, null);
    assert.ok(r.student.validation!.accuracy! > 0.7);
    await assert.rejects(distill(teacher, student, data, { alpha: 0.5 }), /needs class labels/);
  });

  it('feeds a teacher whose one input has another name from the student input column (training and validation)', async () => {
    const inputs = teacher.graph.inputs.map((i) => (i.name === 'image' ? { ...i, name: 'pixels' } : i));
    const nodes = teacher.graph.nodes.map((n) => ({ ...n, inputs: n.inputs.map((v) => (v === 'image' ? 'pixels' : v)) }));
    const renamed: Model = { ...teacher, graph: { ...teacher.graph, inputs, nodes } };
    const r = await distill(renamed, buildZooModel('mlp', { widths: [8] }), subset(train, range(256)), { ...common, steps: 2, validation: test });
    assert.equal(r.teacher.trainAccuracy, (await evaluate(teacher, subset(train, range(256)))).accuracy);
    // The teacher is scored on the validation data through the same column.
    assert.equal(r.teacher.validation!.accuracy, (await evaluate(teacher, test)).accuracy);
  });

  it('rejects bad options with one clear error naming the models', async () => {
    const student = buildZooModel('mlp', { widths: [8] });
    const small = subset(train, range(64));
    const names = { teacher: 'T.onnx', student: 'S.onnx' };
    await assert.rejects(distill(teacher, buildZooModel('mlp', { classes: 5 }), small, { names }),
      (e: Error) => e instanceof UsageError && /teacher T.onnx gives 10 classes .* student S.onnx gives 5/.test(e.message));
    await assert.rejects(distill(teacher, student, small, { alpha: 1.5 }), /alpha must be in \[0, 1\], got 1.5/);
    await assert.rejects(distill(teacher, student, small, { temperature: 0 }), /temperature must be a number > 0, got 0/);
    await assert.rejects(distill(teacher, student, small, { names, hints: [{ student: 'nope', teacher: 'logits' }] }), /student S.onnx has no value 'nope'/);
    await assert.rejects(distill(teacher, student, small, { names, hints: [{ student: 'logits', teacher: 'nope' }] }), /teacher T.onnx has no value 'nope'/);
    await assert.rejects(distill(teacher, student, small, { names, hints: [{ student: 'logits', teacher: 'conv1.weight' }] }),
      /'conv1.weight' is a weight of the teacher T.onnx; hint an intermediate value/);
    await assert.rejects(distill(teacher, student, small, { names, hints: [{ student: 'fc1.weight', teacher: 'logits' }] }),
      /'fc1.weight' is a weight of the student S.onnx/);
    await assert.rejects(distill(teacher, student, small, { hints: [{ student: '/relu/Relu_output_0', teacher: '/relu1/Relu_output_0' }] }),
      /cannot be projected onto teacher shape \[N, 8, 26, 26\]/);
    await assert.rejects(distill(teacher, student, new ArrayDataset({ x: small.batch([0])['image']! }), { names }), /no array 'image' .* student S.onnx/);
  });
});

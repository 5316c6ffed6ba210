/** whittle distill from the command line: a real run with --json and the table, and bad input (one line, exit 2). */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { loadMnist } from '../../src/data/mnist.js';
import { countParameters } from '../../src/measure/params.js';
import { buildZooModel } from '../../src/nn/zoo.js';
import { loadModel } from '../../src/onnx/load.js';
import { saveModel } from '../../src/onnx/save.js';
import { fit } from '../../src/train/fit.js';
import { whittle } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'whittle-distill-cli-'));
/** The teacher: the zoo LeNet trained one epoch on the MNIST training digits (about 90%). */
const LENET = join(dir, 'lenet.onnx');
const FIVE = join(dir, 'five-classes.onnx');

before(async () => {
  const { train } = loadMnist({ seed: 0 });
  const trained = await fit(buildZooModel('lenet'), train, { loss: { kind: 'cross-entropy' }, optimizer: { name: 'adamw', lr: 3e-3 }, threads: 1 });
  await saveModel(trained.model, LENET);
  await saveModel(buildZooModel('mlp', { classes: 5, widths: [8] }), FIVE);
});

describe('whittle distill', () => {
  it('distills a trained LeNet into a zoo MLP with 16 hidden units (--json)', async () => {
    const out = join(dir, 'student.onnx');
    const r = whittle(['distill', '--teacher', LENET, '--model', 'mlp', '--widths', '16', '--dataset', 'mnist',
      '--steps', '60', '--lr', '0.01', '--temperature', '3', '--alpha', '0.8', '--threads', '1', '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    const student = await loadModel(out);
    assert.equal(doc.student.params, countParameters(student).total);
    assert.equal(doc.student.params, 784 * 16 + 16 + 16 * 10 + 10);
    assert.equal(doc.teacher.params, countParameters(await loadModel(LENET)).total);
    assert.equal(doc.compression, Math.round((doc.teacher.params / doc.student.params) * 1000) / 1000);
    assert.ok(doc.teacher.accuracy > 0.9, `teacher accuracy ${doc.teacher.accuracy}`);
    assert.ok(doc.student.accuracy > 0.6, `student accuracy ${doc.student.accuracy}`);
    assert.equal(doc.accuracyKept, Math.round((doc.student.accuracy / doc.teacher.accuracy) * 1000) / 1000);
    assert.equal(doc.temperature, 3);
    assert.equal(doc.alpha, 0.8);
    assert.equal(doc.steps, 60);
    assert.equal(doc.student.source, 'zoo:mlp:16');
  });

  it('prints teacher and student accuracy, params and the ratio; a hint leaves no projection behind', async () => {
    const out = join(dir, 'hinted.onnx');
    const r = whittle(['distill', '--teacher', LENET, '--model', 'mlp', '--widths', '16', '--dataset', 'mnist', '--steps', '10',
      '--hint', '/relu/Relu_output_0=/relu3/Relu_output_0:0.5', '--threads', '1', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /params {6}27\.6 K -> 12\.7 K \(2\.2x fewer\)/);
    assert.match(r.stdout, /accuracy {4}teacher \d+\.\d\d%, student \d+\.\d\d% \(held-out data\); the student keeps \d+\.\d% of the teacher's accuracy/);
    const model = await loadModel(out);
    assert.deepEqual(model.graph.nodes.map((n) => n.opType), ['Flatten', 'Gemm', 'Relu', 'Gemm']);
  });

  it('says "x more" when the student has more parameters than the teacher', () => {
    const out = join(dir, 'bigger.onnx');
    const r = whittle(['distill', '--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--steps', '1', '--threads', '1', '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /params {6}27\.6 K -> 204 K \(7\.4x more\)/);
  });

  const bad: [string, string[], RegExp][] = [
    ['missing teacher', ['--model', 'mlp', '--dataset', 'mnist'], /missing --teacher T\.onnx/],
    ['teacher file absent', ['--teacher', join(dir, 'nope.onnx'), '--model', 'mlp', '--dataset', 'mnist'], /--teacher .*nope\.onnx: no such file/],
    ['no student', ['--teacher', LENET, '--dataset', 'mnist'], /missing the student/],
    ['class count mismatch', ['--teacher', LENET, '--student', FIVE, '--dataset', 'mnist'], /teacher .*lenet\.onnx gives 10 classes .* student .*five-classes\.onnx gives 5/],
    ['alpha outside [0, 1]', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--alpha', '1.5'], /--alpha must be a number in \[0, 1\], got '1\.5'/],
    ['temperature <= 0', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--temperature', '0'], /--temperature must be a number > 0, got '0'/],
    ['negative temperature', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--temperature', '-2'], /--temperature must be a number > 0, got '-2'/],
    ['unknown student hint value', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--hint', 'fc9=/relu3/Relu_output_0'], /student zoo:mlp has no value 'fc9'/],
    ['unknown teacher hint value', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--hint', '/relu/Relu_output_0=fc9'], /teacher .*lenet\.onnx has no value 'fc9'/],
    ['bad hint syntax', ['--teacher', LENET, '--model', 'mlp', '--dataset', 'mnist', '--hint', 'a=b:x'], /--hint 'a=b:x' is not STUDENT_VALUE=TEACHER_VALUE\[:WEIGHT\]/],
    ['bad widths', ['--teacher', LENET, '--model', 'lenet', '--widths', '4,8', '--dataset', 'mnist'], /widths of 'lenet' must be 3 positive integer/],
    ['student file and zoo', ['--teacher', LENET, '--student', FIVE, '--model', 'mlp', '--dataset', 'mnist'], /either --student S\.onnx or --model ZOO/],
  ];
  for (const [what, args, message] of bad) {
    it(`bad input: ${what} (one line, exit 2, no output file)`, () => {
      const out = join(dir, `bad-${what.replace(/\W+/g, '-')}.onnx`);
      const r = whittle(['distill', ...args, '--steps', '1', '-o', out]);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(out), false);
    });
  }
});

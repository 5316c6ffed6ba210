/**
 * Knowledge distillation on MNIST (8,000 training / 2,000 test digits, seeded split): a CNN
 * teacher trained by whittle, a student with at most 1/10 of its parameters trained (a) alone on
 * the labels and (b) distilled from the teacher, on the same budget (epochs, optimizer, batch,
 * seed). Prints one JSON document.
 *
 *   node dist/bench/distill.js [--teacher lenet:32,64,128] [--student lenet:8,16,32] [--teacher-epochs 6]
 *     [--epochs 15] [--seeds 0,1,2] [--temperature 4] [--alpha 0.9] [--threads 2]
 *
 * Model specs: a zoo name with optional widths (`buildZooModel`'s `widths`): `lenet:C1,C2,F`
 * (conv C1 3x3, ReLU, maxpool 2, conv C2 3x3, ReLU, maxpool 2, fc F, ReLU, fc 10; the default
 * LeNet is 8,16,64), `mlp:H` (784-H-10), `resnet`...
 *
 * Goals (issue 6): the distilled student keeps >= 97% of the teacher's test accuracy with
 * <= 1/10 of its parameters, and beats the same student trained alone on the same budget
 * (Hinton et al. 2015 report 74 test errors distilled vs 146 alone for an MNIST student).
 */
import { loadMnist } from '../src/data/mnist.js';
import { distill } from '../src/distill/index.js';
import { UsageError } from '../src/errors.js';
import type { Model } from '../src/graph/ir.js';
import { countParameters } from '../src/measure/params.js';
import { buildZooModel, isZooName } from '../src/nn/zoo.js';
import { evaluate } from '../src/train/evaluate.js';
import { fit } from '../src/train/fit.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

/** A zoo model from a spec `NAME[:W1,W2,...]` (the zoo's `widths` option), seeded. */
export function modelFromSpec(spec: string, seed: number): Model {
  const [name = '', args] = spec.split(':');
  if (!isZooName(name)) throw new UsageError(`model spec '${spec}' is not NAME[:WIDTHS] with a zoo name`);
  return buildZooModel(name, { seed, ...(args ? { widths: args.split(',').map(Number) } : {}) });
}

async function main(): Promise<void> {
  const teacherSpec = flag('--teacher', 'lenet:32,64,128');
  const studentSpec = flag('--student', 'lenet:8,16,32');
  const teacherEpochs = Number(flag('--teacher-epochs', '6'));
  const epochs = Number(flag('--epochs', '15'));
  const seeds = flag('--seeds', '0').split(',').map(Number);
  const temperature = Number(flag('--temperature', '4'));
  const alpha = Number(flag('--alpha', '0.9'));
  const threads = Number(flag('--threads', '2'));
  const { train, test } = loadMnist({ seed: 0 });
  const optimizer = { name: 'adamw' as const, lr: 1e-3 };
  const budget = { optimizer, batchSize: 64, epochs, threads };

  let t0 = performance.now();
  const teacher = (await fit(modelFromSpec(teacherSpec, 0), train, {
    loss: { kind: 'cross-entropy' }, optimizer, batchSize: 64, epochs: teacherEpochs, threads, seed: 0,
  })).model;
  const teacherSeconds = (performance.now() - t0) / 1000;
  const teacherAcc = (await evaluate(teacher, test)).accuracy!;
  const teacherParams = countParameters(teacher).total;
  const runs = [];
  for (const seed of seeds) {
    t0 = performance.now();
    const alone = (await fit(modelFromSpec(studentSpec, seed), train, { ...budget, seed, loss: { kind: 'cross-entropy' } })).model;
    const aloneSeconds = (performance.now() - t0) / 1000;
    const aloneAcc = (await evaluate(alone, test)).accuracy!;
    t0 = performance.now();
    const result = await distill(teacher, modelFromSpec(studentSpec, seed), train, { ...budget, seed, temperature, alpha, validation: test });
    const distillSeconds = (performance.now() - t0) / 1000;
    const acc = result.student.validation!.accuracy!;
    runs.push({
      seed,
      alone: { accuracy: round(aloneAcc), errors: Math.round((1 - aloneAcc) * test.size), seconds: round(aloneSeconds, 1) },
      distilled: { accuracy: round(acc), errors: Math.round((1 - acc) * test.size), seconds: round(distillSeconds, 1) },
      keptOfTeacher: round(acc / teacherAcc),
      beatsAlone: acc > aloneAcc,
    });
  }
  const studentParams = countParameters(modelFromSpec(studentSpec, 0)).total;
  const kept = runs.map((r) => r.keptOfTeacher);
  console.log(JSON.stringify({
    bench: 'distill',
    data: { train: train.size, test: test.size },
    teacher: { spec: teacherSpec, params: teacherParams, epochs: teacherEpochs, accuracy: round(teacherAcc), errors: Math.round((1 - teacherAcc) * test.size), seconds: round(teacherSeconds, 1) },
    student: { spec: studentSpec, params: studentParams, epochs },
    paramsRatio: round(studentParams / teacherParams),
    temperature, alpha, optimizer, batch: 64,
    runs,
    goals: {
      paramsAtMostTenth: studentParams * 10 <= teacherParams,
      keeps97Percent: kept.every((k) => k >= 0.97),
      beatsAlone: runs.every((r) => r.beatsAlone),
    },
  }, null, 2));
}

if (process.argv[1]?.endsWith('distill.js')) await main();

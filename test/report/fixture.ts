/**
 * A realistic report: the demo's five variants (teacher CNN -> distilled student -> pruned ->
 * INT8 / INT4) with training histories, per-layer sparsity and sensitivity, energy, and a
 * two-objective study with pruned trials. Seeded, so every run draws the same page.
 */
import { mulberry32 } from '../../src/random.js';
import type { ReportData, TrialReport, VariantReport } from '../../src/report/types.js';

function history(epochs: number, start: { loss: number; acc: number }, end: { loss: number; acc: number }, seed: number) {
  const rng = mulberry32(seed);
  return Array.from({ length: epochs }, (_, e) => {
    const t = epochs === 1 ? 1 : 1 - Math.exp(-3 * (e / (epochs - 1)));
    const loss = start.loss + (end.loss - start.loss) * t;
    const acc = start.acc + (end.acc - start.acc) * t;
    return {
      epoch: e + 1,
      trainLoss: loss * (1 + 0.03 * rng.normal()),
      trainAccuracy: Math.min(1, acc + 0.004 * rng.normal()),
      valLoss: loss * 1.08 * (1 + 0.03 * rng.normal()),
      valAccuracy: Math.min(1, acc - 0.004 + 0.003 * rng.normal()),
    };
  });
}

const STUDENT_LAYERS = ['conv1.weight', 'conv2.weight', 'fc1.weight', 'fc2.weight'];

export function sampleVariants(): VariantReport[] {
  return [
    {
      name: 'teacher', description: 'CNN trained on MNIST (AdamW, cosine schedule)', file: 'teacher.onnx',
      accuracy: 0.9921, params: 421_642, flops: 12_345_678, sizeBytes: 1_689_133, brotliBytes: 1_553_410, latencyMsP50: 9.81, latencyBatch: 64,
      energy: { joules: 3_210, co2Grams: 0.423, seconds: 61.2, method: 'estimate' },
      history: history(6, { loss: 0.42, acc: 0.88 }, { loss: 0.028, acc: 0.9935 }, 1),
    },
    {
      name: 'student', description: 'distilled from the teacher (T = 4, alpha = 0.9)', parent: 'teacher', file: 'student.onnx',
      accuracy: 0.9853, params: 27_354, flops: 1_176_000, sizeBytes: 110_411, brotliBytes: 101_327, latencyMsP50: 1.93, latencyBatch: 64,
      energy: { joules: 905, co2Grams: 0.119, seconds: 24.4, method: 'estimate' },
      history: history(8, { loss: 0.95, acc: 0.74 }, { loss: 0.061, acc: 0.987 }, 2),
    },
    {
      name: 'student-pruned', description: '80% magnitude pruning + 2 epochs of fine-tuning', parent: 'student', file: 'student-pruned.onnx',
      accuracy: 0.9841, params: 27_354, nonZeroParams: 6_120, flops: 1_176_000, sizeBytes: 110_411, brotliBytes: 29_870, latencyMsP50: 1.9, latencyBatch: 64,
      energy: { joules: 288, co2Grams: 0.038, seconds: 7.9, method: 'estimate' },
      history: history(2, { loss: 0.12, acc: 0.962 }, { loss: 0.066, acc: 0.985 }, 3),
      layers: STUDENT_LAYERS.map((name, i) => ({ name, sparsity: [0, 0.85, 0.9, 0][i]! })),
    },
    {
      name: 'student-int8', description: 'INT8 static QDQ, per-channel, MinMax calibration', parent: 'student-pruned', file: 'student-int8.onnx',
      accuracy: 0.9838, params: 27_354, nonZeroParams: 6_120, flops: 1_176_000, sizeBytes: 31_204, brotliBytes: 9_912, latencyMsP50: 1.21, latencyBatch: 64,
      energy: { joules: 4.8, co2Grams: 0.00063, seconds: 0.21, method: 'estimate' },
      layers: STUDENT_LAYERS.map((name, i) => ({ name, sparsity: [0, 0.85, 0.9, 0][i]!, sensitivity: [3.1e-3, 8.4e-4, 2.2e-4, 1.5e-3][i]!, bits: 8 })),
    },
    {
      name: 'student-int4', description: 'INT4 weight-only (MatMulNBits, block 32)', parent: 'student-pruned', file: 'student-int4.onnx',
      accuracy: 0.9807, params: 27_354, nonZeroParams: 6_120, flops: 1_176_000, sizeBytes: 24_880, brotliBytes: 8_121, latencyMsP50: 1.44, latencyBatch: 64,
      energy: { joules: 2.1, co2Grams: 0.00028, seconds: 0.09, method: 'estimate' },
      layers: STUDENT_LAYERS.map((name, i) => ({ name, sensitivity: [2.4e-2, 6.1e-3, 1.9e-3, 1.1e-2][i]!, bits: [32, 4, 4, 32][i]! })),
    },
  ];
}

/** A two-objective study (accuracy max, size min) of `n` trials; every fifth is pruned, one failed. */
export function sampleTrials(n: number): TrialReport[] {
  const rng = mulberry32(7);
  return Array.from({ length: n }, (_, k): TrialReport => {
    const lr = 10 ** (-4 + 3 * rng.next());
    const width = [16, 32, 64, 128][rng.int(0, 4)]!;
    const quality = 1 - Math.abs(Math.log10(lr) + 2.5) / 2;
    const steps = k % 5 === 4 ? 2 : 5;
    const intermediate: Record<number, number> = {};
    for (let s = 1; s <= steps; s++) intermediate[s] = 0.7 + 0.28 * quality * (1 - Math.exp(-s)) + 0.01 * rng.normal();
    const base = { number: k, params: { optimizer: k % 3 === 0 ? 'sgd' : 'adamw', lr, width, batch: [32, 64, 128][k % 3]! }, intermediate, durationS: 2 + 10 * rng.next() };
    if (k === 11) return { ...base, state: 'failed', intermediate: {} };
    if (k % 5 === 4) return { ...base, state: 'pruned' };
    const acc = Math.min(0.995, 0.9 + 0.08 * quality + 0.01 * Math.log2(width / 16) / 3 + 0.004 * rng.normal());
    return { ...base, state: 'complete', values: [acc, width * 3_400 + 2_000] };
  });
}

export function sampleReport(options: { tuning?: boolean } = {}): ReportData {
  const trials = sampleTrials(30);
  // The study's best = the Pareto front of the complete trials (accuracy max, size min).
  const done = trials.filter((t) => t.values);
  const best = done.filter((a) => !done.some((b) => b !== a && b.values![0]! >= a.values![0]! && b.values![1]! <= a.values![1]!
    && (b.values![0]! > a.values![0]! || b.values![1]! < a.values![1]!))).map((t) => t.number);
  return {
    title: 'MNIST: teacher \u2192 student \u2192 pruned \u2192 INT8 / INT4',
    createdAt: '2026-11-23T21:14:05.000Z',
    machine: { cpu: 'AMD EPYC 7B13', cores: 2, memoryGiB: 7.8, os: 'Linux 6.1.0 x64', node: 'v20.20.2', onnxruntime: '1.30.0', whittle: '0.1.0' },
    settings: { dataset: 'mnist (8000 train / 2000 test)', seed: 42, teacherEpochs: 6, studentEpochs: 8, temperature: 4, alpha: 0.9, sparsity: 0.8, threads: 2, optimizer: { name: 'adamw', lr: 0.001 } },
    energy: { method: 'estimate', region: 'world', gramsPerKWh: 475, note: 'RAPL counters at /sys/class/powercap were not readable; assumed 12.5 W per busy core.' },
    variants: sampleVariants(),
    ...(options.tuning === false ? {} : {
      tuning: {
        study: 'mnist-mlp', objectives: [{ name: 'accuracy', direction: 'maximize' }, { name: 'size (bytes)', direction: 'minimize' }],
        trials, importance: { lr: 0.61, width: 0.22, optimizer: 0.12, batch: 0.05 }, best,
      },
    }),
  };
}

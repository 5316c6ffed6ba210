/** `whittle distill`: train a small student from a teacher ONNX model (knowledge distillation). */
import { existsSync } from 'node:fs';
import { distill } from '../distill/index.js';
import { DISTILL_DEFAULTS, type DistillHint } from '../distill/types.js';
import { UsageError } from '../errors.js';
import type { Model } from '../graph/ir.js';
import { ZOO_NAMES, buildZooModel, isZooName } from '../nn/zoo.js';
import { loadModel } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import { outputFlag, parseFlags, type Parsed } from './args.js';
import type { Command, Io } from './command.js';
import { checkData, commandData } from './data.js';
import { humanCount } from './format.js';
import { progressBar } from './progress.js';
import { LOOP_FLAGS, loopFromFlags, numberFlag } from './train-options.js';

const FLAGS = {
  teacher: { type: 'string' }, student: { type: 'string' }, model: { type: 'string' }, widths: { type: 'string' },
  dataset: { type: 'string' }, data: { type: 'string' }, 'val-data': { type: 'string' }, labels: { type: 'string' },
  temperature: { type: 'string' }, alpha: { type: 'string' }, hint: { type: 'string', multiple: true },
  ...LOOP_FLAGS, output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' },
} as const;

const HELP = `usage: whittle distill --teacher T.onnx (--student S.onnx | --model ZOO [--widths W,..])
                       (--dataset mnist | --data FILE.npz) -o OUT.onnx [options]

Trains a student from a teacher (Hinton, Vinyals & Dean 2015): the teacher runs once over the
training data in ONNX Runtime and its logits are cached; the student minimizes
alpha * T^2 * KL(softmax(teacher/T) || softmax(student/T)) + (1 - alpha) * CE(student, labels).

models:
  --teacher T.onnx        any ONNX classifier (logits [N, classes] as its first output)
  --student S.onnx        the student to train, or:
  --model ZOO             a zoo student (${ZOO_NAMES.join(', ')})
  --widths W,..           zoo layer widths: mlp H (default 256); lenet C1,C2,F (default 8,16,64)
distillation:
  --temperature T         softmax temperature > 0 (default ${DISTILL_DEFAULTS.temperature})
  --alpha A               weight of the teacher term in [0, 1] (default ${DISTILL_DEFAULTS.alpha}); 1 - A goes to the labels
  --hint S=T[:W]          also pull a learned projection of student value S toward teacher value T,
                          weight W (default 1); repeatable; the projection is training-only
data:
  --dataset mnist         the mnist package's 10,000 digits, seeded 8,000/2,000 split
  --data FILE.npz         training arrays (model inputs + int64 labels); --val-data FILE.npz held out
  --labels NAME           the labels array in --data files (default labels)
training (as whittle train):
  --optimizer NAME  --lr F  --weight-decay F  --momentum F  --betas B1,B2  --nesterov  --no-decay-bias
  --clip-norm F  --accumulate N  --schedule NAME  --warmup N  --min-lr F  --gamma F  --step-size N
  --epochs N | --steps N  (default 1 epoch)   --batch N (default 64)   --no-shuffle   --seed N   --threads N
output:
  -o, --output OUT.onnx   where to write the student (refuses to overwrite without --force)
  --json                  one JSON document (docs/cli.md)`;

/** `--hint S=T[:W]` flags as hints. */
function hintFlags(p: Parsed): DistillHint[] {
  const raw = p.values['hint'];
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [String(raw)];
  return list.map((item) => {
    const m = /^([^=]+)=(.+?)(?::([^:=]+))?$/.exec(item);
    const weight = m?.[3] === undefined ? 1 : Number(m[3]);
    if (!m || !(Number.isFinite(weight) && weight >= 0)) {
      throw new UsageError(`--hint '${item}' is not STUDENT_VALUE=TEACHER_VALUE[:WEIGHT] with a weight >= 0`);
    }
    return { student: m[1]!, teacher: m[2]!, weight };
  });
}

/** --student S.onnx or --model ZOO [--widths]. */
async function studentModel(p: Parsed, seed: number): Promise<{ model: Model; source: string }> {
  const file = p.values['student'] as string | undefined;
  const zoo = p.values['model'] as string | undefined;
  const widths = p.values['widths'] as string | undefined;
  if (file && zoo) throw new UsageError('give either --student S.onnx or --model ZOO, not both');
  if (!file && !zoo) throw new UsageError('missing the student: give --student S.onnx or --model ZOO');
  if (file) {
    if (widths !== undefined) throw new UsageError('--widths goes with --model');
    if (!existsSync(file)) throw new UsageError(`--student ${file}: no such file`);
    return { model: await loadModel(file), source: file };
  }
  if (!isZooName(zoo!)) throw new UsageError(`--model must be one of ${ZOO_NAMES.join(', ')}, got '${zoo}'`);
  const parsed = widths?.split(',').map((w) => (/^\d+$/.test(w.trim()) ? Number(w) : NaN));
  if (parsed?.some((w) => !(w >= 1))) throw new UsageError(`--widths must be positive integers like 8,16,32, got '${widths}'`);
  return { model: buildZooModel(zoo!, { seed, ...(parsed ? { widths: parsed } : {}) }), source: `zoo:${zoo}${widths ? `:${widths}` : ''}` };
}

export const distillCommand: Command = {
  name: 'distill',
  summary: 'train a small student from a teacher model (knowledge distillation)',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const p = parseFlags('distill', argv, FLAGS);
    if (p.positionals.length) throw new UsageError(`unexpected argument '${p.positionals[0]}' (the teacher goes in --teacher T.onnx)`);
    const teacherPath = p.values['teacher'] as string | undefined;
    if (!teacherPath) throw new UsageError('missing --teacher T.onnx (the model to distill from)');
    if (!existsSync(teacherPath)) throw new UsageError(`--teacher ${teacherPath}: no such file`);
    const out = outputFlag(p, 'student');
    const temperature = numberFlag(p, 'temperature', (n) => n > 0, 'a number > 0') ?? DISTILL_DEFAULTS.temperature;
    const alpha = numberFlag(p, 'alpha', (n) => n >= 0 && n <= 1, 'a number in [0, 1]') ?? DISTILL_DEFAULTS.alpha;
    const hints = hintFlags(p);
    const loop = loopFromFlags(p);
    const { seed, batchSize, optimizer, schedule } = loop;
    const labels = p.values['labels'] as string | undefined;
    const data = commandData(p, 'distill', labels ? { labels } : {});
    const teacher = await loadModel(teacherPath);
    const student = await studentModel(p, seed);
    const where = (flag: string, file: string) => (file === 'mnist' ? 'mnist' : `${flag} ${file}`);
    checkData(student.model, data.train, where('--data', data.source), true);
    if (data.validation) checkData(student.model, data.validation, where('--val-data', (p.values['val-data'] as string | undefined) ?? data.source), true);

    let bar: ReturnType<typeof progressBar> | undefined;
    const t0 = performance.now();
    const result = await distill(teacher, student.model, data.train, {
      ...loop.fit, temperature, alpha, hints,
      names: { teacher: teacherPath, student: student.source },
      ...(data.validation ? { validation: data.validation } : {}),
      onStep: ({ step, totalSteps }) => { (bar ??= progressBar(io, 'distill', totalSteps)).update(step); },
    });
    bar?.done();
    const saved = await saveModel(result.model, out);
    const last = result.history.at(-1);
    const doc = {
      model: saved.path,
      teacher: {
        path: teacherPath, params: result.teacher.params,
        accuracy: result.teacher.validation?.accuracy ?? null, trainAccuracy: result.teacher.trainAccuracy,
      },
      student: {
        source: student.source, params: result.student.params,
        accuracy: result.student.validation?.accuracy ?? null, trainAccuracy: last?.trainAccuracy ?? null,
      },
      compression: round(result.compression),
      accuracyKept: (result.teacher.validation?.accuracy ?? 0) > 0 && result.student.validation?.accuracy != null
        ? round(result.student.validation.accuracy / result.teacher.validation!.accuracy!) : null,
      data: data.source,
      temperature, alpha, hints, optimizer, schedule, batch: batchSize, seed,
      steps: result.steps,
      epochs: result.history,
      seconds: round((performance.now() - t0) / 1000),
    };
    if (p.values.json) {
      io.out(JSON.stringify(doc, null, 2));
      return;
    }
    const pct = (x: number | null | undefined) => (x == null ? '-' : `${(100 * x).toFixed(2)}%`);
    const heldOut = data.validation ? 'held-out' : 'training';
    io.out([
      `distilled ${teacherPath} into ${student.source} on ${data.source}: ${result.steps} steps, T ${temperature}, alpha ${alpha} -> ${saved.path}`,
      `params      ${humanCount(doc.teacher.params)} -> ${humanCount(doc.student.params)} (${doc.compression >= 1 ? `${doc.compression.toFixed(1)}x fewer` : `${(1 / doc.compression).toFixed(1)}x more`})`,
      `accuracy    teacher ${pct(data.validation ? doc.teacher.accuracy : doc.teacher.trainAccuracy)}, student ${pct(data.validation ? doc.student.accuracy : doc.student.trainAccuracy)} (${heldOut} data)` +
        (doc.accuracyKept !== null ? `; the student keeps ${(100 * doc.accuracyKept).toFixed(1)}% of the teacher's accuracy` : ''),
      `total ${doc.seconds.toFixed(1)} s`,
    ].join('\n'));
  },
};

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

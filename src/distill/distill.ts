/**
 * `distill`: trains a student on a teacher's softened outputs (Hinton, Vinyals & Dean 2015,
 * "Distilling the Knowledge in a Neural Network", https://arxiv.org/abs/1503.02531). The teacher
 * is any ONNX model; it runs once over the training data in ONNX Runtime and its logits (and hint
 * features) are cached as dataset columns; the student then trains with `fit` on the loss
 * alpha * T^2 * KL(softmax(t / T) || softmax(s / T)) + (1 - alpha) * CE(s, y) (+ hint terms).
 */
import type { LossSpec } from '../autodiff/types.js';
import type { Dataset } from '../data/dataset.js';
import { UsageError } from '../errors.js';
import type { Model } from '../graph/ir.js';
import { inferShapes } from '../graph/shape-inference/index.js';
import { countParameters } from '../measure/params.js';
import { evaluate, type Evaluation } from '../train/evaluate.js';
import { fit } from '../train/fit.js';
import { addProjections, hideProjections, hintColumns, removeProjections } from './hints.js';
import { argmaxLabels, runTeacher, teacherInputColumns, withColumns, withTeacherInputs } from './teacher.js';
import { DISTILL_DEFAULTS, type DistillOptions, type DistillResult } from './types.js';

/** Dataset column (and training-graph input) holding the cached teacher logits. */
export const TEACHER_LOGITS = 'teacher_logits';

/**
 * Distills `teacher` into `student` on `data` (see the module comment and docs/distillation.md).
 * Neither model is changed; the result holds the trained student (hint projections removed),
 * the training history, both models' parameter counts and, with `validation`, both accuracies.
 *
 * Labels (int64 classes, column `labels`) are required unless alpha = 1, where unlabelled data
 * trains on the teacher's top-1 classes.
 *
 * @throws UsageError for temperature <= 0, alpha outside [0, 1], models whose logits disagree on
 *   the number of classes, a hint naming a value neither model has, or data missing a column.
 */
export async function distill(teacher: Model, student: Model, data: Dataset, options: DistillOptions = {}): Promise<DistillResult> {
  const temperature = options.temperature ?? DISTILL_DEFAULTS.temperature;
  const alpha = options.alpha ?? DISTILL_DEFAULTS.alpha;
  if (!(Number.isFinite(temperature) && temperature > 0)) throw new UsageError(`temperature must be a number > 0, got ${temperature}`);
  if (!(Number.isFinite(alpha) && alpha >= 0 && alpha <= 1)) throw new UsageError(`alpha must be in [0, 1], got ${alpha}`);
  const names = { teacher: options.names?.teacher ?? 'teacher', student: options.names?.student ?? 'student' };
  const teacherOutput = logitsOutput(teacher, options.teacherOutput, names.teacher);
  const studentOutput = logitsOutput(student, options.output, names.student);
  const classes = { teacher: classCount(teacher, teacherOutput, names.teacher), student: classCount(student, studentOutput, names.student) };
  const mismatch = () => new UsageError(`the teacher ${names.teacher} gives ${classes.teacher} classes ('${teacherOutput}') but the student ${names.student} gives ${classes.student} ('${studentOutput}'); they must agree`);
  if (classes.teacher !== undefined && classes.student !== undefined && classes.teacher !== classes.student) throw mismatch();

  const studentInputs = student.graph.inputs.filter((i) => !student.graph.initializers.has(i.name)).map((i) => i.name);
  for (const name of studentInputs) {
    if (!data.columns[name]) throw new UsageError(`the data has no array '${name}' for input '${name}' of the student ${names.student} (arrays: ${Object.keys(data.columns).join(', ')})`);
  }
  const labels = options.labels ?? 'labels';
  const labelled = data.columns[labels] !== undefined;
  if (labelled && data.columns[labels]!.dtype !== 'int64') throw new UsageError(`labels '${labels}' must be int64 class indices, got ${data.columns[labels]!.dtype}`);
  if (!labelled && alpha < 1) throw new UsageError(`the data has no '${labels}' array; distillation with alpha < 1 needs class labels (alpha = 1 trains on the teacher alone)`);
  const hints = options.hints ?? [];
  const features = hintColumns(hints, teacher, student, names);

  // Checked now, so that data the teacher cannot read fails before training, not after.
  const teacherValidation = options.validation
    && withTeacherInputs(options.validation, teacherInputColumns(teacher, studentInputs, options.validation, names.teacher));
  const cache = await runTeacher(teacher, data, {
    output: teacherOutput, features, inputs: teacherInputColumns(teacher, studentInputs, data, names.teacher),
    batchSize: options.teacherBatchSize ?? 256,
    ...(labelled ? { labels } : {}), ...(options.threads ? { threads: options.threads } : {}), ...(options.signal ? { signal: options.signal } : {}),
  });
  classes.teacher = cache.logits.dims[1];
  if (classes.student !== undefined && classes.teacher !== classes.student) throw mismatch();

  const projected = addProjections(student, hints, cache.features, options.seed ?? 0, names.student);
  const columns = new Map([[TEACHER_LOGITS, cache.logits], ...cache.features, ...(labelled ? [] : [[labels, argmaxLabels(cache.logits)] as const])]);
  const loss: LossSpec = {
    kind: 'distillation', output: studentOutput, temperature, alpha, teacherInput: TEACHER_LOGITS,
    ...(projected.losses.length ? { hints: projected.losses } : {}),
  };
  const { temperature: _t, alpha: _a, hints: _h, teacherOutput: _to, output: _o, teacherBatchSize: _b, names: _n, ...train } = options;
  const trained = await fit(projected.model, withColumns(data, columns), {
    ...train,
    loss,
    optimizer: options.optimizer ?? DISTILL_DEFAULTS.optimizer,
    ...(options.trainable ? { trainable: [...options.trainable, ...projected.weights] } : {}),
    ...(options.callbacks ? { callbacks: hideProjections(options.callbacks, projected) } : {}),
  });
  const model = removeProjections(trained.model, projected);

  const score = async (m: Model, output: string, validation: Dataset | undefined): Promise<Evaluation | undefined> => (validation
    ? evaluate(m, validation, { output, labels, ...(options.threads ? { threads: options.threads } : {}) })
    : undefined);
  const teacherVal = await score(teacher, teacherOutput, teacherValidation);
  const studentVal = await score(model, studentOutput, options.validation);
  const teacherParams = countParameters(teacher).total;
  const studentParams = countParameters(model).total;
  return {
    model,
    history: trained.history,
    steps: trained.steps,
    stoppedEarly: trained.stoppedEarly,
    temperature,
    alpha,
    teacher: {
      params: teacherParams, trainAccuracy: cache.trainAccuracy, seconds: cache.seconds, cacheBytes: cache.bytes,
      ...(teacherVal ? { validation: teacherVal } : {}),
    },
    student: { params: studentParams, ...(studentVal ? { validation: studentVal } : {}) },
    compression: studentParams > 0 ? teacherParams / studentParams : Infinity,
  };
}

/** The output holding a model's logits: `name` (checked) or the first output. */
function logitsOutput(model: Model, name: string | undefined, label: string): string {
  const outputs = model.graph.outputs.map((o) => o.name);
  if (name === undefined) {
    if (outputs.length === 0) throw new UsageError(`the ${label} model has no outputs`);
    return outputs[0]!;
  }
  if (!outputs.includes(name)) throw new UsageError(`the ${label} model has no output '${name}' (outputs: ${outputs.join(', ')})`);
  return name;
}

/** C of logits [N, C] when shape inference knows it; a UsageError for another rank. */
function classCount(model: Model, output: string, label: string): number | undefined {
  const shape = inferShapes(model).values.get(output)?.shape;
  if (shape === undefined) return undefined;
  if (shape.length !== 2) throw new UsageError(`output '${output}' of ${label} has rank ${shape.length}; distillation needs logits [N, classes]`);
  return typeof shape[1] === 'number' ? shape[1] : undefined;
}

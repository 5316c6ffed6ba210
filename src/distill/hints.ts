/**
 * Hint (feature) distillation, FitNets style (Romero et al. 2015, https://arxiv.org/abs/1412.6550):
 * a learned projection maps a student value onto the shape of a teacher value, and an MSE term
 * pulls the two together. The projection is training-only: it is added to the student before
 * training (seeded init) and removed from the trained student, which keeps its original graph.
 *
 * Projections: [N, Fs] -> [N, Ft] by MatMul with W [Fs, Ft]; [N, Cs, H, W] -> [N, Ct, H, W] by a
 * 1x1 Conv with W [Ct, Cs, 1, 1] (the spatial sizes must agree). W is uniform in
 * +-1/sqrt(fan_in), PyTorch's default for Linear and Conv weights.
 */
import type { HintLoss } from '../autodiff/types.js';
import { UsageError } from '../errors.js';
import type { Model, Node } from '../graph/ir.js';
import { definedNames } from '../graph/scope.js';
import { inferShapes } from '../graph/shape-inference/index.js';
import { deriveSeed, fillUniform, mulberry32 } from '../nn/random.js';
import { Tensor } from '../onnx/tensor.js';
import type { Callback, EpochContext, EpochRecord } from '../train/callbacks.js';
import type { DistillHint } from './types.js';

/** Dataset column holding the cached teacher feature of hint `i`. */
export function hintColumn(i: number): string {
  return `distill_hint_${i}`;
}

/** Checks hint names against both graphs (values, not weights); returns column -> teacher value. */
export function hintColumns(hints: readonly DistillHint[], teacher: Model, student: Model,
  names: { teacher: string; student: string }): Map<string, string> {
  const inTeacher = definedNames(teacher.graph);
  const inStudent = definedNames(student.graph);
  const columns = new Map<string, string>();
  hints.forEach((h, i) => {
    if (!inStudent.has(h.student)) throw new UsageError(`hint: the student ${names.student} has no value '${h.student}'`);
    if (!inTeacher.has(h.teacher)) throw new UsageError(`hint: the teacher ${names.teacher} has no value '${h.teacher}'`);
    for (const [model, value, who] of [[student, h.student, 'student'], [teacher, h.teacher, 'teacher']] as const) {
      if (model.graph.initializers.has(value)) throw new UsageError(`hint: '${value}' is a weight of the ${who} ${names[who]}; hint an intermediate value (a node output)`);
    }
    const w = h.weight ?? 1;
    if (!(Number.isFinite(w) && w >= 0)) throw new UsageError(`hint weight for '${h.student}' must be a number >= 0, got ${w}`);
    columns.set(hintColumn(i), h.teacher);
  });
  return columns;
}

/** The student with one projection per hint, the loss terms, and what to remove after training. */
export interface ProjectedStudent {
  readonly model: Model;
  readonly losses: readonly HintLoss[];
  /** Projection weights (trainable initializers). */
  readonly weights: readonly string[];
  readonly nodes: readonly string[];
}

/**
 * Adds the projection of every hint's student value onto its teacher feature (whose per-sample
 * shape is `features.get(hintColumn(i)).dims.slice(1)`).
 */
export function addProjections(student: Model, hints: readonly DistillHint[], features: ReadonlyMap<string, Tensor>,
  seed: number, studentName: string): ProjectedStudent {
  if (hints.length === 0) return { model: student, losses: [], weights: [], nodes: [] };
  const shapes = inferShapes(student).values;
  const taken = definedNames(student.graph);
  const fresh = (hint: string): string => {
    let name = hint;
    for (let k = 1; taken.has(name); k++) name = `${hint}_${k}`;
    taken.add(name);
    return name;
  };
  const nodes: Node[] = [];
  const initializers = new Map(student.graph.initializers);
  const losses: HintLoss[] = [];
  const weights: string[] = [];
  hints.forEach((h, i) => {
    const target = features.get(hintColumn(i))!.dims.slice(1);
    const shape = shapes.get(h.student)?.shape?.slice(1);
    if (!shape || !shape.every((d): d is number => typeof d === 'number')) {
      throw new UsageError(`hint: the shape of '${h.student}' in the student ${studentName} is not known; hint a value with static dims after the batch`);
    }
    const weight = fresh(`distill/hint${i}/projection.weight`);
    const out = fresh(`distill/hint${i}/projection`);
    let dims: number[];
    let op: Node;
    if (shape.length === 1 && target.length === 1) {
      dims = [shape[0]!, target[0]!];
      op = { opType: 'MatMul', domain: '', name: out, inputs: [h.student, weight], outputs: [out], attributes: {} };
    } else if (shape.length === 3 && target.length === 3 && shape[1] === target[1] && shape[2] === target[2]) {
      dims = [target[0]!, shape[0]!, 1, 1];
      op = { opType: 'Conv', domain: '', name: out, inputs: [h.student, weight], outputs: [out], attributes: {} };
    } else {
      throw new UsageError(`hint '${h.student}' -> '${h.teacher}': student shape [N, ${shape.join(', ')}] cannot be projected onto teacher shape [N, ${target.join(', ')}] (need [N, F] to [N, F'] or [N, C, H, W] to [N, C', H, W])`);
    }
    const fanIn = dims.length === 2 ? dims[0]! : dims[1]!;
    const bound = 1 / Math.sqrt(fanIn);
    const data = fillUniform(new Float32Array(dims.reduce((a, d) => a * d, 1)), mulberry32(deriveSeed(seed, weight)), -bound, bound);
    initializers.set(weight, new Tensor('float32', dims, data));
    nodes.push(op);
    weights.push(weight);
    losses.push({ student: out, teacher: hintColumn(i), weight: h.weight ?? 1 });
  });
  const model: Model = { ...student, graph: { ...student.graph, nodes: [...student.graph.nodes, ...nodes], initializers } };
  return { model, losses, weights, nodes: nodes.map((n) => n.name) };
}

/** The trained model without the projections {@link addProjections} added. */
export function removeProjections(model: Model, projected: ProjectedStudent): Model {
  if (projected.nodes.length === 0) return model;
  const drop = new Set(projected.nodes);
  const initializers = new Map(model.graph.initializers);
  for (const w of projected.weights) initializers.delete(w);
  return { ...model, graph: { ...model.graph, nodes: model.graph.nodes.filter((n) => !drop.has(n.name)), initializers } };
}

/**
 * `callbacks` whose `onEpochEnd` context builds the model without the projections, so that a
 * checkpoint written during training is the student alone.
 */
export function hideProjections(callbacks: readonly Callback[], projected: ProjectedStudent): Callback[] {
  if (projected.nodes.length === 0) return [...callbacks];
  return callbacks.map((c) => ({
    ...(c.onStepEnd ? { onStepEnd: (step: number, loss: number, lr: number) => c.onStepEnd!(step, loss, lr) } : {}),
    ...(c.onEpochEnd ? {
      onEpochEnd: (record: EpochRecord, context: EpochContext) => c.onEpochEnd!(record, { model: () => removeProjections(context.model(), projected) }),
    } : {}),
  }));
}

/**
 * Forward model -> training model: the forward graph (with training forms applied), the loss,
 * and the backward pass emitted as ONNX nodes, so that one `session.run` computes the loss, the
 * gradient of every trainable parameter, and the new values of buffers.
 */
import { UsageError } from '../errors.js';
import { constantNodeTensor } from '../graph/constants.js';
import { GraphEditor } from '../graph/editor.js';
import { tensorValue, type Graph, type Model, type Node, type Opset, type ValueInfo } from '../graph/ir.js';
import { definedNames } from '../graph/scope.js';
import { inferShapes } from '../graph/shape-inference/index.js';
import type { TensorInfo } from '../graph/shape-inference/types.js';
import { topologicalOrder } from '../graph/topo.js';
import { pruneUnused } from '../graph/unused.js';
import { validateGraph } from '../graph/validate.js';
import { dtypeInfo } from '../onnx/dtype.js';
import { fromNumbers } from '../onnx/dtypes/convert.js';
import { Tensor } from '../onnx/tensor.js';
import { activeValues, differentiate, GradientTable } from './backward.js';
import { Emitter } from './context.js';
import { appendLoss } from './losses/index.js';
import { trainingFormFor } from './registry.js';
import type { TrainingFormContext, TrainingGraph, TrainingGraphOptions } from './types.js';

type Buffer = { readonly name: string; readonly update: string };

/**
 * Builds the training graph of a forward model: applies registered training forms (Dropout,
 * BatchNormalization...), appends the loss on `options.loss.output` (default: the first graph
 * output), differentiates every node on a path from a trainable parameter to the loss, and
 * returns a model whose outputs are the loss, the parameter gradients (in `params` order), the
 * forward output, then the buffer updates. Trainable parameters and buffers become graph
 * inputs; their starting values are in `initialValues`.
 *
 * Default parameters: every floating-point initializer with at least one dim that the loss
 * depends on, minus `frozen` (rank-0 scalars such as epsilons or exponents stay constants).
 * With `trainable`, exactly those (initializers or `Constant` node outputs); one the loss does
 * not depend on gets a zero gradient.
 *
 * @throws UnsupportedError for an op on the path without a gradient rule, naming op and node.
 * @throws UsageError for unknown or non-float `trainable`/`frozen` names, a label name already
 *   used, or a loss that depends on no trainable parameter.
 */
export function buildTrainingGraph(model: Model, options: TrainingGraphOptions): TrainingGraph {
  const opset = defaultOpset(model);
  const source = model.graph;
  const output = options.loss.output ?? source.outputs[0]?.name;
  if (output === undefined || output === '') throw new UsageError('the model has no output to compute a loss from');
  const labelInput = options.labelInput ?? 'labels';
  if (definedNames(source).has(labelInput)) {
    throw new UsageError(`label input '${labelInput}' is already a value of the model; pass another labelInput`);
  }
  const lossInputs = extraLossInputs(options, output, labelInput, definedNames(source));
  const dataInputs = [...source.inputs.filter((i) => !source.initializers.has(i.name)).map((i) => i.name), ...lossInputs.map((i) => i.name)];

  const editor = new GraphEditor(source);
  editor.uniqueName(labelInput);
  for (const i of lossInputs) editor.uniqueName(i.name);
  liftTrainableConstants(editor, options);
  if (options.seed !== undefined) seedRandomNodes(editor, options.seed);
  const buffers = applyTrainingForms(model, editor, opset);
  const forward = editor.build();
  const nodes = topologicalOrder(forward);
  const inferred = inferShapes({ ...model, graph: { ...forward, nodes } });
  const infos = new Map<string, TensorInfo>(inferred.values);
  if (!definedNames(forward).has(output)) throw new UsageError(`loss output '${output}' is not a value of the model`);

  const bufferNames = new Set(buffers.map((b) => b.name));
  const candidates = candidateParams(forward, options, bufferNames);
  const active = activeValues(nodes, candidates, infos);
  if (!active.has(output)) throw new UsageError(`the loss output '${output}' does not depend on any trainable parameter`);

  const labelDecl = labelInfo(options, labelInput, infos.get(output));
  const lossDecls = lossInputs.map((i) => {
    if (i.like !== output && !active.has(i.like)) {
      throw new UsageError(definedNames(forward).has(i.like)
        ? `hint value '${i.like}' does not depend on any trainable parameter`
        : `hint value '${i.like}' is not a value of the model`);
    }
    const like = infos.get(i.like);
    return tensorValue(i.name, like?.dtype ?? 'float32', like?.shape);
  });
  for (const decl of [labelDecl, ...lossDecls]) {
    if (decl.type?.kind === 'tensor') infos.set(decl.name, { dtype: decl.type.dtype, ...(decl.type.shape ? { shape: decl.type.shape } : {}) });
  }
  const emitter = new Emitter({
    opset, infos, known: inferred.knownValues, isActive: (v) => active.has(v), freshName: (h) => editor.uniqueName(h),
  });
  const lossNode: Node = { opType: `loss:${options.loss.kind}`, domain: '', name: 'loss', inputs: [output, labelInput], outputs: [], attributes: {} };
  const buildLoss = options.lossBuilder ?? appendLoss;
  const loss = buildLoss(emitter.context(lossNode, [], (i) => i === 0, 'loss'), options.loss, output, labelInput);
  const table = new GradientTable(emitter);
  table.add(output, loss.outputGrad);
  for (const extra of loss.extraGrads ?? []) {
    if (!active.has(extra.value)) throw new UsageError(`the loss gives a gradient for '${extra.value}', which does not depend on any trainable parameter`);
    table.add(extra.value, extra.grad);
  }
  differentiate(nodes, active, table, emitter);

  const params: string[] = [];
  const paramGrads: string[] = [];
  for (const p of candidates) {
    let g = table.total(p);
    if (g === undefined) {
      if (options.trainable === undefined) continue;
      const t = forward.initializers.get(p)!;
      const shape = emitter.constant(Tensor.int64(t.dims), `${p}/shape`);
      g = emitter.emit(`grad/${p}`, 'ConstantOfShape', [shape], { value: { type: 'tensor', value: fromNumbers(t.dtype, [1], [0]) } })[0]!;
    }
    params.push(p);
    paramGrads.push(g);
  }

  // Graph outputs: Identity nodes give them stable names.
  const extra: Node[] = [];
  const alias = (value: string, hint: string): string => {
    const name = editor.uniqueName(hint);
    extra.push({ opType: 'Identity', domain: '', name: editor.uniqueName(`${hint}/Identity`), inputs: [value], outputs: [name], attributes: {} });
    return name;
  };
  const outInfo = infos.get(output);
  const lossName = alias(loss.loss, 'loss');
  const gradients = params.map((p, i) => alias(paramGrads[i]!, `grad/${p}`));
  const bufferOutputs = buffers.map((b) => ({ name: b.name, update: alias(b.update, `update/${b.name}`) }));
  const declare = (name: string, t: Tensor): ValueInfo => tensorValue(name, t.dtype, t.dims);
  const stateNames = new Set([...params, ...bufferNames]);
  const initialValues = new Map<string, Tensor>();
  for (const name of stateNames) initialValues.set(name, forward.initializers.get(name)!);

  const graph: Graph = pruneUnused({
    ...forward,
    nodes: [...nodes, ...emitter.nodes, ...extra],
    inputs: [
      ...forward.inputs.filter((i) => !stateNames.has(i.name)),
      labelDecl,
      ...lossDecls,
      ...[...stateNames].map((n) => declare(n, initialValues.get(n)!)),
    ],
    outputs: [
      tensorValue(lossName, outInfo?.dtype ?? 'float32', []),
      ...gradients.map((g, i) => declare(g, initialValues.get(params[i]!)!)),
      outInfo ? tensorValue(output, outInfo.dtype, outInfo.shape) : { name: output },
      ...bufferOutputs.map((b) => declare(b.update, initialValues.get(b.name)!)),
    ],
    initializers: new Map([
      ...[...forward.initializers].filter(([n]) => !stateNames.has(n)),
      ...emitter.initializers,
    ]),
  });
  validateGraph(graph);
  return {
    model: { ...model, opsets: withDomains(model.opsets, graph), graph },
    dataInputs,
    labelInput,
    params,
    initialValues,
    gradients,
    loss: lossName,
    output,
    buffers: bufferOutputs,
  };
}

/** Version of the default ONNX domain (21 when the model does not say). */
function defaultOpset(model: Model): number {
  return model.opsets.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 21;
}

/** Opset imports plus version 1 of any domain the emitted nodes use that the model does not import. */
function withDomains(opsets: readonly Opset[], graph: Graph): readonly Opset[] {
  const have = new Set(opsets.map((o) => (o.domain === 'ai.onnx' ? '' : o.domain)));
  const extra: Opset[] = [];
  for (const node of graph.nodes) {
    const d = node.domain === 'ai.onnx' ? '' : node.domain;
    if (!have.has(d)) {
      have.add(d);
      extra.push({ domain: d, version: 1 });
    }
  }
  return extra.length === 0 ? opsets : [...opsets, ...extra];
}

/** Random ops and the type of their `seed` attribute (Dropout's is an int, the others' a float). */
const RANDOM_OPS: Readonly<Record<string, 'int' | 'float'>> = {
  Dropout: 'int', RandomUniform: 'float', RandomNormal: 'float', RandomUniformLike: 'float',
  RandomNormalLike: 'float', Bernoulli: 'float', Multinomial: 'float',
};

/** Gives every unseeded random node a seed derived from `seed` and its position and name. */
function seedRandomNodes(editor: GraphEditor, seed: number): void {
  editor.nodes.forEach((node, index) => {
    const kind = RANDOM_OPS[node.opType];
    if (!kind || node.domain || node.attributes['seed'] !== undefined) return;
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const c of `${index}:${node.name}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
    const value = h % 2 ** 24; // exact in a float attribute too
    editor.replaceNode(node, { ...node, attributes: { ...node.attributes, seed: { type: kind, value } } });
  });
}

/** Checks trainable/frozen names; turns trainable `Constant` node outputs into initializers. */
function liftTrainableConstants(editor: GraphEditor, options: TrainingGraphOptions): void {
  const frozen = new Set(options.frozen ?? []);
  const constantNode = (name: string): Node | undefined => editor.nodes.find((n) => n.opType === 'Constant' && n.outputs[0] === name);
  for (const name of options.trainable ?? []) {
    if (frozen.has(name)) throw new UsageError(`'${name}' is listed as both trainable and frozen`);
    const init = editor.initializers.get(name);
    const node = init ? undefined : constantNode(name);
    const tensor = init ?? (node ? constantNodeTensor(node) : undefined);
    if (tensor === undefined) throw new UsageError(`trainable '${name}' is not an initializer or Constant of the model`);
    if (!dtypeInfo(tensor.dtype).isFloat) throw new UsageError(`trainable '${name}' is ${tensor.dtype}, not a floating-point tensor`);
    if (node) {
      editor.removeNode(node);
      editor.setInitializer(name, tensor);
    }
  }
  for (const name of frozen) {
    if (!editor.initializers.has(name) && constantNode(name) === undefined) {
      throw new UsageError(`frozen '${name}' is not an initializer or Constant of the model`);
    }
  }
}

/** Parameters to differentiate: `trainable` as given, else the float initializers with dims, minus frozen and buffers. */
function candidateParams(graph: Graph, options: TrainingGraphOptions, buffers: ReadonlySet<string>): string[] {
  if (options.trainable !== undefined) return [...new Set(options.trainable)].filter((n) => !buffers.has(n));
  const frozen = new Set(options.frozen ?? []);
  return [...graph.initializers]
    .filter(([name, t]) => dtypeInfo(t.dtype).isFloat && t.dims.length > 0 && !frozen.has(name) && !buffers.has(name))
    .map(([name]) => name);
}

/**
 * The extra graph inputs a loss reads besides the label input (a distillation loss's teacher
 * logits, shaped like the output, and hint features, shaped like their student value), checked
 * to be new, distinct names.
 */
function extraLossInputs(options: TrainingGraphOptions, output: string, labelInput: string,
  defined: ReadonlySet<string>): { name: string; like: string }[] {
  const loss = options.loss;
  if (loss.kind !== 'distillation') return [];
  const list = [
    { name: loss.teacherInput ?? 'teacher_logits', like: output },
    ...(loss.hints ?? []).map((h) => ({ name: h.teacher, like: h.student })),
  ];
  const seen = new Set([labelInput]);
  for (const { name } of list) {
    if (name === '' || seen.has(name) || defined.has(name)) {
      throw new UsageError(`distillation input '${name}' is empty, repeated, or already a value of the model; pick another name`);
    }
    seen.add(name);
  }
  return list;
}

/** Declaration of the label input: int64 [N] for cross-entropy and distillation, else the output's dtype and shape. */
function labelInfo(options: TrainingGraphOptions, name: string, out: TensorInfo | undefined): ValueInfo {
  if ((options.loss.kind === 'cross-entropy' || options.loss.kind === 'distillation') && options.lossBuilder === undefined) {
    return tensorValue(name, 'int64', [out?.shape?.[0] ?? null]);
  }
  return tensorValue(name, out?.dtype ?? 'float32', out?.shape);
}

/** Offers every node with a registered training form to it; returns the buffers declared. */
function applyTrainingForms(model: Model, editor: GraphEditor, opset: number): Buffer[] {
  const targets = editor.nodes.filter((n) => trainingFormFor(n.opType, n.domain) !== undefined);
  if (targets.length === 0) return [];
  const inferred = inferShapes({ ...model, graph: editor.build() });
  const buffers: Buffer[] = [];
  for (const node of targets) {
    const ctx: TrainingFormContext = {
      node,
      opset,
      info: (v) => inferred.values.get(v),
      values: (v) => inferred.knownValues.get(v),
      constant: (tensor, hint) => {
        const name = editor.uniqueName(hint ?? `${node.name || node.opType}/const`);
        editor.setInitializer(name, tensor);
        return name;
      },
      freshName: (hint) => editor.uniqueName(hint),
      addBuffer: (initializer, update) => {
        if (!editor.initializers.has(initializer)) {
          throw new UsageError(`buffer '${initializer}' of ${node.opType} node '${node.name}' is not an initializer of the model`);
        }
        buffers.push({ name: initializer, update });
      },
    };
    const replacement = trainingFormFor(node.opType, node.domain)!(ctx);
    if (replacement === undefined) continue;
    const defined = new Set(replacement.flatMap((n) => n.outputs));
    const lost = node.outputs.find((o) => o !== '' && !defined.has(o));
    if (lost !== undefined) throw new UsageError(`the training form of ${node.opType} node '${node.name}' does not define its output '${lost}'`);
    editor.replaceNode(node, replacement);
  }
  return buffers;
}

/**
 * The contract between the autodiff engine and its gradient rules. A rule sees one forward
 * node and the gradients flowing into its outputs, and emits backward nodes that compute the
 * gradients of its inputs. One rule per op, registered in `registry.ts`; rules live in
 * `rules/`, a file per op family.
 */
import type { Attribute, Model, Node } from '../graph/ir.js';
import type { KnownValues, TensorInfo } from '../graph/shape-inference/types.js';
import type { Tensor } from '../onnx/tensor.js';

/** What a gradient rule sees and may do: its forward node, the incoming gradients, an emitter. */
export interface GradientContext {
  /** The forward node. Its input and output names are values of the training graph. */
  readonly node: Node;
  /** Gradient value names of the node's outputs, by output index; undefined where none flows. */
  readonly outputGrads: readonly (string | undefined)[];
  /** Whether input `i` needs a gradient (false for omitted, integer, frozen or constant inputs). */
  needsGrad(i: number): boolean;
  /**
   * Emits a backward node and returns its output names (fresh and unique). `outputs` is how many
   * outputs to create (default 1).
   */
  emit(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, Attribute>>,
    options?: { readonly outputs?: number; readonly domain?: string }): string[];
  /** Adds a constant tensor to the training graph and returns its value name. */
  constant(tensor: Tensor, hint?: string): string;
  /** Static dtype and shape of a forward value (from shape inference), when known. */
  info(value: string): TensorInfo | undefined;
  /** Version of the default ONNX domain the model imports (rules pick op forms by it). */
  readonly opset: number;
  /**
   * Elements of a small forward value known before running (constants, and integer values
   * computed from shapes by shape inference), e.g. Slice starts or Reshape targets. Elements
   * may be symbolic dims (strings) or null. Undefined when not known.
   */
  values(value: string): KnownValues | undefined;
  /** Like {@link GradientContext.values}, but only when every element is a number. */
  numbers(value: string): number[] | undefined;
}

/**
 * Returns one gradient value name per forward input (undefined where no gradient is needed or
 * defined). The returned gradient must have the input's shape (rules undo broadcasting).
 */
export type GradientRule = (ctx: GradientContext) => readonly (string | undefined)[];

/** The loss appended to the forward graph. The loss value is the mean over the batch. */
export type LossSpec =
  /** Softmax cross-entropy of `output` (logits [N, C]) against int64 class labels [N]. */
  | { readonly kind: 'cross-entropy'; readonly output?: string; readonly labelSmoothing?: number }
  /** Mean squared error of `output` against float targets of the same shape. */
  | { readonly kind: 'mse'; readonly output?: string }
  /**
   * Distillation: T^2 * KL(softmax(teacher / T) || softmax(output / T)) against teacher logits
   * [N, C] fed as an input (Hinton, Vinyals & Dean 2015, https://arxiv.org/abs/1503.02531).
   */
  | { readonly kind: 'kl-divergence'; readonly output?: string; readonly temperature: number }
  /**
   * Knowledge distillation (Hinton, Vinyals & Dean 2015, https://arxiv.org/abs/1503.02531):
   * alpha * T^2 * KL(softmax(teacher / T) || softmax(output / T)) + (1 - alpha) * CE(output, labels),
   * plus `weight * MSE(student value, teacher feature)` per hint (FitNets, Romero et al. 2015,
   * https://arxiv.org/abs/1412.6550). The labels are int64 classes [N]; the teacher logits [N, C]
   * come in the extra graph input `teacherInput` (default 'teacher_logits') and each hint's teacher
   * feature in the extra input `hint.teacher`; these extra inputs are listed in the training
   * graph's `dataInputs`, so `fit` feeds them from dataset columns of the same names.
   */
  | {
    readonly kind: 'distillation'; readonly output?: string; readonly temperature: number; readonly alpha: number;
    readonly teacherInput?: string; readonly hints?: readonly HintLoss[];
  };

/** One hint term of a distillation loss: `weight * mean((student - teacher)^2)`. */
export interface HintLoss {
  /** A float value of the student graph (typically a learned projection of an intermediate value). */
  readonly student: string;
  /** Name of the extra graph input fed with the teacher's feature (same shape as `student`). */
  readonly teacher: string;
  /** Weight of this term (>= 0). */
  readonly weight: number;
}

/** What a loss builder returns: the scalar loss and its gradients. */
export interface LossResult {
  readonly loss: string;
  /** Gradient of the loss with respect to the output the loss reads. */
  readonly outputGrad: string;
  /**
   * Gradients of the loss with respect to other (intermediate) values of the forward graph, e.g.
   * a hint term's student feature; each value must depend on a trainable parameter.
   */
  readonly extraGrads?: readonly { readonly value: string; readonly grad: string }[];
}

/**
 * Emits a loss: forward nodes computing the scalar `loss` from the model output and the label
 * input, and the gradient of that loss with respect to `output` (closed form where one exists,
 * e.g. (softmax - onehot) / N). `ctx.node` is a synthetic node (opType `loss:<kind>`, inputs
 * `[output, labels]`, no outputs); `ctx.emit`/`ctx.constant`/`ctx.info` work as in a rule.
 * The built-in losses (`losses/index.ts`, `appendLoss`) have this type.
 */
export type LossBuilder = (ctx: GradientContext, spec: LossSpec, output: string, labels: string) => LossResult;

/**
 * What a training-form hook (see {@link TrainingForm}) may ask and declare while it rewrites
 * one forward node into its training-mode form.
 */
export interface TrainingFormContext {
  /** The forward node to rewrite. */
  readonly node: Node;
  /** Version of the default ONNX domain the model imports. */
  readonly opset: number;
  /** Static dtype and shape of a forward value (shape inference of the forward model). */
  info(value: string): TensorInfo | undefined;
  /** Known elements of a small forward value (see {@link GradientContext.values}). */
  values(value: string): KnownValues | undefined;
  /** Adds a constant tensor to the graph and returns its value name. */
  constant(tensor: Tensor, hint?: string): string;
  /** A value or node name not used anywhere in the graph (`hint`, or `hint_1`, `hint_2`...). */
  freshName(hint: string): string;
  /**
   * Declares a buffer: `initializer` (a forward initializer, e.g. BatchNorm's running mean)
   * becomes a graph input fed every step, and `update` (a value the replacement nodes compute)
   * becomes a graph output holding its new value. Buffers are never trained by gradients.
   */
  addBuffer(initializer: string, update: string): void;
}

/**
 * A training-form hook, registered next to an op's gradient rule with `registerTrainingForm`.
 * Before differentiation, every forward node whose op has a hook is offered to it; the hook
 * returns the nodes that replace it in the training graph (which must define every non-empty
 * output of the original node, under the same names, and may define more, such as a Dropout
 * mask or saved statistics for the gradient rule), or undefined to keep the node as it is.
 * Gradient rules then see the replacement nodes (e.g. Dropout with training_mode true).
 */
export type TrainingForm = (ctx: TrainingFormContext) => readonly Node[] | undefined;

/** Options of `buildTrainingGraph`. */
export interface TrainingGraphOptions {
  readonly loss: LossSpec;
  /**
   * Emits the loss instead of the built-in builder for `loss.kind` (custom losses, tests). The
   * label input is then declared with the dtype and shape of the model output.
   */
  readonly lossBuilder?: LossBuilder;
  /**
   * Initializers to train. Default: every floating-point initializer with at least one dim
   * (weights, biases, norms) that the loss depends on; rank-0 scalars (epsilons, exponents) stay
   * constants. When given: exactly these, in this order (one the loss does not depend on gets a
   * zero gradient); `Constant` node outputs count as weights only when listed here.
   */
  readonly trainable?: readonly string[];
  /** Initializers never to train (a stop-gradient at the weight). */
  readonly frozen?: readonly string[];
  /** Name of the label (or target / teacher-logit) input added to the graph. Default 'labels'. */
  readonly labelInput?: string;
  /**
   * Seed for random ops without a `seed` attribute (Dropout masks, RandomUniformLike...): each
   * gets one derived from this seed and its node name, so a seeded run repeats exactly.
   */
  readonly seed?: number;
}

/**
 * A forward+backward graph: one `session.run` of `model` computes the loss, the gradient of
 * every trainable parameter and the new values of buffers (BatchNorm running statistics).
 * Trainable parameters and buffers are graph inputs of `model` (fed every step, so an optimizer
 * outside the graph can update them); everything else stays an initializer.
 */
export interface TrainingGraph {
  readonly model: Model;
  /**
   * Data inputs of the forward model, in order, then the extra inputs the loss declares (a
   * distillation loss's teacher logits and hint features), which are fed like data.
   */
  readonly dataInputs: readonly string[];
  /** The label / target / teacher-logit input. */
  readonly labelInput: string;
  /** Trainable parameter names: graph inputs of `model`. */
  readonly params: readonly string[];
  /** Starting values of every parameter and buffer input (taken from the forward model's initializers). */
  readonly initialValues: ReadonlyMap<string, Tensor>;
  /** Output names of the parameter gradients, in the order of `params`. */
  readonly gradients: readonly string[];
  /** Output name of the scalar loss. */
  readonly loss: string;
  /** Output name of the forward output the loss reads (logits), for accuracy. */
  readonly output: string;
  /**
   * State updated by a training step that is not trained by gradients (BatchNorm running mean and
   * variance): `name` is a graph input of `model` (fed every step, like a parameter) and of the
   * forward model's initializers; `update` is the output holding its new value.
   */
  readonly buffers: readonly { readonly name: string; readonly update: string }[];
}

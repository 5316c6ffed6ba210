/**
 * Reverse-mode differentiation of ONNX graphs: `buildTrainingGraph` turns a forward model into a
 * training model whose outputs are the loss and the parameter gradients, emitted as ONNX nodes.
 * Importing this module registers every gradient rule (one file per op family in `rules/`).
 */
// Rule files register themselves on import: add new ones to this list.
import './rules/linear.js';
import './rules/elementwise.js';
import './rules/activations.js';
import './rules/shape.js';
import './rules/indexing.js';
import './rules/reduce.js';
import './rules/nn-conv.js';
import './rules/nn-pool.js';
import './rules/nn-norm.js';
import './rules/nn-softmax.js';
import './rules/nn-dropout.js';
import './rules/straight-through.js';

export { buildTrainingGraph } from './training-graph.js';
export {
  registerGradient, gradientRuleFor, registeredGradientOps, registerTrainingForm, trainingFormFor,
} from './registry.js';
export { appendLoss } from './losses/index.js';
export { STRAIGHT_THROUGH_PREFIX } from './rules/straight-through.js';
export type {
  GradientContext, GradientRule, HintLoss, LossBuilder, LossResult, LossSpec, TrainingForm, TrainingFormContext, TrainingGraph,
  TrainingGraphOptions,
} from './types.js';

/**
 * Knowledge distillation (Hinton, Vinyals & Dean 2015, "Distilling the Knowledge in a Neural
 * Network", https://arxiv.org/abs/1503.02531): the student learns from the teacher's softened
 * outputs and from the true labels,
 *
 *   L = alpha * T^2 * KL(softmax(t / T) || softmax(s / T)) + (1 - alpha) * CE(s, y)
 *       + sum over hints of weight * mean((h_s - h_t)^2),
 *
 * with s, t the student and teacher logits [N, C], y the int64 classes [N], and each hint term a
 * mean squared error between a student value h_s (e.g. a learned projection of an intermediate
 * feature) and the teacher's feature h_t (FitNets, Romero et al. 2015,
 * https://arxiv.org/abs/1412.6550). Terms with a zero coefficient are not emitted, so alpha = 0
 * is exactly the cross-entropy graph and alpha = 1 exactly the KL graph.
 *
 * Closed-form gradients: dL/ds = alpha * T / N * (softmax(s / T) - softmax(t / T))
 * + (1 - alpha) / N * (softmax(s) - onehot(y)); dL/dh_s = weight * 2 (h_s - h_t) / size(h_s).
 */
import { UsageError } from '../../errors.js';
import type { GradientContext, HintLoss, LossResult } from '../types.js';
import { checkRange, lossBuilder } from './common.js';
import { crossEntropyLoss } from './cross-entropy.js';
import { klDivergenceLoss } from './kl-divergence.js';
import { mseLoss } from './mse.js';

/** Options of {@link distillationLoss}. */
export interface DistillationLossOptions {
  /** Softmax temperature T > 0. */
  readonly temperature: number;
  /** Weight of the soft (teacher) term in [0, 1]; the hard (label) term gets 1 - alpha. */
  readonly alpha: number;
  /** Hint terms (each a student value, a teacher-feature input and a weight >= 0). */
  readonly hints?: readonly HintLoss[];
}

/**
 * Emits the distillation loss of `output` (student logits [N, C]) against `labels` (int64
 * classes [N]) and `teacher` (teacher logits [N, C]), plus hint terms, and its gradients: with
 * respect to `output`, and (in `extraGrads`) with respect to each hint's student value.
 *
 * @throws UsageError for temperature <= 0, alpha outside [0, 1], or a negative hint weight.
 */
export function distillationLoss(ctx: GradientContext, output: string, labels: string, teacher: string,
  options: DistillationLossOptions): LossResult {
  const { temperature, alpha } = options;
  checkRange('temperature', temperature, 0, Number.MAX_VALUE, true);
  checkRange('alpha', alpha, 0, 1);
  const b = lossBuilder(ctx, output);
  const scaled = (v: string, k: number) => (k === 1 ? v : b.op('Mul', [v, b.scalar(k)]));
  const terms: { loss: string; grad: string }[] = [];
  if (alpha > 0) {
    const kl = klDivergenceLoss(ctx, output, teacher, temperature);
    terms.push({ loss: scaled(kl.loss, alpha), grad: scaled(kl.outputGrad, alpha) });
  }
  if (alpha < 1) {
    const ce = crossEntropyLoss(ctx, output, labels);
    terms.push({ loss: scaled(ce.loss, 1 - alpha), grad: scaled(ce.outputGrad, 1 - alpha) });
  }
  const sum = (values: string[]) => (values.length === 1 ? values[0]! : b.op('Sum', values));
  const losses = terms.map((t) => t.loss);
  const outputGrad = sum(terms.map((t) => t.grad));
  const extraGrads: { value: string; grad: string }[] = [];
  for (const hint of options.hints ?? []) {
    if (!(Number.isFinite(hint.weight) && hint.weight >= 0)) {
      throw new UsageError(`hint weight for '${hint.student}' must be a number >= 0, got ${hint.weight}`);
    }
    if (hint.weight === 0) continue;
    if (hint.student === output) throw new UsageError(`hint value '${hint.student}' is the loss output itself; hint an intermediate value`);
    const mse = mseLoss(ctx, hint.student, hint.teacher);
    losses.push(scaled(mse.loss, hint.weight));
    extraGrads.push({ value: hint.student, grad: scaled(mse.outputGrad, hint.weight) });
  }
  return { loss: sum(losses), outputGrad, ...(extraGrads.length ? { extraGrads } : {}) };
}

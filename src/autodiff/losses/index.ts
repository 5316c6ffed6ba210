/**
 * The built-in losses: each emits the scalar loss from the model output and the label input, and
 * the closed-form gradient of the loss with respect to the output, through a GradientContext.
 */
import { UsageError } from '../../errors.js';
import type { GradientContext, LossBuilder, LossSpec } from '../types.js';
import { crossEntropyLoss } from './cross-entropy.js';
import { distillationLoss } from './distillation.js';
import { klDivergenceLoss } from './kl-divergence.js';
import { mseLoss } from './mse.js';

export { crossEntropyLoss, type CrossEntropyOptions } from './cross-entropy.js';
export { mseLoss } from './mse.js';
export { klDivergenceLoss } from './kl-divergence.js';
export { distillationLoss, type DistillationLossOptions } from './distillation.js';

/**
 * Appends the loss `spec` describes to the graph being built: `output` is the model output the
 * loss reads (logits for cross-entropy and KL), `labels` the label input (int64 classes for
 * cross-entropy and distillation, float targets for MSE, teacher logits for KL). Returns the scalar loss value and
 * the gradient of the loss with respect to `output`. A {@link LossBuilder}.
 */
export const appendLoss: LossBuilder = (ctx: GradientContext, spec: LossSpec, output: string, labels: string) => {
  switch (spec.kind) {
    case 'cross-entropy':
      return crossEntropyLoss(ctx, output, labels, spec.labelSmoothing !== undefined ? { labelSmoothing: spec.labelSmoothing } : {});
    case 'mse':
      return mseLoss(ctx, output, labels);
    case 'kl-divergence':
      return klDivergenceLoss(ctx, output, labels, spec.temperature);
    case 'distillation':
      return distillationLoss(ctx, output, labels, spec.teacherInput ?? 'teacher_logits', {
        temperature: spec.temperature, alpha: spec.alpha, ...(spec.hints ? { hints: spec.hints } : {}),
      });
    default:
      throw new UsageError(`unknown loss '${String((spec as { kind: unknown }).kind)}' (known: cross-entropy, mse, kl-divergence, distillation)`);
  }
};

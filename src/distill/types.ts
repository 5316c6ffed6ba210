/** Options and result of `distill`. */
import type { Model } from '../graph/ir.js';
import type { OptimizerSpec } from '../optim/index.js';
import type { EpochRecord } from '../train/callbacks.js';
import type { Evaluation } from '../train/evaluate.js';
import type { FitOptions } from '../train/fit.js';

/**
 * Defaults of {@link DistillOptions}: temperature 4 and alpha 0.9 (see docs/distillation.md for
 * why), AdamW at lr 1e-3 (`whittle train`'s default).
 */
export const DISTILL_DEFAULTS = {
  temperature: 4,
  alpha: 0.9,
  optimizer: { name: 'adamw', lr: 1e-3 } as OptimizerSpec,
} as const;

/**
 * A feature (hint) to distill besides the logits (FitNets, Romero et al. 2015,
 * https://arxiv.org/abs/1412.6550): a learned projection of the student's `student` value is
 * pulled toward the teacher's `teacher` value by `weight * mean((P(h_s) - h_t)^2)`. The
 * projection (a MatMul for [N, F] values, a 1x1 Conv for [N, C, H, W] ones; spatial sizes must
 * match) exists only while training and is not part of the returned student.
 */
export interface DistillHint {
  /** An intermediate float value of the student graph. */
  readonly student: string;
  /** An intermediate float value of the teacher graph (fetched and cached once). */
  readonly teacher: string;
  /** Weight of the hint term (default 1). */
  readonly weight?: number;
}

/** Options of `distill`: the distillation loss, plus the training options `fit` takes. */
export interface DistillOptions extends Omit<FitOptions, 'loss' | 'optimizer'> {
  /** Softmax temperature T > 0 for both models' logits (default 4). */
  readonly temperature?: number;
  /** Weight in [0, 1] of the soft term T^2 * KL (default 0.9). */
  readonly alpha?: number;
  readonly hints?: readonly DistillHint[];
  /** Default AdamW, lr 1e-3. */
  readonly optimizer?: OptimizerSpec;
  /** Teacher output holding its logits (default: its first output). */
  readonly teacherOutput?: string;
  /** Student output holding its logits (default: its first output). */
  readonly output?: string;
  /** Samples per teacher run while caching its logits (default 256). */
  readonly teacherBatchSize?: number;
  /** How error messages name the two models (default 'teacher' and 'student'; the CLI passes file names). */
  readonly names?: { readonly teacher?: string; readonly student?: string };
}

/** What `distill` returns. */
export interface DistillResult {
  /** The trained student, in inference form, without the hint projections. */
  readonly model: Model;
  readonly history: readonly EpochRecord[];
  readonly steps: number;
  readonly stoppedEarly: boolean;
  readonly temperature: number;
  readonly alpha: number;
  readonly teacher: {
    /** Parameters (weight elements) of the teacher. */
    readonly params: number;
    /** Top-1 accuracy of the teacher on the training data (from its cached logits; null without labels). */
    readonly trainAccuracy: number | null;
    /** The teacher on `validation`, when given. */
    readonly validation?: Evaluation;
    /** Seconds spent running the teacher over the training data (once). */
    readonly seconds: number;
    /** Bytes of the cached teacher logits and hint features (N x (C + sum of feature sizes) floats). */
    readonly cacheBytes: number;
  };
  readonly student: {
    /** Parameters of the returned student (projections excluded). */
    readonly params: number;
    /** The returned student on `validation`, when given. */
    readonly validation?: Evaluation;
  };
  /** Teacher parameters / student parameters. */
  readonly compression: number;
}

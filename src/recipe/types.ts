/**
 * A recipe: a declared sequence of steps over named models, read from YAML or JSON, validated
 * whole before anything runs, and run into one output folder where every finished step's
 * artifact is kept so that a second run reuses it (resumable).
 *
 * ```yaml
 * data: mnist
 * seed: 0
 * models: { base: ./model.onnx }        # input files, by name (paths relative to the recipe)
 * steps:
 *   - train: teacher                    # the step kind, then the name of the model it makes
 *     model: zoo:cnn
 *     epochs: 2
 *   - distill: student
 *     teacher: teacher
 *     student: zoo:mlp-small
 *   - prune: student-pruned
 *     model: student
 *     sparsity: 0.5
 *     pattern: channel
 *     finetune: { epochs: 1 }
 *   - quantize: student-int8
 *     model: student-pruned
 *     mode: int8
 *   - eval: all
 *   - bench: all
 * ```
 */
import type { OptimizerSpec } from '../optim/create.js';
import type { ScheduleSpec } from '../optim/schedules/create.js';
import type { PruneMethod, PrunePattern } from '../prune/types.js';

/** Where a step's model comes from: `zoo:NAME` (a fresh zoo model) or a model named earlier. */
export type ModelRef = { readonly kind: 'zoo'; readonly zoo: string } | { readonly kind: 'named'; readonly name: string };

/** How the model is trained: the options `train`, `distill` and fine-tuning share. */
export interface TrainingSettings {
  readonly epochs: number;
  readonly batch: number;
  readonly optimizer: OptimizerSpec;
  readonly schedule: ScheduleSpec;
}

export type RecipeStep =
  | { readonly kind: 'train'; readonly output: string; readonly model: ModelRef; readonly training: TrainingSettings }
  | {
      readonly kind: 'distill'; readonly output: string; readonly teacher: ModelRef; readonly student: ModelRef;
      readonly temperature: number; readonly alpha: number; readonly training: TrainingSettings;
    }
  | {
      readonly kind: 'prune'; readonly output: string; readonly model: ModelRef; readonly sparsity: number;
      readonly pattern: PrunePattern; readonly method: PruneMethod; readonly scope: 'layer' | 'global';
      /** Which weights: 'default' (every Conv/Gemm/MatMul weight but the first and last layer's), 'all', or names. */
      readonly layers: 'default' | 'all' | readonly string[];
      readonly finetune?: TrainingSettings;
      /**
       * Reach the sparsity gradually while fine-tuning (cubic schedule of Zhu & Gupta 2017,
       * https://arxiv.org/abs/1710.01878, over the first two thirds of the fine-tuning steps)
       * instead of pruning at once. Unstructured only; needs `finetune`.
       */
      readonly gradual: boolean;
    }
  | {
      readonly kind: 'quantize'; readonly output: string; readonly model: ModelRef;
      readonly mode: 'fp16' | 'int8-dynamic' | 'int8' | 'int4';
      readonly calibSamples: number; readonly blockSize?: number;
    }
  /** Accuracy (and loss) of models on the test data. */
  | { readonly kind: 'eval'; readonly models: readonly string[] }
  /** Params, FLOPs, size raw/brotli, latency percentiles at `batch`. */
  | { readonly kind: 'bench'; readonly models: readonly string[]; readonly batch: number; readonly runs: number; readonly warmup: number };

export type StepKind = RecipeStep['kind'];

/** A validated recipe. */
export interface Recipe {
  /** The file it came from ('built-in demo' for the demo), for messages. */
  readonly source: string;
  readonly name: string;
  readonly data: 'mnist' | { readonly train: string; readonly test: string };
  readonly seed: number;
  readonly threads?: number;
  /** Input model files by name (absolute paths). */
  readonly models: Readonly<Record<string, string>>;
  readonly steps: readonly RecipeStep[];
  /** Grid intensity region for CO2 (see measure/energy). */
  readonly region?: string;
}

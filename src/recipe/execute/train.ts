/** The `train` step: fit a zoo model or a named model on the recipe's training data. */
import { fit, type FitOptions } from '../../train/fit.js';
import type { EpochRecord } from '../../train/callbacks.js';
import type { RunContext } from '../context.js';
import type { EpochFigures, StepRecord } from '../records.js';
import type { ModelRef, RecipeStep, TrainingSettings } from '../types.js';

type TrainStep = Extract<RecipeStep, { kind: 'train' }>;

/** Fits the step's model and saves it as `<output>.onnx`, with its per-epoch figures. */
export async function runTrain(step: TrainStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const model = await ctx.model(step.model);
  const result = await fit(model, ctx.data.train, fitOptions(step.training, ctx, 'train'));
  const saved = await ctx.save(step.output, result.model);
  return {
    kind: 'train',
    description: `trained ${refLabel(step.model)} for ${step.training.epochs} epoch${step.training.epochs === 1 ? '' : 's'} (${step.training.optimizer.name}, batch ${step.training.batch})`,
    artifact: { name: step.output, ...saved, ...(step.model.kind === 'named' ? { parent: step.model.name } : {}) },
    history: epochFigures(result.history),
  };
}

/** The fit options of a step's training settings, with progress reported to the run. */
export function fitOptions(t: TrainingSettings, ctx: RunContext, what: string): FitOptions {
  return {
    loss: { kind: 'cross-entropy' },
    optimizer: t.optimizer,
    schedule: t.schedule,
    epochs: t.epochs,
    batchSize: t.batch,
    seed: ctx.seed,
    validation: ctx.data.test,
    ...ctx.threads,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onStep: ({ step, totalSteps }) => ctx.emit({ type: 'progress', done: step, total: totalSteps, what }),
  };
}

/** The per-epoch figures a record keeps (and the report's training curves draw). */
export function epochFigures(history: readonly EpochRecord[]): EpochFigures[] {
  return history.map((h) => ({ epoch: h.epoch, trainLoss: h.trainLoss, trainAccuracy: h.trainAccuracy, valLoss: h.valLoss, valAccuracy: h.valAccuracy }));
}

/** `zoo:NAME` or the model's name, for descriptions and messages. */
export function refLabel(ref: ModelRef): string {
  return ref.kind === 'zoo' ? `zoo:${ref.zoo}` : ref.name;
}

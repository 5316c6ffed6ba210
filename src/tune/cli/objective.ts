/**
 * The objective of `whittle tune`: one trial trains a zoo model on MNIST with the hyperparameters
 * its sampler proposes, epoch by epoch with `fit`, reporting the validation metric after every
 * epoch so the study's pruner can stop it early (ASHA, median, Hyperband). With a compression
 * space the trial prunes gradually while it trains (Zhu & Gupta's cubic schedule,
 * https://arxiv.org/abs/1710.01878) and quantizes the result (int8 static QDQ or int4
 * weight-only); it is then scored on the compressed model.
 *
 * Data: the 8,000 MNIST training digits (seed-0 split) are split once more, seeded, into 6,400
 * tuning-train and 1,600 tuning-validation digits. Trials are scored on the validation part only;
 * the 2,000 test digits are used once, for the best model, at the end.
 */
import { join } from 'node:path';
import type { Dataset } from '../../data/dataset.js';
import { split, subset } from '../../data/dataset.js';
import { loadMnist } from '../../data/mnist.js';
import { UsageError } from '../../errors.js';
import type { Model } from '../../graph/ir.js';
import { graphInputSpecs, makeRandomFeeds } from '../../measure/feeds.js';
import { measureLatency } from '../../measure/latency.js';
import { modelSizeAsync } from '../../measure/size.js';
import { buildZooModel } from '../../nn/zoo.js';
import { encodeModel, saveModel } from '../../onnx/save.js';
import type { ScheduleSpec } from '../../optim/schedules/create.js';
import { gradualPruner } from '../../prune/schedule/index.js';
import { allPruneTargets } from '../../prune/targets.js';
import { quantize } from '../../quantize/quantize.js';
import { createSession } from '../../runtime/session.js';
import { evaluate } from '../../train/evaluate.js';
import { fit } from '../../train/fit.js';
import { TrialPruned, type Trial } from '../trial.js';
import { suggestSettings, type TrialSettings, type TuneConfig, type TuneObjective } from './config.js';

/** Digits of the 8,000 training digits held out to score trials. */
export const TUNE_VALIDATION_SIZE = 1_600;

/**
 * Brotli quality of the size objective: 9, not the 11 of `measure/size.ts`'s 'auto' (11 takes
 * seconds per MiB, 9 is tens of times faster and within about 2% of it on model weights).
 */
export const TUNE_BROTLI_QUALITY = 9;

/** The data of a tuning run. */
export interface TuneData {
  /** What trials train on (6,400 digits, or the first `trainSamples` of them). */
  readonly train: Dataset;
  /** What trials are scored on (1,600 of the training digits). */
  readonly validation: Dataset;
  /** The 2,000 test digits: only for the final model(s). */
  readonly test: Dataset;
}

/** Splits MNIST for tuning (see the module comment). The split does not depend on the run's seed. */
export function tuneData(trainSamples?: number): TuneData {
  const { train, test } = loadMnist({ seed: 0 });
  const [fit6400, validation] = split(train, [train.size - TUNE_VALIDATION_SIZE, TUNE_VALIDATION_SIZE], 0) as [Dataset, Dataset];
  if (trainSamples !== undefined && (trainSamples < 1 || trainSamples > fit6400.size)) {
    throw new UsageError(`--train-samples must be in [1, ${fit6400.size}], got ${trainSamples}`);
  }
  const trainPart = trainSamples === undefined ? fit6400 : subset(fit6400, Array.from({ length: trainSamples }, (_, i) => i));
  return { train: trainPart, validation, test };
}

/** Epochs, figures and model file of a finished trial (also stored as its user attributes). */
export interface TrialOutcome {
  readonly epochs: number;
  readonly valAccuracy: number;
  readonly valLoss: number;
  /** Brotli bytes of the model file (measured when size is an objective). */
  readonly brotliBytes?: number;
  readonly latencyMs?: number;
  readonly model: string;
}

function scheduleOf(s: TrialSettings, totalSteps: number): ScheduleSpec {
  const steps = Math.min(totalSteps - 1, Math.round(s.warmup * totalSteps));
  const warmup = steps > 0 ? { warmup: { steps } } : {};
  return { name: s.schedule, ...warmup } as ScheduleSpec;
}

/** p50 latency in ms of one sample (batch 1), after 5 warm-up runs, over 30 runs. */
export async function latencyP50(model: Model, threads?: number): Promise<number> {
  const session = await createSession(model, threads ? { threads } : {});
  try {
    const prepared = session.prepare(makeRandomFeeds(graphInputSpecs(model.graph), { batch: 1, seed: 1 }));
    return (await measureLatency(() => session.runPrepared(prepared), { warmup: 5, runs: 30 })).p50;
  } finally {
    await session.release();
  }
}

/**
 * Runs one trial (see the module comment) and returns its objective values in `config`'s order.
 * Throws {@link TrialPruned} when the pruner stops it.
 */
export async function runTrial(trial: Trial, config: TuneConfig, data: TuneData): Promise<number[]> {
  const settings = suggestSettings(trial, config.space, config.sampler === 'grid');
  const model = buildZooModel(config.model, { seed: config.seed });
  const totalSteps = config.epochs * Math.ceil(data.train.size / settings.batch);
  const threads = config.threads ? { threads: config.threads } : {};
  const reported = config.objectives[0] === 'accuracy' || config.objectives[0] === 'loss' ? config.objectives[0] : undefined;
  const canPrune = config.objectives.length === 1 && reported !== undefined && config.pruner !== 'none';
  const sparse = settings.sparsity > 0
    ? gradualPruner({
      initialSparsity: 0, finalSparsity: settings.sparsity, startStep: 0,
      steps: Math.max(1, Math.round(0.75 * totalSteps)), frequency: Math.max(1, Math.floor(totalSteps / 50)),
      weights: allPruneTargets(model).map((t) => t.weight), seed: config.seed,
    })
    : undefined;
  let epochs = 0;
  let pruned = false;
  const result = await fit(model, data.train, {
    loss: { kind: 'cross-entropy' }, optimizer: settings.optimizer, schedule: scheduleOf(settings, totalSteps),
    epochs: config.epochs, batchSize: settings.batch, seed: config.seed, validation: data.validation, ...threads,
    signal: trial.signal,
    ...(sparse ? { afterStep: sparse.afterStep } : {}),
    callbacks: [{
      async onEpochEnd(record) {
        epochs = record.epoch;
        trial.setUserAttr('epochs', epochs);
        if (reported === undefined) return;
        const value = reported === 'accuracy' ? record.valAccuracy : record.valLoss;
        trial.report(value ?? Number.NaN, record.epoch);
        if (canPrune && record.epoch < config.epochs && await trial.shouldPrune()) {
          pruned = true;
          return 'stop';
        }
      },
    }],
  });
  if (pruned) throw new TrialPruned(`trial ${trial.number} pruned after ${epochs} epoch${epochs === 1 ? '' : 's'}`);
  const final = await compress(result.model, settings, data);
  const outcome = await score(trial, final, config, data);
  return config.objectives.map((o) => valueOf(o, outcome));
}

/** The trained model quantized as `settings.bits` says (pruning already happened during training). */
async function compress(model: Model, settings: TrialSettings, data: TuneData): Promise<Model> {
  if (settings.bits === 8) {
    const calibration = { kind: 'dataset' as const, dataset: data.train, samples: Math.min(256, data.train.size) };
    return (await quantize(model, { mode: 'int8', calibration, perChannel: true })).model;
  }
  if (settings.bits === 4) return (await quantize(model, { mode: 'int4' })).model;
  return model;
}

async function score(trial: Trial, model: Model, config: TuneConfig, data: TuneData): Promise<TrialOutcome> {
  const threads = config.threads ? { threads: config.threads } : {};
  const val = await evaluate(model, data.validation, threads);
  // Measured only when size is an objective (see TUNE_BROTLI_QUALITY).
  const brotliBytes = config.objectives.includes('size') ? (await modelSizeAsync(encodeModel(model), { brotliQuality: TUNE_BROTLI_QUALITY })).brotliBytes : undefined;
  const latencyMs = config.objectives.includes('latency') ? await latencyP50(model, config.threads) : undefined;
  const path = join(config.out, 'trials', `trial-${trial.number}.onnx`);
  await saveModel(model, path);
  const outcome: TrialOutcome = {
    epochs: config.epochs, valAccuracy: val.accuracy ?? 0, valLoss: val.loss,
    ...(brotliBytes !== undefined ? { brotliBytes } : {}),
    ...(latencyMs !== undefined ? { latencyMs } : {}), model: path,
  };
  trial.setUserAttr('valAccuracy', outcome.valAccuracy);
  trial.setUserAttr('valLoss', outcome.valLoss);
  if (brotliBytes !== undefined) trial.setUserAttr('brotliBytes', brotliBytes);
  if (latencyMs !== undefined) trial.setUserAttr('latencyMs', latencyMs);
  trial.setUserAttr('model', path);
  return outcome;
}

function valueOf(objective: TuneObjective, o: TrialOutcome): number {
  switch (objective) {
    case 'accuracy': return o.valAccuracy;
    case 'loss': return o.valLoss;
    case 'size': return o.brotliBytes!;
    case 'latency': return o.latencyMs!;
    default: throw new UsageError(`unknown objective '${String(objective)}'`);
  }
}

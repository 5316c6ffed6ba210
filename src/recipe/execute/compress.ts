/** The `prune` and `quantize` steps: compress a named model, fine-tuning pruned ones if asked. */
import type { Model } from '../../graph/ir.js';
import { finetunePruned } from '../../prune/finetune.js';
import { prune } from '../../prune/index.js';
import { allPruneTargets, pruneTargets } from '../../prune/targets.js';
import { measureSparsity } from '../../prune/masks.js';
import { gradualPruner } from '../../prune/schedule/index.js';
import { fit } from '../../train/fit.js';
import { quantize } from '../../quantize/quantize.js';
import { calibrationBatches } from '../../quantize/calibrate/index.js';
import { layerSensitivity } from '../../quantize/sensitivity/index.js';
import type { CalibrationSource, QuantizeOptions } from '../../quantize/types.js';
import type { RunContext } from '../context.js';
import type { LayerFigures, StepRecord } from '../records.js';
import type { RecipeStep } from '../types.js';
import { epochFigures, fitOptions, refLabel } from './train.js';

type PruneStep = Extract<RecipeStep, { kind: 'prune' }>;
type QuantizeStep = Extract<RecipeStep, { kind: 'quantize' }>;

/** Prunes (at once, or gradually while fine-tuning) and saves the model, with per-layer sparsity. */
export async function runPrune(step: PruneStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const model = await ctx.model(step.model);
  const weights = step.layers === 'default' ? undefined : step.layers === 'all' ? allPruneTargets(model).map((t) => t.weight) : step.layers;
  if (step.gradual) return runGradualPrune(step, ctx, model, weights ?? pruneTargets(model).map((t) => t.weight));
  const pruned = await prune(model, { sparsity: step.sparsity, pattern: step.pattern, method: step.method, scope: step.scope, seed: ctx.seed, ...(weights ? { weights } : {}) });
  let final: Model = pruned.model;
  let history;
  if (step.finetune) {
    const r = await finetunePruned(pruned, ctx.data.train, fitOptions(step.finetune, ctx, 'fine-tune'));
    final = r.model;
    history = epochFigures(r.history);
  }
  const saved = await ctx.save(step.output, final);
  const layers: LayerFigures[] = pruned.layers.map((l) => ({ name: l.weight, sparsity: l.sparsity }));
  return pruneRecord(step, saved, layers, pruned.notes, history);
}

/**
 * Prunes while fine-tuning: the cubic schedule raises the sparsity from 0 to the target over the
 * first two thirds of the steps (masks recomputed about 50 times), the last third recovers.
 */
async function runGradualPrune(step: PruneStep, ctx: RunContext, model: Model, weights: readonly string[]): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const t = step.finetune!;
  const totalSteps = t.epochs * Math.ceil(ctx.data.train.size / t.batch);
  const window = Math.max(1, Math.floor((totalSteps * 2) / 3));
  const pruner = gradualPruner({
    initialSparsity: 0, finalSparsity: step.sparsity, startStep: 0, steps: window,
    frequency: Math.max(1, Math.floor(window / 50)), weights, scope: step.scope,
    method: step.method === 'random' ? 'random' : 'magnitude', seed: ctx.seed,
  });
  const r = await fit(model, ctx.data.train, { ...fitOptions(t, ctx, 'prune + fine-tune'), afterStep: pruner.afterStep });
  const saved = await ctx.save(step.output, r.model);
  const layers = measureSparsity(r.model, weights).map((l) => ({ name: l.weight, sparsity: l.sparsity }));
  return pruneRecord(step, saved, layers, [], epochFigures(r.history));
}

function pruneRecord(step: PruneStep, saved: { file: string; sha256: string }, layers: LayerFigures[], notes: readonly string[],
  history: ReturnType<typeof epochFigures> | undefined): Omit<StepRecord, 'seconds' | 'energy'> {
  const what = step.pattern === 'channel' ? `${Math.round(step.sparsity * 100)}% of channels` : step.pattern === 'unstructured' ? `${Math.round(step.sparsity * 100)}% of weights` : `${step.pattern} sparsity`;
  return {
    kind: 'prune',
    description: `pruned ${what} of ${refLabel(step.model)} (${step.method}${step.gradual ? ', gradually' : ''})${step.finetune ? `, fine-tuned ${step.finetune.epochs} epoch${step.finetune.epochs === 1 ? '' : 's'}` : ''}`,
    artifact: { name: step.output, ...saved, ...(step.model.kind === 'named' ? { parent: step.model.name } : {}) },
    layers,
    notes,
    ...(history ? { history } : {}),
  };
}

/** Quantizes and saves the model, with per-layer bit widths and sensitivity. */
export async function runQuantize(step: QuantizeStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const model = await ctx.model(step.model);
  const calibration: CalibrationSource = { kind: 'dataset', dataset: ctx.data.train, samples: step.calibSamples };
  const options: QuantizeOptions = step.mode === 'fp16' ? { mode: 'fp16' }
    : step.mode === 'int8-dynamic' ? { mode: 'int8-dynamic', perChannel: true }
    : step.mode === 'int8' ? { mode: 'int8', calibration, perChannel: true }
    : { mode: 'int4', ...(step.blockSize ? { blockSize: step.blockSize } : {}) };
  const result = await quantize(model, options);
  const saved = await ctx.save(step.output, result.model);
  const bits = step.mode === 'fp16' ? 16 : step.mode === 'int4' ? 4 : 8;
  const sensitivity = await sensitivityByLayer(model, options, calibration);
  const layers: LayerFigures[] = result.decisions
    .filter((d) => ['Conv', 'Gemm', 'MatMul'].includes(d.opType))
    .map((d) => ({ name: d.node, bits: d.quantized ? bits : 32, ...(sensitivity.has(d.node) ? { sensitivity: sensitivity.get(d.node)! } : {}) }));
  return {
    kind: 'quantize',
    description: `quantized ${refLabel(step.model)} to ${step.mode}${step.mode === 'int8' ? ` (static, per-channel, ${step.calibSamples} calibration samples)` : ''}`,
    artifact: { name: step.output, ...saved, ...(step.model.kind === 'named' ? { parent: step.model.name } : {}) },
    layers,
    notes: result.notes,
  };
}

/**
 * Relative RMS output error (10^(-SQNR/20)) when only one layer is quantized, by node, on the
 * first 256 calibration samples: the layers to keep in float if the whole model loses too much.
 * fp16 is not measured (its error is negligible on CPU kernels that run it in float32).
 */
async function sensitivityByLayer(model: Model, options: QuantizeOptions, calibration: CalibrationSource): Promise<Map<string, number>> {
  if (options.mode === 'fp16') return new Map();
  const inputs = model.graph.inputs.filter((i) => !model.graph.initializers.has(i.name)).map((i) => i.name);
  const batches = [];
  for await (const b of calibrationBatches({ ...calibration, samples: 256 } as CalibrationSource, inputs)) batches.push(b);
  const ranking = await layerSensitivity(model, async (m, keep) => (await quantize(m, { ...options, exclude: keep })).model, batches);
  return new Map(ranking.map((r) => [r.node, Number.isFinite(r.sqnr) ? 10 ** (-r.sqnr / 20) : 0]));
}

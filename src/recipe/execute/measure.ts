/** The `eval` and `bench` steps: accuracy on the test data; params, FLOPs, size, latency. */
import type { Model } from '../../graph/ir.js';
import { graphInputSpecs, makeRandomFeeds } from '../../measure/feeds.js';
import { countFlops } from '../../measure/flops.js';
import { measureLatency } from '../../measure/latency.js';
import { countParameters } from '../../measure/params.js';
import { modelSize } from '../../measure/size.js';
import { encodeModel } from '../../onnx/save.js';
import { createSession } from '../../runtime/session.js';
import { evaluate } from '../../train/evaluate.js';
import type { RunContext } from '../context.js';
import type { ModelFigures, StepRecord } from '../records.js';
import type { RecipeStep } from '../types.js';

type EvalStep = Extract<RecipeStep, { kind: 'eval' }>;
type BenchStep = Extract<RecipeStep, { kind: 'bench' }>;

/** Accuracy and loss of each listed model on the test data. */
export async function runEval(step: EvalStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const figures: Record<string, ModelFigures> = {};
  for (const [i, name] of step.models.entries()) {
    ctx.signal?.throwIfAborted();
    ctx.emit({ type: 'progress', done: i, total: step.models.length, what: `eval ${name}` });
    const e = await evaluate(await ctx.named(name), ctx.data.test, ctx.threads);
    figures[name] = { accuracy: e.accuracy, loss: e.loss };
  }
  return { kind: 'eval', description: `evaluated ${step.models.join(', ')} on ${ctx.data.test.size} test samples`, figures };
}

/** Params, non-zero params, FLOPs, size raw/brotli and latency p50/p90 (and its energy) of each listed model. */
export async function runBench(step: BenchStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  const figures: Record<string, ModelFigures> = {};
  for (const [i, name] of step.models.entries()) {
    ctx.signal?.throwIfAborted();
    ctx.emit({ type: 'progress', done: i, total: step.models.length, what: `bench ${name}` });
    const model = await ctx.named(name);
    const params = countParameters(model);
    const size = modelSize(encodeModel(model));
    const probe = ctx.energy?.();
    const latency = await timeModel(model, step, ctx);
    const energy = probe?.stop();
    figures[name] = {
      params: params.total,
      nonZeroParams: nonZeroParams(model, params.weights.filter((w) => w.role === 'weight').map((w) => w.name)),
      flops: countFlops(model).flops,
      sizeBytes: size.rawBytes,
      brotliBytes: size.brotliBytes,
      latencyMsP50: latency.p50,
      latencyMsP90: latency.p90,
      latencyBatch: step.batch,
      ...(energy ? { benchEnergy: energy } : {}),
    };
  }
  return { kind: 'bench', description: `benchmarked ${step.models.join(', ')} at batch ${step.batch} (${step.runs} runs after ${step.warmup} warm-up)`, figures };
}

async function timeModel(model: Model, step: BenchStep, ctx: RunContext) {
  const session = await createSession(model, ctx.threads);
  try {
    const prepared = session.prepare(makeRandomFeeds(graphInputSpecs(model.graph), { batch: step.batch, seed: ctx.seed }));
    return await measureLatency(() => session.runPrepared(prepared), { warmup: step.warmup, runs: step.runs, ...(ctx.signal ? { signal: ctx.signal } : {}) });
  } finally {
    await session.release();
  }
}

/**
 * Weights that are not zero: counted in float and 8-bit integer weights (where pruned zeros
 * survive quantization); other stored forms (packed 4-bit blocks) count every element.
 */
function nonZeroParams(model: Model, weights: readonly string[]): number {
  let n = 0;
  for (const name of weights) {
    const t = model.graph.initializers.get(name);
    if (!t) continue;
    const data = t.data as ArrayLike<number>;
    if (t.dtype === 'float32' || t.dtype === 'int8' || t.dtype === 'float64') {
      for (let i = 0; i < data.length; i++) if (data[i] !== 0) n++;
    } else n += t.dims.reduce((a, d) => a * d, 1);
  }
  return n;
}

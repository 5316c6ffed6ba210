/**
 * Runs a validated recipe into one output folder: step by step, each step's model saved
 * atomically as `<name>.onnx`, the run state saved after every step (so a second run reuses
 * finished steps whose inputs did not change), and energy measured per step.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { RecipeError } from './fields.js';
import { loadRecipeData, RunContext, type EnergyProbe, type RunEvent } from './context.js';
import { runPrune, runQuantize } from './execute/compress.js';
import { runDistill } from './execute/distill.js';
import { runBench, runEval } from './execute/measure.js';
import { runTrain } from './execute/train.js';
import type { StepRecord } from './records.js';
import { fingerprint, RunState, sha256File } from './state.js';
import type { Recipe, RecipeStep } from './types.js';

export interface RunRecipeOptions {
  /** The output folder (created if missing). */
  readonly outDir: string;
  /** Progress events (a CLI draws them). */
  readonly onEvent?: (event: RunEvent) => void;
  /** Measures each step's energy; none when absent. */
  readonly energy?: EnergyProbe;
  /** Run every step even when a previous run's result could be reused. */
  readonly fresh?: boolean;
  readonly signal?: AbortSignal;
}

export interface RecipeRun {
  readonly recipe: Recipe;
  readonly outDir: string;
  /** One record per step, in recipe order. */
  readonly steps: readonly (StepRecord & { readonly reused: boolean })[];
  readonly dataSource: string;
  readonly testSamples: number;
}

/** Runs `recipe`. Steps already finished by an earlier run into the same folder are reused. */
export async function runRecipe(recipe: Recipe, options: RunRecipeOptions): Promise<RecipeRun> {
  const dir = options.outDir;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new RecipeError(`${dir}: exists and is not a folder`);
  mkdirSync(dir, { recursive: true });
  const state = RunState.open(dir, recipe.source);
  const data = loadRecipeData(recipe);
  const emit = options.onEvent ?? (() => {});
  const ctx = new RunContext(recipe, dir, data, emit, options.energy, options.signal);
  const records: (StepRecord & { reused: boolean })[] = [];
  // The data by content, not by path: a .npz rewritten in place must not reuse stale steps.
  const dataKey = recipe.data === 'mnist' ? 'mnist' : { train: sha256File(recipe.data.train), test: sha256File(recipe.data.test) };
  for (const [index, step] of recipe.steps.entries()) {
    options.signal?.throwIfAborted();
    const key = fingerprint({ step, seed: recipe.seed, data: dataKey, threads: recipe.threads ?? null, inputs: inputHashes(step, ctx) });
    const previous = options.fresh ? undefined : state.reusable(key);
    emit({ type: 'step', index, total: recipe.steps.length, label: stepLabel(step), reused: previous !== undefined });
    if (previous) {
      if (previous.artifact) ctx.adopt(previous.artifact.name, previous.artifact.file);
      records.push({ ...previous, reused: true });
      continue;
    }
    const t0 = performance.now();
    const probe = options.energy?.();
    const record = await runStep(step, ctx);
    const energy = probe?.stop();
    const full: StepRecord = { ...record, seconds: (performance.now() - t0) / 1000, ...(energy ? { energy } : {}) };
    state.save(key, full);
    records.push({ ...full, reused: false });
    emit({ type: 'step-done', index, seconds: full.seconds });
  }
  return { recipe, outDir: dir, steps: records, dataSource: data.source, testSamples: data.test.size };
}

function runStep(step: RecipeStep, ctx: RunContext): Promise<Omit<StepRecord, 'seconds' | 'energy'>> {
  switch (step.kind) {
    case 'train': return runTrain(step, ctx);
    case 'distill': return runDistill(step, ctx);
    case 'prune': return runPrune(step, ctx);
    case 'quantize': return runQuantize(step, ctx);
    case 'eval': return runEval(step, ctx);
    case 'bench': return runBench(step, ctx);
  }
}

/** Content hashes of the named models a step reads: a changed input invalidates the step. */
function inputHashes(step: RecipeStep, ctx: RunContext): Record<string, string> {
  const names = step.kind === 'eval' || step.kind === 'bench' ? step.models
    : step.kind === 'distill' ? [step.teacher, step.student].flatMap((r) => (r.kind === 'named' ? [r.name] : []))
    : step.model.kind === 'named' ? [step.model.name] : [];
  return Object.fromEntries(names.map((n) => [n, ctx.hash(n)]));
}

/** 'train teacher', 'eval 5 models'... */
export function stepLabel(step: RecipeStep): string {
  return step.kind === 'eval' || step.kind === 'bench' ? `${step.kind} ${step.models.length} model${step.models.length === 1 ? '' : 's'}` : `${step.kind} ${step.output}`;
}

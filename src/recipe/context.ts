/**
 * What the steps of a running recipe share: the data (loaded once), the models by name (files
 * in the output folder or the recipe's inputs, loaded on first use), the output folder, and the
 * hooks for progress and energy.
 */
import { basename, join } from 'node:path';
import type { Dataset } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { datasetFromNpz } from '../data/npz.js';
import type { Model } from '../graph/ir.js';
import { buildZooModel, type ZooName } from '../nn/zoo.js';
import { loadModel } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import type { StepEnergy } from './records.js';
import { sha256File } from './state.js';
import type { ModelRef, Recipe } from './types.js';

/** Progress of a run, for a CLI to draw. */
export type RunEvent =
  | { readonly type: 'step'; readonly index: number; readonly total: number; readonly label: string; readonly reused: boolean }
  | { readonly type: 'progress'; readonly done: number; readonly total: number; readonly what: string }
  | { readonly type: 'step-done'; readonly index: number; readonly seconds: number };

/** Measures the energy of a piece of work: call, work, then `stop()`. */
export type EnergyProbe = () => { stop(): StepEnergy };

export interface RecipeData {
  readonly train: Dataset;
  readonly test: Dataset;
  readonly source: string;
}

export class RunContext {
  private readonly files = new Map<string, string>();
  private readonly loaded = new Map<string, Model>();

  constructor(
    readonly recipe: Recipe,
    readonly dir: string,
    readonly data: RecipeData,
    readonly emit: (event: RunEvent) => void,
    readonly energy: EnergyProbe | undefined,
    readonly signal: AbortSignal | undefined,
  ) {
    for (const [name, path] of Object.entries(recipe.models)) this.files.set(name, path);
  }

  get seed(): number { return this.recipe.seed; }

  get threads(): { threads?: number } { return this.recipe.threads ? { threads: this.recipe.threads } : {}; }

  /** The model a reference names: a fresh seeded zoo model, or a named model's file. */
  async model(ref: ModelRef): Promise<Model> {
    if (ref.kind === 'zoo') return buildZooModel(ref.zoo as ZooName, { seed: this.seed });
    return this.named(ref.name);
  }

  async named(name: string): Promise<Model> {
    const cached = this.loaded.get(name);
    if (cached) return cached;
    const file = this.files.get(name);
    if (!file) throw new Error(`recipe model '${name}' has no file (the parser should have caught this)`);
    const model = await loadModel(file);
    this.loaded.set(name, model);
    return model;
  }

  /** The file of a named model (for fingerprints and reports). */
  file(name: string): string {
    const file = this.files.get(name);
    if (!file) throw new Error(`recipe model '${name}' has no file`);
    return file;
  }

  /** Content hash of a named model's file, for fingerprints. */
  hash(name: string): string {
    return sha256File(this.file(name));
  }

  /** Writes a step's model into the output folder (atomically) and registers it under `name`. */
  async save(name: string, model: Model): Promise<{ file: string; sha256: string }> {
    const path = join(this.dir, `${name}.onnx`);
    await saveModel(model, path);
    this.files.set(name, path);
    this.loaded.set(name, model);
    return { file: basename(path), sha256: sha256File(path) };
  }

  /** Registers an artifact a previous run made (reused step). */
  adopt(name: string, file: string): void {
    this.files.set(name, join(this.dir, file));
    this.loaded.delete(name);
  }
}

/** Loads the recipe's data: MNIST's seed-0 8,000/2,000 split, or two .npz files. */
export function loadRecipeData(recipe: Recipe): RecipeData {
  if (recipe.data === 'mnist') {
    const { train, test } = loadMnist({ seed: 0 });
    return { train, test, source: 'mnist' };
  }
  return { train: datasetFromNpz(recipe.data.train), test: datasetFromNpz(recipe.data.test), source: `${recipe.data.train}, ${recipe.data.test}` };
}

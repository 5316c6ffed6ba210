/**
 * The demo recipe `whittle demo` runs: on MNIST, train a teacher CNN, distill a student with
 * 1/10.9 of its parameters (and train the same student alone, for comparison), prune the
 * student gradually to 90% while fine-tuning, quantize it to INT8 and INT4, then evaluate and
 * benchmark every variant. The same parser as `whittle optimize` validates it, so the demo is an
 * ordinary recipe (docs/recipes.md shows it as YAML). The settings are the ones measured in
 * docs/benchmarks.md (the demo): 30 student epochs are where distillation pulls ahead of the
 * student trained alone, and the gradual schedule keeps 90% pruning within 0.5 points.
 */
import { parseRecipe } from './parse.js';
import type { Recipe } from './types.js';

/** 'full': the README's demo (about 40 s on 2 cores); 'quick': a smoke-sized run for CI. */
export type DemoBudget = 'full' | 'quick';

/** The demo recipe as the object a YAML file would hold. */
export function demoRecipeObject(budget: DemoBudget = 'full'): Record<string, unknown> {
  const quick = budget === 'quick';
  const student = { epochs: quick ? 2 : 30, batch: 64, optimizer: { name: 'adamw', lr: 2e-3 }, schedule: 'cosine' };
  return {
    name: 'whittle-demo',
    data: 'mnist',
    seed: 0,
    steps: [
      { train: 'teacher', model: 'zoo:cnn', epochs: quick ? 1 : 4, batch: 64, optimizer: { name: 'adamw', lr: 1e-3 }, schedule: 'cosine' },
      { train: 'student-alone', model: 'zoo:mlp-small', ...student },
      { distill: 'student', teacher: 'teacher', student: 'zoo:mlp-small', temperature: 4, alpha: 0.9, ...student },
      {
        prune: 'student-pruned', model: 'student', sparsity: 0.9, pattern: 'unstructured', layers: 'all', scope: 'global', gradual: true,
        finetune: { epochs: quick ? 1 : 10, batch: 64, optimizer: { name: 'adamw', lr: 2e-3 }, schedule: 'cosine' },
      },
      { quantize: 'student-int8', model: 'student-pruned', mode: 'int8', 'calib-samples': 256 },
      { quantize: 'student-int4', model: 'student-pruned', mode: 'int4', 'block-size': 32 },
      { eval: 'all' },
      { bench: 'all', batch: 1, runs: quick ? 20 : 200, warmup: quick ? 5 : 20 },
    ],
  };
}

/** The demo as a validated recipe. */
export function demoRecipe(budget: DemoBudget = 'full'): Recipe {
  return parseRecipe(demoRecipeObject(budget), 'built-in demo', process.cwd());
}

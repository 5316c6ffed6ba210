/** `whittle optimize recipe.yaml`: run a declared sequence of steps into one output folder. */
import { basename, extname } from 'node:path';
import { UsageError } from '../errors.js';
import { refLabel } from '../recipe/execute/train.js';
import { loadRecipe } from '../recipe/parse.js';
import type { RecipeStep } from '../recipe/types.js';
import { parseFlags } from './args.js';
import type { Command, Io } from './command.js';
import { checkOutDir, energySetupFromFlags, RECIPE_RUN_FLAGS, runRecipeWithReport, runSummary } from './recipe-run.js';

const FLAGS = { ...RECIPE_RUN_FLAGS, 'dry-run': { type: 'boolean' } } as const;

const HELP = `usage: whittle optimize <recipe.yaml | recipe.json> [--out DIR] [options]

Runs a recipe: a declared sequence of steps (train, distill, prune, quantize, eval, bench) over
named models. The whole recipe is checked before anything runs. Every model a step makes is
written atomically into DIR as NAME.onnx; state.json records finished steps, so running again
reuses every step whose options and inputs did not change (resumable). At the end DIR holds
report.json and report.html. docs/recipes.md describes the format.

options:
  -o, --out DIR     output folder (default: <recipe name>-out in the current folder)
  --fresh           run every step again instead of reusing finished ones
  --force           use a folder that holds files whittle did not write
  --dry-run         validate the recipe and print its steps; run nothing (with --json:
                    {recipe, valid, outDir, steps[]})
  --region CODE     grid region for CO2 (ISO 3166-1 alpha-3, e.g. FRA; default: world average)
  --tdp W           CPU power at full load for energy estimates (when RAPL is not readable)
  --json            print report.json instead of the table`;

export const optimizeCommand: Command = {
  name: 'optimize',
  summary: 'run a recipe (train, distill, prune, quantize, eval, bench) into one folder',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const p = parseFlags('optimize', argv, FLAGS);
    if (p.positionals.length !== 1) throw new UsageError(`expected one recipe file (usage: whittle optimize recipe.yaml), got ${p.positionals.length}`);
    const file = p.positionals[0]!;
    const recipe = loadRecipe(file);
    const outDir = (p.values['out'] as string | undefined) ?? `${recipe.name === 'recipe' ? basename(file, extname(file)) : recipe.name}-out`;
    const energy = energySetupFromFlags(p, recipe.region);
    if (p.values['dry-run']) {
      if (p.values.json) {
        io.out(JSON.stringify({ recipe: file, valid: true, outDir, steps: recipe.steps.map(describeStep) }, null, 2));
        return;
      }
      io.out([`${file}: valid, ${recipe.steps.length} steps`, ...recipe.steps.map((s, i) => `  ${i + 1}. ${describeStep(s)}`)].join('\n'));
      return;
    }
    checkOutDir(outDir, Boolean(p.values['force']));
    const { run, report, document } = await runRecipeWithReport(recipe, io, {
      outDir, title: `whittle optimize: ${recipe.name}`, fresh: Boolean(p.values['fresh']),
      energy,
    });
    io.out(p.values.json ? JSON.stringify(document, null, 2) : runSummary(run, report));
  },
};

/** One line per step for --dry-run: 'prune p from t', 'eval t, p'. */
function describeStep(s: RecipeStep): string {
  if (s.kind === 'eval' || s.kind === 'bench') return `${s.kind} ${s.models.join(', ')}`;
  const from = s.kind === 'distill' ? `${refLabel(s.teacher)} -> ${refLabel(s.student)}` : refLabel(s.model);
  return `${s.kind} ${s.output} from ${from}`;
}

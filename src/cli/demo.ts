/** `whittle demo`: the built-in recipe, from training a teacher to INT4, with a report. */
import { demoRecipe } from '../recipe/demo.js';
import { parseFlags } from './args.js';
import type { Command, Io } from './command.js';
import { checkOutDir, energySetupFromFlags, RECIPE_RUN_FLAGS, runRecipeWithReport, runSummary } from './recipe-run.js';

const FLAGS = { ...RECIPE_RUN_FLAGS, quick: { type: 'boolean' } } as const;

const HELP = `usage: whittle demo [--out DIR] [options]

On MNIST (the mnist package's 10,000 digits, 8,000 to train, 2,000 to test), with no other input:
  1. trains a teacher CNN (zoo cnn, 1.11 M parameters);
  2. trains a small MLP student (zoo mlp-small, 102 k parameters, 1/10.9 of the teacher) alone, and
     the same student distilled from the teacher, on the same budget;
  3. prunes the distilled student gradually to 90% zeros while fine-tuning it;
  4. quantizes the pruned student to INT8 (static, calibrated) and INT4 (weight-only);
  5. evaluates and benchmarks every variant,
and writes the models, report.json and report.html into DIR, then prints the summary table
(accuracy, parameters, FLOPs, size raw/brotli, latency p50, energy and CO2). About 40 seconds on
2 cores. Running it again reuses finished steps (--fresh runs everything).

options:
  -o, --out DIR     output folder (default whittle-demo)
  --quick           a smaller budget (a few epochs, fewer timing runs): a smoke test
  --fresh           run every step again
  --force           use a folder that holds files whittle did not write
  --region CODE     grid region for CO2 (ISO 3166-1 alpha-3, e.g. FRA; default: world average)
  --tdp W           CPU power at full load for energy estimates (when RAPL is not readable)
  --json            print report.json instead of the table`;

export const demoCommand: Command = {
  name: 'demo',
  summary: 'train, distill, prune and quantize on MNIST, with an HTML report',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const p = parseFlags('demo', argv, FLAGS);
    const outDir = (p.values['out'] as string | undefined) ?? 'whittle-demo';
    const energy = energySetupFromFlags(p);
    checkOutDir(outDir, Boolean(p.values['force']));
    const budget = p.values['quick'] ? 'quick' : 'full';
    const { run, report, document } = await runRecipeWithReport(demoRecipe(budget), io, {
      outDir, title: 'whittle demo: MNIST, from a teacher CNN to an INT4 student', fresh: Boolean(p.values['fresh']),
      energy,
      settings: { budget },
    });
    io.out(p.values.json ? JSON.stringify(document, null, 2) : runSummary(run, report));
  },
};

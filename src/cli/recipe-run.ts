/**
 * What `whittle optimize` and `whittle demo` share: checking the output folder, running a recipe
 * with progress on a terminal, writing report.json + report.html, and printing the summary.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { machineInfo } from '../measure/machine.js';
import { STATE_FILE } from '../recipe/state.js';
import { recipeReport } from '../recipe/report.js';
import { runRecipe, type RecipeRun } from '../recipe/run.js';
import type { Recipe } from '../recipe/types.js';
import { summaryTable, writeReport } from '../report/index.js';
import type { ReportDocument } from '../report/document.js';
import type { ReportData } from '../report/types.js';
import type { Parsed } from './args.js';
import type { Io } from './command.js';
import { energyProbe, type EnergySetup } from './energy-probe.js';
import { progressBar, type Progress } from './progress.js';
import { numberFlag } from './train-options.js';

/** The flags `optimize` and `demo` share, to spread into their FLAGS. */
export const RECIPE_RUN_FLAGS = {
  out: { type: 'string', short: 'o' }, fresh: { type: 'boolean' }, force: { type: 'boolean' },
  region: { type: 'string' }, tdp: { type: 'string' }, json: { type: 'boolean' },
} as const;

/** --region (else the recipe's own region) and --tdp, as the energy setup of a run. */
export function energySetupFromFlags(p: Parsed, recipeRegion?: string): EnergySetup {
  const tdp = numberFlag(p, 'tdp', (n) => n > 0, 'a positive number of watts');
  const region = (p.values['region'] as string | undefined) ?? recipeRegion;
  return { ...(region ? { region } : {}), ...(tdp !== undefined ? { tdpWatts: tdp } : {}) };
}

/**
 * The output folder must be new, empty, or one a previous run of whittle wrote (its state.json
 * is how finished steps are reused). Anything else needs --force: nothing a user had is
 * overwritten silently.
 */
export function checkOutDir(dir: string, force: boolean): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir}: exists and is not a folder`);
  const entries = readdirSync(dir);
  if (entries.length > 0 && !entries.includes(STATE_FILE) && !force) {
    throw new UsageError(`--out ${dir}: the folder has files whittle did not write; choose another folder or pass --force`);
  }
}

export interface RecipeCliOptions {
  readonly outDir: string;
  readonly title: string;
  readonly fresh: boolean;
  readonly energy: EnergySetup;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Runs the recipe with progress on stderr, writes the report, and returns it (and report.json's document). */
export async function runRecipeWithReport(recipe: Recipe, io: Io, options: RecipeCliOptions): Promise<{ run: RecipeRun; report: ReportData; document: ReportDocument }> {
  let bar: Progress | undefined;
  let barLabel = '';
  const started = performance.now();
  const probe = energyProbe(options.energy);
  const run = await runRecipe(recipe, {
    outDir: options.outDir,
    fresh: options.fresh,
    energy: probe.probe,
    onEvent: (e) => {
      if (e.type === 'step') {
        bar?.done();
        bar = undefined;
        if (io.interactive) io.err(`[${e.index + 1}/${e.total}] ${e.label}${e.reused ? ' (reused from the previous run)' : ''}`);
      } else if (e.type === 'progress') {
        if (!bar || barLabel !== e.what) { bar?.done(); bar = progressBar(io, `  ${e.what}`, e.total); barLabel = e.what; }
        bar.update(e.done);
      } else {
        bar?.done();
        bar = undefined;
      }
    },
  });
  bar?.done();
  const report = recipeReport(run, {
    title: options.title,
    machine: machineInfo(),
    energy: probe.describe(),
    settings: { ...options.settings, 'wall time': `${((performance.now() - started) / 1000).toFixed(1)} s` },
  });
  const written = await writeReport(options.outDir, report, { overwrite: true });
  return { run, report, document: written.document };
}

/** The text printed after a run: the summary table and where things are. */
export function runSummary(run: RecipeRun, report: ReportData): string {
  const dir = resolve(run.outDir);
  const reused = run.steps.filter((s) => s.reused).length;
  return [
    summaryTable(report.variants),
    '',
    report.energy ? `energy: ${report.energy.method === 'rapl' ? 'measured with RAPL counters' : 'estimated from CPU time and the CPU\'s power (RAPL not readable)'}; CO2 at ${report.energy.gramsPerKWh} g/kWh (${report.energy.region}); every assumption is in report.html` : '',
    reused ? `${reused} of ${run.steps.length} steps reused from the previous run in this folder (--fresh runs everything again)` : '',
    `models, report.json and report.html in ${dir}`,
    `open ${join(dir, 'report.html')}`,
  ].filter(Boolean).join('\n');
}

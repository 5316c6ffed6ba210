/**
 * A recipe run as report data: one variant per model the run made or measured, with the
 * figures of its eval and bench steps, the energy of the step that made it, its training curve
 * and its per-layer sparsity or bit widths.
 */
import { co2Grams } from '../measure/energy/carbon.js';
import type { ReportData, ReportEnergy, ReportMachine, VariantReport } from '../report/types.js';
import type { ModelFigures, StepRecord } from './records.js';
import type { RecipeRun } from './run.js';

export interface RecipeReportOptions {
  readonly title: string;
  readonly machine: ReportMachine;
  readonly energy?: ReportEnergy;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** The report of a finished run. Models never benchmarked get zeros for the bench figures. */
export function recipeReport(run: RecipeRun, options: RecipeReportOptions): ReportData {
  const figures = new Map<string, ModelFigures>();
  for (const record of run.steps) {
    for (const [name, f] of Object.entries(record.figures ?? {})) figures.set(name, { ...figures.get(name), ...f });
  }
  const made = new Map<string, StepRecord>();
  for (const record of run.steps) if (record.artifact) made.set(record.artifact.name, record);
  const names = [...new Set([...made.keys(), ...figures.keys()])];
  // Steps reused from an earlier run were measured under that run's region: price every step's
  // energy at this report's grid intensity so the CO2 column matches the region the page states.
  const gramsPerKWh = options.energy?.gramsPerKWh;
  const variants: VariantReport[] = names.map((name) => variant(name, made.get(name), figures.get(name) ?? {}, gramsPerKWh));
  return {
    title: options.title,
    createdAt: new Date().toISOString(),
    machine: options.machine,
    settings: {
      recipe: run.recipe.source,
      data: run.dataSource,
      'test samples': run.testSamples,
      seed: run.recipe.seed,
      ...(run.recipe.threads ? { threads: run.recipe.threads } : {}),
      steps: run.steps.map((s) => `${s.description}${s.reused ? ' (reused from an earlier run)' : ''}`),
      ...options.settings,
    },
    ...(options.energy ? { energy: options.energy } : {}),
    variants,
  };
}

function variant(name: string, record: StepRecord | undefined, f: ModelFigures, gramsPerKWh: number | undefined): VariantReport {
  return {
    name,
    description: record?.description ?? 'input model',
    ...(record?.artifact?.parent ? { parent: record.artifact.parent } : {}),
    ...(record?.artifact ? { file: record.artifact.file } : {}),
    accuracy: f.accuracy ?? null,
    params: f.params ?? 0,
    ...(f.nonZeroParams !== undefined ? { nonZeroParams: f.nonZeroParams } : {}),
    flops: f.flops ?? 0,
    sizeBytes: f.sizeBytes ?? 0,
    brotliBytes: f.brotliBytes ?? 0,
    latencyMsP50: f.latencyMsP50 ?? 0,
    latencyBatch: f.latencyBatch ?? 1,
    ...(record?.energy ? { energy: { joules: record.energy.joules, co2Grams: gramsPerKWh === undefined ? record.energy.co2Grams : co2Grams(record.energy.joules, gramsPerKWh), seconds: record.energy.seconds, method: record.energy.method } } : {}),
    ...(record?.history?.length ? { history: record.history } : {}),
    ...(record?.layers?.length ? { layers: record.layers } : {}),
  };
}

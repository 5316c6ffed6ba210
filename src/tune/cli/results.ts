/**
 * What a `whittle tune` run hands back: every trial of the study, the best trial (one objective)
 * or the Pareto front (several), parameter importance, the best model copied to OUT/best.onnx and
 * scored once on the 2,000 test digits, and the report files. `TuneResult` is the `--json`
 * document (keys in docs/cli.md).
 */
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { UsageError } from '../../errors.js';
import { join, relative } from 'node:path';
import type { Model } from '../../graph/ir.js';
import { countFlops } from '../../measure/flops.js';
import { machineInfo } from '../../measure/machine.js';
import { countParameters } from '../../measure/params.js';
import { modelSizeAsync } from '../../measure/size.js';
import { encodeModel } from '../../onnx/save.js';
import { loadModel } from '../../onnx/load.js';
import type { ReportData, VariantReport } from '../../report/types.js';
import { writeReport } from '../../report/write.js';
import { evaluate } from '../../train/evaluate.js';
import { parameterImportance } from '../importance.js';
import { paretoFront } from '../pareto.js';
import type { JournalStorage } from '../storage/journal-storage.js';
import { redactUrl } from '../storage/postgres.js';
import type { Direction, FrozenTrial, ParamValue } from '../types.js';
import { directionsOf, type TuneObjective } from './config.js';
import { latencyP50, TUNE_BROTLI_QUALITY, tuneData } from './objective.js';
import type { TuneRequest } from './run.js';
import { runTrials } from './worker.js';

/** One trial as the command prints it. */
export interface TrialRow {
  readonly number: number;
  readonly state: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** One value per objective (complete trials; a pruned trial's last validation value). */
  readonly values: readonly number[] | null;
  /** Epochs trained (fewer than --epochs when pruned). */
  readonly epochs: number;
  /** Validation metric reported after each epoch (epoch -> value). */
  readonly intermediate: Readonly<Record<number, number>>;
  readonly seconds: number | null;
  /** The trial's model file (complete trials). */
  readonly model: string | null;
  /** Why a failed trial failed. */
  readonly reason?: string;
}

/** A chosen model: the best trial, or one trial of the Pareto front. */
export interface ChosenTrial {
  readonly trial: number;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly values: readonly number[];
  /** Accuracy on the 2,000 MNIST test digits (never used for tuning); null when its file is not on this machine. */
  readonly testAccuracy: number | null;
  /** Model file (OUT/best.onnx for the best trial, OUT/trials/trial-N.onnx for front members), or null when missing here. */
  readonly model: string | null;
}

/** The `--json` document of `whittle tune`. */
export interface TuneResult {
  readonly study: string;
  readonly storage: string;
  readonly model: string;
  readonly dataset: string;
  readonly objectives: readonly { readonly name: TuneObjective; readonly direction: Direction }[];
  readonly sampler: string;
  readonly pruner: string;
  readonly epochs: number;
  readonly workers: number;
  readonly seed: number;
  /** Trials this run added (the others came from earlier runs, or from other machines' runs). */
  readonly added: number;
  readonly trials: readonly TrialRow[];
  readonly counts: Readonly<Record<string, number>>;
  /** Epochs trained over all trials of the study. */
  readonly totalEpochs: number;
  /** Single objective: the best complete trial (null when none completed). */
  readonly best: ChosenTrial | null;
  /** Several objectives: the Pareto front. */
  readonly pareto: readonly ChosenTrial[] | null;
  /** Parameter -> share of the first objective's variation it explains (see importance.ts). */
  readonly importance: Readonly<Record<string, number>>;
  readonly files: { readonly out: string; readonly best: string | null; readonly trials: string; readonly report: { readonly json: string; readonly html: string } | null };
  readonly seconds: number;
}

/** Copies `from` to `to` through a temporary file in the same folder, then renames it into place. */
export function copyAtomically(from: string, to: string): void {
  const temp = `${to}.${process.pid}.tmp`;
  try {
    copyFileSync(from, temp);
    renameSync(temp, to);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write ${to}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

function row(t: FrozenTrial): TrialRow {
  const epochs = typeof t.userAttrs['epochs'] === 'number' ? t.userAttrs['epochs'] : 0;
  const model = typeof t.userAttrs['model'] === 'string' && t.state === 'complete' ? t.userAttrs['model'] : null;
  return {
    number: t.number, state: t.state, params: t.params, values: t.values ?? null, epochs, intermediate: t.intermediate,
    seconds: t.startedAt !== undefined && t.finishedAt !== undefined ? (t.finishedAt - t.startedAt) / 1000 : null, model,
    ...(t.reason !== undefined ? { reason: t.reason } : {}),
  };
}

async function measureVariant(name: string, description: string, file: string, out: string, accuracy: number | null, threads?: number): Promise<VariantReport> {
  const model: Model = await loadModel(file);
  const size = await modelSizeAsync(encodeModel(model), { brotliQuality: TUNE_BROTLI_QUALITY });
  return {
    name, description, file: relative(out, file), accuracy,
    params: countParameters(model).total, flops: countFlops(model).flops,
    sizeBytes: size.rawBytes, brotliBytes: size.brotliBytes, latencyMsP50: await latencyP50(model, threads), latencyBatch: 1,
  };
}

/** Builds the run's result from the study in `storage` and writes best.onnx and the report. */
export async function collectResults(request: TuneRequest, storage: JournalStorage, run: string, seconds: number): Promise<TuneResult> {
  await storage.sync();
  const all = storage.cachedTrials(request.study).filter((t) => t.state !== 'waiting');
  const directions = directionsOf(request.objectives);
  const test = tuneData().test;
  const threads = request.threads ? { threads: request.threads } : {};
  const testAccuracy = async (file: string): Promise<number | null> => (await evaluate(await loadModel(file), test, threads)).accuracy;
  const modelOf = (t: FrozenTrial): string | null => {
    const m = t.userAttrs['model'];
    return typeof m === 'string' && existsSync(m) ? m : null;
  };
  let best: ChosenTrial | null = null;
  let pareto: ChosenTrial[] | null = null;
  const variants: VariantReport[] = [];
  const bestPath = join(request.out, 'best.onnx');
  if (directions.length === 1) {
    const front = paretoFront(all, directions);
    const top = front[0];
    if (top !== undefined) {
      const file = modelOf(top);
      if (file !== null) copyAtomically(file, bestPath);
      const acc = file !== null ? await testAccuracy(bestPath) : null;
      best = { trial: top.number, params: top.params, values: top.values!, testAccuracy: acc, model: file !== null ? bestPath : null };
      if (file !== null) variants.push(await measureVariant(`trial ${top.number}`, `best trial of study '${request.study}'`, bestPath, request.out, acc, request.threads));
    }
  } else {
    pareto = [];
    for (const t of paretoFront(all, directions)) {
      const file = modelOf(t);
      const acc = file !== null ? await testAccuracy(file) : null;
      pareto.push({ trial: t.number, params: t.params, values: t.values!, testAccuracy: acc, model: file });
      if (file !== null) variants.push(await measureVariant(`trial ${t.number}`, `Pareto-front trial of study '${request.study}'`, file, request.out, acc, request.threads));
    }
  }
  const complete = all.filter((t) => t.state === 'complete');
  const importance = complete.length >= 2 ? parameterImportance({ name: request.study, directions, trials: all }) : {};
  const rows = all.map(row);
  const counts: Record<string, number> = {};
  for (const t of all) counts[t.state] = (counts[t.state] ?? 0) + 1;
  const objectives = request.objectives.map((name, i) => ({ name, direction: directions[i]! }));
  const data: ReportData = {
    title: `whittle tune: ${request.model} on MNIST (study '${request.study}')`,
    createdAt: new Date().toISOString(),
    machine: machineInfo(),
    settings: {
      model: request.model, dataset: request.dataset, objectives: request.objectives.join(','), sampler: request.sampler, pruner: request.pruner,
      epochs: request.epochs, trials: all.length, workers: request.workers, seed: request.seed, storage: redactUrl(request.storage), space: request.space,
    },
    variants,
    tuning: {
      study: request.study, objectives,
      trials: all.map((t) => ({
        number: t.number, state: t.state, params: { ...t.params }, ...(t.values ? { values: t.values } : {}), intermediate: { ...t.intermediate },
        ...(t.startedAt !== undefined && t.finishedAt !== undefined ? { durationS: (t.finishedAt - t.startedAt) / 1000 } : {}),
      })),
      importance,
      best: best ? [best.trial] : (pareto ?? []).map((p) => p.trial),
    },
  };
  const written = await writeReport(request.out, data, { overwrite: true });
  return {
    study: request.study, storage: redactUrl(request.storage), model: request.model, dataset: request.dataset, objectives,
    sampler: request.sampler, pruner: request.pruner, epochs: request.epochs, workers: request.workers, seed: request.seed,
    added: runTrials(all, run).length,
    trials: rows, counts, totalEpochs: rows.reduce((n, r) => n + r.epochs, 0), best, pareto, importance,
    files: {
      out: request.out, best: best?.model ?? null, trials: join(request.out, 'trials'),
      report: { json: written.json.path, html: written.html.path },
    },
    seconds,
  };
}

/** `whittle tune`: hyperparameter search on MNIST; parsing and printing (the work is in src/tune/cli/). */
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import { ZOO_NAMES, isZooName, type ZooName } from '../nn/zoo.js';
import { parseStorageUrl } from '../tune/storage/open.js';
import type { FrozenTrial } from '../tune/types.js';
import {
  TUNE_OBJECTIVES, TUNE_PRUNERS, TUNE_SAMPLERS, type TuneObjective, type TunePruner, type TuneSampler,
} from '../tune/cli/config.js';
import type { ChosenTrial, TrialRow, TuneResult } from '../tune/cli/results.js';
import { runTune, type TuneRequest } from '../tune/cli/run.js';
import { resolveSpace } from '../tune/cli/space.js';
import { choiceFlag, intFlag, optionalIntFlag, parseFlags, type Parsed } from './args.js';
import type { Command, Io } from './command.js';
import { table } from './format.js';

const FLAGS = {
  model: { type: 'string' }, dataset: { type: 'string' }, trials: { type: 'string' }, space: { type: 'string' },
  sampler: { type: 'string' }, pruner: { type: 'string' }, objective: { type: 'string' }, epochs: { type: 'string' },
  workers: { type: 'string' }, storage: { type: 'string' }, study: { type: 'string' }, resume: { type: 'boolean' },
  out: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' }, 'train-samples': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const HELP = `usage: whittle tune --model ZOO --dataset mnist --trials N [options]

Searches training hyperparameters (optimizer, lr, weight decay, batch size, schedule, warm-up;
with a compression space also sparsity and bit width) for a zoo model on MNIST. Trials train on
6,400 of the 8,000 training digits and are scored on the other 1,600; the 2,000 test digits
score the best model once, at the end. See docs/tuning.md.

  --model ZOO             ${ZOO_NAMES.join(', ')}
  --dataset mnist         the data (only mnist)
  --trials N              trials this run adds to the study
  --space SPACE           default | compression | FILE.yaml|.json (overrides by name; docs/tuning.md)
  --sampler NAME          ${TUNE_SAMPLERS.join(', ')} (default tpe; nsga2 with several objectives)
  --pruner NAME           ${TUNE_PRUNERS.join(', ')} (default asha; none with several objectives)
  --objective LIST        ${TUNE_OBJECTIVES.join(', ')}, comma-separated for a Pareto search (default accuracy)
  --epochs N              most epochs per trial: the pruners' max resource (default 3)
  --workers N             worker processes sharing the study (default 1)
  --storage URL           journal:FILE | postgres://USER@HOST/DB | memory (default journal:OUT/study.jsonl)
  --study NAME            study name (default tune-MODEL)
  --resume                continue the study NAME in the storage (it must exist)
  --out DIR               trial models, best.onnx, report.json/html (default tune-out)
  --seed N                sampler, initial weights and data order (default 0)
  --threads N             ONNX Runtime threads per worker
  --train-samples N       train each trial on the first N tuning-train digits (quick runs)
  --json                  one JSON document (docs/cli.md)`;

function objectivesFlag(p: Parsed): TuneObjective[] {
  const raw = (p.values['objective'] as string | undefined) ?? 'accuracy';
  const list = raw.split(',').map((s) => s.trim());
  for (const o of list) {
    if (!(TUNE_OBJECTIVES as readonly string[]).includes(o)) throw new UsageError(`--objective: '${o}' is not one of ${TUNE_OBJECTIVES.join(', ')} (comma-separated), in '${raw}'`);
  }
  if (new Set(list).size !== list.length) throw new UsageError(`--objective names an objective twice: '${raw}'`);
  return list as TuneObjective[];
}

/** The request a command line describes; every bad flag is a UsageError before any work. */
export function tuneRequest(argv: readonly string[]): TuneRequest & { json: boolean } {
  const p = parseFlags('tune', argv, FLAGS);
  if (p.positionals.length > 0) throw new UsageError(`whittle tune takes no positional arguments, got '${p.positionals.join(' ')}'`);
  const model = p.values['model'] as string | undefined;
  if (model === undefined) throw new UsageError(`missing --model (one of ${ZOO_NAMES.join(', ')})`);
  if (!isZooName(model)) throw new UsageError(`--model must be one of ${ZOO_NAMES.join(', ')}, got '${model}'`);
  const dataset = p.values['dataset'] as string | undefined;
  if (dataset === undefined) throw new UsageError('missing --dataset mnist');
  if (dataset !== 'mnist') throw new UsageError(`--dataset must be mnist, got '${dataset}'`);
  if (p.values['trials'] === undefined) throw new UsageError('missing --trials N (how many trials to run)');
  const trials = intFlag(p, 'trials', 1);
  const objectives = objectivesFlag(p);
  const multi = objectives.length > 1;
  const sampler = choiceFlag<TuneSampler>(p, 'sampler', TUNE_SAMPLERS, multi ? 'nsga2' : 'tpe');
  if (multi && (sampler === 'tpe' || sampler === 'cmaes')) {
    throw new UsageError(`--sampler ${sampler} is single-objective; with --objective ${objectives.join(',')} use nsga2, random or grid`);
  }
  const pruner = choiceFlag<TunePruner>(p, 'pruner', TUNE_PRUNERS, multi ? 'none' : 'asha');
  if (multi && pruner !== 'none') throw new UsageError(`--pruner ${pruner} needs one objective: a Pareto search (--objective ${objectives.join(',')}) runs every trial to the end`);
  const epochs = intFlag(p, 'epochs', 3);
  const workers = intFlag(p, 'workers', 1);
  const out = (p.values['out'] as string | undefined) ?? 'tune-out';
  const storage = (p.values['storage'] as string | undefined) ?? `journal:${join(out, 'study.jsonl')}`;
  const spec = parseStorageUrl(storage);
  if (spec.kind === 'memory' && workers > 1) {
    throw new UsageError(`--workers ${workers} with --storage memory: worker processes cannot share in-memory storage (use journal:FILE or postgres://...)`);
  }
  if (spec.kind === 'memory' && p.values['resume']) throw new UsageError('--resume with --storage memory: in-memory studies do not outlive the process');
  const study = (p.values['study'] as string | undefined) ?? `tune-${model}`;
  if (study.trim() === '') throw new UsageError('--study must not be empty');
  const space = resolveSpace(p.values['space'] as string | undefined);
  const trainSamples = optionalIntFlag(p, 'train-samples');
  if (trainSamples !== undefined && trainSamples > 6400) throw new UsageError(`--train-samples must be at most 6400 (the tuning-train digits), got ${trainSamples}`);
  const threads = optionalIntFlag(p, 'threads');
  return {
    model: model as ZooName, dataset: 'mnist', space, objectives, sampler, pruner, epochs, storage, study,
    seed: intFlag(p, 'seed', 0, 0), out, trials, workers, resume: Boolean(p.values['resume']),
    ...(trainSamples !== undefined ? { trainSamples } : {}), ...(threads !== undefined ? { threads } : {}),
    json: Boolean(p.values['json']),
  };
}

const fmtParam = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(3)) : String(v));
const fmtValue = (name: TuneObjective, v: number): string => (name === 'accuracy' ? `${(100 * v).toFixed(2)}%`
  : name === 'size' ? `${Math.round(v)} B` : name === 'latency' ? `${v.toFixed(3)} ms` : v.toFixed(4));
const pct = (x: number | null): string => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);

function trialsTable(r: TuneResult): string {
  const names = [...new Set(r.trials.flatMap((t) => Object.keys(t.params)))];
  return table(['#', 'state', ...names, ...r.objectives.map((o) => o.name), 'epochs'], r.trials.map((t: TrialRow) => [
    String(t.number), t.state, ...names.map((n) => (n in t.params ? fmtParam(t.params[n]) : '-')),
    ...r.objectives.map((o, i) => (t.values ? fmtValue(o.name, t.values[i]!) : '-')), String(t.epochs),
  ]));
}

function chosen(r: TuneResult, c: ChosenTrial): string {
  const values = r.objectives.map((o, i) => `${o.name} ${fmtValue(o.name, c.values[i]!)}`).join(', ');
  const params = Object.entries(c.params).map(([k, v]) => `${k}=${fmtParam(v)}`).join(' ');
  return `trial ${c.trial}: validation ${values}; test accuracy ${pct(c.testAccuracy)} -> ${c.model ?? '(model not on this machine)'}\n    ${params}`;
}

/** The text output: trials table, best trial or front, importance, files. */
export function tuneText(r: TuneResult): string {
  const counts = Object.entries(r.counts).map(([k, v]) => `${v} ${k}`).join(', ');
  const lines = [
    `study '${r.study}' in ${r.storage}: ${r.trials.length} trials (${counts}), ${r.totalEpochs} epochs, ${r.seconds.toFixed(1)} s`,
    `${r.model} on ${r.dataset}; sampler ${r.sampler}, pruner ${r.pruner}, up to ${r.epochs} epochs per trial, ${r.workers} worker${r.workers === 1 ? '' : 's'}`,
    '', trialsTable(r), '',
  ];
  if (r.best) lines.push(`best ${chosen(r, r.best)}`);
  else if (r.pareto) lines.push(`Pareto front (${r.pareto.length} trial${r.pareto.length === 1 ? '' : 's'}):`, ...r.pareto.map((c) => `  ${chosen(r, c)}`));
  else lines.push('no trial completed');
  const imp = Object.entries(r.importance);
  if (imp.length > 0) lines.push(`parameter importance (${r.objectives[0]!.name}): ${imp.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')}`);
  if (r.files.report) lines.push(`report: ${r.files.report.html} (data: ${r.files.report.json}); trial models in ${r.files.trials}`);
  return lines.join('\n');
}

export const tuneCommand: Command = {
  name: 'tune',
  summary: 'search hyperparameters (TPE, ASHA, NSGA-II...) with parallel workers',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const { json, ...request } = tuneRequest(argv);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort(new UsageError('interrupted'));
    process.once('SIGINT', onSignal);
    const progress = io.interactive ? (trials: readonly FrozenTrial[], budget: number) => {
      const done = trials.filter((t) => t.state !== 'running' && t.state !== 'waiting').length;
      const complete = trials.filter((t) => t.state === 'complete' && t.values);
      const sign = request.objectives.length === 1 && request.objectives[0] === 'accuracy' ? -1 : 1;
      const best = request.objectives.length === 1 && complete.length > 0
        ? complete.reduce((a, b) => (sign * b.values![0]! < sign * a.values![0]! ? b : a)) : undefined;
      const bestText = best ? `, best ${fmtValue(request.objectives[0]!, best.values![0]!)} (trial ${best.number})` : '';
      process.stderr.write(`\r\x1b[2Ktune: ${done}/${budget} trials done${bestText}`);
    } : undefined;
    try {
      const result = await runTune(request, { signal: controller.signal, ...(progress ? { onProgress: progress } : {}) });
      if (progress) process.stderr.write('\r\x1b[2K');
      io.out(json ? JSON.stringify(result, null, 2) : tuneText(result));
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  },
};

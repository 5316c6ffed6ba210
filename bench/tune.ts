/**
 * Hyperparameter search on the classic test functions: best value after 50 and 100 trials (mean
 * and standard deviation over seeds) for whittle's random, TPE and CMA-ES samplers, side by side
 * with Optuna's TPESampler and CmaEsSampler (defaults) run by bench/peers/tune_optuna.py in the
 * same run (skipped with a note when Debian's python3 has no optuna). Prints one JSON document.
 *
 *   node dist/bench/tune.js [--seeds 10] [--trials 50,100] [--no-peer]
 *
 * Branin (f* = 0.397887, x1 ∈ [-5, 10], x2 ∈ [0, 15]) and Hartmann6 (f* = -3.32237, [0, 1]^6),
 * e.g. https://www.sfu.ca/~ssurjano/branin.html and https://www.sfu.ca/~ssurjano/hart6.html.
 * Goal (issue 7): whittle's TPE at least as good as Optuna's (within its seed spread) and clearly
 * better than random. msPerTrial is the wall time of study.optimize per trial (sampler, storage and
 * a trivial objective), for whittle and Optuna alike.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NopPruner } from '../src/tune/pruners/none.js';
import { createSampler, type SamplerSpec } from '../src/tune/samplers/index.js';
import { createStudy } from '../src/tune/study.js';
import type { Trial } from '../src/tune/trial.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

function branin(t: Trial): number {
  const x1 = t.suggestFloat('x1', -5, 10);
  const x2 = t.suggestFloat('x2', 0, 15);
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const s = 1 / (8 * Math.PI);
  return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - s) * Math.cos(x1) + 10;
}

const A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];
const ALPHA = [1.0, 1.2, 3.0, 3.2];

function hartmann6(t: Trial): number {
  const x = Array.from({ length: 6 }, (_, j) => t.suggestFloat(`x${j}`, 0, 1));
  let f = 0;
  for (let i = 0; i < 4; i++) {
    let e = 0;
    for (let j = 0; j < 6; j++) e += A[i]![j]! * (x[j]! - P[i]![j]! * 1e-4) ** 2;
    f -= ALPHA[i]! * Math.exp(-e);
  }
  return f;
}

const PROBLEMS = { branin: { objective: branin, optimum: 0.397887 }, hartmann6: { objective: hartmann6, optimum: -3.32237 } } as const;
type Problem = keyof typeof PROBLEMS;

interface Cell {
  /** Best value after each trial count, per seed. */
  best: number[][];
  msPerTrial: number;
}

async function runWhittle(problem: Problem, spec: (seed: number) => SamplerSpec, seeds: number, checkpoints: number[]): Promise<Cell> {
  const best: number[][] = [];
  let ms = 0;
  const n = checkpoints[checkpoints.length - 1]!;
  for (let seed = 0; seed < seeds; seed++) {
    const study = await createStudy({ sampler: createSampler(spec(seed)), pruner: new NopPruner() });
    const start = performance.now();
    await study.optimize(PROBLEMS[problem].objective, { nTrials: n });
    ms += performance.now() - start;
    const values = [...study.view().trials].sort((a, b) => a.number - b.number).map((t) => t.values![0]!);
    best.push(checkpoints.map((k) => Math.min(...values.slice(0, k))));
  }
  return { best, msPerTrial: ms / (seeds * n) };
}

function summarize(cell: Cell, checkpoints: number[], optimum: number): Record<string, unknown> {
  const at: Record<string, unknown> = {};
  checkpoints.forEach((k, i) => {
    const v = cell.best.map((b) => b[i]!);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const std = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
    at[String(k)] = { mean: round(mean, 5), std: round(std, 5), gap: round(mean - optimum, 5) };
  });
  return { bestAfter: at, msPerTrial: round(cell.msPerTrial, 3) };
}

async function main(): Promise<void> {
  const seeds = Number(flag('--seeds', '10'));
  const checkpoints = flag('--trials', '50,100').split(',').map(Number).sort((a, b) => a - b);
  if (!Number.isInteger(seeds) || seeds < 1 || checkpoints.some((k) => !Number.isInteger(k) || k < 1)) {
    console.error(`bench/tune: --seeds must be a positive integer and --trials a list of positive integers, got ${seeds} and ${checkpoints}`);
    process.exit(2);
  }
  const whittle: Record<string, (seed: number) => SamplerSpec> = {
    random: (seed) => ({ name: 'random', seed }),
    tpe: (seed) => ({ name: 'tpe', seed }),
    cmaes: (seed) => ({ name: 'cmaes', seed }),
  };
  const cells: Record<Problem, Record<string, Cell>> = { branin: {}, hartmann6: {} };
  for (const problem of Object.keys(PROBLEMS) as Problem[]) {
    for (const [name, spec] of Object.entries(whittle)) {
      console.error(`whittle ${name} on ${problem}...`);
      cells[problem][`whittle ${name}`] = await runWhittle(problem, spec, seeds, checkpoints);
    }
  }
  let peer: { optuna?: string; skipped?: string } = { skipped: '--no-peer' };
  if (!process.argv.includes('--no-peer')) {
    console.error('optuna (bench/peers/tune_optuna.py)...');
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'peers', 'tune_optuna.py');
    const r = spawnSync('/usr/bin/python3', [script, '--seeds', String(seeds), '--trials', checkpoints.join(',')], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0 || r.error) {
      peer = { skipped: `peer failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}` };
    } else {
      const doc = JSON.parse(r.stdout) as { optuna?: string; skipped?: string; results?: Record<Problem, Record<string, Cell>> };
      peer = doc.skipped !== undefined ? { skipped: doc.skipped } : { optuna: doc.optuna! };
      for (const problem of Object.keys(doc.results ?? {}) as Problem[]) {
        for (const [name, cell] of Object.entries(doc.results![problem])) cells[problem][`optuna ${name}`] = cell;
      }
    }
  }
  const last = String(checkpoints[checkpoints.length - 1]);
  const table: Record<string, unknown> = {};
  const comparisons: Record<string, unknown> = {};
  for (const problem of Object.keys(PROBLEMS) as Problem[]) {
    const optimum = PROBLEMS[problem].optimum;
    const rows = Object.fromEntries(Object.entries(cells[problem]).map(([name, cell]) => [name, summarize(cell, checkpoints, optimum)]));
    table[problem] = { optimum, ...rows };
    const stat = (name: string, k: string) => (rows[name]?.['bestAfter'] as Record<string, { mean: number; std: number; gap: number }> | undefined)?.[k];
    const cmp: Record<string, unknown> = {};
    for (const k of checkpoints.map(String)) {
      const tpe = stat('whittle tpe', k)!;
      const random = stat('whittle random', k)!;
      const optunaTpe = stat('optuna tpe', k);
      cmp[k] = {
        tpeGapOverRandomGap: round(tpe.gap / random.gap, 3),
        ...(optunaTpe ? { tpeGapOverOptunaTpeGap: round(tpe.gap / optunaTpe.gap, 3), tpeWithinOptunaSpread: tpe.mean <= optunaTpe.mean + optunaTpe.std } : {}),
      };
    }
    const ms = (name: string) => (rows[name]?.['msPerTrial'] as number | undefined);
    if (ms('optuna tpe') !== undefined) cmp['tpeSpeedupVsOptuna'] = round(ms('optuna tpe')! / ms('whittle tpe')!, 2);
    if (ms('optuna cmaes') !== undefined) cmp['cmaesSpeedupVsOptuna'] = round(ms('optuna cmaes')! / ms('whittle cmaes')!, 2);
    comparisons[problem] = cmp;
  }
  console.log(JSON.stringify({ bench: 'tune', seeds, trials: checkpoints, peer, table, comparisons, note: `gap = mean best - f*; ratios < 1 favour whittle TPE; last checkpoint ${last}` }, null, 2));
}

await main();

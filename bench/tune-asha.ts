/**
 * ASHA vs no pruning on a real search: the same sampler, seed and trial count tune an MNIST model
 * twice, once running every trial to the end (pruner none) and once with ASHA (min resource 1
 * epoch, η = 3). Prints one JSON document: best validation accuracy, its test accuracy, total
 * epochs trained and seconds for both, and the ratios.
 *
 *   node dist/bench/tune-asha.js [--model mlp] [--trials 30] [--epochs 9] [--sampler random] [--seed 0] [--threads 2]
 *
 * The defaults give ASHA its usual three rungs (1, 3 and 9 epochs at η = 3); with 4 epochs there
 * are only two, and a configuration that starts slowly is cut after one epoch (docs/benchmarks.md).
 *
 * Goal (issue 7): ASHA reaches the same best MNIST accuracy as no pruning with at most half the
 * total epochs. With the random sampler both arms draw the same configurations (a value is a pure
 * function of seed, trial number and name), so the comparison isolates the pruner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isZooName, type ZooName } from '../src/nn/zoo.js';
import type { TunePruner, TuneSampler } from '../src/tune/cli/config.js';
import { runTune } from '../src/tune/cli/run.js';
import { DEFAULT_SPACE } from '../src/tune/cli/space.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;

const model = flag('--model', 'mlp');
if (!isZooName(model)) throw new Error(`--model must be a zoo name, got ${model}`);
const trials = Number(flag('--trials', '30'));
const epochs = Number(flag('--epochs', '9'));
const sampler = flag('--sampler', 'random') as TuneSampler;
const seed = Number(flag('--seed', '0'));
const threads = Number(flag('--threads', '2'));

async function arm(pruner: TunePruner) {
  const out = mkdtempSync(join(tmpdir(), `whittle-bench-tune-${pruner}-`));
  try {
    const r = await runTune({
      model: model as ZooName, dataset: 'mnist', space: DEFAULT_SPACE, objectives: ['accuracy'], sampler, pruner, epochs,
      storage: 'memory', study: `bench-${pruner}`, seed, out, trials, workers: 1, resume: false, threads,
    });
    return {
      pruner,
      bestTrial: r.best?.trial ?? null,
      bestValidationAccuracy: r.best ? round(r.best.values[0]!) : null,
      bestTestAccuracy: r.best?.testAccuracy ?? null,
      totalEpochs: r.totalEpochs,
      counts: r.counts,
      seconds: round(r.seconds, 1),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

const none = await arm('none');
console.error(`none: ${JSON.stringify(none)}`);
const asha = await arm('asha');
console.error(`asha: ${JSON.stringify(asha)}`);
const epochRatio = round(asha.totalEpochs / none.totalEpochs, 3);
const accuracyDeltaPoints = none.bestValidationAccuracy !== null && asha.bestValidationAccuracy !== null
  ? round(100 * (asha.bestValidationAccuracy - none.bestValidationAccuracy), 2) : null;
console.log(JSON.stringify({
  bench: 'tune-asha',
  settings: { model, trials, epochs, sampler, seed, threads, trainDigits: 6400, validationDigits: 1600 },
  none, asha,
  epochRatio,
  secondsRatio: round(asha.seconds / none.seconds, 3),
  accuracyDeltaPoints,
  goal: { epochRatioAtMost: 0.5, sameBestAccuracy: true },
  met: epochRatio <= 0.5 && accuracyDeltaPoints !== null && accuracyDeltaPoints >= 0,
}, null, 2));

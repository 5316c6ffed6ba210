/** `whittle train`: train a zoo model or fine-tune an ONNX model, and write the trained model. */
import { UsageError } from '../errors.js';
import type { Model } from '../graph/ir.js';
import { ZOO_NAMES, buildZooModel, isZooName } from '../nn/zoo.js';
import { loadModel } from '../onnx/load.js';
import { saveModel } from '../onnx/save.js';
import { fit } from '../train/fit.js';
import { outputFlag, parseFlags } from './args.js';
import type { Command, Io } from './command.js';
import { checkData, commandData } from './data.js';
import { ENERGY_FLAGS, ENERGY_HELP, energyFlags, energyJson, energyText, finishCommandMeter, startCommandMeter } from './energy-options.js';
import { humanBytes, table } from './format.js';
import { progressBar } from './progress.js';
import { LOOP_FLAGS, lossFromFlags, loopFromFlags } from './train-options.js';

const FLAGS = {
  model: { type: 'string' }, dataset: { type: 'string' }, data: { type: 'string' }, 'val-data': { type: 'string' },
  labels: { type: 'string' }, loss: { type: 'string' }, 'label-smoothing': { type: 'string' },
  ...LOOP_FLAGS, output: { type: 'string', short: 'o' }, force: { type: 'boolean' }, json: { type: 'boolean' },
  ...ENERGY_FLAGS,
} as const;

const HELP = `usage: whittle train [<model.onnx> | --model ZOO] (--dataset mnist | --data FILE.npz) -o OUT.onnx [options]

Trains a model from whittle's zoo (${ZOO_NAMES.join(', ')}) or fine-tunes an ONNX model, and
writes the trained model. Data files are .npz with arrays named after the model's inputs plus
'labels' (int64 class indices for cross-entropy, floats of the output's shape for mse).

data:
  --dataset mnist         the mnist package's 10,000 digits, seeded 8,000/2,000 split
  --data FILE.npz         training arrays; --val-data FILE.npz for held-out data
  --labels NAME           the labels array in --data files (default labels)
model and loss:
  --model ZOO             build a zoo model instead of loading one
  --loss cross-entropy|mse  (default: cross-entropy for int labels, else mse)
  --label-smoothing F     cross-entropy label smoothing
optimizer:
  --optimizer NAME        sgd, rmsprop, adagrad, adam, adamw (default), lion, muon, schedule-free-adamw
  --lr F  --weight-decay F  --momentum F  --betas B1,B2  --nesterov
  --no-decay-bias         no weight decay on biases and norm parameters (1-D)
  --clip-norm F           clip the global gradient norm
  --accumulate N          average N batches' gradients per step
schedule:
  --schedule NAME         constant (default), cosine, step, exponential, cosine-restarts, linear,
                          one-cycle, polynomial, wsd
  --warmup N              linear warm-up steps   --min-lr F   --gamma F   --step-size N
loop:
  --epochs N | --steps N  (default 1 epoch)   --batch N (default 64)   --no-shuffle   --seed N
  --threads N             ONNX Runtime threads
output:
  -o, --output OUT.onnx   where to write the trained model (refuses to overwrite without --force)
  --json                  one JSON document: per-epoch loss, accuracy, seconds, energy (docs/cli.md)
${ENERGY_HELP}`;

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a zoo model or fine-tune an ONNX model',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const p = parseFlags('train', argv, FLAGS);
    const out = outputFlag(p, 'trained');
    const energy = energyFlags(p);
    const zoo = p.values['model'] as string | undefined;
    if (zoo && p.positionals.length) throw new UsageError('give either a model file or --model, not both');
    if (!zoo && p.positionals.length !== 1) throw new UsageError('give one model file or --model ZOO');
    if (zoo && !isZooName(zoo)) throw new UsageError(`--model must be one of ${ZOO_NAMES.join(', ')}, got '${zoo}'`);
    const loop = loopFromFlags(p);
    const { seed, batchSize, optimizer, schedule } = loop;
    const labels = p.values['labels'] as string | undefined;
    const data = commandData(p, 'train', labels ? { labels } : {});
    const loss = lossFromFlags(p, data.train.columns['labels']?.dtype === 'int64');
    const model: Model = zoo ? buildZooModel(zoo as (typeof ZOO_NAMES)[number], { seed }) : await loadModel(p.positionals[0]!);
    const where = (flag: string, file: string) => (file === 'mnist' ? 'mnist' : `${flag} ${file}`);
    checkData(model, data.train, where('--data', data.source), loss.kind === 'cross-entropy');
    if (data.validation) checkData(model, data.validation, where('--val-data', (p.values['val-data'] as string | undefined) ?? data.source), loss.kind === 'cross-entropy');

    let bar: ReturnType<typeof progressBar> | undefined;
    const meter = startCommandMeter(energy);
    const t0 = performance.now();
    const result = await fit(model, data.train, {
      ...loop.fit, loss,
      ...(data.validation ? { validation: data.validation } : {}),
      onStep: ({ step, totalSteps }) => { (bar ??= progressBar(io, 'train', totalSteps)).update(step); },
    });
    bar?.done();
    const saved = await saveModel(result.model, out);
    const reading = finishCommandMeter(meter, energy, 'whittle-train');
    const doc = {
      model: saved.path,
      source: zoo ? `zoo:${zoo}` : p.positionals[0],
      data: data.source,
      optimizer, schedule, loss, batch: batchSize, seed,
      steps: result.steps,
      epochs: result.history,
      seconds: round((performance.now() - t0) / 1000),
      energy: energyJson(reading, energy.emissionsFile),
    };
    if (p.values.json) {
      io.out(JSON.stringify(doc, null, 2));
      return;
    }
    const pct = (x: number | null) => (x === null ? '-' : `${(100 * x).toFixed(2)}%`);
    io.out([
      `trained ${doc.source} on ${doc.data}: ${result.steps} steps, ${optimizer.name}, batch ${batchSize} -> ${saved.path}`,
      '',
      table(['epoch', 'train loss', 'train acc', 'val loss', 'val acc', 'lr', 'seconds'], result.history.map((h) => [
        String(h.epoch), h.trainLoss.toFixed(4), pct(h.trainAccuracy), h.valLoss === null ? '-' : h.valLoss.toFixed(4),
        pct(h.valAccuracy), h.lr.toPrecision(3), h.seconds.toFixed(2),
      ])),
      '',
      `total ${doc.seconds.toFixed(1)} s; model file ${humanBytes(saved.bytes)}`,
      energyText(reading, energy.emissionsFile),
    ].join('\n'));
  },
};

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** `whittle bench`: latency percentiles and throughput of a model in ONNX Runtime, on random inputs. */
import { UsageError } from '../errors.js';
import { fromNumbers } from '../onnx/dtypes/convert.js';
import { loadModel } from '../onnx/load.js';
import { createSession, type Provider } from '../runtime/session.js';
import { graphInputSpecs, makeRandomFeeds } from '../measure/feeds.js';
import { measureLatency } from '../measure/latency.js';
import { memorySnapshot } from '../measure/memory.js';
import { choiceFlag, fillFlags, intFlag, modelArg, optionalIntFlag, parseFlags, shapeFlags } from './args.js';
import type { Command, Io } from './command.js';
import { ENERGY_FLAGS, ENERGY_HELP, energyFlags, energyJson, energyText, finishCommandMeter, startCommandMeter } from './energy-options.js';
import { formatShape, humanBytes, humanMs, table } from './format.js';
import { progressBar } from './progress.js';

const FLAGS = {
  runs: { type: 'string' }, warmup: { type: 'string' }, batch: { type: 'string' }, threads: { type: 'string' },
  provider: { type: 'string' }, input: { type: 'string', multiple: true }, fill: { type: 'string', multiple: true },
  seed: { type: 'string' }, json: { type: 'boolean' }, ...ENERGY_FLAGS,
} as const;

const HELP = `usage: whittle bench <model.onnx> [options]

Times the model in ONNX Runtime on random inputs of the right dtype and shape.

options:
  --runs N              timed runs (default 50)
  --warmup N            untimed runs first (default 5)
  --batch N             size of a symbolic first dimension (default 1)
  --threads N           ONNX Runtime intra-op threads (default: all cores)
  --provider cpu|cuda   execution provider (default cpu; cuda needs ORT's CUDA add-on)
  --input NAME=DxD..    full shape of one input (repeatable), e.g. --input image=8x3x224x224
  --fill NAME=VALUE     feed one input a constant instead of random values (repeatable),
                        e.g. --fill sr=16000 for a sample-rate input
  --seed N              seed of the random inputs (default 0)
  --json                print one JSON document (keys in docs/cli.md)
${ENERGY_HELP}`;

export const benchCommand: Command = {
  name: 'bench',
  summary: 'latency percentiles and throughput in ONNX Runtime',
  help: HELP,
  async run(argv: readonly string[], io: Io) {
    const p = parseFlags('bench', argv, FLAGS);
    const path = modelArg('bench', p);
    const runs = intFlag(p, 'runs', 50);
    const warmup = intFlag(p, 'warmup', 5, 0);
    const batch = intFlag(p, 'batch', 1);
    const threads = optionalIntFlag(p, 'threads');
    const seed = intFlag(p, 'seed', 0, 0);
    const provider = choiceFlag<Provider>(p, 'provider', ['cpu', 'cuda'], 'cpu');
    const shapes = shapeFlags(p, 'input');
    const fills = fillFlags(p);
    const energy = energyFlags(p);

    const model = await loadModel(path);
    const specs = graphInputSpecs(model.graph);
    for (const name of Object.keys(shapes)) {
      if (!specs.some((s) => s.name === name)) {
        throw new UsageError(`--input ${name}: the model has no input '${name}' (inputs: ${specs.map((s) => s.name).join(', ')})`);
      }
    }
    if (p.values['batch'] !== undefined && Object.keys(shapes).length > 0) {
      throw new UsageError('give either --batch or full shapes with --input, not both (--input sets the batch)');
    }
    const feeds = makeRandomFeeds(specs, { batch, shapes, seed });
    for (const [name, value] of Object.entries(fills)) {
      const feed = feeds[name];
      if (!feed) throw new UsageError(`--fill ${name}: the model has no input '${name}' (inputs: ${specs.map((s) => s.name).join(', ')})`);
      feeds[name] = fromNumbers(feed.dtype, feed.dims, new Array<number>(feed.size).fill(value));
    }
    const meter = startCommandMeter(energy);
    const rssBefore = memorySnapshot().rssBytes;
    const t0 = performance.now();
    const session = await createSession(model, { provider, ...(threads ? { threads } : {}) });
    const createMs = performance.now() - t0;
    try {
      const prepared = session.prepare(feeds);
      const bar = progressBar(io, 'bench', runs);
      // Samples per run: the first dim actually fed (--input may set it instead of --batch).
      const fedBatch = Object.values(feeds)[0]?.dims[0] ?? batch;
      const report = await measureLatency(() => session.runPrepared(prepared), {
        warmup, runs, batchSize: fedBatch, onRun: (i) => bar.update(i + 1),
      });
      bar.done();
      const reading = finishCommandMeter(meter, energy, 'whittle-bench');
      const after = memorySnapshot();
      const result = {
        model: path,
        provider,
        threads: threads ?? null,
        batch: fedBatch,
        inputs: specs.map((s) => ({ name: s.name, dtype: s.dtype, shape: [...feeds[s.name]!.dims] })),
        warmup,
        runs,
        sessionCreateMs: round(createMs),
        latencyMs: {
          p50: round(report.p50), p90: round(report.p90), p99: round(report.p99),
          mean: round(report.mean), min: round(report.min), max: round(report.max), std: round(report.std),
        },
        throughput: { runsPerSecond: round(report.runsPerSecond), samplesPerSecond: round(report.samplesPerSecond) },
        memory: {
          rssBeforeSessionBytes: rssBefore,
          rssAfterRunsBytes: after.rssBytes,
          processPeakRssBytes: after.processPeakRssBytes,
        },
        energy: energyJson(reading, energy.emissionsFile),
      };
      if (p.values.json) {
        io.out(JSON.stringify(result, null, 2));
        return;
      }
      io.out([
        `${path}  (${provider}, ${threads ?? 'default'} threads, batch ${result.batch}, ${runs} runs after ${warmup} warm-up)`,
        `inputs: ${result.inputs.map((i) => `${i.name} ${i.dtype} ${formatShape(i.shape)}`).join(', ')}`,
        '',
        table(['', 'p50', 'p90', 'p99', 'mean', 'min', 'max'], [[
          'latency', ...['p50', 'p90', 'p99', 'mean', 'min', 'max'].map((k) => humanMs(result.latencyMs[k as 'p50'])),
        ]]),
        '',
        `throughput: ${result.throughput.runsPerSecond.toFixed(1)} runs/s, ${result.throughput.samplesPerSecond.toFixed(1)} samples/s`,
        `session created in ${humanMs(createMs)}; memory: RSS ${humanBytes(after.rssBytes)} (session + runs added ${humanBytes(Math.max(0, after.rssBytes - rssBefore))}), process peak ${humanBytes(after.processPeakRssBytes)}`,
        energyText(reading, energy.emissionsFile),
      ].join('\n'));
    } finally {
      await session.release();
    }
  },
};

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

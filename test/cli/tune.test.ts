/** whittle tune from the command line: bad input, a real run with 2 workers on a journal, --resume. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import { loadModel } from '../../src/onnx/load.js';
import { evaluate } from '../../src/train/evaluate.js';
import { tuneData } from '../../src/tune/cli/objective.js';
import { whittle } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'whittle-tune-cli-'));
const QUICK = ['--model', 'mlp', '--dataset', 'mnist', '--epochs', '2', '--train-samples', '600', '--threads', '1'];

describe('whittle tune', () => {
  const out = join(dir, 'run');

  it('runs 2 workers on a journal: the budget is met exactly and best.onnx is the best trial', async () => {
    const r = whittle(['tune', ...QUICK, '--trials', '5', '--workers', '2', '--pruner', 'none', '--out', out, '--json'], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.trials.length, 5);
    assert.deepEqual(doc.trials.map((t: { number: number }) => t.number), [0, 1, 2, 3, 4]);
    assert.equal(doc.counts.complete, 5);
    assert.equal(doc.totalEpochs, 10);
    const workers = new Set(readFileSync(join(out, 'study.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
      .filter((op: { op: string }) => op.op === 'createTrial').map((op: { worker: string }) => op.worker));
    assert.equal(workers.size, 2, 'both worker processes ran trials');
    const values = doc.trials.map((t: { values: number[] }) => t.values[0]);
    assert.equal(doc.best.values[0], Math.max(...values));
    assert.equal(doc.best.model, join(out, 'best.onnx'));
    const best = await loadModel(join(out, 'best.onnx'));
    const test = await evaluate(best, tuneData().test, { threads: 1 });
    assert.equal(doc.best.testAccuracy, test.accuracy);
    for (const t of doc.trials) assert.ok(existsSync(t.model), t.model);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    assert.equal(report.tuning.trials.length, 5);
    assert.deepEqual(report.tuning.best, [doc.best.trial]);
    assert.ok(existsSync(join(out, 'report.html')));
  });

  it('--resume adds trials to the study; without it an existing study is refused', () => {
    const again = whittle(['tune', ...QUICK, '--trials', '1', '--out', out]);
    assert.equal(again.code, 2);
    assert.match(again.stderr.trim(), /^whittle tune: .*best\.onnx already exists .*--resume/);
    const r = whittle(['tune', ...QUICK, '--trials', '2', '--out', out, '--resume', '--json'], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.trials.length, 7);
    assert.equal(doc.added, 2);
    assert.ok(doc.trials.slice(5).every((t: { state: string }) => t.state === 'complete' || t.state === 'pruned'));
  });

  it('ASHA stops trials early (a pruned trial trains fewer epochs)', () => {
    const r = whittle(['tune', ...QUICK, '--trials', '4', '--storage', 'memory', '--sampler', 'random', '--out', join(dir, 'asha'), '--json'], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.trials.length, 4);
    for (const t of doc.trials) {
      assert.equal(t.epochs, t.state === 'pruned' ? 1 : 2);
      assert.equal(Object.keys(t.intermediate).length, t.epochs);
    }
    assert.ok(doc.counts.pruned >= 1, JSON.stringify(doc.counts));
  });

  it('writes the Pareto front for several objectives', () => {
    const r = whittle(['tune', ...QUICK, '--epochs', '1', '--trials', '3', '--storage', 'memory', '--objective', 'accuracy,size',
      '--space', 'compression', '--out', join(dir, 'pareto'), '--json'], { timeoutMs: 240_000 });
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.sampler, 'nsga2');
    assert.equal(doc.best, null);
    assert.ok(doc.pareto.length >= 1);
    for (const p of doc.pareto) {
      assert.ok(existsSync(p.model));
      assert.equal(p.values.length, 2);
      assert.ok('sparsity' in p.params && 'bits' in p.params);
    }
  });

  const space = join(dir, 'bad.yaml');
  writeFileSync(space, 'lr: { low: 1, high: 0.1 }\n');
  const bad: [string[], RegExp][] = [
    [['--dataset', 'mnist', '--trials', '2'], /missing --model/],
    [['--model', 'vgg', '--dataset', 'mnist', '--trials', '2'], /--model must be one of mlp, lenet/],
    [['--model', 'mlp', '--trials', '2'], /missing --dataset mnist/],
    [['--model', 'mlp', '--dataset', 'mnist'], /missing --trials/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '0'], /--trials must be an integer >= 1, got '0'/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--sampler', 'bayes'], /--sampler must be one of tpe, random/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--objective', 'accuracy,speed'], /--objective: 'speed' is not one of/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--objective', 'accuracy,size', '--pruner', 'asha'], /--pruner asha needs one objective/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--objective', 'accuracy,size', '--sampler', 'tpe'], /--sampler tpe is single-objective/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--workers', '2', '--storage', 'memory'], /--workers 2 with --storage memory/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--storage', 'redis://x'], /storage 'redis:\/\/x' is not a storage URL/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--space', space], /bad\.yaml: 'lr': low \(1\) must be <= high \(0\.1\)/],
    [['--model', 'mlp', '--dataset', 'mnist', '--trials', '2', '--out', join(dir, 'fresh'), '--resume'], /--resume: no study named 'tune-mlp' in journal:.*run without --resume/],
  ];
  for (const [args, re] of bad) {
    it(`exits 2 with one line for ${args.join(' ')}`, async () => {
      // In process (main is what bin.js runs): the same parsing and error path, without a node start-up per case.
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(['tune', ...args], { out: (t) => out.push(t), err: (t) => err.push(t), interactive: false });
      assert.equal(code, 2, err.join('\n'));
      assert.deepEqual(out, []);
      assert.equal(err.length, 1, err.join('\n'));
      assert.ok(!err[0]!.includes('\n'));
      assert.match(err[0]!, re);
    });
  }
});

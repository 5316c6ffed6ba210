/** Search-space files of `whittle tune`: parsing, overrides of the default space, errors naming file and key. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { createStudy } from '../../../src/tune/study.js';
import { samplerSpec, suggestSettings } from '../../../src/tune/cli/config.js';
import { COMPRESSION_SPACE, DEFAULT_SPACE, gridValues, hasCompression, parseSpaceText, resolveSpace } from '../../../src/tune/cli/space.js';

const dir = mkdtempSync(join(tmpdir(), 'whittle-space-'));

describe('tune search space', () => {
  it('parses ranges, choices and fixed values from YAML', () => {
    const space = parseSpaceText('lr: { low: 0.001, high: 0.1, log: true }\nbatch: { choices: [32, 64] }\noptimizer: sgd\nwarmup: { low: 0, high: 0.3, step: 0.1 }\n', 's.yaml');
    assert.deepEqual(space.lr, { kind: 'float', low: 0.001, high: 0.1, log: true });
    assert.deepEqual(space.batch, { kind: 'categorical', choices: [32, 64] });
    assert.deepEqual(space.optimizer, { kind: 'fixed', value: 'sgd' });
    assert.deepEqual(space.warmup, { kind: 'float', low: 0, high: 0.3, log: false, step: 0.1 });
  });

  it('reads JSON files and overrides the default space by name', () => {
    const file = join(dir, 'space.json');
    writeFileSync(file, JSON.stringify({ 'weight-decay': 0, sparsity: { low: 0.5, high: 0.9 } }));
    const space = resolveSpace(file);
    assert.deepEqual(space['weight-decay'], { kind: 'fixed', value: 0 });
    assert.deepEqual(space.lr, DEFAULT_SPACE.lr);
    assert.ok(hasCompression(space));
    assert.equal(space.bits, undefined);
    assert.ok(!hasCompression(resolveSpace(undefined)));
    assert.deepEqual(resolveSpace('compression').bits, COMPRESSION_SPACE.bits);
  });

  const bad: [string, RegExp][] = [
    ['foo: 1', /^s\.yaml: unknown parameter 'foo' \(known: optimizer, lr/],
    ['lr: { low: 0.1, high: 0.01 }', /^s\.yaml: 'lr': low \(0\.1\) must be <= high \(0\.01\)$/],
    ['lr: { low: 0, high: 0.1, log: true }', /^s\.yaml: 'lr': log scale needs low > 0/],
    ['lr: { low: -1, high: 0.1 }', /^s\.yaml: 'lr': values must be positive numbers, got -1$/],
    ['optimizer: { choices: [sgd, nadam] }', /^s\.yaml: 'optimizer': "nadam" is not one of sgd, adam/],
    ['optimizer: { low: 1, high: 2 }', /^s\.yaml: 'optimizer': takes choices, not a range$/],
    ['batch: { low: 16.5, high: 64 }', /^s\.yaml: 'batch': integer bounds expected/],
    ['batch: [32, 64]', /^s\.yaml: 'batch': a list: write \{ choices: \[\.\.\.\] \}/],
    ['bits: { choices: [8, 2] }', /^s\.yaml: 'bits': 2 is not one of 32, 8, 4$/],
    ['momentum: { low: 0.5, high: 1.5 }', /^s\.yaml: 'momentum': values must be numbers in \[0, 1\)/],
    ['lr: { low: 0.001, hi: 0.1 }', /^s\.yaml: 'lr': unknown field\(s\) hi/],
    ['- lr', /^s\.yaml: expected a mapping of parameter names/],
    ['lr: {', /^s\.yaml: not valid YAML/],
  ];
  for (const [text, re] of bad) {
    it(`refuses ${JSON.stringify(text)} with one line naming file and key`, () => {
      assert.throws(() => parseSpaceText(text, 's.yaml'), (e: unknown) => e instanceof UsageError && re.test(e.message) && !e.message.includes('\n'));
    });
  }

  it('refuses a missing file and an unknown keyword', () => {
    assert.throws(() => resolveSpace(join(dir, 'none.yaml')), /--space .*none\.yaml: no such file/);
    assert.throws(() => resolveSpace('fast'), /--space must be 'default', 'compression' or a \.yaml/);
  });

  it('builds a grid: choices kept, steps enumerated, continuous ranges as 3 points', () => {
    const grid = gridValues(parseSpaceText('lr: { low: 0.001, high: 0.1, log: true }\nwarmup: { low: 0, high: 0.2, step: 0.1 }\nsparsity: 0.5', 's.yaml'));
    assert.deepEqual(grid['lr'], [0.001, Math.sqrt(0.001 * 0.1), 0.1]);
    assert.deepEqual(grid['warmup'], [0, 0.1, 0.2]);
    assert.equal(grid['sparsity'], undefined, 'fixed values are not in the grid');
  });

  it('asks momentum only when the optimizer is sgd (a conditional space)', async () => {
    const study = await createStudy({ direction: 'maximize', sampler: samplerSpec({ sampler: 'random', seed: 3, space: DEFAULT_SPACE }) });
    let sgd = 0;
    for (let i = 0; i < 20; i++) {
      const trial = await study.ask();
      const s = suggestSettings(trial, DEFAULT_SPACE, false);
      assert.equal('momentum' in trial.params, s.optimizer.name === 'sgd');
      if (s.optimizer.name === 'sgd') sgd++;
      assert.ok(s.optimizer.lr! >= 1e-4 && s.optimizer.lr! <= 1e-1);
      assert.ok([32, 64, 128, 256].includes(s.batch));
      await study.tell(trial, 0.5);
    }
    assert.ok(sgd > 0 && sgd < 20);
  });
});

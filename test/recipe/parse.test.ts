import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { demoRecipe } from '../../src/recipe/demo.js';
import { RecipeError } from '../../src/recipe/fields.js';
import { loadRecipe, parseRecipe } from '../../src/recipe/parse.js';
import { whittle } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'whittle-recipe-'));
writeFileSync(join(dir, 'model.onnx'), 'not really a model, but a file that exists');

/** Parses `steps` (with optional top-level keys) and returns the error message, or '' when valid. */
function problem(steps: unknown, top: Record<string, unknown> = {}): string {
  try {
    parseRecipe({ ...top, steps }, 'r.yaml', dir);
    return '';
  } catch (e) {
    assert.ok(e instanceof RecipeError, `expected a RecipeError, got ${String(e)}`);
    return (e as Error).message;
  }
}

describe('recipe validation', () => {
  it('accepts the demo and a recipe using a declared input model', () => {
    assert.equal(demoRecipe('full').steps.length, 8);
    const r = parseRecipe({ models: { base: 'model.onnx' }, steps: [{ prune: 'p', model: 'base', sparsity: 0.5 }, { eval: 'all' }] }, 'r.yaml', dir);
    assert.equal(r.models['base'], join(dir, 'model.onnx'));
    assert.deepEqual(r.steps[1], { kind: 'eval', models: ['base', 'p'] });
  });

  it('names an unknown step', () => {
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }, { compress: 'x' }]), /^r\.yaml: steps\[1\]: no step kind \(unknown step 'compress'\)/);
  });

  it('names an unknown grid region before running', () => {
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }], { region: 'XYZ' }), /^r\.yaml: region: unknown region 'XYZ' \(expected one of WORLD, /);
    assert.equal(problem([{ train: 't', model: 'zoo:mlp' }], { region: 'fra' }), '');
  });

  it('names two kinds in one step', () => {
    assert.match(problem([{ train: 't', prune: 'p', model: 'zoo:mlp' }]), /steps\[0\]: one step kind per step, found train and prune/);
  });

  it('names a missing input file', () => {
    assert.match(problem([{ eval: 'all' }], { models: { base: 'missing.onnx' } }), /^r\.yaml: models\.base: missing\.onnx: no such file$/);
    assert.match(problem([{ eval: 'all' }], { data: { train: 'nope.npz', test: 'nope.npz' } }), /data\.train: nope\.npz: no such file/);
  });

  it('names bad values with the place and the expectation', () => {
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }, { prune: 'p', model: 't', sparsity: 1.5 }]),
      /^r\.yaml: steps\[1\] \(prune\)\.sparsity: expected a number >= 0 and < 1, got 1\.5$/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp', epochs: 0 }]), /steps\[0\] \(train\)\.epochs: expected an integer >= 1, got 0/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp', optimizer: 'adamx' }]), /\.optimizer: expected one of sgd, .*got 'adamx'/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp', optimizer: { name: 'adamw', betas: [0.9, 1.5] } }]), /steps\[0\] \(train\)\.optimizer: .*beta/i);
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }, { quantize: 'q', model: 't', mode: 'int3' }]), /\.mode: expected one of fp16, int8-dynamic, int8, int4, got 'int3'/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }, { quantize: 'q', model: 't' }]), /\.mode: missing/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp', lr: -1 }]), /\.lr: expected a number > 0, got -1/);
    assert.match(problem([{ distill: 's', teacher: 'zoo:cnn', student: 'zoo:mlp-small', alpha: 2 }]), /\.alpha: expected a number >= 0 and <= 1, got 2/);
  });

  it('rejects unknown keys (typos are not ignored)', () => {
    assert.match(problem([{ train: 't', model: 'zoo:mlp', epoch: 3 }]), /steps\[0\] \(train\): unknown key 'epoch'/);
    assert.match(problem([{ eval: 'all' }], { sed: 1 }), /^r\.yaml: unknown key 'sed'/);
  });

  it('rejects models used before a step makes them, unknown zoo models and reused names', () => {
    assert.match(problem([{ prune: 'p', model: 'student', sparsity: 0.5 }]), /steps\[0\] \(prune\)\.model: no model named 'student' before this step \(none yet; or use zoo:NAME\)/);
    assert.match(problem([{ train: 't', model: 'zoo:alexnet' }]), /unknown zoo model 'alexnet'/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }, { train: 't', model: 'zoo:mlp' }]), /model name 't' is already used/);
    assert.match(problem([{ train: '../evil', model: 'zoo:mlp' }]), /must be letters, digits/);
    assert.match(problem([]), /steps: expected a non-empty list of steps/);
    assert.match(problem([{ train: 't', model: 'zoo:mlp' }], { name: 'a/b' }), /^r\.yaml: name: 'a\/b' must be letters, digits/);
  });

  it('reads YAML and JSON files, and reports a syntax error as one line', () => {
    const yaml = join(dir, 'ok.yaml');
    writeFileSync(yaml, 'steps:\n  - train: t\n    model: zoo:mlp-small\n  - eval: all\n');
    assert.equal(loadRecipe(yaml).steps.length, 2);
    const json = join(dir, 'ok.json');
    writeFileSync(json, JSON.stringify({ steps: [{ train: 't', model: 'zoo:mlp-small' }] }));
    assert.equal(loadRecipe(json).steps[0]!.kind, 'train');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'steps:\n  - train: [unclosed\n');
    assert.throws(() => loadRecipe(bad), (e: Error) => e instanceof RecipeError && /bad\.yaml: not valid YAML/.test(e.message) && !e.message.includes('\n'));
  });
});

describe('whittle optimize (bad input)', () => {
  it('exits 2 with one line and writes nothing', () => {
    const file = join(dir, 'typo.yaml');
    writeFileSync(file, 'steps:\n  - train: t\n    model: zoo:mlp-small\n    epochs: -3\n');
    const out = join(dir, 'typo-out');
    const r = whittle(['optimize', file, '--out', out]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, /typo\.yaml: steps\[0\] \(train\)\.epochs: expected an integer >= 1, got -3/);
    assert.equal(whittle(['optimize', join(dir, 'nope.yaml')]).code, 2);
  });

  it('--dry-run validates and lists the steps', () => {
    const file = join(dir, 'ok.yaml');
    writeFileSync(file, 'steps:\n  - train: t\n    model: zoo:mlp-small\n  - quantize: q\n    model: t\n    mode: int8\n  - eval: all\n');
    const r = whittle(['optimize', file, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid, 3 steps/);
    assert.match(r.stdout, /2\. quantize q from t/);
    const j = whittle(['optimize', file, '--dry-run', '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.deepEqual(JSON.parse(j.stdout).steps, ['train t from zoo:mlp-small', 'quantize q from t', 'eval t, q']);
  });
});

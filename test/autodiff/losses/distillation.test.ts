/**
 * The distillation loss (alpha * T^2 * KL + (1 - alpha) * CE + hint MSE terms) against PyTorch
 * (test/fixtures/distill-loss.json, made by test/fixtures/make-distill-loss.py), its gradients
 * against finite differences (through a hint projection too), alpha = 0 / 1 against the plain
 * cross-entropy / KL losses, and bad specs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildTrainingGraph } from '../../../src/autodiff/index.js';
import type { LossSpec, TrainingGraph } from '../../../src/autodiff/types.js';
import { UsageError } from '../../../src/errors.js';
import type { Model } from '../../../src/graph/ir.js';
import { seededRandom } from '../../../src/measure/random.js';
import { Tensor } from '../../../src/onnx/tensor.js';
import { createSession, type Session } from '../../../src/runtime/session.js';
import { modelOf, node, randomTensor } from '../fd.js';

interface Arr { dims: number[]; data: number[] }
interface Fixture {
  name: string; temperature: number; alpha: number; student: Arr; teacher: Arr; labels: Arr;
  loss: number; grad: number[]; hintWeight?: number; feature?: Arr; target?: Arr; featureGrad?: number[];
}

const FIXTURES = new URL('../../../../test/fixtures/distill-loss.json', import.meta.url);
const cases = (JSON.parse(readFileSync(FIXTURES, 'utf8')) as { cases: Fixture[] }).cases;
const f32 = (a: Arr) => Tensor.float32(a.data, a.dims);

/** A built training graph with a session, run at given parameter values. */
class Runner {
  private constructor(readonly tg: TrainingGraph, private readonly session: Session, private readonly feeds: Record<string, Tensor>) {}

  static async create(model: Model, loss: LossSpec, feeds: Record<string, Tensor>): Promise<Runner> {
    const tg = buildTrainingGraph(model, { loss });
    return new Runner(tg, await createSession(tg.model, { threads: 1 }), feeds);
  }

  async run(params: ReadonlyMap<string, Tensor> = new Map()): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
    const all: Record<string, Tensor> = { ...this.feeds };
    for (const [name, t] of this.tg.initialValues) all[name] = params.get(name) ?? t;
    const out = await this.session.run(all);
    return {
      loss: Number((out[this.tg.loss]!.data as Float32Array)[0]),
      grads: new Map(this.tg.params.map((p, i) => [p, out[this.tg.gradients[i]!]!.data as Float32Array])),
    };
  }

  /** Central differences of the loss for every element of every parameter (float32: eps 1e-2). */
  async checkFiniteDifferences(eps = 1e-2, tol = 2e-3): Promise<number> {
    const { grads } = await this.run();
    let checked = 0;
    for (const p of this.tg.params) {
      const base = this.tg.initialValues.get(p)! as Tensor<'float32'>;
      for (let k = 0; k < base.size; k++) {
        const at = (d: number) => {
          const data = Float32Array.from(base.data);
          data[k]! += d;
          return new Map([[p, new Tensor('float32', base.dims, data)]]);
        };
        const numeric = ((await this.run(at(eps))).loss - (await this.run(at(-eps))).loss) / (2 * eps);
        const analytic = grads.get(p)![k]!;
        assert.ok(Math.abs(numeric - analytic) <= tol * (1 + Math.abs(numeric)), `${p}[${k}]: analytic ${analytic}, numeric ${numeric}`);
        checked++;
      }
    }
    return checked;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Output `out` = Identity(z) and, with a hint, `hv` = Identity(h): gradients w.r.t. z and h are the loss's. */
function fixtureModel(f: Fixture): Model {
  const inits: Record<string, Tensor> = { z: f32(f.student) };
  const nodes = [node('Identity', ['z'], ['out'])];
  if (f.feature) {
    inits['h'] = f32(f.feature);
    nodes.push(node('Identity', ['h'], ['hv']));
  }
  return modelOf(nodes, {}, ['out'], inits, 17);
}

function specOf(f: Fixture): LossSpec {
  return {
    kind: 'distillation', temperature: f.temperature, alpha: f.alpha,
    ...(f.hintWeight !== undefined ? { hints: [{ student: 'hv', teacher: 'hint_target', weight: f.hintWeight }] } : {}),
  };
}

function feedsOf(f: Fixture): Record<string, Tensor> {
  return {
    labels: Tensor.int64(f.labels.data, f.labels.dims), teacher_logits: f32(f.teacher),
    ...(f.target ? { hint_target: f32(f.target) } : {}),
  };
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string, tol = 1e-5): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i]! - expected[i]!) <= tol, `${what}[${i}]: ${actual[i]} vs PyTorch ${expected[i]}`);
}

describe('distillation loss against PyTorch', () => {
  for (const f of cases) {
    it(f.name, async () => {
      const r = await Runner.create(fixtureModel(f), specOf(f), feedsOf(f));
      const { loss, grads } = await r.run();
      await r.release();
      assert.ok(Math.abs(loss - f.loss) <= 1e-5 * Math.max(1, Math.abs(f.loss)), `loss ${loss} vs PyTorch ${f.loss}`);
      assertClose(grads.get('z')!, f.grad, 'dL/ds');
      if (f.featureGrad) assertClose(grads.get('h')!, f.featureGrad, 'dL/dh');
      assert.ok(r.tg.dataInputs.includes('teacher_logits'), 'the teacher logits are a data input');
    });
  }
});

describe('distillation loss gradients against finite differences', () => {
  it('the closed form w.r.t. the logits (every element, several T and alpha)', async () => {
    for (const f of cases.filter((c) => c.hintWeight === undefined && c.student.dims[1] === 5)) {
      const r = await Runner.create(fixtureModel(f), specOf(f), feedsOf(f));
      assert.equal(await r.checkFiniteDifferences(), 20);
      await r.release();
    }
  });

  // x [4, 3] -> MatMul W1 [3, 6] -> Relu -> feature [4, 6] -> MatMul W2 [6, 5] -> logits; hint:
  // MatMul(feature, P [6, 2]) pulled toward a teacher feature [4, 2]. Every W1, W2 and P element.
  it('through a hint projection into the network (W1, W2 and the projection P)', async () => {
    const rng = seededRandom(11);
    const model = modelOf([
      node('MatMul', ['x', 'W1'], ['a']), node('Relu', ['a'], ['feature']), node('MatMul', ['feature', 'W2'], ['logits']),
      node('MatMul', ['feature', 'P'], ['projected']),
    ], { x: ['float32', [4, 3]] }, ['logits'], {
      W1: randomTensor(rng, 'float32', [3, 6]), W2: randomTensor(rng, 'float32', [6, 5]), P: randomTensor(rng, 'float32', [6, 2]),
    }, 17);
    const spec: LossSpec = { kind: 'distillation', temperature: 3, alpha: 0.6, hints: [{ student: 'projected', teacher: 'teacher_feature', weight: 2 }] };
    const r = await Runner.create(model, spec, {
      x: randomTensor(rng, 'float32', [4, 3]), labels: Tensor.int64([0, 4, 2, 1], [4]),
      teacher_logits: randomTensor(rng, 'float32', [4, 5], -3, 3), teacher_feature: randomTensor(rng, 'float32', [4, 2]),
    });
    assert.deepEqual(r.tg.dataInputs, ['x', 'teacher_logits', 'teacher_feature']);
    assert.equal(await r.checkFiniteDifferences(), 18 + 30 + 12);
    await r.release();
  });
});

describe('distillation loss at the ends of alpha', () => {
  const f = cases.find((c) => c.hintWeight === undefined && c.alpha === 0.5)!;
  const compare = async (alpha: number, plain: LossSpec, plainFeeds: Record<string, Tensor>) => {
    const a = await Runner.create(fixtureModel(f), { kind: 'distillation', temperature: 2, alpha }, feedsOf(f));
    const b = await Runner.create(fixtureModel(f), plain, plainFeeds);
    const [ra, rb] = [await a.run(), await b.run()];
    await a.release();
    await b.release();
    assert.equal(ra.loss, rb.loss);
    assert.deepEqual([...ra.grads.get('z')!], [...rb.grads.get('z')!]);
  };
  it('alpha = 0 is exactly the cross-entropy loss', () => compare(0, { kind: 'cross-entropy' }, { labels: Tensor.int64(f.labels.data, f.labels.dims) }));
  it('alpha = 1 is exactly the KL loss', () => compare(1, { kind: 'kl-divergence', temperature: 2 }, { labels: f32(f.teacher) }));
});

describe('distillation loss specs', () => {
  const f = cases[0]!;
  const build = (spec: Partial<Extract<LossSpec, { kind: 'distillation' }>>) =>
    buildTrainingGraph(fixtureModel(cases.find((c) => c.feature)!), { loss: { kind: 'distillation', temperature: 2, alpha: 0.5, ...spec } });
  it('rejects alpha outside [0, 1] and temperature <= 0, naming the value', () => {
    assert.throws(() => build({ alpha: 1.5 }), (e: Error) => e instanceof UsageError && /alpha must be in \[0, 1\], got 1.5/.test(e.message));
    assert.throws(() => build({ alpha: -0.1 }), UsageError);
    assert.throws(() => build({ temperature: 0 }), (e: Error) => e instanceof UsageError && /temperature/.test(e.message));
  });
  it('rejects unknown or inactive hint values, bad weights and clashing input names', () => {
    assert.throws(() => build({ hints: [{ student: 'nope', teacher: 't', weight: 1 }] }), /hint value 'nope' is not a value of the model/);
    assert.throws(() => build({ hints: [{ student: 'hv', teacher: 't', weight: -1 }] }), /hint weight/);
    assert.throws(() => build({ hints: [{ student: 'hv', teacher: 'teacher_logits', weight: 1 }] }), /repeated/);
    assert.throws(() => build({ teacherInput: 'z' }), /already a value of the model/);
    const frozen = buildTrainingGraph.bind(null, fixtureModel(cases.find((c) => c.feature)!), {
      loss: { kind: 'distillation', temperature: 2, alpha: 0.5, hints: [{ student: 'hv', teacher: 't', weight: 1 }] }, frozen: ['h'],
    });
    assert.throws(frozen, /'hv' does not depend on any trainable parameter/);
  });
  it('declares int64 labels and teacher logits shaped like the output', () => {
    const tg = buildTrainingGraph(fixtureModel(f), { loss: { kind: 'distillation', temperature: 2, alpha: 0.5, teacherInput: 'soft' } });
    const input = (n: string) => tg.model.graph.inputs.find((i) => i.name === n)?.type;
    assert.deepEqual(input('labels'), { kind: 'tensor', dtype: 'int64', shape: [4] });
    assert.deepEqual(input('soft'), { kind: 'tensor', dtype: 'float32', shape: [4, 5] });
  });
});

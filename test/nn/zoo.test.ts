import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { countParameters } from '../../src/measure/params.js';
import { encodeModel } from '../../src/onnx/save.js';
import { Tensor } from '../../src/onnx/tensor.js';
import { createSession } from '../../src/runtime/session.js';
import { bufferNames, parameterCount } from '../../src/nn/builder.js';
import { ZOO_NAMES, type ZooName, buildZooModel, isZooName } from '../../src/nn/zoo.js';
import { randomTensor } from './helpers.js';

/** Parameter counts by hand (torch's parameters(); BN running stats are buffers). */
const EXPECTED: Record<ZooName, { params: number; buffers: number }> = {
  // 784*256 + 256 + 256*10 + 10
  mlp: { params: 203_530, buffers: 0 },
  // conv1 8*1*9+8 = 80, conv2 16*8*9+16 = 1,168, fc1 400*64+64 = 25,664, fc2 64*10+10 = 650
  lenet: { params: 27_562, buffers: 0 },
  // stem 144 + bn 32; layer1 2304+32+2304+32; layer2 4608+64+9216+64 + downsample 512+64;
  // layer3 18432+128+36864+128 + downsample 2048+128; fc 650 => 77,754. Buffers 2 * (16+16+16+32+32+32+64+64+64) = 672.
  resnet: { params: 77_754, buffers: 672 },
  // patch conv 64*49+64 = 3,200; pos 16*64 = 1,024; per block: 2 LN 256 + attn 4*(64*64+64) = 16,640 + mlp 64*128+128 + 128*64+64 = 16,576
  // => 33,472 x 2 = 66,944; final LN 128; head 650 => 71,946
  transformer: { params: 71_946, buffers: 0 },
  // conv1 32*25+32 = 832, conv2 64*32*25+64 = 51,264, fc1 1024*1024+1024 = 1,049,600, fc2 1024*10+10 = 10,250
  cnn: { params: 1_111_946, buffers: 0 },
  // 784*128 + 128 + 128*10 + 10
  'mlp-small': { params: 101_770, buffers: 0 },
};

describe('zoo', () => {
  for (const name of ZOO_NAMES) {
    describe(name, () => {
      const model = buildZooModel(name);

      it('has the expected parameter count', () => {
        assert.equal(parameterCount(model), EXPECTED[name].params);
        assert.equal(bufferNames(model).reduce((n, b) => n + model.graph.initializers.get(b)!.size, 0), EXPECTED[name].buffers);
        // measure/ counts initializers without knowing about buffers
        assert.equal(countParameters(model).total, EXPECTED[name].params + EXPECTED[name].buffers);
      });

      it("takes 'image' [batch, 1, 28, 28] and gives 'logits' [batch, 10]", () => {
        assert.deepEqual(model.graph.inputs, [{ name: 'image', type: { kind: 'tensor', dtype: 'float32', shape: ['batch', 1, 28, 28] } }]);
        assert.deepEqual(model.graph.outputs, [{ name: 'logits', type: { kind: 'tensor', dtype: 'float32', shape: ['batch', 10] } }]);
      });

      it('runs in ONNX Runtime at batch 1 and 3, rows independent of the batch', async () => {
        const session = await createSession(model, { threads: 1 });
        try {
          const x3 = randomTensor([3, 1, 28, 28], 7, 0.5).data.map((v) => v + 0.5);
          const out3 = (await session.run({ image: new Tensor('float32', [3, 1, 28, 28], x3) }))['logits']!;
          const out1 = (await session.run({ image: new Tensor('float32', [1, 1, 28, 28], x3.slice(784, 1568)) }))['logits']!;
          assert.deepEqual(out3.dims, [3, 10]);
          assert.deepEqual(out1.dims, [1, 10]);
          const row = (out3.data as Float32Array).subarray(10, 20);
          (out1.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - row[i]!) < 1e-4, `${v} vs ${row[i]}`));
          assert.ok((out3.data as Float32Array).every(Number.isFinite));
          assert.ok(new Set(out3.data as Float32Array).size > 10, 'logits vary');
        } finally {
          await session.release();
        }
      });

      it('is byte-identical for a seed and differs across seeds', () => {
        assert.deepEqual(encodeModel(buildZooModel(name, { seed: 3 })), encodeModel(buildZooModel(name, { seed: 3 })));
        assert.notDeepEqual(encodeModel(buildZooModel(name, { seed: 3 })), encodeModel(buildZooModel(name, { seed: 4 })));
      });
    });
  }

  it('names parameters like torch', () => {
    assert.deepEqual([...buildZooModel('lenet').graph.initializers.keys()],
      ['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    const resnet = [...buildZooModel('resnet').graph.initializers.keys()];
    for (const n of ['conv1.weight', 'bn1.running_mean', 'layer1.0.conv1.weight', 'layer2.0.downsample.0.weight', 'layer3.0.downsample.1.running_var', 'fc.bias']) {
      assert.ok(resnet.includes(n), n);
    }
    const vit = [...buildZooModel('transformer').graph.initializers.keys()];
    for (const n of ['patch_embed.proj.weight', 'pos_embed', 'blocks.1.attn.q_proj.weight', 'blocks.0.mlp.fc2.bias', 'norm.weight', 'head.weight']) {
      assert.ok(vit.includes(n), n);
    }
  });

  it('takes a class count and rejects unknown names', () => {
    const m = buildZooModel('mlp', { classes: 3 });
    assert.deepEqual(m.graph.initializers.get('fc2.weight')!.dims, [3, 256]);
    assert.deepEqual(m.graph.outputs[0]!.type, { kind: 'tensor', dtype: 'float32', shape: ['batch', 3] });
    assert.throws(() => buildZooModel('vgg' as ZooName), (e: Error) => e instanceof UsageError && /mlp, lenet, resnet, transformer/.test(e.message));
    assert.throws(() => buildZooModel('mlp', { classes: 0 }), UsageError);
    assert.ok(isZooName('resnet') && !isZooName('vgg'));
  });

  it('builds at opset 20 (one Gelu node per block)', async () => {
    const m = buildZooModel('transformer', { opset: 20 });
    assert.equal(m.graph.nodes.filter((n) => n.opType === 'Gelu').length, 2);
    assert.equal(m.graph.nodes.filter((n) => n.opType === 'ReduceMean' && n.inputs.length === 2).length, 1);
    const session = await createSession(m, { threads: 1 });
    const out = await session.run({ image: Tensor.zeros('float32', [2, 1, 28, 28]) });
    await session.release();
    assert.deepEqual(out['logits']!.dims, [2, 10]);
  });
});

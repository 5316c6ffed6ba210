/**
 * A small zoo of MNIST-sized classifiers, all with input `image` float32 [batch, 1, 28, 28]
 * (pixels in [0, 1], as `loadMnist` gives them) and output `logits` float32 [batch, classes]:
 *
 * | name          | architecture                                                            | params (10 classes) |
 * |---------------|-------------------------------------------------------------------------|--------------------:|
 * | `mlp`         | Flatten, Linear 784-256, ReLU, Linear 256-10                            |             203,530 |
 * | `lenet`       | conv 8 3x3, ReLU, maxpool 2, conv 16 3x3, ReLU, maxpool 2, fc 64, ReLU, fc 10 |        27,562 |
 * | `resnet`      | stem conv 16 + BN + ReLU, 3 stages of one BasicBlock (16, 32, 64 channels, stride 2 at stages 2-3), global avg pool, fc 10 | 77,754 (+672 BN buffers) |
 * | `cnn`         | conv 32 5x5, ReLU, maxpool 2, conv 64 5x5, ReLU, maxpool 2, fc 1024, ReLU, fc 10 (a distillation teacher) | 1,111,946 |
 * | `mlp-small`   | Flatten, Linear 784-128, ReLU, Linear 128-10 (a distillation student: 1/10.9 of `cnn`) |            101,770 |
 * | `transformer` | ViT: 7x7 patches (16 tokens) to dim 64, learned positions, 2 pre-norm blocks (4 heads, MLP 128, GELU), mean pool, LayerNorm, fc 10 | 71,946 |
 *
 * Parameter counts are torch's `parameters()` (BatchNorm running stats are buffers). Weights
 * use PyTorch's default init, except the ResNet convs, which use torchvision's ResNet init
 * (Kaiming-normal, fan_out, ReLU gain; He et al. 2015, https://arxiv.org/abs/1502.01852), and
 * the ViT position embedding, normal(0, 0.02).
 */
import { UsageError } from '../errors.js';
import type { Model } from '../graph/ir.js';
import { ReLU } from './activation.js';
import { BasicBlock, TransformerEncoderBlock } from './blocks.js';
import { BATCH_DIM, ModelBuilder } from './builder.js';
import { Conv2d } from './conv.js';
import { Flatten, type Layer, Sequential } from './layer.js';
import { Linear } from './linear.js';
import { BatchNorm2d, LayerNorm } from './norm.js';
import { GlobalAvgPool2d, MaxPool2d } from './pool.js';
import { MeanPoolTokens, PatchEmbedding, PositionEmbedding } from './tokens.js';

/** Names of the zoo's models. */
export const ZOO_NAMES = ['mlp', 'lenet', 'resnet', 'transformer', 'cnn', 'mlp-small'] as const;
/** One of {@link ZOO_NAMES}. */
export type ZooName = typeof ZOO_NAMES[number];

/** The input every zoo model takes: `image` float32 [batch, 1, 28, 28]. */
export const ZOO_INPUT = { name: 'image', dtype: 'float32', shape: [BATCH_DIM, 1, 28, 28] } as const;
/** The output every zoo model gives: `logits` [batch, classes]. */
export const ZOO_OUTPUT = 'logits';

/** Options of {@link buildZooModel}. */
export interface ZooOptions {
  /** Seed of the initial weights (default 0). */
  readonly seed?: number;
  /** Number of classes (default 10). */
  readonly classes?: number;
  /** Default-domain opset (default 17). */
  readonly opset?: number;
  /**
   * Layer widths, to scale a model up or down (e.g. a small distillation student): `mlp` takes
   * [hidden] (default [256]); `lenet` takes [conv1 channels, conv2 channels, fc1 units]
   * (default [8, 16, 64]). Other models take none.
   */
  readonly widths?: readonly number[];
}

/** True when `name` is one of {@link ZOO_NAMES}. */
export function isZooName(name: string): name is ZooName {
  return (ZOO_NAMES as readonly string[]).includes(name);
}

/** The layer stack of a zoo model (without input and output), for composing or inspecting. */
export function zooLayers(name: ZooName, classes = 10, widths?: readonly number[]): Layer {
  const w = zooWidths(name, widths);
  switch (name) {
    case 'mlp':
      return new Sequential({ flatten: new Flatten(), fc1: new Linear(784, w[0]!), relu: new ReLU(), fc2: new Linear(w[0]!, classes) });
    case 'lenet':
      return new Sequential({
        conv1: new Conv2d(1, w[0]!, 3), relu1: new ReLU(), pool1: new MaxPool2d(2),
        conv2: new Conv2d(w[0]!, w[1]!, 3), relu2: new ReLU(), pool2: new MaxPool2d(2),
        flatten: new Flatten(), fc1: new Linear(w[1]! * 5 * 5, w[2]!), relu3: new ReLU(), fc2: new Linear(w[2]!, classes),
      });
    case 'mlp-small':
      return new Sequential({ flatten: new Flatten(), fc1: new Linear(784, 128), relu: new ReLU(), fc2: new Linear(128, classes) });
    case 'cnn':
      return new Sequential({
        conv1: new Conv2d(1, 32, 5), relu1: new ReLU(), pool1: new MaxPool2d(2),
        conv2: new Conv2d(32, 64, 5), relu2: new ReLU(), pool2: new MaxPool2d(2),
        flatten: new Flatten(), fc1: new Linear(64 * 4 * 4, 1024), relu3: new ReLU(), fc2: new Linear(1024, classes),
      });
    case 'resnet': {
      const convInit = { kind: 'kaiming-normal', mode: 'fan_out', nonlinearity: 'relu' } as const;
      return new Sequential({
        conv1: new Conv2d(1, 16, 3, { padding: 1, bias: false, weightInit: convInit }),
        bn1: new BatchNorm2d(16),
        relu: new ReLU(),
        layer1: new Sequential([new BasicBlock(16, 16, { convInit })]),
        layer2: new Sequential([new BasicBlock(16, 32, { stride: 2, convInit })]),
        layer3: new Sequential([new BasicBlock(32, 64, { stride: 2, convInit })]),
        avgpool: new GlobalAvgPool2d(),
        flatten: new Flatten(),
        fc: new Linear(64, classes),
      });
    }
    case 'transformer':
      return new TinyViT(classes);
    default:
      throw new UsageError(`unknown zoo model '${String(name)}' (expected one of: ${ZOO_NAMES.join(', ')})`);
  }
}

/** Default layer widths of the zoo models that take {@link ZooOptions.widths}. */
const DEFAULT_WIDTHS: Readonly<Partial<Record<ZooName, readonly number[]>>> = { mlp: [256], lenet: [8, 16, 64] };

/** `widths` checked against the model (count and positive integers), or the model's defaults. */
function zooWidths(name: ZooName, widths: readonly number[] | undefined): readonly number[] {
  const defaults = DEFAULT_WIDTHS[name];
  if (widths === undefined) return defaults ?? [];
  if (defaults === undefined) throw new UsageError(`zoo model '${name}' takes no widths (only ${Object.keys(DEFAULT_WIDTHS).join(' and ')} do)`);
  if (widths.length !== defaults.length || !widths.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new UsageError(`widths of '${name}' must be ${defaults.length} positive integer(s) (default ${defaults.join(',')}), got ${widths.join(',') || 'none'}`);
  }
  return widths;
}

/**
 * The zoo's ViT: patch_embed.proj (conv 7x7 stride 7, 1 -> 64), pos_embed [1, 16, 64],
 * blocks.0 and blocks.1 (pre-norm, 4 heads, MLP 128, GELU), mean over tokens, norm, head.
 */
class TinyViT implements Layer {
  constructor(readonly classes: number, readonly dim = 64) {}

  apply(b: ModelBuilder, x: string): string {
    const dim = this.dim;
    let h = b.scope('patch_embed', () => new PatchEmbedding(1, dim, 7).apply(b, x));
    h = new PositionEmbedding(16, dim).apply(b, h);
    h = b.scope('blocks', () => new Sequential([0, 1].map(() => new TransformerEncoderBlock(dim, 4, { mlpDim: 128 }))).apply(b, h));
    h = b.scope('pool', () => new MeanPoolTokens().apply(b, h));
    h = b.scope('norm', () => new LayerNorm(dim, { eps: 1e-6 }).apply(b, h));
    return b.scope('head', () => new Linear(dim, this.classes).apply(b, h));
  }
}

/**
 * Builds a zoo model with seeded initial weights (the same seed gives a byte-identical model).
 *
 * @throws UsageError for an unknown name, a bad number of classes, or bad widths.
 */
export function buildZooModel(name: ZooName, options: ZooOptions = {}): Model {
  if (!isZooName(name)) throw new UsageError(`unknown zoo model '${String(name)}' (expected one of: ${ZOO_NAMES.join(', ')})`);
  const classes = options.classes ?? 10;
  if (!(Number.isInteger(classes) && classes >= 1)) throw new UsageError(`classes must be a positive integer, got ${classes}`);
  const b = new ModelBuilder({ seed: options.seed ?? 0, name, ...(options.opset === undefined ? {} : { opset: options.opset }) });
  const x = b.input(ZOO_INPUT.name, ZOO_INPUT.dtype, ZOO_INPUT.shape);
  b.output(ZOO_OUTPUT, zooLayers(name, classes, options.widths).apply(b, x), { dtype: 'float32', shape: [BATCH_DIM, classes] });
  return b.build();
}

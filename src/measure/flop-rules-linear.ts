/**
 * FLOP rules for the ops that do multiply-accumulates: convolutions, matrix products (float,
 * integer and n-bit), Einsum, attention and recurrent layers. Convention (see `flops.ts`):
 * 1 MAC = 2 FLOPs; bias adds, scaling and requantization add 1 FLOP per element they touch.
 */
import { floatAttr, intAttr, stringAttr } from '../graph/attributes.js';
import { type FlopContext, type FlopRule, hasInput, macCount, product } from './flop-rule.js';

/** 'weight' when either operand is constant, else 'activation'. */
function operandsOf(ctx: FlopContext, a: string | undefined, b: string | undefined): 'weight' | 'activation' {
  return ctx.isConstant(a) || ctx.isConstant(b) ? 'weight' : 'activation';
}

/**
 * Conv-like ops. MACs = N * Cout * prod(output spatial) * (Cin / group) * prod(kernel): the
 * weight [Cout, Cin/group, k...] holds the last two factors, so groups, depthwise convolution,
 * stride and padding all come out of the shapes, and dilation spreads the kernel without
 * changing its size. A bias adds 1 FLOP per output element; `extraPerOutput` more per output
 * element (requantization, fused activation).
 */
function convolution(weightInput: number, biasInput: number | undefined, quantized: boolean, extraPerOutput = 0): FlopRule {
  return (ctx) => {
    const { node } = ctx;
    const w = ctx.shape(node.inputs[weightInput]);
    const y = ctx.shape(node.outputs[0]);
    if (!w || !y) return undefined;
    const outputs = product(y);
    const macs = outputs * product(w.slice(1));
    const bias = biasInput !== undefined && hasInput(node, biasInput) ? outputs : 0;
    return macCount(macs, bias + extraPerOutput * outputs, operandsOf(ctx, node.inputs[0], node.inputs[weightInput]), quantized);
  };
}

/**
 * ConvTranspose: every input element is multiplied into Cout/group * prod(kernel) outputs, so
 * MACs = N * Cin * prod(input spatial) * (Cout / group) * prod(kernel) = N * prod(input spatial)
 * * prod(weight dims) (the weight is [Cin, Cout/group, k...]), as fvcore counts it. A bias adds 1
 * FLOP per output element.
 */
const convTranspose: FlopRule = (ctx) => {
  const { node } = ctx;
  const x = ctx.shape(node.inputs[0]);
  const w = ctx.shape(node.inputs[1]);
  const y = hasInput(node, 2) ? ctx.shape(node.outputs[0]) : [];
  if (!x || !w || !y) return undefined;
  const macs = x[0]! * product(x.slice(2)) * product(w);
  return macCount(macs, hasInput(node, 2) ? product(y) : 0, operandsOf(ctx, node.inputs[0], node.inputs[1]));
};

/** Right-aligned broadcast of two batch shapes. */
function broadcast(a: readonly number[], b: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** MACs of numpy-style matmul of shapes a and b (1-D operands promoted, batch dims broadcast). */
function matmulMacs(a: readonly number[], b: readonly number[], transA = false, transB = false): { macs: number; outputs: number } {
  const aRows = a.length === 1 ? [1, a[0]!] : a.slice(-2);
  const bRows = b.length === 1 ? [b[0]!, 1] : b.slice(-2);
  const [m, k] = transA ? [aRows[1]!, aRows[0]!] : [aRows[0]!, aRows[1]!];
  const n = transB ? bRows[0]! : bRows[1]!;
  const batch = product(broadcast(a.length > 2 ? a.slice(0, -2) : [], b.length > 2 ? b.slice(0, -2) : []));
  return { macs: batch * m * n * k, outputs: batch * m * n };
}

/**
 * MatMul-like ops: MACs = batch * M * N * K with numpy broadcasting of the batch dims. When
 * neither operand is constant (attention's QK^T and AV) the count is flagged 'activation'.
 */
function matmul(aInput: number, bInput: number, quantized: boolean, extraPerOutput: (ctx: FlopContext) => number = () => 0,
  transposes: (ctx: FlopContext) => [boolean, boolean] = () => [false, false]): FlopRule {
  return (ctx) => {
    const { node } = ctx;
    const a = ctx.shape(node.inputs[aInput]);
    const b = ctx.shape(node.inputs[bInput]);
    if (!a || !b) return undefined;
    const [transA, transB] = transposes(ctx);
    const { macs, outputs } = matmulMacs(a, b, transA, transB);
    return macCount(macs, extraPerOutput(ctx) * outputs, operandsOf(ctx, node.inputs[aInput], node.inputs[bInput]), quantized);
  };
}

/**
 * Gemm (and ORT's QGemm): Y = alpha * A' B' + beta * C with M*N*K MACs; alpha != 1 adds M*N
 * multiplies, C adds M*N adds and beta != 1 another M*N multiplies.
 */
function gemm(aInput: number, bInput: number, cInput: number, quantized: boolean): FlopRule {
  return matmul(aInput, bInput, quantized, ({ node }) => {
    const alpha = quantized ? 1 : floatAttr(node, 'alpha', 1);
    const beta = floatAttr(node, 'beta', 1);
    const c = hasInput(node, cInput);
    return (alpha !== 1 ? 1 : 0) + (c ? 1 : 0) + (c && beta !== 1 ? 1 : 0);
  }, ({ node }) => [intAttr(node, 'transA', 0) === 1, intAttr(node, 'transB', 0) === 1]);
}

/** MatMulNBits (com.microsoft): A [..., K] times an n-bit [K, N] weight: rows * N * K MACs. */
const matMulNBits: FlopRule = (ctx) => {
  const { node } = ctx;
  const a = ctx.shape(node.inputs[0]);
  if (!a) return undefined;
  const k = intAttr(node, 'K', a[a.length - 1]!);
  const n = intAttr(node, 'N');
  if (n === undefined) return ctx.unsupported("MatMulNBits without the 'N' attribute");
  const rows = product(a.slice(0, -1));
  return macCount(rows * n * k, hasInput(node, 5) ? rows * n : 0, 'weight', true);
};

/**
 * Einsum: for two or more operands, MACs = (operands - 1) * product of the sizes of every index
 * letter (and of the broadcast '...' dims); for one operand, 1 FLOP per input element when it
 * sums over an index, else 0 (a transpose or diagonal).
 */
const einsum: FlopRule = (ctx) => {
  const { node } = ctx;
  const equation = stringAttr(node, 'equation', '').replace(/\s/g, '');
  const [lhs, rhs] = equation.split('->');
  const terms = (lhs ?? '').split(',');
  const sizes = new Map<string, number>();
  let ellipsis: number[] = [];
  for (let i = 0; i < terms.length; i++) {
    const shape = ctx.shape(node.inputs[i]);
    if (!shape) return undefined;
    const term = terms[i]!;
    const letters = term.replace('...', '');
    const ellipsisRank = term.includes('...') ? shape.length - letters.length : 0;
    const at = term.indexOf('...');
    if (ellipsisRank > 0) ellipsis = broadcast(ellipsis, shape.slice(at, at + ellipsisRank));
    let dim = 0;
    for (let c = 0; c < term.length; c++) {
      if (term.startsWith('...', c)) { dim += ellipsisRank; c += 2; continue; }
      const size = shape[dim++];
      if (size === undefined) return ctx.unsupported(`Einsum '${equation}' does not match input ${i}'s rank`);
      sizes.set(term[c]!, Math.max(sizes.get(term[c]!) ?? 1, size));
    }
  }
  const all = product([...sizes.values()]) * product(ellipsis);
  if (terms.length >= 2) {
    const operands = terms.length === 2 ? operandsOf(ctx, node.inputs[0], node.inputs[1]) : undefined;
    return macCount((terms.length - 1) * all, 0, operands);
  }
  // Implicit output (no '->'): the letters that appear exactly once.
  const single = terms[0]!.replace('...', '');
  const output = rhs ?? [...single].filter((c) => single.indexOf(c) === single.lastIndexOf(c)).join('');
  const reduces = [...sizes.keys()].some((letter) => !output.includes(letter));
  return { flops: reduces ? all : 0, macs: 0 };
};

/**
 * Scaled dot-product attention (ONNX Attention, ORT's MultiHeadAttention): QK^T is
 * B*Hq*Lq*Lk*E MACs and AV B*Hq*Lq*Lk*Ev, both 'activation' (Lk includes a past key cache);
 * scaling adds 1 FLOP per score, softmax 5 and an additive mask 1. ORT's com.microsoft.Attention
 * (QKV projection fused in) is not counted.
 */
function attention(headsAttr: string, kvHeadsAttr: string | undefined, maskInput: number, pastInput?: number): FlopRule {
  return (ctx) => {
    const { node } = ctx;
    if (node.domain === 'com.microsoft' && node.opType === 'Attention') {
      return ctx.unsupported('com.microsoft.Attention (with packed QKV weights) has no FLOP rule');
    }
    const past = pastInput !== undefined && hasInput(node, pastInput) ? ctx.shape(node.inputs[pastInput]) : [];
    if (!past) return undefined;
    const pastLength = past.length === 4 ? past[2]! : 0;
    const q = ctx.shape(node.inputs[0]);
    const k = ctx.shape(node.inputs[1]);
    const v = ctx.shape(node.inputs[2]);
    if (!q || !k || !v) return undefined;
    if (q.length !== k.length || q.length !== v.length || (q.length !== 3 && q.length !== 4)) {
      return ctx.unsupported(`attention with query/key/value ranks ${q.length}/${k.length}/${v.length} (expected all 3 or all 4)`);
    }
    let scores: number; let qkMacs: number; let avMacs: number;
    if (q.length === 4) {
      const [batch, heads, lq, e] = q as [number, number, number, number];
      const lk = k[2]! + pastLength;
      scores = batch * heads * lq * lk;
      qkMacs = scores * e;
      avMacs = scores * v[3]!;
    } else {
      const heads = intAttr(node, headsAttr);
      const kvHeads = kvHeadsAttr ? intAttr(node, kvHeadsAttr, heads ?? 0) : heads;
      if (!heads || !kvHeads) return ctx.unsupported(`3-D attention without the '${headsAttr}' attribute`);
      const [batch, lq, qHidden] = q as [number, number, number];
      const lk = k[1]! + pastLength;
      scores = batch * heads * lq * lk;
      qkMacs = batch * lq * lk * qHidden;
      avMacs = scores * (v[2]! / kvHeads);
    }
    const mask = hasInput(node, maskInput) ? scores : 0;
    return macCount(qkMacs + avMacs, scores + 5 * scores + mask, 'activation');
  };
}

/**
 * RNN, GRU and LSTM: per time step, batch row and direction, the gate projections are
 * G*H*(I + H) MACs (G = 1, 3, 4 gates); adding the two projections costs G*H, biases 2*G*H, and
 * the cell's elementwise work per hidden unit 1 (RNN: tanh), 14 (GRU: 2 sigmoids at 4, tanh,
 * 5 mul/add) or 18 (LSTM: 3 sigmoids at 4, 2 tanh, 4 mul/add). Peepholes are not counted.
 */
function recurrent(gates: number, cellPerUnit: number): FlopRule {
  return (ctx) => {
    const { node } = ctx;
    const x = ctx.shape(node.inputs[0]);
    const w = ctx.shape(node.inputs[1]);
    if (!x || !w) return undefined;
    if (x.length !== 3 || w.length !== 3) return ctx.unsupported(`${node.opType} with input rank ${x.length} and weight rank ${w.length}`);
    const [seq, batch] = intAttr(node, 'layout', 0) === 1 ? [x[1]!, x[0]!] : [x[0]!, x[1]!];
    const [directions, gateRows, inputSize] = w as [number, number, number];
    const hidden = intAttr(node, 'hidden_size', gateRows / gates);
    const steps = directions * seq * batch;
    const macs = steps * gates * hidden * (inputSize + hidden);
    const elementwise = steps * hidden * (gates + (hasInput(node, 3) ? 2 * gates : 0) + cellPerUnit);
    return macCount(macs, elementwise, 'weight');
  };
}

/** Rules for the multiply-accumulate ops, keyed by op type. */
export const LINEAR_RULES: Readonly<Record<string, FlopRule>> = {
  Conv: convolution(1, 2, false),
  ConvInteger: convolution(1, undefined, true),
  QLinearConv: convolution(3, 8, true, 1),
  FusedConv: convolution(1, 2, false, 1),
  NhwcConv: convolution(1, 2, false),
  ConvTranspose: convTranspose,
  MatMul: matmul(0, 1, false),
  MatMulInteger: matmul(0, 1, true),
  QLinearMatMul: matmul(0, 3, true, () => 1),
  DynamicQuantizeMatMul: matmul(0, 1, true, ({ node }) => (hasInput(node, 4) ? 1 : 0)),
  FusedMatMul: matmul(0, 1, false, ({ node }) => (floatAttr(node, 'alpha', 1) !== 1 ? 1 : 0),
    ({ node }) => [intAttr(node, 'transA', 0) === 1, intAttr(node, 'transB', 0) === 1]),
  Gemm: gemm(0, 1, 2, false),
  QGemm: gemm(0, 3, 6, true),
  MatMulNBits: matMulNBits,
  Einsum: einsum,
  Attention: attention('q_num_heads', 'kv_num_heads', 3, 4),
  MultiHeadAttention: attention('num_heads', undefined, 4),
  RNN: recurrent(1, 1),
  GRU: recurrent(3, 14),
  LSTM: recurrent(4, 18),
};


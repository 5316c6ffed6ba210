/**
 * whittle's public API. Models are read with `loadModel` or built with `nn/`, are plain
 * immutable records (`Model`, `Graph`, `Node`, `Tensor`), run in ONNX Runtime through
 * `createSession`, train with `fit` (autodiff on the ONNX graph + `optim/`), and are measured
 * with `inspectModel` and friends. Every deliberate error is a `WhittleError`.
 */
export * from './errors.js';
export * from './onnx/index.js';
export * from './graph/index.js';
export * from './runtime/index.js';
export * from './measure/index.js';
export * from './nn/index.js';
export * from './autodiff/index.js';
export * from './optim/index.js';
export * from './data/index.js';
export * from './train/index.js';
export * from './quantize/index.js';
export * from './prune/index.js';
export * from './distill/index.js';
export * from './report/index.js';
export * from './tune/index.js';
export * from './recipe/index.js';

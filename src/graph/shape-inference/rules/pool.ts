/**
 * Pooling: MaxPool (values and indices), AveragePool, LpPool, and the global pools.
 */
import { intAttr, intsAttr } from '../../attributes.js';
import { formatShape } from '../../describe.js';
import { unknownDims } from '../dims.js';
import { registerShapeRules } from '../registry.js';
import type { ShapeContext } from '../types.js';
import { poolShape } from './conv.js';
import { output } from './util.js';

registerShapeRules(['MaxPool', 'AveragePool', 'LpPool'], (ctx: ShapeContext) => {
  const dtype = ctx.dtype(0);
  const x = ctx.shape(0);
  const kernel = intsAttr(ctx.node, 'kernel_shape');
  if (!kernel) ctx.fail(`attribute 'kernel_shape' is required`);
  let shape;
  if (x) {
    if (x.length !== kernel.length + 2) ctx.fail(`input ${formatShape(x)} does not match kernel_shape [${kernel.join(', ')}]`);
    shape = poolShape(ctx, x, kernel, intAttr(ctx.node, 'ceil_mode', 0) !== 0);
  } else {
    shape = unknownDims(kernel.length + 2);
  }
  return [output(dtype, shape), output('int64', shape)];
});

registerShapeRules(['GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool'], (ctx: ShapeContext) => {
  const x = ctx.shape(0);
  if (x && x.length < 2) ctx.fail(`input ${formatShape(x)} needs rank >= 2`);
  return [output(ctx.dtype(0), x ? [x[0]!, x[1]!, ...x.slice(2).map(() => 1)] : undefined)];
});

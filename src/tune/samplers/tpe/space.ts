/**
 * How TPE sees a parameter. Three representations:
 * - external: what the objective gets (`ParamValue`);
 * - internal: a number (the value itself for float/int, the index of the choice for categorical);
 * - kernel space: where the Gaussian kernels live: the log of the value for `log` distributions,
 *   the value otherwise, between bounds widened by half a step for discrete ones (so every grid
 *   point owns an equal slab), after Bergstra et al. 2011 and Optuna's TPESampler.
 */
import { fromInternal } from '../../distributions.js';
import type { Distribution, ParamValue } from '../../types.js';

/** Kernel-space bounds of a numerical distribution, and its step when discrete (`q`). */
export interface KernelBounds {
  readonly low: number;
  readonly high: number;
  /** The grid step in kernel space (discrete, non-log parameters only). */
  readonly q?: number;
}

/** Kernel-space bounds: log bounds for log scales (int: widened by 0.5 first), ±step/2 for grids. */
export function kernelBounds(dist: Exclude<Distribution, { kind: 'categorical' }>): KernelBounds {
  if (dist.kind === 'float') {
    if (dist.log) return { low: Math.log(dist.low), high: Math.log(dist.high) };
    if (dist.step !== undefined) return { low: dist.low - 0.5 * dist.step, high: dist.high + 0.5 * dist.step, q: dist.step };
    return { low: dist.low, high: dist.high };
  }
  if (dist.log) return { low: Math.log(dist.low - 0.5), high: Math.log(dist.high + 0.5) };
  return { low: dist.low - 0.5 * dist.step, high: dist.high + 0.5 * dist.step, q: dist.step };
}

/**
 * The internal number of `value` under `dist`, or undefined when the value does not belong to it
 * (a past trial that used other bounds or choices: such observations are left out).
 */
export function observe(dist: Distribution, value: ParamValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (dist.kind === 'categorical') {
    const i = dist.choices.indexOf(value);
    return i >= 0 ? i : undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const tolerance = 1e-9 * Math.max(1, Math.abs(dist.high - dist.low));
  return value >= dist.low - tolerance && value <= dist.high + tolerance ? value : undefined;
}

/** Internal number -> kernel space (log for log scales). */
export function toKernel(dist: Distribution, internal: number): number {
  return dist.kind !== 'categorical' && dist.log ? Math.log(internal) : internal;
}

/** Kernel space -> internal number, rounded onto the distribution's grid and clipped to it. */
export function fromKernel(dist: Distribution, x: number): number {
  // Kernel space is the shared internal representation of distributions.ts for numbers.
  return dist.kind === 'categorical' ? x : (fromInternal(dist, x) as number);
}

/** Internal number -> the value the objective sees. */
export function toExternal(dist: Distribution, internal: number): ParamValue {
  if (dist.kind === 'categorical') return dist.choices[internal]!;
  return internal;
}

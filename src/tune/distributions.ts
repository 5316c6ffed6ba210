/**
 * Parameter distributions: building and validating them (as `suggestFloat`, `suggestInt` and
 * `suggestCategorical` do), membership, and the mapping every sampler shares between a parameter
 * value and an internal real number (a categorical choice is its index, a log-scaled value its
 * natural logarithm), with rounding back onto the parameter's grid.
 */
import { UsageError } from '../errors.js';
import type { Distribution, ParamValue } from './types.js';

/** Options of a float parameter. */
export interface FloatOptions {
  /** Sample uniformly in log space (needs low > 0; not with `step`). */
  readonly log?: boolean;
  /** Discretize to low, low + step, ... (high is moved down onto that grid). */
  readonly step?: number;
}

/** Options of an integer parameter. */
export interface IntOptions {
  /** Sample uniformly in log space (needs low >= 1 and step 1). */
  readonly log?: boolean;
  /** Grid spacing, a positive integer (1 by default); high is moved down onto the grid. */
  readonly step?: number;
}

/** Largest grid point low + k*step not above high (with a tolerance for float steps). */
function adjustHigh(low: number, high: number, step: number): number {
  const k = Math.floor((high - low) / step + 1e-9);
  const adjusted = low + k * step;
  // Keep the user's own high when it is on the grid (avoids 0.30000000000000004).
  return Math.abs(adjusted - high) <= 1e-9 * Math.max(1, Math.abs(high)) ? high : adjusted;
}

function finite(name: string, what: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new UsageError(`parameter '${name}': ${what} must be a finite number, got ${String(value)}`);
  }
}

/**
 * A float distribution for parameter `name`, validated: finite bounds with low <= high; `log`
 * needs low > 0 and no step; `step` must be positive. A step that does not divide the range moves
 * `high` down to the last grid point (as Optuna does).
 *
 * @example
 * floatDistribution('lr', 1e-5, 1e-1, { log: true });
 * floatDistribution('dropout', 0, 0.55, { step: 0.1 }); // high becomes 0.5
 */
export function floatDistribution(name: string, low: number, high: number, options: FloatOptions = {}): Distribution {
  finite(name, 'low', low);
  finite(name, 'high', high);
  if (low > high) throw new UsageError(`parameter '${name}': low (${low}) must be <= high (${high})`);
  const log = options.log ?? false;
  if (log && low <= 0) throw new UsageError(`parameter '${name}': log scale needs low > 0, got low ${low}`);
  if (options.step === undefined) return { kind: 'float', low, high, log };
  finite(name, 'step', options.step);
  if (options.step <= 0) throw new UsageError(`parameter '${name}': step must be > 0, got ${options.step}`);
  if (log) throw new UsageError(`parameter '${name}': step (${options.step}) cannot be combined with log scale`);
  return { kind: 'float', low, high: adjustHigh(low, high, options.step), log, step: options.step };
}

/**
 * An integer distribution for parameter `name`, validated: integer bounds with low <= high, an
 * integer step >= 1; `log` needs low >= 1 and step 1. A step that does not divide the range moves
 * `high` down to the last grid point.
 *
 * @example
 * intDistribution('batch', 16, 256, { log: true });
 * intDistribution('layers', 1, 8, { step: 2 }); // 1, 3, 5, 7
 */
export function intDistribution(name: string, low: number, high: number, options: IntOptions = {}): Distribution {
  finite(name, 'low', low);
  finite(name, 'high', high);
  if (!Number.isInteger(low) || !Number.isInteger(high)) {
    throw new UsageError(`parameter '${name}': integer bounds expected, got low ${low} and high ${high}`);
  }
  if (low > high) throw new UsageError(`parameter '${name}': low (${low}) must be <= high (${high})`);
  const step = options.step ?? 1;
  if (!Number.isInteger(step) || step < 1) throw new UsageError(`parameter '${name}': step must be an integer >= 1, got ${step}`);
  const log = options.log ?? false;
  if (log && low < 1) throw new UsageError(`parameter '${name}': log scale needs low >= 1, got low ${low}`);
  if (log && step !== 1) throw new UsageError(`parameter '${name}': step (${step}) cannot be combined with log scale`);
  return { kind: 'int', low, high: low + Math.floor((high - low) / step) * step, log, step };
}

/**
 * A categorical distribution for parameter `name`: at least one choice, each a number (finite),
 * string, boolean or null, without duplicates.
 *
 * @example
 * categoricalDistribution('optimizer', ['sgd', 'adam', 'adamw']);
 */
export function categoricalDistribution(name: string, choices: readonly ParamValue[]): Distribution {
  if (!Array.isArray(choices) || choices.length === 0) {
    throw new UsageError(`parameter '${name}': expected a non-empty array of choices, got ${JSON.stringify(choices)}`);
  }
  for (const c of choices) {
    const ok = c === null || typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
    if (!ok) throw new UsageError(`parameter '${name}': choice ${String(c)} is not a finite number, string, boolean or null`);
  }
  if (new Set(choices).size !== choices.length) {
    throw new UsageError(`parameter '${name}': choices must be distinct, got ${JSON.stringify(choices)}`);
  }
  return { kind: 'categorical', choices: [...choices] };
}

/** True when the two distributions are the same (same kind, bounds, scale, step or choices). */
export function sameDistribution(a: Distribution, b: Distribution): boolean {
  if (a.kind === 'categorical' || b.kind === 'categorical') {
    if (a.kind !== 'categorical' || b.kind !== 'categorical') return false;
    return a.choices.length === b.choices.length && a.choices.every((c, i) => c === b.choices[i]);
  }
  return a.kind === b.kind && a.low === b.low && a.high === b.high && a.log === b.log && a.step === b.step;
}

/** A short readable form for error messages, e.g. `float[1e-05, 0.1] log` or `categorical[sgd, adam]`. */
export function describeDistribution(d: Distribution): string {
  if (d.kind === 'categorical') return `categorical[${d.choices.map(String).join(', ')}]`;
  return `${d.kind}[${d.low}, ${d.high}]${d.log ? ' log' : ''}${d.step !== undefined && !(d.kind === 'int' && d.step === 1) ? ` step ${d.step}` : ''}`;
}

/** True when `value` is a possible value of `dist` (inside the bounds and on the step grid). */
export function contains(dist: Distribution, value: ParamValue): boolean {
  if (dist.kind === 'categorical') return dist.choices.includes(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (value < dist.low || value > dist.high) return false;
  if (dist.kind === 'int' && !Number.isInteger(value)) return false;
  if (dist.step === undefined) return true;
  const k = (value - dist.low) / dist.step;
  return Math.abs(k - Math.round(k)) <= 1e-8 * Math.max(1, Math.abs(k));
}

/** True when `dist` has exactly one possible value (samplers need not ask for it). */
export function isSingle(dist: Distribution): boolean {
  if (dist.kind === 'categorical') return dist.choices.length === 1;
  return dist.low === dist.high;
}

/** The only value of a single-valued distribution (see {@link isSingle}). */
export function singleValue(dist: Distribution): ParamValue {
  return dist.kind === 'categorical' ? dist.choices[0]! : dist.low;
}

/**
 * A value as an internal real number: a categorical choice becomes its index, a log-scaled
 * number its natural logarithm, other numbers stay as they are.
 */
export function toInternal(dist: Distribution, value: ParamValue): number {
  if (dist.kind === 'categorical') {
    const i = dist.choices.indexOf(value);
    if (i < 0) throw new UsageError(`value ${String(value)} is not one of the choices ${JSON.stringify(dist.choices)}`);
    return i;
  }
  if (typeof value !== 'number') throw new UsageError(`expected a number for a ${dist.kind} parameter, got ${String(value)}`);
  return dist.log ? Math.log(value) : value;
}

/**
 * The internal range [low, high] of a distribution: choice indices [0, n-1] for a categorical,
 * [ln low, ln high] on a log scale, the bounds otherwise.
 */
export function internalBounds(dist: Distribution): { low: number; high: number } {
  if (dist.kind === 'categorical') return { low: 0, high: dist.choices.length - 1 };
  return dist.log ? { low: Math.log(dist.low), high: Math.log(dist.high) } : { low: dist.low, high: dist.high };
}

/** Rounds `x` to the nearest grid point low + k*step, clamped to [low, high]. */
export function roundToStep(x: number, low: number, high: number, step: number): number {
  const k = Math.round((x - low) / step);
  const v = low + k * step;
  return Math.min(high, Math.max(low, v));
}

/**
 * The parameter value of an internal real number (inverse of {@link toInternal}): clamped to the
 * bounds, rounded to the nearest choice index, integer or step grid point.
 */
export function fromInternal(dist: Distribution, x: number): ParamValue {
  if (dist.kind === 'categorical') {
    const i = Math.min(dist.choices.length - 1, Math.max(0, Math.round(x)));
    return dist.choices[i]!;
  }
  let v = dist.log ? Math.exp(x) : x;
  v = Math.min(dist.high, Math.max(dist.low, v));
  if (dist.kind === 'int') return roundToStep(v, dist.low, dist.high, dist.step);
  if (dist.step !== undefined) {
    const r = roundToStep(v, dist.low, dist.high, dist.step);
    // Tidy binary noise (0.1 * 3 = 0.30000000000000004) without leaving the grid.
    const tidy = Number(r.toPrecision(12));
    return contains(dist, tidy) ? tidy : r;
  }
  return v;
}

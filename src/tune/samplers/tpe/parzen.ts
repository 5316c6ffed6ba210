/**
 * The Parzen estimator of the Tree-structured Parzen Estimator (Bergstra et al. 2011,
 * https://papers.nips.cc/paper/4443-algorithms-for-hyper-parameter-optimization): a weighted
 * mixture with one kernel per observation plus a prior kernel, over one parameter (univariate TPE)
 * or jointly over several (multivariate TPE, Falkner et al. 2018, https://arxiv.org/abs/1807.01774,
 * one component = a product of per-parameter kernels). Bandwidths and weights follow Optuna's
 * TPESampler (v3.1):
 * - numerical kernels are Gaussians truncated to the kernel-space bounds; univariate bandwidth =
 *   the larger gap to a neighbour among the sorted means (prior mean and both bounds included),
 *   the first and last using their inner gap unless `considerEndpoints`; multivariate bandwidth =
 *   0.2·n^(-1/(d+4))·(high - low) (Scott's rule); the "magic clip" bounds every bandwidth to
 *   [(high - low)/min(100, 1 + #kernels), high - low]; the prior kernel sits at the centre with
 *   bandwidth high - low;
 * - discrete parameters score the kernel mass of the step-wide slab around a value;
 * - categorical kernels put mass 1 + w/(n+1) on the observed choice and w/(n+1) on every choice
 *   (w = prior weight), normalized; the prior kernel is uniform;
 * - component weights are `weights(n)` then the prior weight, normalized.
 */
import type { Rng } from '../../../random.js';
import type { Distribution } from '../../types.js';
import { logGaussMass, truncNormLogPdf, truncNormSample } from './normal.js';
import { fromKernel, kernelBounds, toKernel } from './space.js';

/** Settings of a Parzen estimator (Optuna's defaults in {@link TpeSampler}). */
export interface ParzenParams {
  readonly priorWeight: number;
  readonly considerMagicClip: boolean;
  readonly considerEndpoints: boolean;
  readonly multivariate: boolean;
  /**
   * 'exact': continuous kernels are normalized truncated Gaussians (Optuna >= 3.5). 'optuna-3.1':
   * their log-density lacks the -log σ term, as in Optuna <= 3.4 (optuna#5109), which amounts to
   * weighting each kernel by its bandwidth when scoring l(x)/g(x).
   */
  readonly density: 'exact' | 'optuna-3.1';
  /** Weights of n observations in the order given (oldest first); non-negative, not all zero. */
  readonly weights: (n: number) => number[];
}

type Dim =
  | { readonly kind: 'numerical'; readonly dist: Distribution; readonly low: number; readonly high: number; readonly q?: number; readonly mus: Float64Array; readonly sigmas: Float64Array }
  | { readonly kind: 'categorical'; readonly dist: Distribution; readonly probs: Float64Array[] };

/**
 * Optuna's default observation weights: all ones below 25 observations, otherwise a linear ramp
 * from 1/n to 1 over the oldest n - 25 and ones for the newest 25.
 */
export function defaultWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

/** A mixture density over a search space, fitted to observations given in internal numbers. */
export class ParzenEstimator {
  /** Normalized component weights; the last belongs to the prior. */
  readonly weights: Float64Array;
  private readonly dims = new Map<string, Dim>();
  private readonly legacy: boolean;

  /**
   * @param observations internal numbers by parameter, all arrays of the same length n
   * @param space the parameters to model (keys of `observations`)
   * @param predeterminedWeights weights of the n observations instead of `params.weights(n)`
   */
  constructor(observations: Readonly<Record<string, readonly number[]>>, space: Readonly<Record<string, Distribution>>, params: ParzenParams, predeterminedWeights?: readonly number[]) {
    const names = Object.keys(space);
    this.legacy = params.density === 'optuna-3.1';
    const n = names.length === 0 ? 0 : observations[names[0]!]!.length;
    const w = predeterminedWeights ? [...predeterminedWeights] : params.weights(n).slice(0, n);
    if (w.length !== n || w.some((x) => !(x >= 0) || !Number.isFinite(x)) || (n > 0 && w.reduce((a, b) => a + b, 0) <= 0)) {
      throw new RangeError(`ParzenEstimator: expected ${n} finite non-negative weights, not all zero`);
    }
    w.push(params.priorWeight);
    const total = w.reduce((a, b) => a + b, 0);
    this.weights = Float64Array.from(w, (x) => x / total);
    const sigma0 = params.multivariate ? 0.2 * Math.max(n, 1) ** (-1 / (names.length + 4)) : 0;
    for (const name of names) {
      const dist = space[name]!;
      const obs = observations[name]!;
      if (dist.kind === 'categorical') {
        this.dims.set(name, { kind: 'categorical', dist, probs: categoricalKernels(obs, dist.choices.length, params.priorWeight) });
      } else {
        const b = kernelBounds(dist);
        const mus = Float64Array.from([...obs.map((v) => toKernel(dist, v)), 0.5 * (b.low + b.high)]);
        const sigmas = bandwidths(mus, b.low, b.high, params, sigma0);
        this.dims.set(name, { kind: 'numerical', dist, low: b.low, high: b.high, ...(b.q !== undefined ? { q: b.q } : {}), mus, sigmas });
      }
    }
  }

  /** `size` draws, as internal numbers on the distributions' grids, by parameter. */
  sample(rng: Rng, size: number): Record<string, number[]> {
    const cumulative = cumsum(this.weights);
    const active = Array.from({ length: size }, () => pick(cumulative, rng.next()));
    const out: Record<string, number[]> = {};
    for (const [name, dim] of this.dims) {
      out[name] = active.map((k) => {
        if (dim.kind === 'categorical') return pick(cumsum(dim.probs[k]!), rng.next());
        const x = truncNormSample(rng, dim.mus[k]!, dim.sigmas[k]!, dim.low, dim.high);
        return fromKernel(dim.dist, x);
      });
    }
    return out;
  }

  /** The log-density (log-mass for discrete parameters) of each sample under the mixture. */
  logPdf(samples: Readonly<Record<string, readonly number[]>>): number[] {
    const names = [...this.dims.keys()];
    const m = names.length === 0 ? 0 : samples[names[0]!]!.length;
    const k = this.weights.length;
    const out: number[] = [];
    const comp = new Float64Array(k);
    for (let s = 0; s < m; s++) {
      for (let j = 0; j < k; j++) comp[j] = Math.log(this.weights[j]!);
      for (const name of names) {
        const dim = this.dims.get(name)!;
        const v = samples[name]![s]!;
        if (dim.kind === 'categorical') {
          for (let j = 0; j < k; j++) comp[j]! += Math.log(dim.probs[j]![v]!);
          continue;
        }
        const x = toKernel(dim.dist, v);
        for (let j = 0; j < k; j++) {
          const mu = dim.mus[j]!;
          const sigma = dim.sigmas[j]!;
          if (dim.q === undefined) {
            comp[j]! += truncNormLogPdf(x, mu, sigma, dim.low, dim.high) + (this.legacy ? Math.log(sigma) : 0);
          } else {
            const lo = Math.max(x - dim.q / 2, dim.low);
            const hi = Math.min(x + dim.q / 2, dim.high);
            comp[j]! += logGaussMass((lo - mu) / sigma, (hi - mu) / sigma) - logGaussMass((dim.low - mu) / sigma, (dim.high - mu) / sigma);
          }
        }
      }
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, comp[j]!);
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.exp(comp[j]! - max);
      out.push(max === -Infinity ? -Infinity : max + Math.log(sum));
    }
    return out;
  }
}

/** Bandwidths of the kernels at `mus` (the last is the prior's), per Optuna's rules. */
function bandwidths(mus: Float64Array, low: number, high: number, params: ParzenParams, sigma0: number): Float64Array {
  const n = mus.length;
  const range = high - low;
  const sigmas = new Float64Array(n);
  if (params.multivariate) {
    sigmas.fill(sigma0 * range);
  } else {
    const order = Array.from(mus.keys()).sort((a, b) => mus[a]! - mus[b]! || a - b);
    const sorted = [low, ...order.map((i) => mus[i]!), high];
    const sortedSigmas = order.map((_, r) => Math.max(sorted[r + 1]! - sorted[r]!, sorted[r + 2]! - sorted[r + 1]!));
    if (!params.considerEndpoints && sorted.length >= 4) {
      sortedSigmas[0] = sorted[2]! - sorted[1]!;
      sortedSigmas[n - 1] = sorted[n]! - sorted[n - 1]!;
    }
    order.forEach((i, r) => (sigmas[i] = sortedSigmas[r]!));
  }
  const minSigma = params.considerMagicClip ? range / Math.min(100, 1 + n) : 1e-12;
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(range, Math.max(minSigma, sigmas[i]!));
  sigmas[n - 1] = range;
  return sigmas;
}

/** Rows of choice probabilities, one per observation plus the (uniform) prior row. */
function categoricalKernels(obs: readonly number[], choices: number, priorWeight: number): Float64Array[] {
  const n = obs.length;
  const base = priorWeight / (n + 1);
  const rows: Float64Array[] = [];
  for (let i = 0; i <= n; i++) {
    const row = new Float64Array(choices).fill(base);
    if (i < n) row[obs[i]!]! += 1;
    const total = row.reduce((a, b) => a + b, 0);
    for (let c = 0; c < choices; c++) row[c]! /= total;
    rows.push(row);
  }
  return rows;
}

function cumsum(p: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.length);
  let acc = 0;
  for (let i = 0; i < p.length; i++) out[i] = acc += p[i]!;
  return out;
}

/** The first index whose cumulative probability reaches u (u in [0, 1)). */
function pick(cumulative: Float64Array, u: number): number {
  const target = u * cumulative[cumulative.length - 1]!;
  for (let i = 0; i < cumulative.length; i++) if (cumulative[i]! > target) return i;
  return cumulative.length - 1;
}

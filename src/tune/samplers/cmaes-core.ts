/**
 * The mathematics of the CMA Evolution Strategy, as in Hansen, "The CMA Evolution Strategy: A
 * Tutorial" (2016, https://arxiv.org/abs/1604.00772): default strategy parameters (Table 1, with
 * negative recombination weights, i.e. active CMA), sampling x = m + σ·B·D·z, and the update of
 * mean, evolution paths, step size and covariance from one ranked generation. Pure functions over
 * plain arrays; the sampler (cmaes.ts) maps parameters to the unit cube and replays generations.
 */
import type { Rng } from '../../random.js';

/** Strategy parameters of CMA-ES for dimension n and population λ (tutorial, Table 1). */
export interface CmaParameters {
  readonly n: number;
  readonly lambda: number;
  readonly mu: number;
  /** Recombination weights w_1..w_λ (the first μ positive, sum 1; the rest negative). */
  readonly weights: Float64Array;
  readonly muEff: number;
  readonly cSigma: number;
  readonly dSigma: number;
  readonly cc: number;
  readonly c1: number;
  readonly cmu: number;
  /** E‖N(0, I)‖ ≈ √n (1 − 1/(4n) + 1/(21n²)). */
  readonly chiN: number;
}

/** The state a generation leaves behind. */
export interface CmaState {
  readonly mean: Float64Array;
  readonly sigma: number;
  /** Covariance C, row-major n×n. */
  readonly C: Float64Array;
  readonly pSigma: Float64Array;
  readonly pc: Float64Array;
  /** Generations told so far. */
  readonly generation: number;
}

/** Default population size, 4 + ⌊3 ln n⌋. */
export function defaultPopulation(n: number): number {
  return 4 + Math.floor(3 * Math.log(n));
}

/** The tutorial's default strategy parameters (α_cov = 2, c_m = 1). */
export function cmaParameters(n: number, lambda = defaultPopulation(n)): CmaParameters {
  const mu = Math.floor(lambda / 2);
  const raw = Array.from({ length: lambda }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const pos = raw.slice(0, mu);
  const neg = raw.slice(mu);
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0);
  const muEff = sum(pos) ** 2 / sum(pos.map((x) => x * x));
  const muEffMinus = neg.length > 0 && sum(neg) !== 0 ? sum(neg) ** 2 / sum(neg.map((x) => x * x)) : 0;
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  const cmu = Math.min(1 - c1, (alphaCov * (0.25 + muEff + 1 / muEff - 2)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
  const alphaMuMinus = 1 + c1 / cmu;
  const alphaMuEffMinus = 1 + (2 * muEffMinus) / (muEff + 2);
  const alphaPosDefMinus = (1 - c1 - cmu) / (n * cmu);
  const posSum = sum(pos);
  const negAbsSum = -sum(neg.filter((x) => x < 0));
  const negScale = Math.min(alphaMuMinus, alphaMuEffMinus, alphaPosDefMinus);
  const weights = Float64Array.from(raw, (w) => (w >= 0 ? w / posSum : negAbsSum > 0 ? (negScale * w) / negAbsSum : 0));
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cc = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, muEff, cSigma, dSigma, cc, c1, cmu, chiN };
}

/** The start: mean m0, step size σ0, C = I, zero paths. */
export function initialState(mean: readonly number[], sigma: number): CmaState {
  const n = mean.length;
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) C[i * n + i] = 1;
  return { mean: Float64Array.from(mean), sigma, C, pSigma: new Float64Array(n), pc: new Float64Array(n), generation: 0 };
}

/**
 * Eigendecomposition of a symmetric n×n matrix by cyclic Jacobi rotations: C = B diag(values) Bᵀ,
 * B row-major with eigenvectors in its columns. Eigenvalues are floored at 1e-20 (C stays positive
 * definite under rounding).
 */
export function symmetricEigen(C: Float64Array, n: number): { values: Float64Array; B: Float64Array } {
  const A = Float64Array.from(C);
  const B = new Float64Array(n * n);
  for (let i = 0; i < n; i++) B[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += A[p * n + q]! ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (A[q * n + q]! - A[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = A[k * n + p]!;
          const akq = A[k * n + q]!;
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = A[p * n + k]!;
          const aqk = A[q * n + k]!;
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const bkp = B[k * n + p]!;
          const bkq = B[k * n + q]!;
          B[k * n + p] = c * bkp - s * bkq;
          B[k * n + q] = s * bkp + c * bkq;
        }
      }
    }
  }
  const values = Float64Array.from({ length: n }, (_, i) => Math.max(A[i * n + i]!, 1e-20));
  return { values, B };
}

/** One draw x = m + σ·B·D·z, z ~ N(0, I). */
export function sampleSolution(state: CmaState, rng: Rng): Float64Array {
  const n = state.mean.length;
  const { values, B } = symmetricEigen(state.C, n);
  const dz = Float64Array.from({ length: n }, (_, i) => Math.sqrt(values[i]!) * rng.normal());
  const x = Float64Array.from(state.mean);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B[i * n + j]! * dz[j]!;
    x[i]! += state.sigma * s;
  }
  return x;
}

/** C^{-1/2}·v with C = B D² Bᵀ (given its eigendecomposition). */
function invSqrtTimes(values: Float64Array, B: Float64Array, v: Float64Array): Float64Array {
  const n = v.length;
  const t = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += B[i * n + j]! * v[i]!;
    t[j] = s / Math.sqrt(values[j]!);
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += B[i * n + j]! * t[j]!;
    out[i] = s;
  }
  return out;
}

/**
 * The state after telling one generation: `solutions` (λ of them, any order) with their values
 * (lower is better). Implements the tutorial's update: mean, p_σ, h_σ, p_c, rank-one plus
 * rank-μ update with negative weights (scaled by n/‖C^{-1/2}y‖²), then step-size adaptation.
 */
export function tellGeneration(p: CmaParameters, state: CmaState, solutions: readonly { x: Float64Array; value: number }[]): CmaState {
  const { n } = p;
  const ranked = [...solutions].sort((a, b) => a.value - b.value);
  const { values, B } = symmetricEigen(state.C, n);
  const ys = ranked.map((s) => Float64Array.from(s.x, (xi, i) => (xi - state.mean[i]!) / state.sigma));
  const yw = new Float64Array(n);
  for (let k = 0; k < p.mu; k++) for (let i = 0; i < n; i++) yw[i]! += p.weights[k]! * ys[k]![i]!;
  const mean = Float64Array.from(state.mean, (m, i) => m + state.sigma * yw[i]!);
  const cInvYw = invSqrtTimes(values, B, yw);
  const csFactor = Math.sqrt(p.cSigma * (2 - p.cSigma) * p.muEff);
  const pSigma = Float64Array.from(state.pSigma, (v, i) => (1 - p.cSigma) * v + csFactor * cInvYw[i]!);
  const normPs = Math.hypot(...pSigma);
  const g = state.generation + 1;
  const hSigma = normPs / Math.sqrt(1 - (1 - p.cSigma) ** (2 * g)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
  const ccFactor = hSigma * Math.sqrt(p.cc * (2 - p.cc) * p.muEff);
  const pc = Float64Array.from(state.pc, (v, i) => (1 - p.cc) * v + ccFactor * yw[i]!);
  const weightSum = p.weights.reduce((a, b) => a + b, 0);
  const delta = (1 - hSigma) * p.cc * (2 - p.cc);
  const decay = 1 + p.c1 * delta - p.c1 - p.cmu * weightSum;
  const C = Float64Array.from(state.C, (c) => decay * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j]! += p.c1 * pc[i]! * pc[j]!;
  for (let k = 0; k < ranked.length && k < p.weights.length; k++) {
    let w = p.weights[k]!;
    if (w < 0) {
      const z = invSqrtTimes(values, B, ys[k]!);
      const norm2 = z.reduce((s, v) => s + v * v, 0);
      w *= norm2 > 0 ? n / norm2 : 0;
    }
    const y = ys[k]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) C[i * n + j]! += p.cmu * w * y[i]! * y[j]!;
  }
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) C[i * n + j] = C[j * n + i] = 0.5 * (C[i * n + j]! + C[j * n + i]!);
  const sigma = state.sigma * Math.exp(Math.min(1, (p.cSigma / p.dSigma) * (normPs / p.chiN - 1)));
  return { mean, sigma, C, pSigma, pc, generation: g };
}

/**
 * The truncated normal distribution that TPE's Parzen estimators are mixtures of: log-CDF, log
 * mass of an interval, log-density and sampling, all stable far in the tails (log space
 * throughout, so a kernel 40 standard deviations away still gets a finite log-likelihood).
 *
 * erfc uses the Chebyshev fit of Press et al., Numerical Recipes (2nd ed., §6.2, `erfcc`), whose
 * fractional error is below 1.2e-7 everywhere; written as `log(t) - z² + poly(t)` it never
 * underflows.
 */
import type { Rng } from '../../../random.js';

const LOG_2 = Math.LN2;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log erfc(z) for z >= 0 (Numerical Recipes' Chebyshev fit, in log form). */
function logErfcNonNegative(z: number): number {
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return Math.log(t) - z * z + poly;
}

/** log erfc(z) for any real z. */
export function logErfc(z: number): number {
  if (z >= 0) return logErfcNonNegative(z);
  // erfc(z) = 2 - erfc(-z), which lies in (1, 2]: no cancellation.
  return Math.log(2 - Math.exp(logErfcNonNegative(-z)));
}

/** log Φ(x), the log of the standard normal CDF, accurate for very negative x. */
export function logNdtr(x: number): number {
  if (x === -Infinity) return -Infinity;
  if (x === Infinity) return 0;
  return logErfc(-x / Math.SQRT2) - LOG_2;
}

/** log(exp(a) - exp(b)) for a >= b. */
function logDiffExp(a: number, b: number): number {
  if (b === -Infinity) return a;
  return a + Math.log1p(-Math.exp(b - a));
}

/**
 * log(Φ(b) - Φ(a)), the log of the standard normal mass of [a, b] (a <= b), computed in whichever
 * tail keeps it exact: both bounds below 0, both above 0, or straddling 0.
 */
export function logGaussMass(a: number, b: number): number {
  if (!(a < b)) return -Infinity;
  const width = b - a;
  const mid = 0.5 * (a + b);
  if (width < 1e-3 && Number.isFinite(mid)) {
    // A narrow slab: the midpoint rule with its curvature term (error O(width^5)).
    return Math.log(width) - 0.5 * mid * mid - HALF_LOG_2PI + Math.log1p((width * width * (mid * mid - 1)) / 24);
  }
  if (b <= 0) return logDiffExp(logNdtr(b), logNdtr(a));
  if (a >= 0) return logDiffExp(logNdtr(-a), logNdtr(-b));
  // a < 0 < b: 1 - Φ(a) - Φ(-b), both subtracted terms at most 1/2.
  return Math.log1p(-Math.exp(logNdtr(a)) - Math.exp(logNdtr(-b)));
}

/**
 * log-density at `x` of the normal (mu, sigma) truncated to [low, high] (x inside the bounds).
 */
export function truncNormLogPdf(x: number, mu: number, sigma: number, low: number, high: number): number {
  const z = (x - mu) / sigma;
  return -0.5 * z * z - HALF_LOG_2PI - Math.log(sigma) - logGaussMass((low - mu) / sigma, (high - mu) / sigma);
}

/**
 * A draw from the normal (mu, sigma) truncated to [low, high], by rejection. TPE's kernels always
 * have mu inside the bounds and sigma at most high - low, so at least P(0 < Z < 1) ≈ 0.34 of the
 * mass is accepted; after 1000 misses (never seen in practice) the draw is clipped.
 */
export function truncNormSample(rng: Rng, mu: number, sigma: number, low: number, high: number): number {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const x = mu + sigma * rng.normal();
    if (x >= low && x <= high) return x;
  }
  return Math.min(high, Math.max(low, mu));
}

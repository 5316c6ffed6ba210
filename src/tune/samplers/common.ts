/**
 * What the model-based samplers (TPE, CMA-ES, NSGA-II) share: the intersection search space of a
 * study, per-trial random streams, and a uniform draw from a distribution.
 */
import { mulberry32, type Rng } from '../../random.js';
import { fromInternal, isSingle, sameDistribution } from '../distributions.js';
import type { Distribution, FrozenTrial, ParamValue, TrialState } from '../types.js';

/**
 * The parameters every finished trial (states in `states`) has, with the same distribution in all
 * of them, sorted by name; single-valued distributions are left out (nothing to model). This is
 * the joint space of multivariate TPE, CMA-ES and NSGA-II (Optuna's IntersectionSearchSpace).
 */
export function intersectionSearchSpace(trials: readonly FrozenTrial[], states: readonly TrialState[] = ['complete']): Record<string, Distribution> {
  let space: Map<string, Distribution> | undefined;
  for (const t of trials) {
    if (!states.includes(t.state)) continue;
    if (space === undefined) {
      space = new Map(Object.entries(t.distributions));
      continue;
    }
    for (const [name, dist] of space) {
      const other = t.distributions[name];
      if (other === undefined || !sameDistribution(dist, other)) space.delete(name);
    }
  }
  const out: Record<string, Distribution> = {};
  for (const name of [...(space?.keys() ?? [])].sort()) {
    const dist = space!.get(name)!;
    if (!isSingle(dist)) out[name] = dist;
  }
  return out;
}

/** A 32-bit FNV-1a hash of a string, mixed (murmur3's finalizer) for well-spread seeds. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A random stream for one decision of one trial: a pure function of the sampler's seed, the trial
 * number and a tag (e.g. the parameter name). Samplers draw from it rather than from one shared
 * stream so that a proposal depends only on (seed, history, trial): several workers sharing a
 * study with the same seed still propose different values for different trials, and replaying a
 * history reproduces every proposal.
 */
export function trialRng(seed: number, trialNumber: number, tag: string): Rng {
  return mulberry32(hash32(`${seed >>> 0}:${trialNumber}:${tag}`));
}

/**
 * A uniform draw from `dist`: uniform in [low, high] (in log space when `log`); on a grid every
 * point equally likely (a uniform draw in the range widened by half a step, rounded); a uniform
 * choice for categoricals.
 */
export function sampleUniform(dist: Distribution, rng: Rng): ParamValue {
  if (dist.kind === 'categorical') return dist.choices[rng.int(0, dist.choices.length)]!;
  if (isSingle(dist)) return dist.low;
  const half = dist.kind === 'int' ? 0.5 * dist.step : dist.step !== undefined ? 0.5 * dist.step : 0;
  if (dist.log) {
    const lo = Math.log(dist.low - (dist.kind === 'int' ? 0.5 : 0));
    const hi = Math.log(dist.high + (dist.kind === 'int' ? 0.5 : 0));
    return fromInternal(dist, rng.uniform(lo, hi));
  }
  return fromInternal(dist, rng.uniform(dist.low - half, dist.high + half));
}

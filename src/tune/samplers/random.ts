/**
 * The random sampler: every parameter drawn independently and uniformly (log-uniformly on a log
 * scale) from its distribution (Bergstra & Bengio 2012, https://jmlr.org/papers/v13/bergstra12a.html).
 * Seeded: a value is a pure function of (seed, trial number, parameter name), so a rerun with the
 * same seed proposes the same values, and workers sharing a seed still explore different points.
 */
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../errors.js';
import type { Distribution, FrozenTrial, ParamValue, Sampler, StudyView } from '../types.js';
import { sampleUniform, trialRng } from './common.js';

/** Options of {@link RandomSampler}. */
export interface RandomSamplerOptions {
  /** Seed (any integer; only its low 32 bits count). Random when omitted. */
  readonly seed?: number;
}

/** A fresh 32-bit seed for samplers created without one. */
export function freshSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}

/** Checks a sampler seed option (a finite integer) and returns it, or a fresh seed when undefined. */
export function checkSeed(sampler: string, seed: number | undefined): number {
  if (seed === undefined) return freshSeed();
  if (!Number.isInteger(seed)) throw new UsageError(`${sampler} sampler: seed must be an integer, got ${seed}`);
  return seed >>> 0;
}

/** Draws every parameter uniformly at random (see the module comment). */
export class RandomSampler implements Sampler {
  readonly seed: number;

  constructor(options: RandomSamplerOptions = {}) {
    this.seed = checkSeed('random', options.seed);
  }

  /** A uniform draw from `distribution`, from the stream of (seed, trial number, name). */
  sampleIndependent(_study: StudyView, trial: FrozenTrial, name: string, distribution: Distribution): ParamValue {
    return sampleUniform(distribution, trialRng(this.seed, trial.number, name));
  }
}

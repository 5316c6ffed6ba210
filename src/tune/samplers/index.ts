/**
 * Samplers by name. `SamplerSpec` is the options union the CLI and config files use;
 * `createSampler` builds the sampler. To add a sampler: add its spec to the union and a case to
 * the switch in `createSampler` (the `never` check below makes a missing case a compile error).
 */
import { UsageError } from '../../errors.js';
import type { ParamValue, Sampler } from '../types.js';
import { GridSampler } from './grid.js';
import { RandomSampler } from './random.js';
import { CmaEsSampler, type CmaEsOptions } from './cmaes.js';
import { Nsga2Sampler, type Nsga2Options } from './nsga2.js';
import { TpeSampler, type TpeOptions } from './tpe/index.js';

export { GridSampler, type GridSamplerOptions } from './grid.js';
export { RandomSampler, type RandomSamplerOptions } from './random.js';
export { TpeSampler, type TpeOptions } from './tpe/index.js';
export { CmaEsSampler, type CmaEsOptions } from './cmaes.js';
export { Nsga2Sampler, type Nsga2Options, crowdingDistance } from './nsga2.js';

/** A sampler by name, with its options. */
export type SamplerSpec =
  | { readonly name: 'random'; readonly seed?: number }
  | { readonly name: 'grid'; readonly space: Readonly<Record<string, readonly ParamValue[]>>; readonly seed?: number }
  | ({ readonly name: 'tpe' } & Omit<TpeOptions, 'gamma' | 'weights'>)
  | ({ readonly name: 'cmaes' } & CmaEsOptions)
  | ({ readonly name: 'nsga2' } & Nsga2Options);

/** Names `createSampler` knows. */
export const SAMPLER_NAMES: readonly SamplerSpec['name'][] = ['random', 'grid', 'tpe', 'cmaes', 'nsga2'];

/**
 * The sampler a spec names.
 *
 * @example
 * createSampler({ name: 'random', seed: 1 });
 * createSampler({ name: 'grid', space: { lr: [1e-3, 1e-2], batch: [32, 64] } });
 */
export function createSampler(spec: SamplerSpec): Sampler {
  switch (spec.name) {
    case 'random':
      return new RandomSampler({ ...(spec.seed !== undefined ? { seed: spec.seed } : {}) });
    case 'grid':
      return new GridSampler({ space: spec.space, ...(spec.seed !== undefined ? { seed: spec.seed } : {}) });
    case 'tpe': {
      const { name: _, ...options } = spec;
      return new TpeSampler(options);
    }
    case 'cmaes': {
      const { name: _, ...options } = spec;
      return new CmaEsSampler(options);
    }
    case 'nsga2': {
      const { name: _, ...options } = spec;
      return new Nsga2Sampler(options);
    }
    default: {
      const unknown: never = spec;
      throw new UsageError(`unknown sampler ${JSON.stringify((unknown as { name: unknown }).name)} (expected one of: ${SAMPLER_NAMES.join(', ')})`);
    }
  }
}

/**
 * The sampler a study uses when none is given: TPE with Optuna's defaults for one objective,
 * NSGA-II for several (TPE here is single-objective). Kept here so the default changes in one place.
 */
export function defaultSampler(objectives = 1, seed?: number): Sampler {
  const seeded = seed !== undefined ? { seed } : {};
  return createSampler(objectives > 1 ? { name: 'nsga2', ...seeded } : { name: 'tpe', ...seeded });
}

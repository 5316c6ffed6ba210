/**
 * Pruners (early stopping) by name: `PrunerSpec` is the options union the CLI and config files
 * use, `createPruner` builds the pruner.
 */
import { UsageError } from '../../errors.js';
import type { Pruner } from '../types.js';
import { HyperbandPruner, type HyperbandOptions } from './hyperband.js';
import { MedianPruner, PercentilePruner, type MedianPrunerOptions, type PercentilePrunerOptions } from './median.js';
import { NopPruner } from './none.js';
import { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from './successive-halving.js';

export { HyperbandPruner, type HyperbandOptions } from './hyperband.js';
export { MedianPruner, PercentilePruner, type MedianPrunerOptions, type PercentilePrunerOptions } from './median.js';
export { NopPruner } from './none.js';
export { SuccessiveHalvingPruner, promotable, rungStep, rungValue, type SuccessiveHalvingOptions } from './successive-halving.js';

/** A pruner by name, with its options. 'asha' and 'successive-halving' are the same pruner. */
export type PrunerSpec =
  | { readonly name: 'none' }
  | ({ readonly name: 'median' } & MedianPrunerOptions)
  | ({ readonly name: 'percentile' } & PercentilePrunerOptions)
  | ({ readonly name: 'asha' | 'successive-halving' } & SuccessiveHalvingOptions)
  | ({ readonly name: 'hyperband' } & HyperbandOptions);

/** Names `createPruner` knows. */
export const PRUNER_NAMES: readonly PrunerSpec['name'][] = ['none', 'median', 'percentile', 'asha', 'successive-halving', 'hyperband'];

/**
 * The pruner a spec names (options validated; a bad one is a UsageError naming it).
 *
 * @example
 * createPruner({ name: 'median' });
 * createPruner({ name: 'asha', minResource: 1, reductionFactor: 3 });
 * createPruner({ name: 'hyperband', minResource: 1, maxResource: 27 });
 */
export function createPruner(spec: PrunerSpec): Pruner {
  const { name, ...options } = spec;
  switch (spec.name) {
    case 'none':
      return new NopPruner();
    case 'median':
      return new MedianPruner(options as MedianPrunerOptions);
    case 'percentile':
      return new PercentilePruner(options as PercentilePrunerOptions);
    case 'asha':
    case 'successive-halving':
      return new SuccessiveHalvingPruner(options as SuccessiveHalvingOptions, name);
    case 'hyperband':
      return new HyperbandPruner(options as HyperbandOptions);
    default: {
      const unknown: never = spec;
      throw new UsageError(`unknown pruner ${JSON.stringify((unknown as { name: unknown }).name)} (expected one of: ${PRUNER_NAMES.join(', ')})`);
    }
  }
}

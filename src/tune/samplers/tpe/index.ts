/** The TPE sampler and its parts (Bergstra et al. 2011). */
export { TpeSampler, type TpeOptions } from './sampler.js';
export { ParzenEstimator, defaultWeights, type ParzenParams } from './parzen.js';
export { defaultGamma, rankableTrials, splitBelowAbove, type RankedTrial } from './observations.js';

/**
 * Measuring models: parameters, FLOPs, size on disk and on the wire, latency, memory, and a
 * one-record summary for `whittle inspect`.
 */
export { countParameters, type ParameterCount, type WeightRecord, type OpTypeParams } from './params.js';
export {
  countFlops, resolveInputShapes, FLOP_RULES,
  type FlopsOptions, type FlopsReport, type NodeFlops, type OpTypeFlops,
} from './flops.js';
export type { FlopContext, FlopCount, FlopRule } from './flop-rule.js';
export { ELEMENTWISE_COSTS, DATA_MOVEMENT_OPS } from './flop-rules-pointwise.js';
export {
  modelSize, modelSizeAsync, brotliQualityFor,
  type SizeSource, type ExternalFile, type SizeOptions, type SizeReport, type FileSize,
} from './size.js';
export {
  measureLatency, latencyStats, percentile,
  type LatencyOptions, type LatencyReport, type LatencyStats,
} from './latency.js';
export {
  makeRandomFeeds, resolveFeedShape, graphInputSpecs,
  type InputSpec, type RandomFeedOptions,
} from './feeds.js';
export { seededRandom, type SeededRandom } from './random.js';
export {
  memorySnapshot, measurePeak,
  type MemorySnapshot, type PeakMemoryOptions, type PeakMemoryReport,
} from './memory.js';
export {
  inspectModel,
  type InspectOptions, type ModelInspection, type TensorSignature, type LayerSummary,
} from './inspect.js';
export { qualifiedOpType } from './ops.js';
export * from './energy/index.js';
export { machineInfo, type MachineInfo } from './machine.js';

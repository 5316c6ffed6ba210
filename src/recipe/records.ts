/**
 * What a recipe run records: one {@link StepRecord} per step (plain JSON, kept in state.json for
 * resuming), from which the run's report is assembled.
 */

/** Energy spent by a step (see measure/energy). */
export interface StepEnergy {
  readonly joules: number;
  readonly co2Grams: number;
  readonly seconds: number;
  readonly method: 'rapl' | 'estimate';
  readonly note: string;
}

export interface EpochFigures {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
}

export interface LayerFigures {
  readonly name: string;
  readonly sparsity?: number;
  readonly sensitivity?: number;
  readonly bits?: number;
}

/** What measuring one model found (eval and bench steps). */
export interface ModelFigures {
  readonly accuracy?: number | null;
  readonly loss?: number;
  readonly params?: number;
  readonly nonZeroParams?: number;
  readonly flops?: number;
  readonly sizeBytes?: number;
  readonly brotliBytes?: number;
  readonly latencyMsP50?: number;
  readonly latencyMsP90?: number;
  readonly latencyBatch?: number;
  readonly benchEnergy?: StepEnergy;
}

export interface StepRecord {
  readonly kind: string;
  /** Human summary: 'trained zoo:lenet for 2 epochs'. */
  readonly description: string;
  /** The model this step made (train, distill, prune, quantize). */
  readonly artifact?: { readonly name: string; readonly file: string; readonly sha256: string; readonly parent?: string };
  readonly seconds: number;
  readonly energy?: StepEnergy;
  readonly history?: readonly EpochFigures[];
  readonly layers?: readonly LayerFigures[];
  readonly notes?: readonly string[];
  /** Figures by model name (eval, bench). */
  readonly figures?: Readonly<Record<string, ModelFigures>>;
  /** Step-specific numbers worth showing (teacher accuracy, ratios...). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

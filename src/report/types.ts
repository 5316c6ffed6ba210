/**
 * The data behind whittle's report page (report.html) and its machine-readable twin
 * (report.json). `whittle demo` and `whittle tune` fill a {@link ReportData}; `renderHtml`
 * draws it and `writeReport` writes both files.
 */
import type { MachineInfo } from '../measure/machine.js';

/** Which machine made the report (measure/machine.ts `machineInfo()`); shown as a table. */
export type ReportMachine = MachineInfo;

/** How energy figures were obtained: measured with Intel RAPL counters, or estimated from CPU time. */
export type EnergyMethod = 'rapl' | 'estimate';

/** How the report's energy and CO2 figures were obtained; the page states it in words. */
export interface ReportEnergy {
  readonly method: EnergyMethod;
  /** Grid region whose carbon intensity was used (e.g. 'world', 'FR'). */
  readonly region: string;
  /** Carbon intensity in grams of CO2-equivalent per kWh. */
  readonly gramsPerKWh: number;
  /** Free text: which counters were read, or the watts assumed per core. */
  readonly note: string;
}

/** One epoch of a training history. Accuracies are fractions 0..1. */
export interface HistoryPoint {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainAccuracy: number | null;
  readonly valLoss: number | null;
  readonly valAccuracy: number | null;
}

/** Per-layer facts: pruned fraction, quantization sensitivity, bit width. */
export interface LayerRecord {
  readonly name: string;
  /** Fraction of zero weights, 0..1. */
  readonly sparsity?: number;
  /** Quantization sensitivity: output error when only this layer is quantized (larger = more sensitive). */
  readonly sensitivity?: number;
  readonly bits?: number;
}

/** Energy spent making one variant (training, fine-tuning, calibration). */
export interface VariantEnergy {
  readonly joules: number;
  readonly co2Grams: number;
  readonly seconds: number;
  readonly method: EnergyMethod;
}

/** One model of the pipeline (teacher, student, pruned, quantized...) with its measurements. */
export interface VariantReport {
  /** 'teacher', 'student', 'student-pruned', 'student-int8'... */
  readonly name: string;
  /** What step made it. */
  readonly description: string;
  /** Name of the variant it was made from. */
  readonly parent?: string;
  /** Model file name relative to the report. */
  readonly file?: string;
  /** Test-set accuracy 0..1, or null when not evaluated. */
  readonly accuracy: number | null;
  readonly params: number;
  readonly nonZeroParams?: number;
  readonly flops: number;
  readonly sizeBytes: number;
  readonly brotliBytes: number;
  /** Median latency in milliseconds for one batch of `latencyBatch` samples. */
  readonly latencyMsP50: number;
  readonly latencyBatch: number;
  readonly energy?: VariantEnergy;
  readonly history?: readonly HistoryPoint[];
  readonly layers?: readonly LayerRecord[];
}

/** Optimization direction of one tuning objective. */
export type ObjectiveDirection = 'minimize' | 'maximize';

/** One tuning trial. */
export interface TrialReport {
  readonly number: number;
  /** 'complete', 'pruned', 'fail', 'running'... */
  readonly state: string;
  readonly params: Record<string, unknown>;
  /** One value per objective, for completed trials. */
  readonly values?: readonly number[];
  /** Intermediate value of the first objective by step. */
  readonly intermediate: Record<number, number>;
  readonly durationS?: number;
}

/** A hyperparameter study's results. */
export interface TuningReport {
  readonly study: string;
  readonly objectives: readonly { readonly name: string; readonly direction: ObjectiveDirection }[];
  readonly trials: readonly TrialReport[];
  /** Parameter name -> importance (fractions, usually summing to 1). */
  readonly importance: Readonly<Record<string, number>>;
  /** Trial numbers of the best trial(s): the Pareto front when multi-objective. */
  readonly best: readonly number[];
}

/** Everything report.html shows and report.json stores. */
export interface ReportData {
  readonly title: string;
  /** ISO 8601 timestamp. */
  readonly createdAt: string;
  readonly machine: ReportMachine;
  /** Shown as a table (values rendered as text/JSON). */
  readonly settings: Readonly<Record<string, unknown>>;
  readonly energy?: ReportEnergy;
  readonly variants: readonly VariantReport[];
  readonly tuning?: TuningReport;
}

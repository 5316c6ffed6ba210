/**
 * The report document: the caller's {@link ReportData} plus every figure the page derives from it
 * (Pareto fronts, the headline comparison, best-so-far curves, the list of charts to draw). The
 * page draws from this document and report.json stores it, so the file holds every figure shown.
 */
import { paretoFront2 } from './pareto.js';
import type { ObjectiveDirection, ReportData, TuningReport, VariantReport } from './types.js';
import { validateReport } from './validate.js';

/** The kinds of chart the page can draw. */
export type ChartKind =
  | 'accuracy-size' | 'accuracy-latency' | 'energy' | 'history' | 'sparsity' | 'sensitivity'
  | 'tune-history' | 'tune-intermediate' | 'tune-importance' | 'tune-pareto';

/** One chart of the page: which canvas, what it draws, and for which variant or objective. */
export interface ChartSpec {
  /** The canvas element's id. */
  readonly id: string;
  readonly kind: ChartKind;
  readonly title: string;
  readonly subtitle: string;
  /** Index into `variants` for per-variant charts. */
  readonly variant?: number;
  /** Objective index for `tune-history`. */
  readonly objective?: number;
  /** accuracy-latency: x is latency per sample (variants were timed at different batch sizes). */
  readonly perSample?: boolean;
}

/** The smallest variant compared with the first (reference) one. Ratios > 1 mean "better". */
export interface Highlight {
  readonly reference: string;
  readonly variant: string;
  /** reference size / variant size (raw file bytes). */
  readonly sizeRatio: number | null;
  /** reference brotli bytes / variant brotli bytes. */
  readonly brotliRatio: number | null;
  /** reference p50 latency per sample / variant p50 latency per sample. */
  readonly speedup: number | null;
  /** reference params / variant non-zero params. */
  readonly paramsRatio: number | null;
  /** variant accuracy - reference accuracy, in percentage points; null when either is unknown. */
  readonly accuracyDeltaPoints: number | null;
}

/** One objective's values over the study, in trial order, with the best value so far. */
export interface ObjectiveHistory {
  readonly name: string;
  readonly direction: ObjectiveDirection;
  readonly points: readonly { readonly trial: number; readonly value: number; readonly bestSoFar: number }[];
}

/** Figures the page derives from the data. */
export interface ReportDerived {
  /** Variant names on the Pareto front (max accuracy, min size / latency), by ascending x. */
  readonly pareto: { readonly accuracyVsSize: readonly string[]; readonly accuracyVsLatency: readonly string[] };
  readonly highlight?: Highlight;
  readonly tuning?: {
    readonly counts: Readonly<Record<string, number>>;
    readonly history: readonly ObjectiveHistory[];
    /** Parameter names by descending importance. */
    readonly importanceOrder: readonly string[];
  };
  readonly charts: readonly ChartSpec[];
}

/** What report.json holds and the page embeds. */
export interface ReportDocument extends ReportData {
  readonly schema: 'whittle-report/1';
  readonly derived: ReportDerived;
}

function front(vs: readonly VariantReport[], x: (v: VariantReport) => number): string[] {
  const scored = vs.filter((v) => v.accuracy !== null);
  return paretoFront2(scored.map((v) => ({ x: x(v), y: v.accuracy! })), { x: 'minimize', y: 'maximize' }).map((i) => scored[i]!.name);
}

function highlight(vs: readonly VariantReport[]): Highlight | undefined {
  if (vs.length < 2) return undefined;
  const ref = vs[0]!;
  let best = vs[1]!;
  for (const v of vs.slice(2)) if (v.brotliBytes < best.brotliBytes) best = v;
  const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    reference: ref.name,
    variant: best.name,
    sizeRatio: ratio(ref.sizeBytes, best.sizeBytes),
    brotliRatio: ratio(ref.brotliBytes, best.brotliBytes),
    speedup: ratio(ref.latencyMsP50 / ref.latencyBatch, best.latencyMsP50 / best.latencyBatch),
    paramsRatio: ratio(ref.nonZeroParams ?? ref.params, best.nonZeroParams ?? best.params),
    accuracyDeltaPoints: ref.accuracy === null || best.accuracy === null ? null : (best.accuracy - ref.accuracy) * 100,
  };
}

function tuningHistory(t: TuningReport): ObjectiveHistory[] {
  const done = t.trials.filter((x) => x.state === 'complete' && x.values !== undefined).sort((a, b) => a.number - b.number);
  return t.objectives.map((o, k) => {
    let best = o.direction === 'maximize' ? -Infinity : Infinity;
    const points = done.map((trial) => {
      const value = trial.values![k]!;
      best = o.direction === 'maximize' ? Math.max(best, value) : Math.min(best, value);
      return { trial: trial.number, value, bestSoFar: best };
    });
    return { name: o.name, direction: o.direction, points };
  });
}

function variantCharts(data: ReportData): ChartSpec[] {
  const vs = data.variants;
  const charts: ChartSpec[] = [];
  const scored = vs.filter((v) => v.accuracy !== null);
  if (scored.length >= 2) {
    const batches = [...new Set(scored.map((v) => v.latencyBatch))];
    charts.push({ id: 'chart-accuracy-size', kind: 'accuracy-size', title: 'Accuracy vs size', subtitle: 'Model file size; up and to the left is better' });
    const perSample = batches.length > 1;
    charts.push({
      id: 'chart-accuracy-latency', kind: 'accuracy-latency', title: 'Accuracy vs latency', perSample,
      subtitle: `${perSample ? 'Median latency per sample' : `Median latency for a batch of ${batches[0]}`}; up and to the left is better`,
    });
  }
  if (vs.some((v) => v.energy)) {
    charts.push({ id: 'chart-energy', kind: 'energy', title: 'Energy to make each variant', subtitle: 'Training, distillation, fine-tuning and calibration' });
  }
  vs.forEach((v, i) => {
    if (v.history && v.history.length > 0) {
      charts.push({ id: `chart-history-${i}`, kind: 'history', variant: i, title: v.name, subtitle: `${v.history.length} epoch${v.history.length === 1 ? '' : 's'}` });
    }
  });
  // A variant whose sparsity is exactly its parent's (quantized after pruning) is named in the
  // parent's chart instead of repeating it.
  const sparsityKey = (v: VariantReport) => JSON.stringify(v.layers?.filter((l) => l.sparsity !== undefined).map((l) => [l.name, l.sparsity]) ?? []);
  const sameAs = new Map<number, string[]>();
  vs.forEach((v, i) => {
    const p = v.parent === undefined ? -1 : vs.findIndex((x) => x.name === v.parent);
    if (p >= 0 && sparsityKey(v) !== '[]' && sparsityKey(v) === sparsityKey(vs[p]!)) {
      const root = [...sameAs.entries()].find(([, names]) => names.includes(vs[p]!.name))?.[0] ?? p;
      sameAs.set(root, [...(sameAs.get(root) ?? []), v.name]);
    }
  });
  const repeated = new Set([...sameAs.values()].flat());
  vs.forEach((v, i) => {
    if (v.layers?.some((l) => l.sparsity !== undefined) && !repeated.has(v.name)) {
      const same = sameAs.get(i);
      charts.push({
        id: `chart-sparsity-${i}`, kind: 'sparsity', variant: i, title: `${v.name}: sparsity per layer`,
        subtitle: `Share of weights that are zero${same ? `; the same in ${same.join(', ')}` : ''}`,
      });
    }
    if (v.layers?.some((l) => l.sensitivity !== undefined)) {
      charts.push({ id: `chart-sensitivity-${i}`, kind: 'sensitivity', variant: i, title: `${v.name}: quantization sensitivity`, subtitle: 'Output error when only this layer is quantized' });
    }
  });
  return charts;
}

function tuningCharts(t: TuningReport, history: readonly ObjectiveHistory[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  history.forEach((h, k) => {
    if (h.points.length > 0) {
      charts.push({ id: `chart-tune-history-${k}`, kind: 'tune-history', objective: k, title: `Optimization history: ${h.name}`, subtitle: `Each completed trial (${h.direction}) and the best so far` });
    }
  });
  if (t.trials.some((x) => Object.keys(x.intermediate).length > 0)) {
    charts.push({ id: 'chart-tune-intermediate', kind: 'tune-intermediate', title: 'Learning curves', subtitle: `Intermediate ${t.objectives[0]!.name} reported per step; pruned trials stopped early` });
  }
  if (Object.keys(t.importance).length > 0) {
    charts.push({ id: 'chart-tune-importance', kind: 'tune-importance', title: 'Parameter importance', subtitle: 'Share of the objective\u2019s variation each parameter explains' });
  }
  if (t.objectives.length === 2 && history[0]!.points.length > 0) {
    charts.push({ id: 'chart-tune-pareto', kind: 'tune-pareto', title: 'Pareto front', subtitle: `${t.objectives[0]!.name} vs ${t.objectives[1]!.name}; front trials highlighted` });
  }
  return charts;
}

/** Validates `data` and derives every figure the page shows (see {@link ReportDocument}). */
export function buildReportDocument(data: ReportData): ReportDocument {
  validateReport(data);
  const vs = data.variants;
  const charts = variantCharts(data);
  let tuning: ReportDerived['tuning'];
  if (data.tuning) {
    const t = data.tuning;
    const counts: Record<string, number> = {};
    for (const trial of t.trials) counts[trial.state] = (counts[trial.state] ?? 0) + 1;
    const history = tuningHistory(t);
    const importanceOrder = Object.entries(t.importance).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k);
    tuning = { counts, history, importanceOrder };
    charts.push(...tuningCharts(t, history));
  }
  const derived: ReportDerived = {
    pareto: { accuracyVsSize: front(vs, (v) => v.sizeBytes), accuracyVsLatency: front(vs, (v) => v.latencyMsP50 / v.latencyBatch) },
    ...(highlight(vs) ? { highlight: highlight(vs)! } : {}),
    ...(tuning ? { tuning } : {}),
    charts,
  };
  return { schema: 'whittle-report/1', ...data, derived };
}

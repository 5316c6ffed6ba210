/**
 * report/: what a run made, for people and for programs. `summaryTable` prints the variants for
 * the terminal; `renderHtml` draws a self-contained page (Chart.js inlined, no network);
 * `writeReport` writes report.json and report.html atomically. See docs/report.md.
 */
export type {
  EnergyMethod, HistoryPoint, LayerRecord, ObjectiveDirection, ReportData, ReportEnergy, ReportMachine,
  TrialReport, TuningReport, VariantEnergy, VariantReport,
} from './types.js';
export { buildReportDocument } from './document.js';
export type { ChartKind, ChartSpec, Highlight, ObjectiveHistory, ReportDerived, ReportDocument } from './document.js';
export { validateReport } from './validate.js';
export { renderHtml, renderDocumentHtml, jsonForScript } from './html.js';
export { summaryTable, summaryCells } from './table.js';
export type { SummaryColumn } from './table.js';
export { writeReport } from './write.js';
export type { WriteReportOptions, WrittenReport } from './write.js';
export { paretoFront2 } from './pareto.js';
export type { Directions2, Point2 } from './pareto.js';
export { fmtBytes, fmtCount, fmtFlops, fmtGrams, fmtJoules, fmtMs, fmtPercent, fmtRatio, fmtSeconds, fmtValue } from './units.js';

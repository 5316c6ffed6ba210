/**
 * The self-contained report page: one HTML file with its stylesheet, Chart.js, the report document
 * (as JSON) and a small drawing script all inline, so it opens from disk with no network. A
 * Content-Security-Policy allows only those inline scripts (by hash) and no connections at all.
 */
import { createHash } from 'node:crypto';
import { WhittleError } from '../errors.js';
import { chartJsSource } from './assets.js';
import { clientBoot } from './client/boot.js';
import { clientCommon } from './client/common.js';
import { clientScatter } from './client/scatter.js';
import { clientTuningCharts } from './client/tuning.js';
import { clientVariantCharts } from './client/variants.js';
import { buildReportDocument, type ReportDocument } from './document.js';
import {
  chartCards, energyNote, esc, headline, machineAndSettings, pipeline, summary, trialCounts, trialsTable,
} from './sections.js';
import { REPORT_CSS } from './style.js';
import type { ReportData } from './types.js';
import { fmtBytes, fmtCount, fmtFlops, fmtGrams, fmtJoules, fmtMs, fmtPercent, fmtRatio, fmtSeconds, fmtValue } from './units.js';

/**
 * JSON for a `<script type="application/json">` element: `<`, `>` and `&` are written as `\u003c`
 * etc., so no string in the data (a variant named `</script><script>...`) can end the element or
 * open a comment; U+2028/U+2029 are escaped too. `JSON.parse` of the text gives back the value.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The page's drawing script: the unit formatters and the client modules, by source text. */
function clientScript(): string {
  const units = [fmtCount, fmtFlops, fmtBytes, fmtMs, fmtPercent, fmtJoules, fmtGrams, fmtSeconds, fmtRatio, fmtValue];
  return [
    '(function () {',
    '\'use strict\';',
    ...units.map((f) => f.toString()),
    `const units = { ${units.map((f) => f.name).join(', ')} };`,
    `const common = (${clientCommon.toString()})(window.Chart, units);`,
    `const scatter = (${clientScatter.toString()})(common);`,
    `const drawers = Object.assign({}, (${clientVariantCharts.toString()})(common, scatter), (${clientTuningCharts.toString()})(common, scatter));`,
    `(${clientBoot.toString()})(document, drawers);`,
    '})();',
  ].join('\n');
}

function checkInlineScript(name: string, text: string): string {
  if (/<\/script|<!--/i.test(text)) throw new WhittleError(`report: the ${name} script contains '</script' or '<!--' and cannot be inlined`);
  return text;
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

function section(id: string, title: string, lead: string, body: string): string {
  if (!body) return '';
  return `<section id="${id}"><h2>${esc(title)}</h2>${lead ? `<p class="lead">${lead}</p>` : ''}${body}</section>`;
}

function grid(cards: string, cls = ''): string {
  return cards ? `<div class="grid${cls ? ` ${cls}` : ''}">${cards}</div>` : '';
}

function body(doc: ReportDocument): string {
  const vs = doc.variants;
  const date = new Date(doc.createdAt);
  const when = `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 16)} UTC`;
  const meta = [when, doc.machine.cpu, `${doc.machine.cores} cores`, vs.length > 0 ? `${vs.length} variant${vs.length === 1 ? '' : 's'}` : '',
    doc.tuning ? `${doc.tuning.trials.length} trials` : ''].filter(Boolean).map(esc).join(' \u00b7 ');
  const flopsNote = vs.length > 0 ? 'FLOPs per sample; size is the .onnx file, brotli its compressed download; latency is the median of timed runs in ONNX Runtime.' : '';
  const parts = [
    `<header class="hero"><div class="wrap"><div class="eyebrow">whittle report</div><h1>${esc(doc.title)}</h1><p class="meta">${meta}</p>${headline(doc)}</div></header>`,
    '<main class="wrap">',
    vs.length > 0 ? section('pipeline', 'Pipeline', 'Each step and the model it made.', pipeline(vs)) : '',
    vs.length > 0 ? section('summary', 'Summary', esc(flopsNote), summary(doc)) : '',
    section('tradeoffs', 'Trade-offs', 'Variants on the dashed Pareto front are not beaten by any other variant on both axes at once.', grid(chartCards(doc, ['accuracy-size', 'accuracy-latency'], { wideLastIfOdd: true }))),
    section('training', 'Training', 'Loss (left axis) and accuracy (right axis) per epoch; dashed lines are validation.', grid(chartCards(doc, ['history']), 'small')),
    section('layers', 'Layers', 'Per-layer sparsity after pruning and sensitivity to quantization.', grid(chartCards(doc, ['sparsity', 'sensitivity'], { wideLastIfOdd: true }))),
    section('energy', 'Energy and CO2', '', energyNote(doc) + grid(chartCards(doc, ['energy']))),
    doc.tuning ? section('tuning', 'Hyperparameter search', '', trialCounts(doc)
      + grid(chartCards(doc, ['tune-history', 'tune-pareto', 'tune-importance', 'tune-intermediate'], { wideLastIfOdd: true })) + '<h3 class="sub">Trials</h3>' + trialsTable(doc)) : '',
    section('machine', 'Machine and settings', '', machineAndSettings(doc)),
    `<footer>Made by whittle ${esc(doc.machine.whittle)} \u00b7 all figures are in report.json \u00b7 charts by Chart.js, inlined; this page makes no network requests.</footer>`,
    '</main>',
  ];
  return parts.filter(Boolean).join('\n');
}

/** The page for an already-built report document (see `buildReportDocument`). */
export function renderDocumentHtml(doc: ReportDocument): string {
  const chart = checkInlineScript('Chart.js', chartJsSource());
  const client = checkInlineScript('report', clientScript());
  const csp = `default-src 'none'; script-src ${sha256(chart)} ${sha256(client)}; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="whittle ${esc(doc.machine.whittle)}">
<title>${esc(doc.title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
${body(doc)}
<script type="application/json" id="whittle-report-data">${jsonForScript(doc)}</script>
<script>${chart}</script>
<script>${client}</script>
</body>
</html>
`;
}

/**
 * Renders the report as one self-contained HTML page: summary table, trade-off charts with the
 * Pareto front, training curves, per-layer sparsity and sensitivity, energy, the hyperparameter
 * study, machine and settings. Charts are drawn only for data that is present. Throws a
 * UsageError naming the field when `data` holds a value that cannot be drawn truthfully.
 *
 * @example
 * await writeFile('report.html', renderHtml(data));
 */
export function renderHtml(data: ReportData): string {
  return renderDocumentHtml(buildReportDocument(data));
}

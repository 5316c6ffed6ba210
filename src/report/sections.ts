/**
 * The page's static HTML: headline, pipeline, summary table, energy note, machine and settings
 * tables, trials table, and the chart cards (the canvases the inline script draws into). Rendered
 * in Node so the figures read even where scripts are off; every text goes through {@link esc}.
 */
import type { ChartKind, ChartSpec, ReportDocument } from './document.js';
import { summaryCells } from './table.js';
import type { ReportData, VariantReport } from './types.js';
import { fmtBytes, fmtPercent, fmtRatio, fmtSeconds, fmtValue } from './units.js';

/** Escapes text for HTML element content and double-quoted attributes. */
export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The palette the charts use (client/common.ts), for the dots that match a variant's color. */
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#ff9da7', '#9c755f', '#8cd17d'];
const dot = (i: number) => `<span class="dot" style="background:${PALETTE[i % PALETTE.length]}"></span>`;

/** The cards of the charts of the given kinds, in document order. */
export function chartCards(doc: ReportDocument, kinds: readonly ChartKind[], options: { wideLastIfOdd?: boolean } = {}): string {
  const specs = doc.derived.charts.filter((c) => kinds.includes(c.kind))
    .sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind));
  const odd = options.wideLastIfOdd === true && specs.length > 1 && specs.length % 2 === 1;
  return specs.map((c, i) => chartCard(c, odd && i === specs.length - 1)).join('\n');
}

function chartCard(c: ChartSpec, wide: boolean): string {
  const mark = c.kind === 'history' && c.variant !== undefined ? dot(c.variant) : '';
  return `<figure class="card chart-card${wide ? ' wide' : ''}"><figcaption><h3>${mark}${esc(c.title)}</h3><p>${esc(c.subtitle)}</p></figcaption>`
    + `<div class="chart-box chart-${c.kind}"><canvas id="${esc(c.id)}" role="img" aria-label="${esc(c.title)}"></canvas></div></figure>`;
}

/** Headline cards: the smallest variant against the first one. */
export function headline(doc: ReportDocument): string {
  const h = doc.derived.highlight;
  if (!h) return '';
  const ref = doc.variants.find((v) => v.name === h.reference)!;
  const best = doc.variants.find((v) => v.name === h.variant)!;
  const card = (label: string, value: string, note: string, tone: string) =>
    `<div class="kpi ${tone}"><div class="kpi-label">${esc(label)}</div><div class="kpi-value">${esc(value)}</div><div class="kpi-note">${esc(note)}</div></div>`;
  const cards: string[] = [];
  if (h.brotliRatio !== null) cards.push(card('Smaller download', fmtRatio(h.brotliRatio), `${fmtBytes(best.brotliBytes)} vs ${fmtBytes(ref.brotliBytes)} brotli`, h.brotliRatio >= 1 ? 'good' : 'bad'));
  if (h.speedup !== null) cards.push(card('Faster', fmtRatio(h.speedup), 'median latency per sample', h.speedup >= 1 ? 'good' : 'bad'));
  if (h.paramsRatio !== null) cards.push(card('Fewer parameters', fmtRatio(h.paramsRatio), 'non-zero weights', h.paramsRatio >= 1 ? 'good' : 'bad'));
  if (h.accuracyDeltaPoints !== null) {
    const d = h.accuracyDeltaPoints;
    cards.push(card('Accuracy', `${d >= 0 ? '+' : '\u2212'}${Math.abs(d).toFixed(2)} pts`, `${fmtPercent(best.accuracy)} vs ${fmtPercent(ref.accuracy)}`, d >= -1 ? 'good' : 'bad'));
  }
  return `<p class="kpi-intro"><strong>${esc(h.variant)}</strong> compared with <strong>${esc(h.reference)}</strong></p><div class="kpis">${cards.join('')}</div>`;
}

/** One card per variant: what made it and from what. */
export function pipeline(variants: readonly VariantReport[]): string {
  const steps = variants.map((v, i) => {
    const from = v.parent ? `<div class="step-from">from ${esc(v.parent)}</div>` : '';
    const file = v.file ? `<div class="step-file">${esc(v.file)}</div>` : '';
    return `<li class="step">${dot(i)}<div class="step-body"><div class="step-name">${esc(v.name)}</div>${from}`
      + `<div class="step-desc">${esc(v.description)}</div><div class="step-figs"><span>${fmtPercent(v.accuracy)}</span><span>${fmtBytes(v.brotliBytes)} br</span></div>${file}</div></li>`;
  });
  return `<ol class="pipeline">${steps.join('<li class="arrow" aria-hidden="true">\u2192</li>')}</ol>`;
}

/** The summary table, with bars for size and latency and a mark on Pareto-front variants. */
export function summary(doc: ReportDocument): string {
  const { columns, rows } = summaryCells(doc.variants);
  const maxOf = (f: (v: VariantReport) => number) => Math.max(...doc.variants.map(f), 0);
  const bars: Partial<Record<string, { max: number; of: (v: VariantReport) => number }>> = {
    size: { max: maxOf((v) => v.sizeBytes), of: (v) => v.sizeBytes },
    brotli: { max: maxOf((v) => v.brotliBytes), of: (v) => v.brotliBytes },
    latency: { max: maxOf((v) => v.latencyMsP50 / v.latencyBatch), of: (v) => v.latencyMsP50 / v.latencyBatch },
  };
  const front = new Set([...doc.derived.pareto.accuracyVsSize, ...doc.derived.pareto.accuracyVsLatency]);
  const head = columns.map((c) => `<th class="${c.numeric ? 'num' : ''}">${esc(c.header)}</th>`).join('');
  const body = doc.variants.map((v, r) => {
    const cells = columns.map((c, k) => {
      const text = esc(rows[r]![k]!);
      if (c.key === 'name') {
        const tag = front.has(v.name) ? ' <span class="tag" title="on a Pareto front: no other variant is both more accurate and smaller or faster">Pareto</span>' : '';
        return `<td class="name">${dot(r)}${text}${tag}</td>`;
      }
      const bar = bars[c.key];
      if (bar && bar.max > 0) {
        const pct = Math.max(2, (bar.of(v) / bar.max) * 100).toFixed(1);
        return `<td class="num"><span class="bar" style="width:${pct}%"></span><span class="val">${text}</span></td>`;
      }
      return `<td class="${c.numeric ? 'num' : ''}">${text}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  const star = doc.variants.some((v) => v.energy?.method === 'estimate') ? '<p class="footnote">* energy estimated, not measured (see Energy below).</p>' : '';
  return `<div class="table-wrap"><table class="data"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>${star}`;
}

/** How energy was obtained, in words. */
export function energyNote(data: ReportData): string {
  const e = data.energy;
  const methods = new Set(data.variants.flatMap((v) => (v.energy ? [v.energy.method] : [])));
  if (!e && methods.size === 0) return '';
  const method = e?.method ?? (methods.has('estimate') ? 'estimate' : 'rapl');
  const how = method === 'rapl'
    ? '<strong>Measured</strong> with the CPU\u2019s RAPL energy counters (Linux powercap).'
    : '<strong>Estimated</strong>, not measured: no RAPL energy counters were readable, so energy is CPU time times an assumed power draw.';
  const co2 = e ? ` CO2 = energy \u00d7 ${fmtValue(e.gramsPerKWh)} g CO2e/kWh (grid region <strong>${esc(e.region)}</strong>).` : '';
  const note = e?.note ? `<p class="muted">${esc(e.note)}</p>` : '';
  return `<div class="callout ${method}"><p>${how}${co2}</p>${note}</div>`;
}

/** A two-column key/value table. */
export function keyValues(rows: readonly (readonly [string, string])[]): string {
  return `<table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** Nested plain objects as dotted keys ({ optimizer: { lr } } -> optimizer.lr); arrays as lists. */
function flatten(obj: Readonly<Record<string, unknown>>, prefix: string): [string, unknown][] {
  return Object.entries(obj).flatMap(([k, v]): [string, unknown][] => {
    const key = prefix ? `${prefix}.${k}` : k;
    if (Array.isArray(v)) return [[key, v.map((x) => fmtValue(x)).join(', ')]];
    if (v !== null && typeof v === 'object') return flatten(v as Record<string, unknown>, key);
    return [[key, v]];
  });
}

/** Machine and settings side by side. */
export function machineAndSettings(data: ReportData): string {
  const m = data.machine;
  const machine = keyValues([
    ['CPU', m.cpu], ['Cores', String(m.cores)], ['Memory', `${fmtValue(m.memoryGiB)} GiB`], ['OS', m.os],
    ['Node.js', m.node], ['ONNX Runtime', m.onnxruntime], ['whittle', m.whittle],
  ]);
  const entries = flatten(data.settings, '');
  const settings = entries.length > 0 ? `<div class="card"><h3>Settings</h3>${keyValues(entries.map(([k, v]) => [k, fmtValue(v)]))}</div>` : '';
  return `<div class="grid two"><div class="card"><h3>Machine</h3>${machine}</div>${settings}</div>`;
}

/** The study's trials: state, objective values, parameters, duration; best trials marked. */
export function trialsTable(doc: ReportDocument): string {
  const t = doc.tuning!;
  const best = new Set(t.best);
  const params = [...new Set(t.trials.flatMap((x) => Object.keys(x.params)))];
  const numericParam = (p: string) => t.trials.every((x) => !(p in x.params) || typeof x.params[p] === 'number');
  const head = [
    ['#', true], ['State', false], ...t.objectives.map((o) => [`${o.name} (${o.direction === 'maximize' ? 'max' : 'min'})`, true] as const),
    ...params.map((p) => [p, numericParam(p)] as const), ['Duration', true],
  ] as const;
  const rows = [...t.trials].sort((a, b) => a.number - b.number).map((x) => {
    const cells = [
      `<td class="num">${x.number}${best.has(x.number) ? ' <span class="tag">best</span>' : ''}</td>`,
      `<td><span class="state ${esc(x.state)}">${esc(x.state)}</span></td>`,
      ...t.objectives.map((_o, k) => `<td class="num">${x.values ? esc(fmtValue(x.values[k])) : '—'}</td>`),
      ...params.map((p) => `<td class="${numericParam(p) ? 'num' : ''}">${p in x.params ? esc(fmtValue(x.params[p])) : '—'}</td>`),
      `<td class="num">${x.durationS !== undefined ? esc(fmtSeconds(x.durationS)) : '—'}</td>`,
    ];
    return `<tr class="${best.has(x.number) ? 'best' : ''}">${cells.join('')}</tr>`;
  });
  return `<div class="table-wrap scroll"><table class="data compact"><thead><tr>${head.map(([h, num]) => `<th class="${num ? 'num' : ''}">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** Counts of trials by state, as chips. */
export function trialCounts(doc: ReportDocument): string {
  const counts = doc.derived.tuning!.counts;
  const total = doc.tuning!.trials.length;
  const chips = Object.entries(counts).map(([state, n]) => `<span class="chip"><span class="state ${esc(state)}">${esc(state)}</span> ${n}</span>`);
  return `<div class="chips"><span class="chip"><strong>${total}</strong> trials</span>${chips.join('')}<span class="chip">study <strong>${esc(doc.tuning!.study)}</strong></span></div>`;
}

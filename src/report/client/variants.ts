/**
 * Browser-side: the charts about the pipeline's variants (trade-offs, energy, training curves,
 * per-layer sparsity and quantization sensitivity). Inlined into the page by source text like
 * ./common.ts, so it stays self-contained.
 */
import type { ChartSpec, ReportDocument } from '../document.js';
import type { VariantReport } from '../types.js';
import type { ClientCommon } from './common.js';
import type { clientScatter } from './scatter.js';

type Any = any;

/** Builds the variant chart drawers, keyed by chart kind. */
export function clientVariantCharts(c: ClientCommon, s: ReturnType<typeof clientScatter>) {
  const u = c.u;

  function details(v: VariantReport): string[] {
    return [
      `accuracy ${u.fmtPercent(v.accuracy)}`,
      `size ${u.fmtBytes(v.sizeBytes)} (brotli ${u.fmtBytes(v.brotliBytes)})`,
      `p50 latency ${u.fmtMs(v.latencyMsP50)} at batch ${v.latencyBatch}`,
      `params ${u.fmtCount(v.params)}${v.nonZeroParams !== undefined ? ` (${u.fmtCount(v.nonZeroParams)} non-zero)` : ''}`,
    ];
  }

  function tradeoff(canvas: Any, doc: ReportDocument, which: 'size' | 'latency', spec: ChartSpec): Any {
    const scored = doc.variants.map((v, i) => ({ v, i })).filter((e) => e.v.accuracy !== null);
    const names = which === 'size' ? doc.derived.pareto.accuracyVsSize : doc.derived.pareto.accuracyVsLatency;
    const unit = c.bytesUnit(scored.map((e) => e.v.sizeBytes));
    const xOf = (v: VariantReport) => which === 'size' ? v.sizeBytes / unit.div : spec.perSample ? v.latencyMsP50 / v.latencyBatch : v.latencyMsP50;
    const xs = scored.map((e) => xOf(e.v));
    const log = c.wideRange(xs, 8);
    const xTitle = which === 'size'
      ? `Model size (${unit.name}${log ? ', log scale' : ''})`
      : `${spec.perSample ? 'Latency per sample' : 'Median latency'} (ms${log ? ', log scale' : ''})`;
    return s.tradeoff(canvas, {
      points: scored.map((e) => ({ x: xOf(e.v), y: e.v.accuracy! * 100, label: e.v.name, color: c.color(e.i), detail: details(e.v) })),
      front: scored.map((e, k) => (names.includes(e.v.name) ? k : -1)).filter((k) => k >= 0),
      labels: 'all',
      pointsLabel: 'Variants',
      x: { title: xTitle, log },
      y: { title: 'Test accuracy (%)', tick: (v: number) => `${Number(v.toFixed(2))} %` },
    });
  }

  function energy(canvas: Any, _spec: ChartSpec, doc: ReportDocument): Any {
    const rows = doc.variants.map((v, i) => ({ v, i })).filter((e) => e.v.energy);
    const max = Math.max(...rows.map((e) => e.v.energy!.joules));
    const unit = max >= 1e6 ? { div: 1e6, name: 'MJ' } : max >= 1e3 ? { div: 1e3, name: 'kJ' } : { div: 1, name: 'J' };
    return c.make(canvas, {
      type: 'bar',
      data: {
        labels: rows.map((e) => e.v.name),
        datasets: [{
          label: 'Energy',
          data: rows.map((e) => e.v.energy!.joules / unit.div),
          backgroundColor: rows.map((e) => c.alpha(c.color(e.i), 0.85)),
          borderRadius: 4,
          maxBarThickness: 28,
          valueLabels: rows.map((e) => `${u.fmtJoules(e.v.energy!.joules)} \u00b7 ${u.fmtGrams(e.v.energy!.co2Grams)} CO2e`),
        }],
      },
      options: {
        indexAxis: 'y',
        layout: { padding: { right: 150 } },
        scales: {
          x: { beginAtZero: true, title: c.title(`Energy (${unit.name})`), grid: { color: c.grid }, border: { display: false } },
          y: { grid: { display: false }, ticks: { color: c.ink } },
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: (item: Any) => {
                const e = rows[item.dataIndex]!.v.energy!;
                return [`${u.fmtJoules(e.joules)} over ${u.fmtSeconds(e.seconds)} (${e.method === 'rapl' ? 'measured, RAPL' : 'estimated'})`, `${u.fmtGrams(e.co2Grams)} CO2e`];
              },
            },
          },
        },
      },
    });
  }

  function history(canvas: Any, spec: ChartSpec, doc: ReportDocument): Any {
    const h = doc.variants[spec.variant!]!.history!;
    const lossColor = c.palette[0]!;
    const accColor = c.palette[1]!;
    const line = (label: string, key: 'trainLoss' | 'valLoss' | 'trainAccuracy' | 'valAccuracy', color: string, dashed: boolean, axis: string) => {
      const pct = key === 'trainAccuracy' || key === 'valAccuracy';
      const data = h.map((r) => ({ x: r.epoch, y: r[key] === null ? null : pct ? (r[key] as number) * 100 : r[key] }));
      if (data.every((p) => p.y === null)) return null;
      return {
        label, data, yAxisID: axis, borderColor: color, backgroundColor: color, borderWidth: 2, tension: 0.25,
        borderDash: dashed ? [5, 4] : [], pointRadius: h.length > 30 ? 0 : 3, pointHoverRadius: 5,
        pointBackgroundColor: dashed ? '#ffffff' : color, spanGaps: true,
      };
    };
    const datasets = [
      line('train loss', 'trainLoss', lossColor, false, 'loss'),
      line('val loss', 'valLoss', lossColor, true, 'loss'),
      line('train acc.', 'trainAccuracy', accColor, false, 'acc'),
      line('val acc.', 'valAccuracy', accColor, true, 'acc'),
    ].filter((d) => d !== null);
    const hasAcc = datasets.some((d) => d.yAxisID === 'acc');
    return c.make(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        scales: {
          x: { type: 'linear', min: h[0]!.epoch, max: h[h.length - 1]!.epoch, title: c.title('Epoch'), grid: { display: false }, ticks: { precision: 0 }, border: { color: c.grid } },
          loss: { type: 'linear', position: 'left', title: c.title('Loss'), grid: { color: c.grid }, border: { display: false }, ticks: { color: lossColor } },
          ...(hasAcc ? { acc: { type: 'linear', position: 'right', title: c.title('Accuracy (%)'), grid: { display: false }, border: { display: false }, ticks: { color: accColor } } } : {}),
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: { callbacks: { label: (item: Any) => `${item.dataset.label}: ${item.dataset.yAxisID === 'acc' ? `${item.parsed.y.toFixed(2)} %` : item.parsed.y.toFixed(4)}` } },
        },
      },
    });
  }

  function shortName(name: string): string {
    return name.length > 22 ? `${name.slice(0, 10)}\u2026${name.slice(-11)}` : name;
  }

  function sparsity(canvas: Any, spec: ChartSpec, doc: ReportDocument): Any {
    const layers = doc.variants[spec.variant!]!.layers!.filter((l) => l.sparsity !== undefined);
    const color = c.color(spec.variant!);
    return c.make(canvas, {
      type: 'bar',
      data: {
        labels: layers.map((l) => shortName(l.name)),
        datasets: [{
          label: 'sparsity', data: layers.map((l) => l.sparsity! * 100), backgroundColor: c.alpha(color, 0.85), borderRadius: 3, maxBarThickness: 40,
          valueLabels: layers.map((l) => `${(l.sparsity! * 100).toFixed(l.sparsity! > 0 && l.sparsity! < 0.01 ? 2 : 0)} %`),
        }],
      },
      options: {
        layout: { padding: { top: 14 } },
        scales: {
          x: { grid: { display: false }, ticks: { color: c.ink, autoSkip: false, maxRotation: 60 } },
          y: { min: 0, max: 100, title: c.title('Zero weights (%)'), grid: { color: c.grid }, border: { display: false }, ticks: { callback: (v: number) => `${v} %` } },
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: (items: Any[]) => layers[items[0].dataIndex]!.name, label: (item: Any) => `${item.parsed.y.toFixed(1)} % zeros` } },
        },
      },
    });
  }

  function sensitivity(canvas: Any, spec: ChartSpec, doc: ReportDocument): Any {
    const layers = doc.variants[spec.variant!]!.layers!.filter((l) => l.sensitivity !== undefined);
    const values = layers.map((l) => l.sensitivity!);
    const log = c.wideRange(values, 100);
    const bitsList = [...new Set(layers.map((l) => l.bits ?? 0))].sort((a, b) => b - a);
    const withBits = layers.some((l) => l.bits !== undefined);
    const bitColor = (b: number) => (b === 0 ? '#94a3b8' : b >= 16 ? c.palette[2]! : b >= 8 ? c.palette[0]! : b >= 4 ? c.palette[1]! : c.palette[3]!);
    const datasets = withBits
      ? bitsList.map((b) => ({
        label: b === 0 ? 'kept float' : b === 32 ? 'kept float (32-bit)' : `${b}-bit`,
        data: layers.map((l) => ((l.bits ?? 0) === b ? l.sensitivity! : null)),
        backgroundColor: c.alpha(bitColor(b), 0.85), borderRadius: 3, maxBarThickness: 40, grouped: false, skipNull: true,
      }))
      : [{ label: 'sensitivity', data: values, backgroundColor: c.alpha(c.color(spec.variant!), 0.85), borderRadius: 3, maxBarThickness: 40 }];
    return c.make(canvas, {
      type: 'bar',
      data: { labels: layers.map((l) => shortName(l.name)), datasets },
      options: {
        scales: {
          x: { grid: { display: false }, ticks: { color: c.ink, autoSkip: false, maxRotation: 60 } },
          y: {
            type: log ? 'logarithmic' : 'linear', beginAtZero: !log, title: c.title(`Output error${log ? ' (log scale)' : ''}`),
            grid: { color: c.grid }, border: { display: false }, ticks: log ? { callback: (v: number) => (c.logTick(v) ? v.toExponential(0) : '') } : {},
          },
        },
        plugins: {
          legend: { display: withBits, position: 'bottom' },
          tooltip: {
            callbacks: {
              title: (items: Any[]) => layers[items[0].dataIndex]!.name,
              label: (item: Any) => `error ${u.fmtValue(item.parsed.y)}${withBits ? `, ${item.dataset.label}` : ''}`,
            },
          },
        },
      },
    });
  }

  return {
    'accuracy-size': (canvas: Any, spec: ChartSpec, doc: ReportDocument) => tradeoff(canvas, doc, 'size', spec),
    'accuracy-latency': (canvas: Any, spec: ChartSpec, doc: ReportDocument) => tradeoff(canvas, doc, 'latency', spec),
    energy,
    history,
    sparsity,
    sensitivity,
  };
}

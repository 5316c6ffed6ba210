/**
 * Browser-side: the charts of a hyperparameter study (optimization history, learning curves,
 * parameter importance, Pareto front of two objectives). Inlined into the page by source text like
 * ./common.ts, so it stays self-contained.
 */
import type { ChartSpec, ReportDocument } from '../document.js';
import type { ClientCommon } from './common.js';
import type { clientScatter } from './scatter.js';

type Any = any;

/** Builds the study chart drawers, keyed by chart kind. */
export function clientTuningCharts(c: ClientCommon, s: ReturnType<typeof clientScatter>) {
  const u = c.u;
  const paramText = (params: Record<string, unknown>) => Object.entries(params).map(([k, v]) => `${k} = ${u.fmtValue(v)}`);

  function history(canvas: Any, spec: ChartSpec, doc: ReportDocument): Any {
    const h = doc.derived.tuning!.history[spec.objective!]!;
    const trials = doc.tuning!.trials;
    const best = new Set(doc.tuning!.best);
    return c.make(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: h.name,
            data: h.points.map((p) => ({ x: p.trial, y: p.value })),
            pointBackgroundColor: h.points.map((p) => (best.has(p.trial) ? c.palette[3]! : c.alpha(c.palette[0]!, 0.7))),
            pointBorderColor: '#ffffff',
            pointBorderWidth: 1,
            pointRadius: h.points.map((p) => (best.has(p.trial) ? 6 : 4)),
            order: 1,
          },
          {
            label: `best so far (${h.direction})`,
            data: h.points.map((p) => ({ x: p.trial, y: p.bestSoFar })),
            showLine: true,
            stepped: 'after',
            borderColor: c.palette[3]!,
            backgroundColor: c.palette[3]!,
            borderWidth: 2,
            pointRadius: 0,
            pointHitRadius: 0,
            pointStyle: 'line',
            order: 0,
          },
        ],
      },
      options: {
        scales: {
          x: { type: 'linear', title: c.title('Trial'), ticks: { precision: 0 }, grid: { display: false }, border: { color: c.grid } },
          y: { title: c.title(h.name), grid: { color: c.grid }, border: { display: false } },
        },
        plugins: {
          legend: { position: 'bottom' },
          tooltip: {
            filter: (item: Any) => item.datasetIndex === 0,
            callbacks: {
              title: (items: Any[]) => `Trial ${h.points[items[0].dataIndex]!.trial}`,
              label: (item: Any) => {
                const p = h.points[item.dataIndex]!;
                const t = trials.find((x) => x.number === p.trial);
                return [`${h.name} = ${u.fmtValue(p.value)}`, ...(t ? paramText(t.params) : [])];
              },
            },
          },
        },
      },
    });
  }

  function intermediate(canvas: Any, _spec: ChartSpec, doc: ReportDocument): Any {
    const t = doc.tuning!;
    const best = new Set(t.best);
    const kind = (state: string, n: number) => (best.has(n) ? 'best' : state === 'pruned' ? 'pruned' : state === 'complete' ? 'complete' : 'other');
    const style: Record<string, { label: string; color: string; width: number; order: number }> = {
      best: { label: 'best', color: c.palette[3]!, width: 2.5, order: 0 },
      complete: { label: 'complete', color: c.alpha(c.palette[0]!, 0.55), width: 1.5, order: 2 },
      pruned: { label: 'pruned (stopped early)', color: c.alpha('#94a3b8', 0.75), width: 1.2, order: 3 },
      other: { label: 'failed / running', color: c.alpha(c.palette[1]!, 0.6), width: 1.2, order: 3 },
    };
    const seen = new Set<string>();
    const datasets = t.trials
      .filter((x) => Object.keys(x.intermediate).length > 0)
      .map((x) => {
        const k = kind(x.state, x.number);
        const st = style[k]!;
        const first = !seen.has(k);
        seen.add(k);
        const data = Object.entries(x.intermediate).map(([step, v]) => ({ x: Number(step), y: v })).sort((a, b) => a.x - b.x);
        return {
          label: st.label, trial: x.number, legend: first, data, borderColor: st.color, backgroundColor: st.color,
          borderWidth: st.width, pointRadius: data.length === 1 ? 3 : 0, pointHoverRadius: 4, order: st.order, tension: 0.2, pointStyle: 'line',
        };
      });
    return c.make(canvas, {
      type: 'line',
      data: { datasets },
      options: {
        interaction: { mode: 'nearest', intersect: false },
        scales: {
          x: { type: 'linear', title: c.title('Step'), ticks: { precision: 0 }, grid: { display: false }, border: { color: c.grid } },
          y: { title: c.title(t.objectives[0]!.name), grid: { color: c.grid }, border: { display: false } },
        },
        plugins: {
          legend: { position: 'bottom', labels: { filter: (item: Any, data: Any) => data.datasets[item.datasetIndex].legend } },
          tooltip: { callbacks: { label: (item: Any) => `trial ${item.dataset.trial} (${item.dataset.label}): ${u.fmtValue(item.parsed.y)}` } },
        },
      },
    });
  }

  function importance(canvas: Any, _spec: ChartSpec, doc: ReportDocument): Any {
    const names = doc.derived.tuning!.importanceOrder;
    const imp = doc.tuning!.importance;
    const total = names.reduce((a, n) => a + imp[n]!, 0) || 1;
    return c.make(canvas, {
      type: 'bar',
      data: {
        labels: names,
        datasets: [{
          label: 'importance', data: names.map((n) => (imp[n]! / total) * 100),
          backgroundColor: names.map((_n, i) => c.alpha(c.palette[0]!, Math.max(0.35, 0.95 - i * 0.12))), borderRadius: 4, maxBarThickness: 26,
          valueLabels: names.map((n) => `${((imp[n]! / total) * 100).toFixed(1)} %`),
        }],
      },
      options: {
        indexAxis: 'y',
        layout: { padding: { right: 48 } },
        scales: {
          x: { beginAtZero: true, title: c.title('Share of importance (%)'), grid: { color: c.grid }, border: { display: false }, ticks: { callback: (v: number) => `${v} %` } },
          y: { grid: { display: false }, ticks: { color: c.ink } },
        },
        plugins: { legend: { display: false }, tooltip: { callbacks: { label: (item: Any) => `${item.parsed.x.toFixed(1)} %` } } },
      },
    });
  }

  function pareto(canvas: Any, _spec: ChartSpec, doc: ReportDocument): Any {
    const t = doc.tuning!;
    const done = t.trials.filter((x) => x.state === 'complete' && x.values !== undefined);
    const best = new Set(t.best);
    const [o0, o1] = [t.objectives[0]!, t.objectives[1]!];
    const xs = done.map((x) => x.values![1]!);
    const ys = done.map((x) => x.values![0]!);
    return s.tradeoff(canvas, {
      points: done.map((x, i) => ({
        x: xs[i]!, y: ys[i]!, label: `#${x.number}`, color: best.has(x.number) ? c.palette[3]! : c.palette[0]!,
        detail: [`${o0.name} = ${u.fmtValue(x.values![0])}`, `${o1.name} = ${u.fmtValue(x.values![1])}`, ...paramText(x.params)],
      })),
      front: done.map((x, i) => (best.has(x.number) ? i : -1)).filter((i) => i >= 0),
      labels: 'front',
      pointsLabel: 'Trials',
      x: { title: `${o1.name} (${o1.direction})`, log: c.wideRange(xs, 30) },
      y: { title: `${o0.name} (${o0.direction})`, log: c.wideRange(ys, 30) },
    });
  }

  return { 'tune-history': history, 'tune-intermediate': intermediate, 'tune-importance': importance, 'tune-pareto': pareto };
}

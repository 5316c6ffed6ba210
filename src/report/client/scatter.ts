/**
 * Browser-side: the trade-off scatter (accuracy vs size, accuracy vs latency, a study's two
 * objectives) with the Pareto front drawn as a dashed line through highlighted points. Inlined into
 * the page by source text like ./common.ts, so it stays self-contained.
 */
import type { ClientCommon } from './common.js';

type Any = any;

/** One point of a trade-off chart. */
export interface TradeoffPoint {
  x: number;
  y: number;
  label: string;
  color: string;
  /** Tooltip lines. */
  detail: string[];
}

/** What {@link clientScatter}'s `tradeoff` draws. */
export interface TradeoffOptions {
  points: TradeoffPoint[];
  /** Indices of `points` on the Pareto front. */
  front: number[];
  /** Name the points in the chart (all of them, or the front's only). */
  labels: 'all' | 'front';
  pointsLabel: string;
  x: { title: string; log: boolean; tick?: (v: number) => string };
  y: { title: string; log?: boolean; tick?: (v: number) => string };
}

/** Builds the trade-off chart helper; called once in the page. */
export function clientScatter(c: ClientCommon) {
  /** Log axes get explicit room around the points (their end ticks are hidden); linear ones grace. */
  function range(values: number[], log: boolean): Any {
    if (!log) return { grace: '10%' };
    return { min: Math.min(...values) / 1.6, max: Math.max(...values) * 1.6 };
  }

  function tradeoff(canvas: Any, o: TradeoffOptions): Any {
    const onFront = new Set(o.front);
    const frontPts = o.front.map((i) => o.points[i]!).sort((a, b) => a.x - b.x).map((p) => ({ x: p.x, y: p.y }));
    const xr = range(o.points.map((p) => p.x), o.x.log);
    const yr = range(o.points.map((p) => p.y), !!o.y.log);
    const axis = (spec: TradeoffOptions['y'], r: Any, isX: boolean): Any => ({
      type: spec.log ? 'logarithmic' : 'linear',
      ...r,
      title: c.title(spec.title),
      grid: { color: c.grid, drawTicks: false },
      border: { display: false },
      ticks: {
        padding: 6,
        maxTicksLimit: isX ? 9 : 7,
        callback: (v: number) => (spec.log ? (spec.tick ? (c.logTick(v) ? spec.tick(v) : '') : c.logTick(v)) : spec.tick ? spec.tick(v) : String(Number(v.toPrecision(4)))),
      },
    });
    return c.make(canvas, {
      type: 'scatter',
      data: {
        datasets: [
          {
            label: o.pointsLabel,
            data: o.points.map((p) => ({ x: p.x, y: p.y })),
            pointBackgroundColor: o.points.map((p, i) => (onFront.has(i) ? p.color : c.alpha(p.color, 0.55))),
            pointBorderColor: o.points.map((_p, i) => (onFront.has(i) ? c.ink : '#ffffff')),
            pointBorderWidth: o.points.map((_p, i) => (onFront.has(i) ? 2 : 1.5)),
            pointRadius: o.points.map((_p, i) => (onFront.has(i) ? 7 : 5)),
            pointHoverRadius: o.points.map((_p, i) => (onFront.has(i) ? 9 : 7)),
            labels: o.points.map((p, i) => (o.labels === 'all' || onFront.has(i) ? p.label : '')),
            labelBold: o.points.map((_p, i) => onFront.has(i)),
            order: 1,
          },
          {
            label: 'Pareto front',
            data: frontPts,
            showLine: true,
            borderColor: c.alpha(c.ink, 0.6),
            backgroundColor: c.alpha(c.ink, 0.6),
            borderWidth: 1.5,
            borderDash: [6, 4],
            pointRadius: 0,
            pointHitRadius: 0,
            pointStyle: 'line',
            order: 2,
          },
        ],
      },
      options: {
        layout: { padding: { top: 8, right: 16 } },
        scales: { x: axis(o.x, xr, true), y: axis(o.y, yr, false) },
        plugins: {
          legend: { position: 'bottom', labels: { filter: (item: Any) => item.datasetIndex === 1 } },
          tooltip: {
            filter: (item: Any) => item.datasetIndex === 0,
            callbacks: {
              title: (items: Any[]) => o.points[items[0].dataIndex]!.label + (onFront.has(items[0].dataIndex) ? '  (Pareto front)' : ''),
              label: (item: Any) => o.points[item.dataIndex]!.detail,
            },
          },
        },
      },
    });
  }

  return { tradeoff };
}

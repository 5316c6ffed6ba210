/**
 * Browser-side helpers shared by the report's charts: palette, Chart.js defaults, a label plugin
 * that names points without overlapping, and axis/unit helpers.
 *
 * This function runs in the page, not in Node: html.ts inlines its source text
 * (`clientCommon.toString()`), so it must stay self-contained (no imports, no names from this
 * module's scope). Chart.js and the DOM are untyped here (`any`): the project compiles without DOM
 * types, and the browser test in test/report/ checks every chart really draws.
 */
type Any = any;

/** Units passed in from ./units.ts (their source is inlined next to this one). */
export interface ClientUnits {
  fmtCount(n: number): string;
  fmtFlops(n: number): string;
  fmtBytes(n: number): string;
  fmtMs(ms: number): string;
  fmtPercent(f: number | null | undefined, digits?: number): string;
  fmtJoules(j: number): string;
  fmtGrams(g: number): string;
  fmtSeconds(s: number): string;
  fmtValue(v: unknown): string;
}

/** Builds the shared helpers; called once in the page with the global Chart and the units. */
export function clientCommon(Chart: Any, u: ClientUnits) {
  const palette = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1', '#edc948', '#ff9da7', '#9c755f', '#8cd17d'];
  const ink = '#1e293b';
  const muted = '#64748b';
  const grid = '#e9eef4';
  const family = 'ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif';

  Chart.defaults.font.family = family;
  Chart.defaults.font.size = 12;
  Chart.defaults.color = muted;
  Chart.defaults.borderColor = grid;
  Chart.defaults.animation = false;
  Chart.defaults.responsive = true;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.usePointStyle = true;
  Chart.defaults.plugins.legend.labels.boxWidth = 8;
  Chart.defaults.plugins.legend.labels.boxHeight = 8;
  Chart.defaults.plugins.legend.labels.padding = 14;
  Chart.defaults.plugins.tooltip.backgroundColor = 'rgba(15, 23, 42, 0.92)';
  Chart.defaults.plugins.tooltip.padding = 10;
  Chart.defaults.plugins.tooltip.cornerRadius = 6;
  Chart.defaults.plugins.tooltip.titleFont = { weight: '600', size: 12 };
  Chart.defaults.elements.point.hitRadius = 8;

  function color(i: number): string {
    return palette[i % palette.length]!;
  }

  /** `#rrggbb` with an alpha channel. */
  function alpha(hex: string, a: number): string {
    const n = parseInt(hex.slice(1), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${a})`;
  }

  /** An axis title in the house style. */
  function title(text: string): Any {
    return { display: true, text, color: ink, font: { size: 12, weight: '600' }, padding: { top: 6, bottom: 2 } };
  }

  /** True when values span more than `span` times (a log axis reads better). */
  function wideRange(values: number[], span: number): boolean {
    const pos = values.filter((v) => v > 0);
    if (pos.length < 2 || pos.length !== values.length) return false;
    return Math.max(...pos) / Math.min(...pos) > span;
  }

  /** The binary unit that makes the largest of `bytes` read well. */
  function bytesUnit(bytes: number[]): { div: number; name: string } {
    const max = Math.max(...bytes, 1);
    if (max >= 1024 * 1024 * 1024) return { div: 1024 ** 3, name: 'GiB' };
    if (max >= 1024 * 1024) return { div: 1024 * 1024, name: 'MiB' };
    if (max >= 1024) return { div: 1024, name: 'KiB' };
    return { div: 1, name: 'B' };
  }

  /** Tick labels for a log axis: only 1, 2, 5 x 10^k, written compactly. */
  function logTick(value: number): string {
    const exp = Math.floor(Math.log10(value));
    const mant = Math.round(value / 10 ** exp);
    if (![1, 2, 5].includes(mant) || Math.abs(value - mant * 10 ** exp) > 1e-9 * value) return '';
    return Number(value.toPrecision(3)).toLocaleString('en-US');
  }

  /**
   * Names points next to them (datasets marked `labels: string[]`), trying eight positions around
   * each point and keeping the first that overlaps no earlier label, no point and stays inside the
   * chart area; a white halo keeps text readable over lines.
   */
  const pointLabels = {
    id: 'whittlePointLabels',
    afterDatasetsDraw(chart: Any) {
      const ctx = chart.ctx;
      const area = chart.chartArea;
      const placed: { x: number; y: number; w: number; h: number }[] = [];
      const todo: { x: number; y: number; text: string; color: string; bold: boolean }[] = [];
      chart.data.datasets.forEach((ds: Any, di: number) => {
        const meta = chart.getDatasetMeta(di);
        if (meta.hidden) return;
        meta.data.forEach((el: Any, i: number) => {
          placed.push({ x: el.x - 6, y: el.y - 6, w: 12, h: 12 });
          const text = ds.labels ? ds.labels[i] : undefined;
          if (text) todo.push({ x: el.x, y: el.y, text, color: ds.labelColor || ink, bold: !!(ds.labelBold && ds.labelBold[i]) });
        });
      });
      ctx.save();
      ctx.textBaseline = 'top';
      const h = 14;
      for (const p of todo) {
        ctx.font = `${p.bold ? '600' : '500'} 11.5px ${family}`;
        const w = ctx.measureText(p.text).width;
        const d = 8;
        const candidates = [
          { x: p.x + d, y: p.y - h / 2 }, { x: p.x - d - w, y: p.y - h / 2 },
          { x: p.x - w / 2, y: p.y - d - h }, { x: p.x - w / 2, y: p.y + d },
          { x: p.x + d - 2, y: p.y - d - h + 2 }, { x: p.x + d - 2, y: p.y + d - 2 },
          { x: p.x - d - w + 2, y: p.y - d - h + 2 }, { x: p.x - d - w + 2, y: p.y + d - 2 },
        ];
        let best = candidates[0]!;
        let bestCost = Infinity;
        for (const c of candidates) {
          let cost = 0;
          for (const r of placed) {
            const ox = Math.max(0, Math.min(c.x + w, r.x + r.w) - Math.max(c.x, r.x));
            const oy = Math.max(0, Math.min(c.y + h, r.y + r.h) - Math.max(c.y, r.y));
            cost += ox * oy;
          }
          const outside = (c.x < area.left ? area.left - c.x : 0) + (c.x + w > area.right ? c.x + w - area.right : 0)
            + (c.y < area.top ? area.top - c.y : 0) + (c.y + h > area.bottom ? c.y + h - area.bottom : 0);
          cost += outside * 50;
          if (cost < bestCost) { best = c; bestCost = cost; }
          if (cost === 0) break;
        }
        placed.push({ x: best.x, y: best.y, w, h });
        ctx.lineJoin = 'round';
        ctx.lineWidth = 4;
        ctx.strokeStyle = 'rgba(255, 255, 255, 0.92)';
        ctx.strokeText(p.text, best.x, best.y + 1);
        ctx.fillStyle = p.color;
        ctx.fillText(p.text, best.x, best.y + 1);
      }
      ctx.restore();
    },
  };
  /** Writes each bar's value at its end (datasets marked `valueLabels: string[]`). */
  const barLabels = {
    id: 'whittleBarLabels',
    afterDatasetsDraw(chart: Any) {
      const ctx = chart.ctx;
      const horizontal = chart.options.indexAxis === 'y';
      ctx.save();
      ctx.font = `500 11.5px ${family}`;
      ctx.fillStyle = ink;
      chart.data.datasets.forEach((ds: Any, di: number) => {
        const meta = chart.getDatasetMeta(di);
        if (!ds.valueLabels || meta.hidden) return;
        meta.data.forEach((el: Any, i: number) => {
          const text = ds.valueLabels[i];
          if (!text || ds.data[i] === null) return;
          if (horizontal) {
            ctx.textAlign = 'left';
            ctx.textBaseline = 'middle';
            ctx.fillText(text, el.x + 6, el.y);
          } else {
            ctx.textAlign = 'center';
            ctx.textBaseline = 'bottom';
            ctx.fillText(text, el.x, el.y - 4);
          }
        });
      });
      ctx.restore();
    },
  };
  Chart.register(pointLabels, barLabels);

  /** Creates a chart on `canvas` with `config`, keeping the page's look. */
  function make(canvas: Any, config: Any): Any {
    return new Chart(canvas, config);
  }

  return { palette, ink, muted, grid, color, alpha, title, wideRange, bytesUnit, logTick, make, u };
}

/** The helpers object {@link clientCommon} returns. */
export type ClientCommon = ReturnType<typeof clientCommon>;

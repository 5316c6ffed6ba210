/**
 * Browser-side entry: reads the report document from its JSON script element and draws every
 * chart the document lists into the canvas of the same id. Inlined into the page by source text
 * like ./common.ts, so it stays self-contained.
 */
import type { ChartSpec, ReportDocument } from '../document.js';

type Any = any;

/**
 * Draws the charts. A chart that fails to draw logs the error on the console (which the browser
 * test treats as a failure) and says so in its card instead of leaving a blank box. When done,
 * `<html data-charts-drawn="N">` tells scripts (screenshots, tests) the page is complete.
 */
export function clientBoot(doc: Any, drawers: Record<string, (canvas: Any, spec: ChartSpec, report: ReportDocument) => Any>): void {
  const report: ReportDocument = JSON.parse(doc.getElementById('whittle-report-data').textContent);
  let drawn = 0;
  for (const spec of report.derived.charts) {
    const canvas = doc.getElementById(spec.id);
    try {
      if (!canvas) throw new Error(`no canvas #${spec.id}`);
      const draw = drawers[spec.kind];
      if (!draw) throw new Error(`no drawer for chart kind '${spec.kind}'`);
      draw(canvas, spec, report);
      drawn++;
    } catch (e) {
      console.error(`whittle report: chart ${spec.id} failed:`, e);
      if (canvas) {
        const note = doc.createElement('p');
        note.className = 'chart-error';
        note.textContent = `This chart could not be drawn: ${String(e)}`;
        canvas.replaceWith(note);
      }
    }
  }
  doc.documentElement.setAttribute('data-charts-drawn', String(drawn));
}

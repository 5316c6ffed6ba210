/**
 * The report page opened from disk in headless Chromium (Debian's `chromium`, installed by
 * scripts/install-browser.sh) driven by playwright-core: no console errors, every planned chart
 * drawn (a Chart.js instance with non-blank pixels), no canvas for absent data, and no request
 * leaving the page. Runs in `npm test`; set WHITTLE_SKIP_BROWSER=1 to skip it (it says so loudly).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildReportDocument } from '../../src/report/document.js';
import { renderDocumentHtml } from '../../src/report/html.js';
import type { ReportData } from '../../src/report/types.js';
import { sampleReport } from './fixture.js';

const CHROMIUM = process.env['WHITTLE_CHROMIUM'] ?? '/usr/bin/chromium';
const SKIP = process.env['WHITTLE_SKIP_BROWSER'] === '1';
if (SKIP) console.warn('\n*** WHITTLE_SKIP_BROWSER=1: the report browser test (test/report/browser.test.ts) is SKIPPED ***\n');

interface CanvasCheck { id: string; hasChart: boolean; type: string | null; inked: number; width: number; height: number; points: number[] }
interface Opened { errors: string[]; foreign: string[]; requests: string[]; canvasIds: string[]; checks: CanvasCheck[]; drawn: string | null; chartVersion: string }

/** Opens `data`'s page via file:// and inspects every canvas in the page. */
async function open(browser: Browser, dir: string, name: string, data: ReportData): Promise<Opened & { expected: string[] }> {
  const doc = buildReportDocument(data);
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderDocumentHtml(doc));
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  const foreign: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    foreign.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('html[data-charts-drawn]', { timeout: 10_000 });
  const result = await page.evaluate(() => {
    const g = globalThis as unknown as { document: any; Chart: any };
    const canvases = [...g.document.querySelectorAll('canvas')] as any[];
    const checks = canvases.map((c) => {
      const chart = g.Chart.getChart(c);
      const ctx = c.getContext('2d');
      const pixels = ctx.getImageData(0, 0, c.width, c.height).data as Uint8ClampedArray;
      let inked = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
      return {
        id: c.id, hasChart: !!chart, type: chart ? chart.config.type : null, inked, width: c.width, height: c.height,
        points: chart ? chart.data.datasets.map((d: any) => d.data.length) : [],
      };
    });
    return {
      canvasIds: canvases.map((c) => c.id), checks,
      drawn: g.document.documentElement.getAttribute('data-charts-drawn') as string | null, chartVersion: String(g.Chart.version),
    };
  });
  await page.close();
  return { ...result, errors, foreign, requests, expected: doc.derived.charts.map((c) => c.id) };
}

describe('report page in headless Chromium', { skip: SKIP ? 'WHITTLE_SKIP_BROWSER=1' : false, timeout: 60_000 }, () => {
  let browser: Browser;
  let dir: string;
  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run scripts/install-browser.sh (or set WHITTLE_SKIP_BROWSER=1 to skip this test)`);
    dir = mkdtempSync(join(tmpdir(), 'whittle-report-browser-'));
    // playwright gives every launch a fresh temporary profile.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
  });
  after(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws every chart of a full report, with no errors and no network', async () => {
    const data = sampleReport();
    const r = await open(browser, dir, 'full', data);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.foreign, []);
    assert.equal(r.requests.length, 1, r.requests.join('\n'));
    assert.ok(r.requests[0]!.startsWith('file://'));
    assert.equal(r.expected.length, 14);
    assert.deepEqual([...r.canvasIds].sort(), [...r.expected].sort());
    assert.equal(r.drawn, String(r.expected.length));
    const pkg = createRequire(import.meta.url)('../../../node_modules/chart.js/package.json') as { version: string };
    assert.equal(r.chartVersion, pkg.version);
    for (const c of r.checks) {
      assert.ok(c.hasChart, `${c.id}: no Chart instance`);
      assert.ok(c.width > 200 && c.height > 150, `${c.id}: canvas ${c.width}x${c.height}`);
      // Axes, grid, bars/lines/points: a drawn chart inks a good share of its canvas.
      assert.ok(c.inked > 0.02 * c.width * c.height, `${c.id}: only ${c.inked} of ${c.width * c.height} pixels drawn`);
    }
    const byId = new Map(r.checks.map((c) => [c.id, c]));
    // Five variants, four of them on the size front; three histories of 6, 8 and 2 epochs.
    assert.deepEqual(byId.get('chart-accuracy-size')!.points, [5, 4]);
    assert.deepEqual(byId.get('chart-history-0')!.points, [6, 6, 6, 6]);
    assert.deepEqual(byId.get('chart-history-1')!.points, [8, 8, 8, 8]);
    const complete = data.tuning!.trials.filter((t) => t.state === 'complete').length;
    assert.deepEqual(byId.get('chart-tune-history-0')!.points, [complete, complete]);
    assert.deepEqual(byId.get('chart-tune-pareto')!.points, [complete, data.tuning!.best.length]);
    assert.deepEqual(byId.get('chart-tune-importance')!.points, [4]);
    assert.equal(byId.get('chart-energy')!.type, 'bar');
  });

  it('draws no canvas for absent data', async () => {
    const full = sampleReport({ tuning: false });
    const bare: ReportData = { ...full, energy: undefined, variants: full.variants.map(({ history: _h, layers: _l, energy: _e, ...v }) => v) };
    const r = await open(browser, dir, 'bare', bare);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.foreign, []);
    assert.deepEqual([...r.canvasIds].sort(), ['chart-accuracy-latency', 'chart-accuracy-size']);
    for (const c of r.checks) assert.ok(c.hasChart && c.inked > 0.02 * c.width * c.height, c.id);
    // A study alone (what `whittle tune` reports): only the study's charts.
    const study = sampleReport();
    const t = await open(browser, dir, 'tune', { ...study, variants: [], energy: undefined });
    assert.deepEqual(t.errors, []);
    assert.deepEqual([...t.canvasIds].sort(), ['chart-tune-history-0', 'chart-tune-history-1', 'chart-tune-importance', 'chart-tune-intermediate', 'chart-tune-pareto']);
    for (const c of t.checks) assert.ok(c.hasChart && c.inked > 0.02 * c.width * c.height, c.id);
  });
});

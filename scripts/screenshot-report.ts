/**
 * Takes a full-page PNG screenshot of a whittle report (for the README), in headless Chromium
 * driven by playwright-core (Debian's `chromium`; see scripts/install-browser.sh).
 *
 *   node dist/scripts/screenshot-report.js report.html out.png [--width 1280] [--scale 1]
 *
 * The page is opened from disk with every network request refused, and the shot is taken once its
 * script has drawn every chart (`<html data-charts-drawn>`). Console errors fail the run.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env['WHITTLE_CHROMIUM'] ?? '/usr/bin/chromium';
const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { width: { type: 'string', default: '1280' }, scale: { type: 'string', default: '1' } },
});
if (positionals.length !== 2) {
  console.error('usage: node dist/scripts/screenshot-report.js report.html out.png [--width 1280] [--scale 1]');
  process.exit(2);
}
const [input, output] = positionals.map((p) => resolve(p)) as [string, string];
const width = Number(values.width);
const scale = Number(values.scale);
if (!existsSync(input)) {
  console.error(`${input} does not exist`);
  process.exit(2);
}
if (!Number.isInteger(width) || width < 320 || !(scale > 0 && scale <= 4)) {
  console.error(`--width must be an integer >= 320 and --scale in (0, 4], got ${values.width} and ${values.scale}`);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: run scripts/install-browser.sh (or set WHITTLE_CHROMIUM)`);
  process.exit(2);
}

// playwright starts Chromium with a fresh temporary profile of its own.
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const errors: string[] = [];
try {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: scale });
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(pathToFileURL(input).href);
  await page.waitForSelector('html[data-charts-drawn]', { timeout: 15_000 });
  await page.screenshot({ path: output, fullPage: true });
  const drawn = await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { getAttribute(n: string): string } } }).document.documentElement.getAttribute('data-charts-drawn'));
  console.log(`wrote ${output} (${drawn} charts)`);
} finally {
  await browser.close();
}
if (errors.length > 0) {
  console.error(`the page logged errors:\n${errors.join('\n')}`);
  process.exit(1);
}

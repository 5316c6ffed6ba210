/**
 * The charting library the page inlines: Chart.js's UMD build from the installed `chart.js`
 * package (a runtime dependency), read once per process.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { WhittleError } from '../errors.js';

let cached: string | undefined;

/** The text of chart.js/dist/chart.umd.min.js, which defines the global `Chart` when run in a page. */
export function chartJsSource(): string {
  if (cached !== undefined) return cached;
  let path: string;
  try {
    // The package exports only its ESM/CJS entries; the UMD build sits beside them in dist/.
    path = join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js');
    cached = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WhittleError(`cannot read Chart.js's UMD build (chart.js/dist/chart.umd.min.js): is the chart.js package installed? (${(e as Error).message})`, { cause: e });
  }
  if (/<\/script|<!--/i.test(cached)) {
    const text = cached;
    cached = undefined;
    throw new WhittleError(`chart.umd.min.js contains '</script' or '<!--' (${text.length} bytes); it cannot be inlined in a <script> element safely`);
  }
  return cached;
}

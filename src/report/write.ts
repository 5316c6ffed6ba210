/**
 * Writes report.json and report.html into a folder, atomically: both go to temporary names in that
 * folder first (flushed to disk), then are renamed into place, so a reader never sees half a file.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, WhittleError } from '../errors.js';
import { buildReportDocument, type ReportDocument } from './document.js';
import { renderDocumentHtml } from './html.js';
import type { ReportData } from './types.js';

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /**
   * Replace report.json / report.html already in the folder (e.g. a demo re-run writing into its
   * own output folder). When false (the default) an existing file is an error and nothing is written.
   */
  readonly overwrite?: boolean;
}

/** What {@link writeReport} wrote. */
export interface WrittenReport {
  readonly json: { readonly path: string; readonly bytes: number };
  readonly html: { readonly path: string; readonly bytes: number };
  /** The document both files hold (the data plus every derived figure). */
  readonly document: ReportDocument;
}

function writeWhole(path: string, text: string): number {
  const bytes = Buffer.from(text, 'utf8');
  const fd = openSync(path, 'wx');
  try {
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return bytes.length;
}

/**
 * Validates `data`, builds the report document and writes `dir/report.json` (the document, every
 * figure the page shows) and `dir/report.html` (the self-contained page). `dir` is created when
 * missing. Existing report files are refused unless `overwrite` is set.
 *
 * @example
 * const { html } = await writeReport('demo-out', data, { overwrite: true });
 * console.log(`open ${html.path}`);
 */
export async function writeReport(dir: string, data: ReportData, options: WriteReportOptions = {}): Promise<WrittenReport> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UsageError(`report folder ${dir} is a file; expected a folder`);
  const jsonPath = join(dir, 'report.json');
  const htmlPath = join(dir, 'report.html');
  if (!options.overwrite) {
    for (const p of [jsonPath, htmlPath]) {
      if (existsSync(p)) throw new UsageError(`${p} already exists; refusing to overwrite it (pass overwrite: true, or choose another folder)`);
    }
  }
  const document = buildReportDocument(data);
  const html = renderDocumentHtml(document);
  const json = `${JSON.stringify(document, null, 2)}\n`;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot create report folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
  const tag = `whittle-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`;
  const temps = { json: join(dir, `.report.json.${tag}`), html: join(dir, `.report.html.${tag}`) };
  try {
    const jsonBytes = writeWhole(temps.json, json);
    const htmlBytes = writeWhole(temps.html, html);
    renameSync(temps.json, jsonPath);
    renameSync(temps.html, htmlPath);
    return { json: { path: jsonPath, bytes: jsonBytes }, html: { path: htmlPath, bytes: htmlBytes }, document };
  } catch (e) {
    rmSync(temps.json, { force: true });
    rmSync(temps.html, { force: true });
    if (e instanceof WhittleError) throw e;
    throw new UsageError(`cannot write the report into ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
  }
}

/**
 * The summary table: one row per variant with accuracy, parameters, FLOPs, size raw/brotli,
 * median latency and the energy/CO2 it took to make. The terminal prints it as aligned text
 * ({@link summaryTable}); the page renders the same cells ({@link summaryCells}).
 */
import type { VariantReport } from './types.js';
import { fmtBytes, fmtCount, fmtFlops, fmtGrams, fmtJoules, fmtMs, fmtPercent } from './units.js';

/** One column of the summary: its header, and whether its cells are numbers (right-aligned). */
export interface SummaryColumn {
  readonly key: 'name' | 'accuracy' | 'params' | 'nonZero' | 'flops' | 'size' | 'brotli' | 'latency' | 'energy' | 'co2';
  readonly header: string;
  readonly numeric: boolean;
}

/** Header and formatted cells of the summary table; optional columns appear only when some variant has the figure. */
export function summaryCells(variants: readonly VariantReport[]): { columns: SummaryColumn[]; rows: string[][] } {
  const sparse = variants.some((v) => v.nonZeroParams !== undefined && v.nonZeroParams !== v.params);
  const energy = variants.some((v) => v.energy);
  const batches = [...new Set(variants.map((v) => v.latencyBatch))];
  const oneBatch = batches.length === 1;
  const columns: SummaryColumn[] = [
    { key: 'name', header: 'Variant', numeric: false },
    { key: 'accuracy', header: 'Accuracy', numeric: true },
    { key: 'params', header: 'Params', numeric: true },
    ...(sparse ? [{ key: 'nonZero', header: 'Non-zero', numeric: true } as const] : []),
    { key: 'flops', header: 'FLOPs/sample', numeric: true },
    { key: 'size', header: 'Size', numeric: true },
    { key: 'brotli', header: 'Brotli', numeric: true },
    { key: 'latency', header: oneBatch ? `p50 (batch ${batches[0]})` : 'p50 latency', numeric: true },
    ...(energy ? [{ key: 'energy', header: 'Energy', numeric: true } as const, { key: 'co2', header: 'CO2', numeric: true } as const] : []),
  ];
  const cell = (v: VariantReport, key: SummaryColumn['key']): string => {
    switch (key) {
      case 'name': return v.name;
      case 'accuracy': return fmtPercent(v.accuracy);
      case 'params': return fmtCount(v.params);
      case 'nonZero': return fmtCount(v.nonZeroParams ?? v.params);
      case 'flops': return fmtFlops(v.flops);
      case 'size': return fmtBytes(v.sizeBytes);
      case 'brotli': return fmtBytes(v.brotliBytes);
      case 'latency': return oneBatch ? fmtMs(v.latencyMsP50) : `${fmtMs(v.latencyMsP50)} (b${v.latencyBatch})`;
      case 'energy': return v.energy ? `${fmtJoules(v.energy.joules)}${v.energy.method === 'estimate' ? '*' : ''}` : '—';
      case 'co2': return v.energy ? fmtGrams(v.energy.co2Grams) : '—';
    }
  };
  return { columns, rows: variants.map((v) => columns.map((c) => cell(v, c.key))) };
}

/**
 * The summary as aligned plain text for the terminal: text columns left-aligned, numbers
 * right-aligned, two spaces apart, a rule under the header. An estimated energy figure carries a
 * `*` and a footnote says so.
 *
 * @example
 * console.log(summaryTable(report.variants));
 */
export function summaryTable(variants: readonly VariantReport[]): string {
  const { columns, rows } = summaryCells(variants);
  const width = (s: string) => [...s].length;
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i]!))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(s));
    return columns[i]!.numeric ? fill + s : s + fill;
  };
  const line = (cells: readonly string[]) => cells.map(pad).join('  ').trimEnd();
  const out = [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (variants.some((v) => v.energy?.method === 'estimate')) out.push('* energy estimated from CPU time and an assumed power draw, not measured');
  return out.join('\n');
}

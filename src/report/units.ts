/**
 * Human units for the report: the terminal table and the HTML page format numbers with these same
 * functions. Each function is self-contained (no imports, no module-level names) because the page
 * inlines their source text (`Function.prototype.toString`) for its chart axes and tooltips.
 */

/** A count with SI prefixes, 3 significant digits: 44426 -> "44.4 K", 950 -> "950". */
export function fmtCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const prefixes = ['', 'K', 'M', 'G', 'T', 'P'];
  let i = 0;
  let v = Math.abs(n);
  while (v >= 999.5 && i < prefixes.length - 1) { v /= 1000; i++; }
  const sign = n < 0 ? '-' : '';
  return i === 0 ? `${sign}${Math.round(v)}` : `${sign}${v.toPrecision(3)} ${prefixes[i]}`;
}

/** Floating-point operations per sample: 2.3e6 -> "2.30 MFLOPs". */
export function fmtFlops(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const c = fmtCount(n);
  return /[A-Z]$/.test(c) ? `${c}FLOPs` : `${c} FLOPs`;
}

/** Bytes with binary prefixes, 3 significant digits: 1536 -> "1.50 KiB", 512 -> "512 B". */
export function fmtBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1023.5 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${Math.round(v)} B` : `${v.toPrecision(3)} ${units[i]}`;
}

/** Milliseconds: "0.412 ms", "12.3 ms", "456 ms", "1.23 s". */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms >= 1000) return `${(ms / 1000).toPrecision(3)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A fraction 0..1 as a percentage with `digits` decimals: 0.98123 -> "98.12 %"; null -> "—". */
export function fmtPercent(fraction: number | null | undefined, digits = 2): string {
  if (fraction === null || fraction === undefined || !Number.isFinite(fraction)) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

/** Joules with SI prefixes: 0.5 -> "500 mJ", 1234 -> "1.23 kJ". */
export function fmtJoules(j: number): string {
  if (!Number.isFinite(j)) return String(j);
  const a = Math.abs(j);
  if (a === 0) return '0 J';
  if (a < 1) return `${(j * 1000).toPrecision(3)} mJ`;
  if (a < 999.5) return `${j.toPrecision(3)} J`;
  if (a < 999.5e3) return `${(j / 1e3).toPrecision(3)} kJ`;
  return `${(j / 1e6).toPrecision(3)} MJ`;
}

/** Grams of CO2-equivalent: 0.0123 -> "12.3 mg", 4.56 -> "4.56 g", 1234 -> "1.23 kg". */
export function fmtGrams(g: number): string {
  if (!Number.isFinite(g)) return String(g);
  const a = Math.abs(g);
  if (a === 0) return '0 g';
  if (a < 1e-3) return `${(g * 1e6).toPrecision(3)} µg`;
  if (a < 1) return `${(g * 1000).toPrecision(3)} mg`;
  if (a < 999.5) return `${g.toPrecision(3)} g`;
  return `${(g / 1000).toPrecision(3)} kg`;
}

/** Seconds as "0.81 s", "12.3 s", "2 min 05 s", "1 h 02 min". */
export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s)) return String(s);
  if (s < 60) return `${s < 10 ? s.toFixed(2) : s.toFixed(1)} s`;
  const total = Math.round(s);
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} min`;
}

/** A ratio as "12.3x" (3 significant digits, at most one decimal past 100). */
export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return String(r);
  return r >= 100 ? `${r.toFixed(0)}x` : `${r.toPrecision(3)}x`;
}

/** A number in a settings or trials table: integers as is, reals to 4 significant digits. */
export function fmtValue(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(4)));
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return JSON.stringify(v);
}

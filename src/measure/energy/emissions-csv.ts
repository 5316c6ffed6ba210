/**
 * Rows for CodeCarbon's `emissions.csv`, so whittle's runs land in the same file (and dashboards)
 * as Python jobs tracked by CodeCarbon. Columns and units follow CodeCarbon 3.x's CSV output
 * (https://mlco2.github.io/codecarbon/output.html; order as CodeCarbon 3.3 writes it): durations in
 * s, powers in W, energies in kWh, emissions in kg CO2e, RAM sizes in GB (GiB).
 *
 * whittle is not CodeCarbon and does not pretend to be: `python_version` and
 * `codecarbon_version` are left empty; `tracking_mode` says 'process' for estimates and 'machine'
 * for RAPL readings (which cover the whole package).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { arch, release, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../../errors.js';
import { writeAtomic } from '../../data/files.js';
import type { EnergyReading } from './meter.js';

/** CodeCarbon 3.x's emissions.csv header, in its order. */
export const EMISSIONS_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate',
  'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed', 'water_consumed',
  'country_name', 'country_iso_code', 'region', 'cloud_provider', 'cloud_region', 'os', 'python_version',
  'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model', 'longitude', 'latitude', 'ram_total_size',
  'tracking_mode', 'cpu_utilization_percent', 'gpu_utilization_percent', 'ram_utilization_percent', 'ram_used_gb',
  'on_cloud', 'pue', 'wue',
] as const;

export type EmissionsColumn = (typeof EMISSIONS_COLUMNS)[number];
export type EmissionsRow = Readonly<Record<EmissionsColumn, string | number>>;

/** Columns every emissions.csv has had, in every CodeCarbon version: an existing file must have them. */
const CORE_COLUMNS: readonly EmissionsColumn[] = ['timestamp', 'project_name', 'duration', 'emissions', 'energy_consumed'];

export interface EmissionsRowOptions {
  /** Default 'whittle'. */
  readonly projectName?: string;
  /** Default a random UUID. */
  readonly runId?: string;
  /** Default ''. */
  readonly experimentId?: string;
  /** When the run ended (default now); written as local time `YYYY-MM-DDTHH:MM:SS` like CodeCarbon. */
  readonly timestamp?: Date;
}

function localIso(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** One emissions.csv row for a reading. */
export function emissionsRow(reading: EnergyReading, options: EmissionsRowOptions = {}): EmissionsRow {
  const kwh = (j: number) => j / 3.6e6;
  const kg = reading.co2Grams / 1000;
  const gib = (b: number) => b / 2 ** 30;
  const country = reading.region !== 'WORLD' && reading.region !== 'custom';
  return {
    timestamp: localIso(options.timestamp ?? new Date()),
    project_name: options.projectName ?? 'whittle',
    run_id: options.runId ?? randomUUID(),
    experiment_id: options.experimentId ?? '',
    duration: reading.seconds,
    emissions: kg,
    emissions_rate: reading.seconds > 0 ? kg / reading.seconds : 0,
    cpu_power: reading.cpuPowerW,
    gpu_power: 0,
    ram_power: reading.ramPowerW,
    cpu_energy: kwh(reading.cpuJoules),
    gpu_energy: 0,
    ram_energy: kwh(reading.ramJoules),
    energy_consumed: reading.kWh,
    water_consumed: 0,
    country_name: country ? reading.regionName : '',
    country_iso_code: country ? reading.region : '',
    region: '',
    cloud_provider: '',
    cloud_region: '',
    os: `${type()}-${release()}-${arch()}`,
    python_version: '',
    codecarbon_version: '',
    cpu_count: reading.logicalCpus,
    cpu_model: reading.cpuModel,
    gpu_count: 0,
    gpu_model: '',
    longitude: '',
    latitude: '',
    ram_total_size: gib(reading.ramTotalBytes),
    tracking_mode: reading.trackingMode,
    cpu_utilization_percent: reading.seconds > 0 ? (100 * reading.cpuSeconds) / (reading.seconds * reading.logicalCpus) : 0,
    gpu_utilization_percent: 0,
    ram_utilization_percent: reading.ramTotalBytes > 0 ? (100 * reading.meanRssBytes) / reading.ramTotalBytes : 0,
    ram_used_gb: gib(reading.meanRssBytes),
    on_cloud: 'N',
    pue: 1,
    wue: 0,
  };
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, quote, CR or LF. */
export function csvField(value: string | number): string {
  const s = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : '') : value;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Splits the first record (the header) of CSV text, honouring quotes; undefined for empty text. */
export function parseCsvHeader(text: string): string[] | undefined {
  if (text.length === 0) return undefined;
  const fields: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { fields.push(cur); cur = ''; } else if (c === '\n' || c === '\r') break;
    else cur += c;
  }
  fields.push(cur);
  return fields.map((f) => f.replace(/^\uFEFF/, '').trim());
}

/**
 * The columns of an existing emissions.csv, or undefined when the file is absent or empty (it
 * then gets our header). A file whose header is not CodeCarbon's (a column CodeCarbon never
 * writes, or one of timestamp/project_name/duration/emissions/energy_consumed missing) is a
 * UsageError naming the file: whittle never rewrites someone else's CSV. So is an empty name.
 */
export function checkEmissionsCsv(file: string): string[] | undefined {
  if (file.trim() === '') throw new UsageError('the emissions file name is empty; give a FILE.csv path');
  if (!existsSync(file)) {
    const folder = dirname(resolve(file));
    if (!existsSync(folder)) throw new UsageError(`${file}: the folder ${folder} does not exist`);
    return undefined;
  }
  if (statSync(file).isDirectory()) throw new UsageError(`${file} is a directory, not an emissions.csv file`);
  const text = readFileSync(file, 'utf8');
  const header = parseCsvHeader(text);
  if (!header) return undefined;
  const known = new Set<string>(EMISSIONS_COLUMNS);
  const foreign = header.filter((c) => !known.has(c));
  const missing = CORE_COLUMNS.filter((c) => !header.includes(c));
  if (foreign.length || missing.length) {
    const what = foreign.length ? `its header has ${foreign.slice(0, 3).map((c) => `'${c}'`).join(', ')}${foreign.length > 3 ? '...' : ''}, which CodeCarbon does not write`
      : `its header lacks ${missing.join(', ')}`;
    throw new UsageError(`${file} is not a CodeCarbon emissions.csv (${what}); give a new file or an emissions.csv`);
  }
  if (new Set(header).size !== header.length) throw new UsageError(`${file} is not a CodeCarbon emissions.csv (a column appears twice in its header)`);
  return header;
}

/**
 * Appends rows to a CodeCarbon-compatible emissions.csv: a new (or empty) file gets the header
 * first; an existing one is checked ({@link checkEmissionsCsv}) and the rows are written in its
 * own column order (older CodeCarbon files have fewer columns; the extra values are dropped). The
 * file is replaced atomically (temp file + rename). Returns the number of rows written.
 */
export function appendEmissionsCsv(file: string, rows: readonly EmissionsRow[]): number {
  const header = checkEmissionsCsv(file);
  const columns: readonly string[] = header ?? EMISSIONS_COLUMNS;
  let before = header ? readFileSync(file, 'utf8') : '';
  if (before.length && !before.endsWith('\n')) before += '\n';
  const lines = header ? [] : [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(row[c as EmissionsColumn] ?? '')).join(','));
  writeAtomic(file, [new TextEncoder().encode(before + lines.join('\n') + '\n')]);
  return rows.length;
}

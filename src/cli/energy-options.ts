/**
 * The energy flags shared by `whittle train` and `whittle bench` (--region, --grams-per-kwh,
 * --tdp, --emissions), the meter they start, and how a reading is printed and saved.
 */
import { UsageError } from '../errors.js';
import { gridIntensity, regionCodes } from '../measure/energy/carbon.js';
import { appendEmissionsCsv, checkEmissionsCsv, emissionsRow } from '../measure/energy/emissions-csv.js';
import { startEnergyMeter, type EnergyMeter, type EnergyMeterOptions, type EnergyReading } from '../measure/energy/meter.js';
import type { Parsed } from './args.js';

/** Flag specs to spread into a command's FLAGS. */
export const ENERGY_FLAGS = {
  region: { type: 'string' }, 'grams-per-kwh': { type: 'string' }, tdp: { type: 'string' }, emissions: { type: 'string' },
} as const;

/** Help lines for the flags (indented like the commands' help). */
export const ENERGY_HELP = `energy (every run is metered; docs/energy.md):
  --region CODE           grid region for CO2e, ISO 3166-1 alpha-3 (FRA, USA, DEU...; default: world average)
  --grams-per-kwh F       grid intensity in g CO2e/kWh, overriding the region's figure
  --tdp W                 power of all logical CPUs at full load, for estimates (default: TDP table)
  --emissions FILE.csv    append a CodeCarbon-compatible row (file created with the header)`;

/** What the flags asked for, checked before any long work starts. */
export interface EnergyFlags {
  readonly meter: EnergyMeterOptions;
  readonly emissionsFile: string | undefined;
}

function positive(p: Parsed, name: string, min0: boolean): number | undefined {
  const v = p.values[name];
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (min0 ? n < 0 : n <= 0)) {
    throw new UsageError(`--${name} must be a number ${min0 ? '>= 0' : '> 0'}, got '${String(v)}'`);
  }
  return n;
}

/** Reads and checks the energy flags (region known, emissions file absent or CodeCarbon's). */
export function energyFlags(p: Parsed): EnergyFlags {
  const region = p.values['region'] as string | undefined;
  const gramsPerKWh = positive(p, 'grams-per-kwh', true);
  const tdpWatts = positive(p, 'tdp', false);
  try {
    gridIntensity({ ...(region !== undefined ? { region } : {}), ...(gramsPerKWh !== undefined ? { gramsPerKWh } : {}) });
  } catch (e) {
    if (e instanceof UsageError && region !== undefined && e.message.startsWith('unknown region')) {
      throw new UsageError(`--region '${region}' is not a known grid region (expected one of ${regionCodes()})`, { cause: e });
    }
    throw e;
  }
  const emissionsFile = p.values['emissions'] as string | undefined;
  if (emissionsFile !== undefined) checkEmissionsCsv(emissionsFile);
  return {
    meter: {
      ...(region !== undefined ? { region } : {}),
      ...(gramsPerKWh !== undefined ? { gramsPerKWh } : {}),
      ...(tdpWatts !== undefined ? { tdpWatts } : {}),
    },
    emissionsFile,
  };
}

/** Starts the meter for a command's run. */
export function startCommandMeter(flags: EnergyFlags): EnergyMeter {
  return startEnergyMeter(flags.meter);
}

/** Stops the meter, appends the emissions row when asked, and returns the reading. */
export function finishCommandMeter(meter: EnergyMeter, flags: EnergyFlags, projectName: string): EnergyReading {
  const reading = meter.stop();
  if (flags.emissionsFile !== undefined) appendEmissionsCsv(flags.emissionsFile, [emissionsRow(reading, { projectName })]);
  return reading;
}

const sig = (x: number, digits = 4) => Number(x.toPrecision(digits));

/** The `energy` object of a command's --json document (keys in docs/cli.md). */
export function energyJson(r: EnergyReading, emissionsFile: string | undefined): Record<string, unknown> {
  return {
    method: r.method,
    measured: r.measured,
    trackingMode: r.trackingMode,
    seconds: sig(r.seconds, 6),
    cpuSeconds: sig(r.cpuSeconds, 6),
    joules: sig(r.joules),
    cpuJoules: sig(r.cpuJoules),
    ramJoules: sig(r.ramJoules),
    kWh: sig(r.kWh),
    cpuPowerW: sig(r.cpuPowerW),
    ramPowerW: sig(r.ramPowerW),
    co2Grams: sig(r.co2Grams),
    gramsPerKWh: r.gramsPerKWh,
    region: r.region,
    intensitySource: r.intensitySource,
    note: r.note,
    emissionsFile: emissionsFile ?? null,
  };
}

function humanJoules(j: number): string {
  if (j >= 3.6e6) return `${sig(j / 3.6e6, 3)} kWh`;
  if (j >= 1e3) return `${sig(j / 1e3, 3)} kJ`;
  return `${sig(j, 3)} J`;
}

function humanGrams(g: number): string {
  if (g >= 1000) return `${sig(g / 1000, 3)} kg`;
  if (g >= 1) return `${sig(g, 3)} g`;
  if (g >= 1e-3) return `${sig(g * 1e3, 3)} mg`;
  return `${sig(g * 1e6, 3)} µg`;
}

/** Two lines for text output: the figures (saying measured or estimated), then the assumptions. */
export function energyText(r: EnergyReading, emissionsFile: string | undefined): string {
  const where = r.region === 'WORLD' ? 'world average' : r.region === 'custom' ? 'given' : r.region;
  return [
    `energy: ${humanJoules(r.joules)} (${r.measured ? 'measured by RAPL, whole machine' : 'estimated, this process'}; ` +
      `CPU ${humanJoules(r.cpuJoules)} + RAM ${humanJoules(r.ramJoules)} over ${sig(r.seconds, 3)} s), ` +
      `CO2e: ${humanGrams(r.co2Grams)} (${where} ${sig(r.gramsPerKWh, 4)} g/kWh)` +
      (emissionsFile !== undefined ? `; row appended to ${emissionsFile}` : ''),
    `  how: ${r.note}`,
  ].join('\n');
}

/**
 * Grid carbon intensity: grams of CO2-equivalent emitted per kWh of electricity, by country.
 *
 * Figures are the 2023 lifecycle carbon intensity of electricity generation from Ember's Yearly
 * Electricity Data as published by Our World in Data
 * (https://ourworldindata.org/grapher/carbon-intensity-electricity), rounded to the gram. They
 * describe generation in the country (imports not counted), averaged over the year; the grid a
 * job really drew from at that hour can be far cleaner or dirtier. CodeCarbon uses the same OWID
 * series for its per-country figures. The default is the world average of the same series.
 */
import { UsageError } from '../../errors.js';

/** One region of the table. */
export interface GridRegion {
  /** ISO 3166-1 alpha-3 code, or WORLD. */
  readonly code: string;
  readonly name: string;
  readonly gramsPerKWh: number;
}

/** Source of {@link GRID_INTENSITY}, for reports. */
export const GRID_INTENSITY_SOURCE = 'Ember 2023 lifecycle intensity of generation, via Our World in Data';

/** The region used when none is given. */
export const DEFAULT_REGION = 'WORLD';

/** g CO2e/kWh by region code (see docs/energy.md for the table and its caveats). */
export const GRID_INTENSITY: readonly GridRegion[] = [
  { code: 'WORLD', name: 'World', gramsPerKWh: 481 },
  { code: 'ARG', name: 'Argentina', gramsPerKWh: 354 },
  { code: 'AUS', name: 'Australia', gramsPerKWh: 549 },
  { code: 'AUT', name: 'Austria', gramsPerKWh: 111 },
  { code: 'BEL', name: 'Belgium', gramsPerKWh: 138 },
  { code: 'BRA', name: 'Brazil', gramsPerKWh: 98 },
  { code: 'BGR', name: 'Bulgaria', gramsPerKWh: 335 },
  { code: 'CAN', name: 'Canada', gramsPerKWh: 170 },
  { code: 'CHL', name: 'Chile', gramsPerKWh: 291 },
  { code: 'CHN', name: 'China', gramsPerKWh: 582 },
  { code: 'COL', name: 'Colombia', gramsPerKWh: 260 },
  { code: 'CZE', name: 'Czechia', gramsPerKWh: 450 },
  { code: 'DNK', name: 'Denmark', gramsPerKWh: 152 },
  { code: 'EGY', name: 'Egypt', gramsPerKWh: 570 },
  { code: 'FIN', name: 'Finland', gramsPerKWh: 79 },
  { code: 'FRA', name: 'France', gramsPerKWh: 56 },
  { code: 'DEU', name: 'Germany', gramsPerKWh: 381 },
  { code: 'GRC', name: 'Greece', gramsPerKWh: 337 },
  { code: 'HUN', name: 'Hungary', gramsPerKWh: 204 },
  { code: 'IND', name: 'India', gramsPerKWh: 713 },
  { code: 'IRL', name: 'Ireland', gramsPerKWh: 291 },
  { code: 'ITA', name: 'Italy', gramsPerKWh: 288 },
  { code: 'JPN', name: 'Japan', gramsPerKWh: 485 },
  { code: 'KOR', name: 'South Korea', gramsPerKWh: 432 },
  { code: 'NLD', name: 'Netherlands', gramsPerKWh: 268 },
  { code: 'NOR', name: 'Norway', gramsPerKWh: 30 },
  { code: 'POL', name: 'Poland', gramsPerKWh: 662 },
  { code: 'ZAF', name: 'South Africa', gramsPerKWh: 708 },
  { code: 'ESP', name: 'Spain', gramsPerKWh: 174 },
  { code: 'SWE', name: 'Sweden', gramsPerKWh: 41 },
  { code: 'GBR', name: 'United Kingdom', gramsPerKWh: 238 },
  { code: 'USA', name: 'United States', gramsPerKWh: 369 },
];

/** The intensity a reading was computed with, and where it came from. */
export interface GridIntensity {
  /** The region code (upper case), or 'custom' for an explicit figure without a region. */
  readonly region: string;
  /** Country name; 'World' for the default; '' for a custom figure without a region. */
  readonly name: string;
  readonly gramsPerKWh: number;
  /** Where the figure came from, e.g. "France, Ember 2023 via Our World in Data" or "given". */
  readonly source: string;
  /** True when the default (world average) was used because no region was given. */
  readonly isDefault: boolean;
}

/** The region codes, comma separated, for messages. */
export function regionCodes(): string {
  return GRID_INTENSITY.map((r) => r.code).join(', ');
}

/**
 * Looks up a region (ISO 3166-1 alpha-3 code, any case; default WORLD). `gramsPerKWh`, when
 * given, replaces the table's figure (the region then only labels the reading). An unknown region
 * is a UsageError listing the valid codes.
 */
export function gridIntensity(options: { region?: string; gramsPerKWh?: number } = {}): GridIntensity {
  const { region, gramsPerKWh } = options;
  if (gramsPerKWh !== undefined && (!Number.isFinite(gramsPerKWh) || gramsPerKWh < 0)) {
    throw new UsageError(`grams per kWh must be a number >= 0, got ${gramsPerKWh}`);
  }
  let row: GridRegion | undefined;
  if (region !== undefined) {
    row = GRID_INTENSITY.find((r) => r.code === region.trim().toUpperCase());
    if (!row) throw new UsageError(`unknown region '${region}' (expected one of ${regionCodes()})`);
  }
  if (gramsPerKWh !== undefined) {
    return { region: row?.code ?? 'custom', name: row?.name ?? '', gramsPerKWh, source: 'given', isDefault: false };
  }
  row ??= GRID_INTENSITY.find((r) => r.code === DEFAULT_REGION)!;
  return {
    region: row.code, name: row.name, gramsPerKWh: row.gramsPerKWh,
    source: `${row.code === DEFAULT_REGION ? 'world average' : row.name}, ${GRID_INTENSITY_SOURCE}`,
    isDefault: region === undefined,
  };
}

/** Grams of CO2e for an energy in joules at an intensity in g/kWh (1 kWh = 3.6e6 J). */
export function co2Grams(joules: number, gramsPerKWh: number): number {
  return (joules / 3.6e6) * gramsPerKWh;
}

/**
 * Energy and CO2e of training and benchmark runs: RAPL counters when readable, else an estimate
 * from the CPU's TDP and this process's CPU time; grid intensity by region; rows for CodeCarbon's
 * emissions.csv. Method and assumptions: docs/energy.md.
 */
export {
  startEnergyMeter, measureEnergy,
  type EnergyMeter, type EnergyMeterOptions, type EnergyReading, type EnergySource,
} from './meter.js';
export {
  probeRapl, sampleRapl, counterDeltaUj, RaplAccumulator, DEFAULT_POWERCAP_ROOT,
  type RaplDomain, type RaplProbe, type RaplSample, type RaplTotals,
} from './rapl.js';
export {
  cpuPower, lookupTdp, parseCpuInfo, readCpuInfo, processCpuTime, estimateEnergy,
  CPU_TDP_TABLE, FALLBACK_WATTS_PER_THREAD, RAM_WATTS_PER_GIB,
  type CpuInfo, type CpuPower, type CpuTdpEntry, type CpuTime, type EstimateInputs, type EnergyEstimate,
} from './estimate.js';
export {
  gridIntensity, co2Grams, regionCodes, GRID_INTENSITY, GRID_INTENSITY_SOURCE, DEFAULT_REGION,
  type GridRegion, type GridIntensity,
} from './carbon.js';
export {
  emissionsRow, appendEmissionsCsv, checkEmissionsCsv, csvField, parseCsvHeader, EMISSIONS_COLUMNS,
  type EmissionsColumn, type EmissionsRow, type EmissionsRowOptions,
} from './emissions-csv.js';

/**
 * An energy meter around a piece of work: RAPL counters when they can be read (measured, whole
 * machine), else an estimate from this process's CPU time and memory (see estimate.ts). Every
 * reading says which, and why, in its `note`, and converts energy to CO2e with a grid intensity.
 */
import { totalmem } from 'node:os';
import { UsageError } from '../../errors.js';
import { co2Grams, gridIntensity } from './carbon.js';
import { cpuPower, estimateEnergy, processCpuTime, RAM_WATTS_PER_GIB, readCpuInfo, type CpuInfo } from './estimate.js';
import { DEFAULT_POWERCAP_ROOT, probeRapl, RaplAccumulator } from './rapl.js';

/** Where energy comes from: RAPL when readable else an estimate ('auto'), or one of them only. */
export type EnergySource = 'auto' | 'rapl' | 'estimate';

export interface EnergyMeterOptions {
  /** Grid region code (ISO 3166-1 alpha-3, e.g. 'FRA'); default the world average. */
  readonly region?: string;
  /** Grid intensity in g CO2e/kWh, overriding the region's figure. */
  readonly gramsPerKWh?: number;
  /** Power of all logical CPUs at full load, in W, overriding the TDP table (estimates only). */
  readonly tdpWatts?: number;
  /** The powercap sysfs root (default /sys/class/powercap); tests point it at a fake tree. */
  readonly sysfsRoot?: string;
  /** Default 'auto'. 'rapl' throws a UsageError when the counters cannot be read. */
  readonly source?: EnergySource;
  /** How often memory (and RAPL counters) are sampled, in ms (default 1000). */
  readonly sampleMs?: number;
  /** The CPU (default: read from /proc/cpuinfo). */
  readonly cpu?: CpuInfo;
}

/** Energy and CO2e of one measured piece of work. Energies in joules, CO2e in grams. */
export interface EnergyReading {
  /** 'rapl': measured by the CPU's energy counters; 'estimate': computed from TDP and CPU time. */
  readonly method: 'rapl' | 'estimate';
  /** True for RAPL readings. */
  readonly measured: boolean;
  /** 'process': this process's share (estimates); 'machine': the whole package(s) (RAPL). */
  readonly trackingMode: 'process' | 'machine';
  /** Wall time measured. */
  readonly seconds: number;
  /** CPU time of this process and its waited-for children over the run. */
  readonly cpuSeconds: number;
  readonly cpuJoules: number;
  readonly ramJoules: number;
  /** cpuJoules + ramJoules. */
  readonly joules: number;
  readonly kWh: number;
  /** Grams of CO2-equivalent: kWh x gramsPerKWh. */
  readonly co2Grams: number;
  readonly gramsPerKWh: number;
  /** Region code used ('WORLD' by default, 'custom' for a bare gramsPerKWh). */
  readonly region: string;
  /** The region's country name ('World', or '' for custom). */
  readonly regionName: string;
  /** Where the intensity came from. */
  readonly intensitySource: string;
  /** Mean powers over the wall time, in W. */
  readonly cpuPowerW: number;
  readonly ramPowerW: number;
  /** Mean resident set size of this process, in bytes. */
  readonly meanRssBytes: number;
  readonly cpuModel: string;
  readonly logicalCpus: number;
  readonly ramTotalBytes: number;
  /** Every assumption behind the figures, in words, for users. */
  readonly note: string;
}

/** A running meter. */
export interface EnergyMeter {
  /** Stops sampling and returns the reading; call once. */
  stop(): EnergyReading;
}

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();

/**
 * Starts measuring now. Sampling runs on an unref'd timer, so an idle meter never keeps the
 * process alive; RAPL counters are sampled often enough that they cannot wrap twice unseen.
 */
export function startEnergyMeter(options: EnergyMeterOptions = {}): EnergyMeter {
  const source = options.source ?? 'auto';
  if (!['auto', 'rapl', 'estimate'].includes(source)) {
    throw new UsageError(`energy source must be auto, rapl or estimate, got '${String(source)}'`);
  }
  const intensity = gridIntensity({
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(options.gramsPerKWh !== undefined ? { gramsPerKWh: options.gramsPerKWh } : {}),
  });
  const cpu = options.cpu ?? readCpuInfo();
  const power = cpuPower(cpu, options.tdpWatts !== undefined ? { tdpWatts: options.tdpWatts } : {});
  const root = options.sysfsRoot ?? DEFAULT_POWERCAP_ROOT;
  const probe = source === 'estimate' ? undefined : probeRapl(root);
  if (source === 'rapl' && !probe?.available) {
    throw new UsageError(`RAPL energy counters are not readable: ${probe && !probe.available ? probe.reason : root}`);
  }
  const rapl = probe?.available ? new RaplAccumulator(probe.domains) : undefined;

  const t0 = performance.now();
  const cpu0 = processCpuTime();
  let rssSum = process.memoryUsage.rss();
  let rssCount = 1;
  const sampleMs = Math.max(10, options.sampleMs ?? 1000);
  const every = rapl ? Math.min(sampleMs, rapl.safePollMs()) : sampleMs;
  // A counter that stops being readable mid-run (a permission change, a hot-unplugged domain)
  // must not crash the work being measured: the reading falls back to the estimate and says why.
  let raplError: string | undefined;
  const timer = setInterval(() => {
    rssSum += process.memoryUsage.rss();
    rssCount++;
    try {
      if (!raplError) rapl?.sample();
    } catch (e) {
      raplError = (e as Error).message;
    }
  }, every);
  timer.unref();
  let stopped = false;

  return {
    stop(): EnergyReading {
      if (stopped) throw new UsageError('this energy meter was already stopped');
      stopped = true;
      clearInterval(timer);
      rssSum += process.memoryUsage.rss();
      rssCount++;
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = processCpuTime();
      const cpuSeconds = Math.max(0, cpu1.selfSeconds - cpu0.selfSeconds) + Math.max(0, cpu1.childSeconds - cpu0.childSeconds);
      const meanRssBytes = rssSum / rssCount;
      const ramTotalBytes = totalmem();
      const gib = (b: number) => b / 2 ** 30;
      let cpuJoules: number;
      let ramJoules: number;
      let how: string;
      let totals: ReturnType<RaplAccumulator['totals']> | undefined;
      try {
        if (rapl && !raplError) totals = rapl.totals();
      } catch (e) {
        raplError = (e as Error).message;
      }
      if (rapl && totals) {
        const t = totals;
        const pkgs = rapl.domains.filter((d) => d.kind === 'package').map((d) => d.id);
        const drams = rapl.domains.filter((d) => d.kind === 'dram').map((d) => d.id);
        cpuJoules = t.packageJoules;
        if (drams.length) {
          ramJoules = t.dramJoules;
          how = `measured: RAPL package counters ${pkgs.join(', ')} and DRAM counters ${drams.join(', ')} under ${root}; ` +
            'whole machine, not only this process';
        } else {
          ramJoules = gib(ramTotalBytes) * RAM_WATTS_PER_GIB * seconds;
          how = `measured: RAPL package counters ${pkgs.join(', ')} under ${root} (whole machine, not only this process); ` +
            `no DRAM counter, so RAM is estimated at 3 W per 8 GiB x ${fmt(gib(ramTotalBytes))} GiB installed x ${fmt(seconds)} s`;
        }
      } else {
        const e = estimateEnergy({ cpuSeconds, wallSeconds: seconds, meanRssBytes, power });
        cpuJoules = e.cpuJoules;
        ramJoules = e.ramJoules;
        const why = raplError ? `RAPL reading failed during the run (${raplError})`
          : probe && !probe.available ? `RAPL not readable (${probe.reason})` : 'RAPL not used (estimate requested)';
        const id = cpu.family !== null ? ` (family ${cpu.family} model ${cpu.model})` : '';
        how = `estimated: ${cpu.logicalCpus} logical CPUs of ${cpu.modelName}${id}, ${power.description} x ${fmt(cpuSeconds)} CPU s ` +
          `of this process; RAM 3 W per 8 GiB x ${fmt(gib(meanRssBytes))} GiB mean RSS x ${fmt(seconds)} s; ${why}`;
      }
      const joules = cpuJoules + ramJoules;
      const grid = intensity.source === 'given'
        ? `grid ${fmt(intensity.gramsPerKWh)} g CO2e/kWh (given)`
        : `grid ${intensity.gramsPerKWh} g CO2e/kWh (${intensity.source}${intensity.isDefault ? '; pass a region for your grid' : ''})`;
      return {
        method: totals ? 'rapl' : 'estimate',
        measured: totals !== undefined,
        trackingMode: totals ? 'machine' : 'process',
        seconds, cpuSeconds, cpuJoules, ramJoules, joules,
        kWh: joules / 3.6e6,
        co2Grams: co2Grams(joules, intensity.gramsPerKWh),
        gramsPerKWh: intensity.gramsPerKWh,
        region: intensity.region,
        regionName: intensity.name,
        intensitySource: intensity.source,
        cpuPowerW: seconds > 0 ? cpuJoules / seconds : 0,
        ramPowerW: seconds > 0 ? ramJoules / seconds : 0,
        meanRssBytes,
        cpuModel: cpu.modelName,
        logicalCpus: cpu.logicalCpus,
        ramTotalBytes,
        note: `${how}; ${grid}`,
      };
    },
  };
}

/**
 * Runs `fn` under an energy meter and returns its result with the reading. The meter stops even
 * when `fn` throws (the error is rethrown).
 */
export async function measureEnergy<T>(fn: () => T | Promise<T>, options: EnergyMeterOptions = {}): Promise<{ result: T; energy: EnergyReading }> {
  const meter = startEnergyMeter(options);
  let result: T;
  try {
    result = await fn();
  } catch (e) {
    meter.stop();
    throw e;
  }
  return { result, energy: meter.stop() };
}

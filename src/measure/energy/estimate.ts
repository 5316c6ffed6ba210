/**
 * Energy estimated from the CPU's rated power when no RAPL counter can be read, following
 * CodeCarbon's documented fallback (https://mlco2.github.io/codecarbon/methodology.html):
 *
 * - CPU: the chip's TDP spread evenly over its hardware threads gives watts per busy thread; the
 *   process's CPU time (user + system, all threads, plus waited-for child processes) times that
 *   is its CPU energy. This is CodeCarbon's "process" tracking mode with its TDP × load model
 *   (load = CPU time / wall time / threads). TDP is a thermal rating, not a measurement: real draw
 *   at full load is often below it, and idle/uncore power of the machine is not attributed.
 * - Unknown CPU: CodeCarbon's default of 4 W per thread.
 * - RAM: CodeCarbon v2's rule of 3 W per 8 GB, applied to the memory the process holds (mean
 *   resident set size) for the wall time.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { UsageError } from '../../errors.js';

/** What /proc/cpuinfo (or os.cpus()) says about the processor. */
export interface CpuInfo {
  /** `model name`, e.g. "AMD EPYC 7763 64-Core Processor". */
  readonly modelName: string;
  /** `vendor_id`: AuthenticAMD, GenuineIntel, or '' when unknown. */
  readonly vendor: string;
  /** `cpu family` and `model` numbers (x86), null when absent. */
  readonly family: number | null;
  readonly model: number | null;
  /** Logical CPUs this process can see. */
  readonly logicalCpus: number;
}

/** One row of the TDP table: a chip (or a family's representative chip) and its rated power. */
export interface CpuTdpEntry {
  /** The chip the figures are for. */
  readonly chip: string;
  readonly tdpWatts: number;
  /** Hardware threads of the whole chip (cores x SMT). */
  readonly threads: number;
  /** Matches a `model name`. */
  readonly name?: RegExp;
  /** Or: a vendor + family + model range (for generic names such as "AMD EPYC" in VMs). */
  readonly cpuid?: { readonly vendor: string; readonly family: number; readonly models: readonly [number, number]; readonly nameHas: string };
}

/**
 * Rated TDP and thread counts from the vendors' spec sheets (AMD product pages, Intel ARK). The
 * `cpuid` rows map a family/model range to one representative chip of that generation, for cloud
 * VMs that report only "AMD EPYC" or "Intel(R) Xeon(R) CPU @ 2.20GHz".
 */
export const CPU_TDP_TABLE: readonly CpuTdpEntry[] = [
  { chip: 'AMD EPYC 9654', tdpWatts: 360, threads: 192, name: /EPYC 9654\b/ },
  { chip: 'AMD EPYC 9554', tdpWatts: 360, threads: 128, name: /EPYC 9554\b/ },
  { chip: 'AMD EPYC 7763', tdpWatts: 280, threads: 128, name: /EPYC 7763\b/ },
  { chip: 'AMD EPYC 7742', tdpWatts: 225, threads: 128, name: /EPYC 7742\b/ },
  { chip: 'AMD EPYC 7543', tdpWatts: 225, threads: 64, name: /EPYC 7543\b/ },
  { chip: 'AMD Ryzen 9 7950X', tdpWatts: 170, threads: 32, name: /Ryzen 9 7950X\b/ },
  { chip: 'AMD Ryzen 7 5800X', tdpWatts: 105, threads: 16, name: /Ryzen 7 5800X\b/ },
  { chip: 'Intel Xeon Platinum 8480+', tdpWatts: 350, threads: 112, name: /Xeon\(R\) Platinum 8480/ },
  { chip: 'Intel Xeon Platinum 8380', tdpWatts: 270, threads: 80, name: /Xeon\(R\) Platinum 8380\b/ },
  { chip: 'Intel Xeon Platinum 8275CL', tdpWatts: 240, threads: 48, name: /Xeon\(R\) Platinum 8275CL/ },
  { chip: 'Intel Xeon Platinum 8259CL', tdpWatts: 210, threads: 48, name: /Xeon\(R\) Platinum 8259CL/ },
  { chip: 'Intel Xeon E5-2686 v4', tdpWatts: 145, threads: 36, name: /E5-2686 v4/ },
  { chip: 'Intel Core i9-13900K', tdpWatts: 125, threads: 32, name: /i9-13900K\b/ },
  { chip: 'Intel Core i7-13700K', tdpWatts: 125, threads: 24, name: /i7-13700K\b/ },
  { chip: 'Intel Core i7-1065G7', tdpWatts: 15, threads: 8, name: /i7-1065G7\b/ },
  // Generations, for generic names: the family's flagship part.
  { chip: 'AMD EPYC 7601 (Zen, Naples)', tdpWatts: 180, threads: 64, cpuid: { vendor: 'AuthenticAMD', family: 23, models: [0x00, 0x0f], nameHas: 'EPYC' } },
  { chip: 'AMD EPYC 7742 (Zen 2, Rome)', tdpWatts: 225, threads: 128, cpuid: { vendor: 'AuthenticAMD', family: 23, models: [0x30, 0x3f], nameHas: 'EPYC' } },
  { chip: 'AMD EPYC 7763 (Zen 3, Milan)', tdpWatts: 280, threads: 128, cpuid: { vendor: 'AuthenticAMD', family: 25, models: [0x00, 0x0f], nameHas: 'EPYC' } },
  { chip: 'AMD EPYC 9654 (Zen 4, Genoa)', tdpWatts: 360, threads: 192, cpuid: { vendor: 'AuthenticAMD', family: 25, models: [0x10, 0x1f], nameHas: 'EPYC' } },
  { chip: 'AMD EPYC 9754 (Zen 4c, Bergamo)', tdpWatts: 360, threads: 256, cpuid: { vendor: 'AuthenticAMD', family: 25, models: [0xa0, 0xaf], nameHas: 'EPYC' } },
  { chip: 'AMD EPYC 9755 (Zen 5, Turin)', tdpWatts: 500, threads: 256, cpuid: { vendor: 'AuthenticAMD', family: 26, models: [0x00, 0x1f], nameHas: 'EPYC' } },
  { chip: 'Intel Xeon Platinum 8280 (Cascade Lake)', tdpWatts: 205, threads: 56, cpuid: { vendor: 'GenuineIntel', family: 6, models: [0x55, 0x55], nameHas: 'Xeon' } },
  { chip: 'Intel Xeon Platinum 8380 (Ice Lake)', tdpWatts: 270, threads: 80, cpuid: { vendor: 'GenuineIntel', family: 6, models: [0x6a, 0x6a], nameHas: 'Xeon' } },
  { chip: 'Intel Xeon Platinum 8480+ (Sapphire Rapids)', tdpWatts: 350, threads: 112, cpuid: { vendor: 'GenuineIntel', family: 6, models: [0x8f, 0x8f], nameHas: 'Xeon' } },
];

/** CodeCarbon's power per thread for a CPU it does not know. */
export const FALLBACK_WATTS_PER_THREAD = 4;

/** CodeCarbon v2's RAM rule: 3 W per 8 GB (GiB here), i.e. 0.375 W per GiB held. */
export const RAM_WATTS_PER_GIB = 3 / 8;

/** Parses /proc/cpuinfo text (the first processor's fields). */
export function parseCpuInfo(text: string, logicalCpus: number): CpuInfo {
  const field = (key: string): string | undefined => new RegExp(`^${key}\\s*:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim();
  const num = (key: string): number | null => {
    const v = field(key);
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
  };
  return {
    modelName: field('model name') ?? field('Model') ?? field('Hardware') ?? 'unknown CPU',
    vendor: field('vendor_id') ?? '',
    family: num('cpu family'),
    model: num('model'),
    logicalCpus,
  };
}

/** The CPU of this machine: /proc/cpuinfo on Linux, os.cpus() elsewhere. */
export function readCpuInfo(path = '/proc/cpuinfo'): CpuInfo {
  const list = cpus();
  const logical = Math.max(1, list.length);
  try {
    return parseCpuInfo(readFileSync(path, 'utf8'), logical);
  } catch {
    return { modelName: list[0]?.model.trim() || 'unknown CPU', vendor: '', family: null, model: null, logicalCpus: logical };
  }
}

/** Watts per busy hardware thread, and where the figure came from. */
export interface CpuPower {
  readonly wattsPerThread: number;
  /** How the figure was chosen: 'table' (TDP table), 'override' (tdpWatts), 'fallback' (4 W/thread). */
  readonly basis: 'table' | 'override' | 'fallback';
  readonly tdpWatts: number | null;
  readonly threads: number | null;
  /** The chip whose figures were used (table), else null. */
  readonly chip: string | null;
  /** One line for the reading's note. */
  readonly description: string;
}

/** Finds the TDP table row for a CPU, or undefined. */
export function lookupTdp(cpu: CpuInfo): CpuTdpEntry | undefined {
  const byName = CPU_TDP_TABLE.find((e) => e.name?.test(cpu.modelName));
  if (byName) return byName;
  return CPU_TDP_TABLE.find((e) => {
    const c = e.cpuid;
    return c && cpu.vendor === c.vendor && cpu.family === c.family && cpu.model !== null &&
      cpu.model >= c.models[0] && cpu.model <= c.models[1] && cpu.modelName.includes(c.nameHas);
  });
}

const fmt = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();

/**
 * Watts per busy thread for a CPU. `tdpWatts` (the power of all the logical CPUs this machine
 * shows, at full load) overrides the table.
 */
export function cpuPower(cpu: CpuInfo, options: { tdpWatts?: number } = {}): CpuPower {
  if (options.tdpWatts !== undefined) {
    if (!(options.tdpWatts > 0) || !Number.isFinite(options.tdpWatts)) {
      throw new UsageError(`tdpWatts must be a positive number of watts, got ${options.tdpWatts}`);
    }
    const w = options.tdpWatts / cpu.logicalCpus;
    return { wattsPerThread: w, basis: 'override', tdpWatts: options.tdpWatts, threads: cpu.logicalCpus, chip: null,
      description: `given TDP ${fmt(options.tdpWatts)} W / ${cpu.logicalCpus} logical CPUs = ${fmt(w)} W per busy thread` };
  }
  const row = lookupTdp(cpu);
  if (row) {
    const w = row.tdpWatts / row.threads;
    return { wattsPerThread: w, basis: 'table', tdpWatts: row.tdpWatts, threads: row.threads, chip: row.chip,
      description: `taken as ${row.chip}: TDP ${row.tdpWatts} W / ${row.threads} threads = ${fmt(w)} W per busy thread` };
  }
  return { wattsPerThread: FALLBACK_WATTS_PER_THREAD, basis: 'fallback', tdpWatts: null, threads: null, chip: null,
    description: `CPU not in whittle's TDP table: CodeCarbon's default ${FALLBACK_WATTS_PER_THREAD} W per busy thread` };
}

/** CPU seconds used so far by this process (all threads) and by its waited-for children. */
export interface CpuTime {
  readonly selfSeconds: number;
  readonly childSeconds: number;
}

/**
 * This process's CPU time from process.cpuUsage(); children's from /proc/self/stat (`cutime` +
 * `cstime`, in clock ticks of 1/100 s, the value of USER_HZ on Linux), 0 where that file is absent.
 */
export function processCpuTime(statPath = '/proc/self/stat'): CpuTime {
  const u = process.cpuUsage();
  let childSeconds = 0;
  try {
    const stat = readFileSync(statPath, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); cutime and cstime are fields 16 and 17.
    const ticks = Number(fields[13]) + Number(fields[14]);
    if (Number.isFinite(ticks)) childSeconds = ticks / 100;
  } catch {
    // Not Linux: children are not counted.
  }
  return { selfSeconds: (u.user + u.system) / 1e6, childSeconds };
}

/** What the estimate needs: measured CPU time, wall time and memory, and the CPU's power. */
export interface EstimateInputs {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly meanRssBytes: number;
  readonly power: CpuPower;
}

export interface EnergyEstimate {
  readonly cpuJoules: number;
  readonly ramJoules: number;
  /** Mean power over the wall time. */
  readonly cpuPowerW: number;
  readonly ramPowerW: number;
}

/**
 * CPU joules = CPU seconds x watts per thread; RAM joules = mean RSS (GiB) x 0.375 W/GiB x wall
 * seconds. Mean powers are the joules over the wall time.
 */
export function estimateEnergy(inputs: EstimateInputs): EnergyEstimate {
  const { cpuSeconds, wallSeconds, meanRssBytes, power } = inputs;
  const cpuJoules = Math.max(0, cpuSeconds) * power.wattsPerThread;
  const ramPowerW = (Math.max(0, meanRssBytes) / 2 ** 30) * RAM_WATTS_PER_GIB;
  const ramJoules = ramPowerW * Math.max(0, wallSeconds);
  return { cpuJoules, ramJoules, cpuPowerW: wallSeconds > 0 ? cpuJoules / wallSeconds : 0, ramPowerW };
}

/**
 * Intel/AMD RAPL energy counters through Linux's powercap sysfs tree
 * (`/sys/class/powercap/intel-rapl:N` package domains and their `dram` subdomains). The kernel
 * exposes AMD's RAPL MSRs under the same `intel-rapl` names since Linux 5.8.
 *
 * Each domain has `energy_uj`, a microjoule counter that wraps to 0 after `max_energy_range_uj`.
 * Reading it needs root on kernels patched for CVE-2020-8694 (PLATYPUS), so "not readable" is a
 * normal outcome: {@link probeRapl} then says why and the caller estimates instead.
 * Reference: V. M. Weaver, "Reading RAPL energy measurements from Linux",
 * https://web.eece.maine.edu/~vweaver/projects/rapl/
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the powercap tree lives on Linux. */
export const DEFAULT_POWERCAP_ROOT = '/sys/class/powercap';

/** One RAPL domain whose counter is read. */
export interface RaplDomain {
  /** The sysfs folder name, e.g. `intel-rapl:0` or `intel-rapl:0:2`. */
  readonly id: string;
  /** The domain's `name` file: `package-0`, `dram`... */
  readonly name: string;
  readonly kind: 'package' | 'dram';
  /** Absolute path of the domain folder. */
  readonly path: string;
  /** The counter wraps to 0 after this many microjoules. */
  readonly maxEnergyUj: number;
}

/** The outcome of looking for readable RAPL counters. */
export type RaplProbe =
  | { readonly available: true; readonly root: string; readonly domains: readonly RaplDomain[] }
  | { readonly available: false; readonly root: string; readonly reason: string };

/** Counter values of every domain at one instant, in the order of `domains`. */
export interface RaplSample {
  readonly counters: readonly number[];
  /** performance.now() when read. */
  readonly atMs: number;
}

function readNumber(path: string): number {
  const text = readFileSync(path, 'utf8').trim();
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new Error(`${path} holds '${text}', not a counter`);
  return n;
}

function why(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied (energy_uj is root-only on kernels patched for CVE-2020-8694; see docs/energy.md)';
  if (code === 'ENOENT') return 'no such file';
  return code ?? (e as Error).message;
}

/**
 * Finds the package domains (`intel-rapl:N` named `package-*`) and their `dram` subdomains under
 * `root`, and checks that every counter can be read. `psys` (whole platform) and `core`/`uncore`
 * (parts of the package) are left out so nothing is counted twice.
 */
export function probeRapl(root: string = DEFAULT_POWERCAP_ROOT): RaplProbe {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (e) {
    return { available: false, root, reason: `${root} is not readable: ${why(e)}` };
  }
  const ids = entries.filter((n) => /^intel-rapl:\d+(:\d+)?$/.test(n)).sort(compareIds);
  const domains: RaplDomain[] = [];
  for (const id of ids) {
    const path = join(root, id);
    let name: string;
    try {
      name = readFileSync(join(path, 'name'), 'utf8').trim();
    } catch (e) {
      return { available: false, root, reason: `${join(path, 'name')}: ${why(e)}` };
    }
    const top = /^intel-rapl:\d+$/.test(id);
    const kind = top && name.startsWith('package') ? 'package' : name === 'dram' ? 'dram' : undefined;
    if (!kind) continue;
    try {
      const maxEnergyUj = readNumber(join(path, 'max_energy_range_uj'));
      readNumber(join(path, 'energy_uj'));
      domains.push({ id, name, kind, path, maxEnergyUj });
    } catch (e) {
      return { available: false, root, reason: `${join(path, 'energy_uj')}: ${why(e)}` };
    }
  }
  if (!domains.some((d) => d.kind === 'package')) {
    return { available: false, root, reason: ids.length ? `no package domain among ${ids.join(', ')}` : `no intel-rapl domains under ${root}` };
  }
  return { available: true, root, domains };
}

/** intel-rapl:2 before intel-rapl:10, each package before its subdomains. */
function compareIds(a: string, b: string): number {
  const pa = a.split(':').slice(1).map(Number);
  const pb = b.split(':').slice(1).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? -1) - (pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return 0;
}

/** Reads every domain's counter now. */
export function sampleRapl(domains: readonly RaplDomain[]): RaplSample {
  return { counters: domains.map((d) => readNumber(join(d.path, 'energy_uj'))), atMs: performance.now() };
}

/**
 * Microjoules between two readings of one counter, across one wrap-around: a counter that went
 * down passed `maxEnergyUj` and restarted at 0. More than one wrap between readings cannot be
 * seen, which is why {@link RaplAccumulator} is sampled more often than the fastest wrap.
 */
export function counterDeltaUj(before: number, after: number, maxEnergyUj: number): number {
  return after >= before ? after - before : maxEnergyUj - before + after;
}

/** Joules per domain kind accumulated over a run. */
export interface RaplTotals {
  readonly packageJoules: number;
  readonly dramJoules: number;
  /** Joules per domain id. */
  readonly byDomain: Readonly<Record<string, number>>;
}

/**
 * Adds up counter deltas across samples (call {@link sample} at least once per wrap period; the
 * energy meter does it on a timer). Thread-safe enough for one process: everything is synchronous.
 */
export class RaplAccumulator {
  private last: RaplSample;
  private readonly totalsUj: number[];

  constructor(readonly domains: readonly RaplDomain[]) {
    this.last = sampleRapl(domains);
    this.totalsUj = domains.map(() => 0);
  }

  /** Reads the counters and adds what was used since the previous reading. */
  sample(): void {
    const now = sampleRapl(this.domains);
    this.domains.forEach((d, i) => {
      this.totalsUj[i]! += counterDeltaUj(this.last.counters[i]!, now.counters[i]!, d.maxEnergyUj);
    });
    this.last = now;
  }

  /** Totals so far (in joules), after a final reading. */
  totals(): RaplTotals {
    this.sample();
    const byDomain: Record<string, number> = {};
    let packageJoules = 0;
    let dramJoules = 0;
    this.domains.forEach((d, i) => {
      const j = this.totalsUj[i]! / 1e6;
      byDomain[d.id] = j;
      if (d.kind === 'package') packageJoules += j;
      else dramJoules += j;
    });
    return { packageJoules, dramJoules, byDomain };
  }

  /**
   * Longest safe gap between samples, in ms: the time the fastest-wrapping counter needs to
   * wrap at `maxWatts` (default 1000 W per domain), halved.
   */
  safePollMs(maxWatts = 1000): number {
    const minRange = Math.min(...this.domains.map((d) => d.maxEnergyUj));
    return Math.max(100, (minRange / 1e6 / maxWatts) * 1000 / 2);
  }
}

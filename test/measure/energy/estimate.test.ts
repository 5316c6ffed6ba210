import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import {
  cpuPower, estimateEnergy, lookupTdp, parseCpuInfo, processCpuTime, readCpuInfo, FALLBACK_WATTS_PER_THREAD, CPU_TDP_TABLE,
} from '../../../src/measure/energy/estimate.js';

const cpuinfo = (name: string, vendor: string, family: number, model: number) =>
  `processor\t: 0\nvendor_id\t: ${vendor}\ncpu family\t: ${family}\nmodel\t\t: ${model}\nmodel name\t: ${name}\nstepping\t: 1\n\nprocessor\t: 1\n`;

describe('TDP-based estimate', () => {
  it('parses /proc/cpuinfo', () => {
    const cpu = parseCpuInfo(cpuinfo('AMD EPYC', 'AuthenticAMD', 25, 17), 2);
    assert.deepEqual(cpu, { modelName: 'AMD EPYC', vendor: 'AuthenticAMD', family: 25, model: 17, logicalCpus: 2 });
    const here = readCpuInfo();
    assert.ok(here.logicalCpus >= 1 && here.modelName.length > 0);
  });

  it('maps a generic "AMD EPYC" of family 25 model 17 to Zen 4 Genoa', () => {
    const power = cpuPower(parseCpuInfo(cpuinfo('AMD EPYC', 'AuthenticAMD', 25, 0x11), 2));
    assert.equal(power.basis, 'table');
    assert.equal(power.chip, 'AMD EPYC 9654 (Zen 4, Genoa)');
    assert.equal(power.wattsPerThread, 360 / 192);
    assert.match(power.description, /TDP 360 W \/ 192 threads = 1\.88 W per busy thread/);
  });

  it('matches model names before family ranges', () => {
    const milan = parseCpuInfo(cpuinfo('AMD EPYC 7763 64-Core Processor', 'AuthenticAMD', 25, 1), 128);
    assert.equal(lookupTdp(milan)?.chip, 'AMD EPYC 7763');
    assert.equal(cpuPower(milan).wattsPerThread, 280 / 128);
    const xeon = parseCpuInfo(cpuinfo('Intel(R) Xeon(R) CPU @ 2.20GHz', 'GenuineIntel', 6, 85), 4);
    assert.equal(lookupTdp(xeon)?.chip, 'Intel Xeon Platinum 8280 (Cascade Lake)');
    const aws = parseCpuInfo(cpuinfo('Intel(R) Xeon(R) Platinum 8275CL CPU @ 3.00GHz', 'GenuineIntel', 6, 85), 96);
    assert.equal(lookupTdp(aws)?.chip, 'Intel Xeon Platinum 8275CL');
    // A Ryzen of the Genoa family must not take the EPYC row.
    assert.equal(lookupTdp(parseCpuInfo(cpuinfo('AMD Ryzen 5 7600', 'AuthenticAMD', 25, 0x61), 12)), undefined);
  });

  it('every table row is plausible', () => {
    for (const row of CPU_TDP_TABLE) {
      assert.ok(row.tdpWatts >= 5 && row.tdpWatts <= 600 && row.threads >= 2, row.chip);
      assert.ok((row.name === undefined) !== (row.cpuid === undefined), row.chip);
    }
  });

  it("falls back to CodeCarbon's 4 W per thread, and honours a TDP override", () => {
    const unknown = parseCpuInfo(cpuinfo('Mystery RISC-V Core', '', 0, 0), 8);
    const p = cpuPower(unknown);
    assert.deepEqual([p.basis, p.wattsPerThread, p.tdpWatts], ['fallback', FALLBACK_WATTS_PER_THREAD, null]);
    const o = cpuPower(unknown, { tdpWatts: 100 });
    assert.deepEqual([o.basis, o.wattsPerThread], ['override', 12.5]);
    assert.throws(() => cpuPower(unknown, { tdpWatts: 0 }), UsageError);
    assert.throws(() => cpuPower(unknown, { tdpWatts: Number.NaN }), /positive number of watts/);
  });

  it('CPU joules = CPU s x W/thread; RAM = 3 W per 8 GiB held for the wall time', () => {
    const power = cpuPower(parseCpuInfo('', 4), { tdpWatts: 8 }); // 2 W per thread
    const e = estimateEnergy({ cpuSeconds: 10, wallSeconds: 5, meanRssBytes: 8 * 2 ** 30, power });
    assert.equal(e.cpuJoules, 20);
    assert.equal(e.ramPowerW, 3);
    assert.equal(e.ramJoules, 15);
    assert.equal(e.cpuPowerW, 4);
    const zero = estimateEnergy({ cpuSeconds: 0, wallSeconds: 0, meanRssBytes: 0, power });
    assert.deepEqual(zero, { cpuJoules: 0, ramJoules: 0, cpuPowerW: 0, ramPowerW: 0 });
  });

  it("reads children's CPU time from /proc/self/stat (cutime + cstime)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-stat-'));
    const rest = Array.from({ length: 40 }, (_, i) => String(i));
    rest[0] = 'S';
    rest[13] = '250';
    rest[14] = '50';
    writeFileSync(join(dir, 'stat'), `4242 (node (x) y) ${rest.join(' ')}\n`);
    assert.equal(processCpuTime(join(dir, 'stat')).childSeconds, 3);
    assert.equal(processCpuTime(join(dir, 'missing')).childSeconds, 0);
  });

  it('counts a busy child process once it has been waited for', { skip: process.platform !== 'linux' }, () => {
    const before = processCpuTime();
    // Busy for 300 ms of its own CPU time (wall time varies with the load on the machine).
    const r = spawnSync(process.execPath, ['-e', 'const c = () => { const u = process.cpuUsage(); return u.user + u.system; }; const t = c(); while (c() - t < 300000) {}']);
    assert.equal(r.status, 0);
    const after = processCpuTime();
    const child = after.childSeconds - before.childSeconds;
    assert.ok(child >= 0.25 && child < 3, `child CPU ${child} s`);
  });
});

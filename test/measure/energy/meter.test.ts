import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { measureEnergy, startEnergyMeter } from '../../../src/measure/energy/meter.js';
import { fakePowercap } from './fake-sysfs.js';

const NO_RAPL = join(tmpdir(), 'whittle-no-powercap-here');

/** Spins until this process has used `ms` of CPU time (robust to a loaded machine). */
function busy(ms: number): number {
  const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  const t = cpu();
  let x = 0;
  while (cpu() - t < ms) x += Math.sqrt(x + 1);
  return x;
}

describe('energy meter', () => {
  it('estimates a real busy loop from CPU time when RAPL is absent', () => {
    const meter = startEnergyMeter({ sysfsRoot: NO_RAPL, region: 'DEU' });
    busy(300);
    const r = meter.stop();
    assert.equal(r.method, 'estimate');
    assert.equal(r.measured, false);
    assert.equal(r.trackingMode, 'process');
    assert.ok(r.cpuSeconds >= 0.3 && r.cpuSeconds <= r.seconds * r.logicalCpus + 0.05, `cpu ${r.cpuSeconds} s, wall ${r.seconds} s`);
    assert.ok(r.cpuJoules > 0 && r.ramJoules > 0);
    assert.equal(r.joules, r.cpuJoules + r.ramJoules);
    assert.equal(r.kWh, r.joules / 3.6e6);
    assert.ok(Math.abs(r.co2Grams - r.kWh * 381) < 1e-15);
    assert.deepEqual([r.region, r.regionName, r.gramsPerKWh], ['DEU', 'Germany', 381]);
    assert.ok(Math.abs(r.cpuPowerW * r.seconds - r.cpuJoules) < 1e-9);
    assert.match(r.note, /^estimated: \d+ logical CPUs of .+ CPU s of this process; RAM 3 W per 8 GiB .+RAPL not readable \(.*whittle-no-powercap-here is not readable/);
    assert.match(r.note, /grid 381 g CO2e\/kWh \(Germany, Ember 2023/);
  });

  it('uses RAPL on this machine when it can, and says it estimated otherwise', () => {
    const meter = startEnergyMeter();
    busy(50);
    const r = meter.stop();
    if (!existsSync('/sys/class/powercap')) assert.equal(r.method, 'estimate');
    assert.match(r.note, r.method === 'rapl' ? /^measured: RAPL/ : /^estimated: /);
    assert.match(r.note, /world average.*pass a region/);
  });

  it('a TDP override scales the CPU joules exactly', () => {
    const cpu = { modelName: 'Test CPU', vendor: '', family: null, model: null, logicalCpus: 4 };
    const meter = startEnergyMeter({ sysfsRoot: NO_RAPL, tdpWatts: 40, cpu, gramsPerKWh: 100 });
    busy(100);
    const r = meter.stop();
    assert.ok(Math.abs(r.cpuJoules - 10 * r.cpuSeconds) < 1e-9);
    assert.match(r.note, /given TDP 40 W \/ 4 logical CPUs = 10 W per busy thread/);
    assert.match(r.note, /grid 100 g CO2e\/kWh \(given\)/);
  });

  it('reads a (fake) RAPL tree: package and DRAM counters, across a wrap', async () => {
    const MAX = 1_000_000_000;
    const fake = fakePowercap([
      { id: 'intel-rapl:0', name: 'package-0', energyUj: MAX - 2_000_000, maxEnergyUj: MAX },
      { id: 'intel-rapl:0:0', name: 'dram', energyUj: 0, maxEnergyUj: MAX },
    ]);
    const meter = startEnergyMeter({ sysfsRoot: fake.root, sampleMs: 10, region: 'FRA' });
    fake.set('intel-rapl:0', MAX - 1_000_000);
    await new Promise((r) => setTimeout(r, 40));
    fake.set('intel-rapl:0', 3_000_000); // wrapped: 2 J + 3 J after the first J
    fake.set('intel-rapl:0:0', 500_000);
    const r = meter.stop();
    assert.equal(r.method, 'rapl');
    assert.equal(r.measured, true);
    assert.equal(r.trackingMode, 'machine');
    assert.ok(Math.abs(r.cpuJoules - 5) < 1e-9, String(r.cpuJoules));
    assert.ok(Math.abs(r.ramJoules - 0.5) < 1e-9, String(r.ramJoules));
    assert.ok(Math.abs(r.co2Grams - (5.5 / 3.6e6) * 56) < 1e-12);
    assert.match(r.note, /^measured: RAPL package counters intel-rapl:0 and DRAM counters intel-rapl:0:0/);
  });

  it('falls back to the estimate, saying why, when a counter breaks mid-run', () => {
    const fake = fakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 0, maxEnergyUj: 1e9 }]);
    const meter = startEnergyMeter({ sysfsRoot: fake.root });
    busy(20);
    rmSync(join(fake.root, 'intel-rapl:0', 'energy_uj'));
    const r = meter.stop();
    assert.equal(r.method, 'estimate');
    assert.ok(r.cpuJoules > 0);
    assert.match(r.note, /RAPL reading failed during the run \(ENOENT/);
  });

  it("source 'rapl' refuses when the counters cannot be read; 'estimate' skips them", () => {
    assert.throws(() => startEnergyMeter({ source: 'rapl', sysfsRoot: NO_RAPL }), (e: unknown) =>
      e instanceof UsageError && /RAPL energy counters are not readable/.test(e.message));
    const fake = fakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 0, maxEnergyUj: 100 }]);
    const r = startEnergyMeter({ source: 'estimate', sysfsRoot: fake.root }).stop();
    assert.equal(r.method, 'estimate');
    assert.match(r.note, /RAPL not used \(estimate requested\)/);
    assert.throws(() => startEnergyMeter({ region: 'XYZ' }), /unknown region 'XYZ'/);
  });

  it('measureEnergy returns the result, stops on errors, and a meter stops once', async () => {
    const { result, energy } = await measureEnergy(async () => busy(30) >= 0, { sysfsRoot: NO_RAPL });
    assert.equal(result, true);
    assert.ok(energy.joules > 0);
    await assert.rejects(measureEnergy(() => { throw new Error('boom'); }, { sysfsRoot: NO_RAPL }), /boom/);
    const meter = startEnergyMeter({ sysfsRoot: NO_RAPL });
    meter.stop();
    assert.throws(() => meter.stop(), /already stopped/);
  });
});

import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { counterDeltaUj, probeRapl, RaplAccumulator, sampleRapl } from '../../../src/measure/energy/rapl.js';
import { fakePowercap } from './fake-sysfs.js';

const MAX = 262_143_328_850; // a real max_energy_range_uj (Intel server package)

/** Two sockets with DRAM, a psys domain, core/uncore subdomains and an MMIO duplicate. */
function twoSockets() {
  return fakePowercap([
    { id: 'intel-rapl:0', name: 'package-0', energyUj: 1_000_000, maxEnergyUj: MAX },
    { id: 'intel-rapl:0:0', name: 'core', energyUj: 500, maxEnergyUj: MAX },
    { id: 'intel-rapl:0:1', name: 'uncore', energyUj: 500, maxEnergyUj: MAX },
    { id: 'intel-rapl:0:2', name: 'dram', energyUj: 2_000_000, maxEnergyUj: 65_532_610_987 },
    { id: 'intel-rapl:1', name: 'package-1', energyUj: MAX - 1_000_000, maxEnergyUj: MAX },
    { id: 'intel-rapl:1:0', name: 'dram', energyUj: 7, maxEnergyUj: 65_532_610_987 },
    { id: 'intel-rapl:2', name: 'psys', energyUj: 9, maxEnergyUj: MAX },
    { id: 'intel-rapl-mmio:0', name: 'package-0', energyUj: 1_000_000, maxEnergyUj: MAX },
  ]);
}

describe('RAPL counters', () => {
  it('finds package and dram domains, leaves out psys, core, uncore and mmio', () => {
    const { root } = twoSockets();
    const probe = probeRapl(root);
    assert.ok(probe.available, JSON.stringify(probe));
    assert.deepEqual(probe.domains.map((d) => [d.id, d.kind]), [
      ['intel-rapl:0', 'package'], ['intel-rapl:0:2', 'dram'], ['intel-rapl:1', 'package'], ['intel-rapl:1:0', 'dram'],
    ]);
    assert.equal(probe.domains[1]!.maxEnergyUj, 65_532_610_987);
    assert.deepEqual(sampleRapl(probe.domains).counters, [1_000_000, 2_000_000, MAX - 1_000_000, 7]);
  });

  it('orders domains numerically (intel-rapl:2 before intel-rapl:10)', () => {
    const ids = [10, 2, 0].map((n) => ({ id: `intel-rapl:${n}`, name: `package-${n}`, energyUj: 0, maxEnergyUj: MAX }));
    const probe = probeRapl(fakePowercap(ids).root);
    assert.ok(probe.available);
    assert.deepEqual(probe.domains.map((d) => d.id), ['intel-rapl:0', 'intel-rapl:2', 'intel-rapl:10']);
  });

  it('counts across a wrap-around with max_energy_range_uj', () => {
    assert.equal(counterDeltaUj(100, 350, MAX), 250);
    assert.equal(counterDeltaUj(MAX - 100, 50, MAX), 150);
    assert.equal(counterDeltaUj(5, 5, MAX), 0);
  });

  it('accumulates joules per kind over several samples, one socket wrapping', () => {
    const fake = twoSockets();
    const probe = probeRapl(fake.root);
    assert.ok(probe.available);
    const acc = new RaplAccumulator(probe.domains);
    fake.set('intel-rapl:0', 1_000_000 + 30_000_000); // +30 J
    fake.set('intel-rapl:1', MAX - 200_000); // +0.8 J
    fake.set('intel-rapl:0:2', 2_000_000 + 4_000_000); // +4 J
    acc.sample();
    fake.set('intel-rapl:1', 1_300_000); // wraps: +0.2 J to the top, +1.3 J after
    fake.set('intel-rapl:1:0', 1_000_007); // +1 J
    const t = acc.totals();
    assert.ok(Math.abs(t.packageJoules - (30 + 0.8 + 1.5)) < 1e-9, String(t.packageJoules));
    assert.ok(Math.abs(t.dramJoules - 5) < 1e-9, String(t.dramJoules));
    assert.ok(Math.abs(t.byDomain['intel-rapl:1']! - 2.3) < 1e-9);
    assert.ok(acc.safePollMs() >= 100 && acc.safePollMs() <= (65_532_610_987 / 1e6 / 1000) * 1000 / 2 + 1);
  });

  it('is not available without a tree, without packages, or with unreadable counters', () => {
    const missing = probeRapl(join(tmpdir(), 'whittle-no-such-powercap'));
    assert.equal(missing.available, false);
    assert.match(!missing.available ? missing.reason : '', /not readable: no such file/);

    const empty = mkdtempSync(join(tmpdir(), 'whittle-powercap-empty-'));
    const none = probeRapl(empty);
    assert.match(!none.available ? none.reason : '', /no intel-rapl domains/);

    const psysOnly = fakePowercap([{ id: 'intel-rapl:0', name: 'psys', energyUj: 1, maxEnergyUj: MAX }]);
    assert.match(JSON.stringify(probeRapl(psysOnly.root)), /no package domain among intel-rapl:0/);

    const garbled = fakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 1, maxEnergyUj: MAX }]);
    writeFileSync(join(garbled.root, 'intel-rapl:0', 'energy_uj'), 'n/a\n');
    assert.match(JSON.stringify(probeRapl(garbled.root)), /not a counter/);

    const dir = fakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 1, maxEnergyUj: MAX }]);
    rmSync(join(dir.root, 'intel-rapl:0', 'energy_uj'));
    mkdirSync(join(dir.root, 'intel-rapl:0', 'energy_uj'));
    assert.match(JSON.stringify(probeRapl(dir.root)), /EISDIR/);
  });

  it('says "permission denied" for a root-only energy_uj', { skip: process.getuid?.() === 0 ? 'root reads any file' : false }, () => {
    const fake = fakePowercap([{ id: 'intel-rapl:0', name: 'package-0', energyUj: 1, maxEnergyUj: MAX }]);
    chmodSync(join(fake.root, 'intel-rapl:0', 'energy_uj'), 0o200);
    const probe = probeRapl(fake.root);
    assert.equal(probe.available, false);
    assert.match(!probe.available ? probe.reason : '', /permission denied.*CVE-2020-8694/);
  });
});

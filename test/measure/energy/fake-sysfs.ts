/** A fake powercap tree of real files in a temp folder, for RAPL tests. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeDomain {
  readonly id: string;
  readonly name: string;
  energyUj: number;
  readonly maxEnergyUj: number;
}

/** Writes the domains under a new temp root; `set` changes one counter on disk. */
export function fakePowercap(domains: readonly FakeDomain[]): { root: string; set(id: string, energyUj: number): void } {
  const root = mkdtempSync(join(tmpdir(), 'whittle-powercap-'));
  for (const d of domains) {
    const dir = join(root, d.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'name'), `${d.name}\n`);
    writeFileSync(join(dir, 'energy_uj'), `${d.energyUj}\n`);
    writeFileSync(join(dir, 'max_energy_range_uj'), `${d.maxEnergyUj}\n`);
  }
  return {
    root,
    set(id, energyUj) {
      writeFileSync(join(root, id, 'energy_uj'), `${energyUj}\n`);
    },
  };
}

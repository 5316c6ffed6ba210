/** Energy metering of whittle train and whittle bench: the JSON object, the text line, the CSV row, bad flags. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EMISSIONS_COLUMNS } from '../../src/measure/energy/emissions-csv.js';
import { BIN, whittle } from '../helpers/cli.js';

const LENET = join(BIN, '..', '..', '..', '..', 'examples', 'lenet.onnx');
const dir = mkdtempSync(join(tmpdir(), 'whittle-energy-cli-'));
const NO_RAPL = !existsSync('/sys/class/powercap');

/** Data lines of a CSV without quoted newlines (whittle's rows have none for these commands). */
function csvLines(file: string): string[][] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.split(','));
}

describe('energy in whittle bench and train', () => {
  it('bench --json has an energy object (estimated here) and --emissions writes a CodeCarbon row', () => {
    const csv = join(dir, 'bench.csv');
    const r = whittle(['bench', LENET, '--runs', '20', '--threads', '1', '--region', 'fra', '--emissions', csv, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout).energy;
    if (NO_RAPL) assert.deepEqual([e.method, e.measured, e.trackingMode], ['estimate', false, 'process']);
    assert.ok(e.joules > 0 && e.cpuJoules > 0 && e.kWh > 0 && e.co2Grams > 0, JSON.stringify(e));
    assert.deepEqual([e.region, e.gramsPerKWh, e.emissionsFile], ['FRA', 56, csv]);
    assert.match(e.note, NO_RAPL ? /^estimated: .*RAPL not readable/ : /^(measured|estimated): /);
    const lines = csvLines(csv);
    assert.deepEqual(lines[0], [...EMISSIONS_COLUMNS]);
    assert.equal(lines.length, 2);
    const row = Object.fromEntries(EMISSIONS_COLUMNS.map((c, i) => [c, lines[1]![i]]));
    assert.equal(row['project_name'], 'whittle-bench');
    assert.equal(row['country_iso_code'], 'FRA');
    assert.ok(Math.abs(Number(row['energy_consumed']) - e.kWh) <= 1e-3 * e.kWh);
    assert.ok(Math.abs(Number(row['emissions']) * 1000 - e.co2Grams) <= 1e-3 * e.co2Grams);

    const again = whittle(['bench', LENET, '--runs', '5', '--threads', '1', '--emissions', csv]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /\nenergy: [\d.e+-]+ (J|kJ|kWh) \((estimated, this process|measured by RAPL, whole machine);.*CO2e: .*world average 481 g\/kWh\); row appended to /);
    assert.match(again.stdout, /\n {2}how: (estimated|measured): /);
    const after = csvLines(csv);
    assert.equal(after.length, 3, 'one header, two rows');
    assert.equal(after[2]![EMISSIONS_COLUMNS.indexOf('country_iso_code')], '');
  });

  it('train --json has an energy object and appends to the emissions file', () => {
    const csv = join(dir, 'train.csv');
    const out = join(dir, 'mlp.onnx');
    const r = whittle(['train', '--model', 'mlp', '--dataset', 'mnist', '--steps', '3', '--batch', '16', '--threads', '1',
      '--region', 'SWE', '--tdp', '20', '--emissions', csv, '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const e = JSON.parse(r.stdout).energy;
    if (NO_RAPL) {
      assert.equal(e.method, 'estimate');
      assert.match(e.note, /given TDP 20 W \/ \d+ logical CPUs/);
    }
    assert.ok(e.joules > 0 && e.seconds > 0 && e.cpuSeconds > 0);
    assert.deepEqual([e.region, e.gramsPerKWh], ['SWE', 41]);
    const lines = csvLines(csv);
    assert.equal(lines.length, 2);
    assert.equal(lines[1]![EMISSIONS_COLUMNS.indexOf('project_name')], 'whittle-train');
    assert.equal(lines[1]![EMISSIONS_COLUMNS.indexOf('tracking_mode')], e.trackingMode);
  });

  const foreign = join(dir, 'metrics.csv');
  writeFileSync(foreign, 'epoch,loss\n1,0.3\n');
  const bad: [string, string[], RegExp][] = [
    ['bench', ['--region', 'Mars'], /--region 'Mars' is not a known grid region \(expected one of WORLD, .*USA\)/],
    ['bench', ['--emissions', foreign], /metrics\.csv is not a CodeCarbon emissions\.csv/],
    ['bench', ['--tdp', '0'], /--tdp must be a number > 0, got '0'/],
    ['bench', ['--grams-per-kwh', 'lots'], /--grams-per-kwh must be a number >= 0/],
    ['bench', ['--emissions', join(dir, 'no', 'e.csv')], /the folder .* does not exist/],
    ['bench', ['--emissions', ''], /the emissions file name is empty/],
    ['train', ['--model', 'mlp', '--dataset', 'mnist', '--region', 'XX'], /--region 'XX' is not a known grid region/],
    ['train', ['--model', 'mlp', '--dataset', 'mnist', '--emissions', foreign], /is not a CodeCarbon emissions\.csv/],
  ];
  for (const [command, flags, problem] of bad) {
    it(`${command} refuses ${flags.slice(-2).join(' ')} with one line, exit 2, before any work`, () => {
      const out = join(dir, 'never.onnx');
      const args = command === 'bench' ? ['bench', LENET, ...flags] : ['train', ...flags, '-o', out];
      const r = whittle(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trimEnd().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, problem);
      assert.equal(r.stdout, '');
      assert.equal(existsSync(out), false);
      assert.equal(readFileSync(foreign, 'utf8'), 'epoch,loss\n1,0.3\n');
    });
  }

  it('--help lists the energy flags', () => {
    for (const command of ['bench', 'train']) {
      const r = whittle([command, '--help']);
      assert.match(r.stdout, /--region CODE[\s\S]*--emissions FILE\.csv/);
    }
  });
});

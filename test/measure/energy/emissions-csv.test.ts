import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import {
  appendEmissionsCsv, csvField, EMISSIONS_COLUMNS, emissionsRow, parseCsvHeader,
} from '../../../src/measure/energy/emissions-csv.js';
import type { EnergyReading } from '../../../src/measure/energy/meter.js';

const dir = mkdtempSync(join(tmpdir(), 'whittle-emissions-'));
const PYTHON = '/usr/bin/python3';

const reading: EnergyReading = {
  method: 'estimate', measured: false, trackingMode: 'process', seconds: 10, cpuSeconds: 5,
  cpuJoules: 36_000, ramJoules: 3_600, joules: 39_600, kWh: 0.011, co2Grams: 5.291, gramsPerKWh: 481,
  region: 'FRA', regionName: 'France', intensitySource: 'x', cpuPowerW: 3600, ramPowerW: 360,
  meanRssBytes: 2 ** 30, cpuModel: 'Weird "CPU", rev\n2', logicalCpus: 2, ramTotalBytes: 8 * 2 ** 30, note: 'n',
};

/** Rows of a CSV file as dicts, read by Python's csv module (the reader CodeCarbon users have). */
function pythonRows(file: string): Record<string, string>[] {
  const r = spawnSync(PYTHON, ['-c', 'import csv, json, sys; print(json.dumps(list(csv.DictReader(open(sys.argv[1], newline="")))))', file], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, string>[];
}

describe("CodeCarbon's emissions.csv", () => {
  it('has CodeCarbon 3.x columns, in order', () => {
    assert.equal(EMISSIONS_COLUMNS.length, 38);
    assert.deepEqual(EMISSIONS_COLUMNS.slice(0, 7), ['timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate']);
    assert.deepEqual(EMISSIONS_COLUMNS.slice(-3), ['on_cloud', 'pue', 'wue']);
  });

  it('converts a reading into CodeCarbon units (kWh, kg, W, GiB)', () => {
    const row = emissionsRow(reading, { projectName: 'p', runId: 'r', timestamp: new Date(2026, 0, 2, 3, 4, 5) });
    assert.deepEqual(Object.keys(row), [...EMISSIONS_COLUMNS]);
    assert.equal(row.timestamp, '2026-01-02T03:04:05');
    const near = (a: string | number, b: number) => assert.ok(Math.abs(Number(a) - b) <= 1e-12 * Math.abs(b), `${a} vs ${b}`);
    near(row.cpu_energy, 0.01);
    near(row.ram_energy, 0.001);
    near(row.energy_consumed, 0.011);
    near(row.emissions, 0.005291);
    near(row.emissions_rate, 0.0005291);
    assert.deepEqual([row.country_iso_code, row.country_name, row.tracking_mode], ['FRA', 'France', 'process']);
    assert.deepEqual([row.python_version, row.codecarbon_version], ['', '']);
    near(row.cpu_utilization_percent, 25);
    near(row.ram_used_gb, 1);
    near(row.ram_utilization_percent, 12.5);
    const world = emissionsRow({ ...reading, region: 'WORLD', regionName: 'World' });
    assert.deepEqual([world.country_iso_code, world.country_name], ['', '']);
    assert.match(String(world.run_id), /^[0-9a-f-]{36}$/);
  });

  it('quotes fields with commas, quotes and newlines', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('two\nlines'), '"two\nlines"');
    assert.equal(csvField(1.5e-7), '1.5e-7');
    assert.equal(csvField(Number.NaN), '');
    assert.deepEqual(parseCsvHeader('a,"b,c","d""e"\r\nx'), ['a', 'b,c', 'd"e']);
  });

  it('creates the file with the header, then appends under it', () => {
    const file = join(dir, 'new.csv');
    appendEmissionsCsv(file, [emissionsRow(reading, { runId: 'one' })]);
    appendEmissionsCsv(file, [emissionsRow(reading, { runId: 'two' }), emissionsRow(reading, { runId: 'three' })]);
    const text = readFileSync(file, 'utf8');
    assert.equal(text.split('\n')[0], EMISSIONS_COLUMNS.join(','));
    const rows = pythonRows(file);
    assert.deepEqual(rows.map((r) => r['run_id']), ['one', 'two', 'three']);
    assert.equal(rows[0]!['cpu_model'], 'Weird "CPU", rev\n2');
    assert.equal(Number(rows[1]!['energy_consumed']), 0.011);
    assert.equal(Object.keys(rows[2]!).length, 38);
  });

  it("appends to an older CodeCarbon file in that file's own columns", () => {
    const file = join(dir, 'v2.csv');
    const v2 = 'timestamp,project_name,run_id,duration,emissions,emissions_rate,cpu_power,gpu_power,ram_power,cpu_energy,gpu_energy,ram_energy,energy_consumed,country_name,country_iso_code,region,cloud_provider,cloud_region,os,python_version,codecarbon_version,cpu_count,cpu_model,gpu_count,gpu_model,longitude,latitude,ram_total_size,tracking_mode,on_cloud,pue';
    const old = '2024-03-05T16:21:19,codecarbon,87d2cba8,3581.4,0.0405,1.1e-05,42.5,45.3,4.75,0.042,0.069,0.0047,0.116,United States,USA,nevada,,,Linux,3.10.12,2.3.4,2,Xeon,1,1 x Tesla T4,-115.1,36.1,12.67,machine,N,1.0';
    writeFileSync(file, `${v2}\n${old}`); // no final newline
    appendEmissionsCsv(file, [emissionsRow(reading, { runId: 'mine' })]);
    const rows = pythonRows(file);
    assert.equal(rows.length, 2);
    assert.equal(rows[0]!['project_name'], 'codecarbon');
    assert.deepEqual(Object.keys(rows[1]!), v2.split(','));
    assert.deepEqual([rows[1]!['run_id'], rows[1]!['country_iso_code'], rows[1]!['pue']], ['mine', 'FRA', '1']);
  });

  it('writes the header into an empty existing file', () => {
    const file = join(dir, 'empty.csv');
    writeFileSync(file, '');
    appendEmissionsCsv(file, [emissionsRow(reading)]);
    assert.equal(pythonRows(file).length, 1);
  });

  it("refuses a CSV that is not CodeCarbon's, leaving it untouched", () => {
    const file = join(dir, 'other.csv');
    const text = 'epoch,loss,accuracy\n1,0.5,0.9\n';
    writeFileSync(file, text);
    assert.throws(() => appendEmissionsCsv(file, [emissionsRow(reading)]),
      (e: unknown) => e instanceof UsageError && /other\.csv is not a CodeCarbon emissions\.csv \(its header has 'epoch', 'loss', 'accuracy'/.test(e.message));
    assert.equal(readFileSync(file, 'utf8'), text);
    const partial = join(dir, 'partial.csv');
    writeFileSync(partial, 'timestamp,project_name,duration\n');
    assert.throws(() => appendEmissionsCsv(partial, []), /lacks emissions, energy_consumed/);
    assert.throws(() => appendEmissionsCsv(dir, []), /is a directory/);
    assert.throws(() => appendEmissionsCsv('', []), /the emissions file name is empty/);
    assert.throws(() => appendEmissionsCsv(join(dir, 'nope', 'e.csv'), []), /does not exist/);
    assert.equal(existsSync(join(dir, 'nope')), false);
  });
});

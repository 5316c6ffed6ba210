/**
 * `whittle demo --quick` end to end: the real command on the real MNIST digits, every model
 * written and loadable, the report's figures consistent, the page drawn in headless Chromium,
 * and a second run resuming from the first.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/onnx/load.js';
import type { ReportData } from '../../src/report/types.js';
import { whittle } from '../helpers/cli.js';

const SCREENSHOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'screenshot-report.js');
const SKIP_BROWSER = process.env['WHITTLE_SKIP_BROWSER'] === '1';

describe('whittle demo --quick', { timeout: 300_000 }, () => {
  const out = join(mkdtempSync(join(tmpdir(), 'whittle-demo-')), 'demo');

  it('trains, distills, prunes, quantizes, measures and reports', async () => {
    const r = whittle(['demo', '--quick', '--out', out, '--json'], { timeoutMs: 280_000 });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as ReportData;
    assert.deepEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), report);
    const byName = new Map(report.variants.map((v) => [v.name, v]));
    assert.deepEqual([...byName.keys()], ['teacher', 'student-alone', 'student', 'student-pruned', 'student-int8', 'student-int4']);
    const teacher = byName.get('teacher')!;
    const student = byName.get('student')!;
    assert.ok(student.params * 10 <= teacher.params, `student ${student.params} vs teacher ${teacher.params} parameters`);
    for (const v of report.variants) {
      assert.ok(v.accuracy !== null && v.accuracy > 0.6, `${v.name} accuracy ${v.accuracy}`);
      assert.ok(v.sizeBytes > 0 && v.brotliBytes > 0 && v.latencyMsP50 > 0 && v.flops > 0, v.name);
      assert.ok(v.energy && v.energy.joules > 0 && v.energy.co2Grams > 0, `${v.name} energy`);
      const model = await loadModel(join(out, v.file!));
      assert.ok(model.graph.nodes.length > 0);
    }
    const pruned = byName.get('student-pruned')!;
    assert.ok(pruned.nonZeroParams! < 0.12 * pruned.params, 'about 90% of the weights are zero');
    assert.equal(pruned.layers!.length, 2);
    assert.ok(pruned.layers!.every((l) => l.sparsity! > 0.3), 'both layers pruned (global ranking)');
    assert.ok(byName.get('student-int8')!.brotliBytes < byName.get('student')!.brotliBytes / 10);
    assert.ok(byName.get('student-int8')!.layers!.some((l) => l.bits === 8 && l.sensitivity !== undefined && l.sensitivity > 0));
    assert.ok(teacher.history!.length === 1 && student.history!.length === 2);
    assert.ok(report.energy && ['rapl', 'estimate'].includes(report.energy.method) && report.energy.note.length > 0);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    assert.ok(!/(src|href)=["']https?:/.test(html), 'the page loads nothing from the network');
  });

  it('draws every chart of the page in headless Chromium without console errors', { skip: SKIP_BROWSER ? 'WHITTLE_SKIP_BROWSER=1' : false }, () => {
    const png = join(out, 'page.png');
    const r = spawnSync(process.execPath, [SCREENSHOT, join(out, 'report.html'), png], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const charts = Number(/\((\d+) charts\)/.exec(r.stdout + r.stderr)?.[1]);
    assert.ok(charts >= 8, `${charts} charts drawn`);
    assert.ok(readFileSync(png).length > 50_000);
  });

  it('reuses every finished step on a second run, and refuses a folder it did not write', () => {
    const t0 = performance.now();
    const r = whittle(['demo', '--quick', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /8 of 8 steps reused from the previous run/);
    assert.match(r.stdout, /student-int4/);
    assert.ok(performance.now() - t0 < 60_000);

    const foreign = join(dirname(out), 'mine');
    mkdirSync(foreign);
    writeFileSync(join(foreign, 'notes.txt'), 'keep me');
    const refused = whittle(['demo', '--quick', '--out', foreign]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /the folder has files whittle did not write; choose another folder or pass --force/);
    assert.equal(readFileSync(join(foreign, 'notes.txt'), 'utf8'), 'keep me');
    assert.ok(!existsSync(join(foreign, 'state.json')));
  });
});

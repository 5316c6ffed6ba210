import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { buildReportDocument } from '../../src/report/document.js';
import { jsonForScript, renderHtml } from '../../src/report/html.js';
import type { ReportData } from '../../src/report/types.js';
import { sampleReport } from './fixture.js';

const scripts = (html: string) => [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => ({ attrs: m[1]!, text: m[2]! }));

describe('jsonForScript', () => {
  it('cannot be broken out of, and parses back to the same value', () => {
    const value = { name: '</script><script>alert(1)</script>', c: '<!-- & -->', s: 'a\u2028b\u2029c', n: [1.5, null] };
    const text = jsonForScript(value);
    assert.doesNotMatch(text, /[<>&\u2028\u2029]/);
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('renderHtml', () => {
  const data = sampleReport();
  const html = renderHtml(data);

  it('is one self-contained page: no http(s) src/href, no external resources', () => {
    assert.doesNotMatch(html, /\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(html, /<link\b|<iframe\b|<img\b|@import|\burl\(/i);
    assert.doesNotMatch(html, /<script[^>]*\bsrc=/i);
    // Chart.js (the UMD build, which defines the global Chart) is inlined.
    assert.ok(scripts(html).some((s) => /Chart\.js v4\./.test(s.text)));
  });
  it('allows exactly its inline scripts by hash in its Content-Security-Policy, and no connections', () => {
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1]!;
    assert.match(csp, /default-src 'none'/);
    const hashes = [...csp.matchAll(/'sha256-([^']+)'/g)].map((m) => m[1]);
    const executable = scripts(html).filter((s) => !/application\/json/.test(s.attrs));
    assert.equal(executable.length, 2);
    assert.deepEqual(hashes, executable.map((s) => createHash('sha256').update(s.text, 'utf8').digest('base64')));
  });
  it('embeds the report document as JSON, escaping names that try to close the script', () => {
    const evil: ReportData = { ...data, title: '<b>x</b>', variants: data.variants.map((v, i) => (i === 1 ? { ...v, name: '</script><script>alert(1)//' } : v)) };
    const page = renderHtml(evil);
    assert.doesNotMatch(page, /<script>alert/);
    assert.match(page, /<title>&lt;b&gt;x&lt;\/b&gt;<\/title>/);
    const json = scripts(page).find((s) => /application\/json/.test(s.attrs))!;
    const doc = JSON.parse(json.text);
    assert.equal(doc.variants[1].name, '</script><script>alert(1)//');
    assert.deepEqual(doc, JSON.parse(JSON.stringify(buildReportDocument(evil))));
  });
  it('has a canvas for every planned chart and no other', () => {
    const doc = buildReportDocument(data);
    const canvases = [...html.matchAll(/<canvas id="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual([...canvases].sort(), doc.derived.charts.map((c) => c.id).sort());
    assert.deepEqual(doc.derived.charts.map((c) => c.kind).sort(), [
      'accuracy-latency', 'accuracy-size', 'energy', 'history', 'history', 'history', 'sensitivity', 'sensitivity',
      'sparsity', 'tune-history', 'tune-history', 'tune-importance', 'tune-intermediate', 'tune-pareto',
    ]);
    // student-int8's sparsity equals its parent's: named in the parent's chart, not drawn twice.
    assert.match(doc.derived.charts.find((c) => c.kind === 'sparsity')!.subtitle, /the same in student-int8/);
    for (const section of ['summary', 'tradeoffs', 'training', 'layers', 'energy', 'tuning', 'machine']) assert.match(html, new RegExp(`<section id="${section}">`));
  });
  it('draws no chart and no section for absent data', () => {
    const bare: ReportData = {
      ...data, energy: undefined, tuning: undefined,
      variants: data.variants.map(({ history: _h, layers: _l, energy: _e, ...v }) => v),
    };
    const doc = buildReportDocument(bare);
    assert.deepEqual(doc.derived.charts.map((c) => c.kind), ['accuracy-size', 'accuracy-latency']);
    const page = renderHtml(bare);
    for (const gone of ['training', 'layers', 'energy', 'tuning']) assert.doesNotMatch(page, new RegExp(`<section id="${gone}">`));
    // One objective: no Pareto chart; no intermediate values: no learning curves.
    const single = buildReportDocument({
      ...data, variants: [], tuning: {
        ...data.tuning!, objectives: [data.tuning!.objectives[0]!], best: [0],
        trials: data.tuning!.trials.map((t) => ({ ...t, intermediate: {}, ...(t.values ? { values: [t.values[0]!] } : {}) })),
      },
    });
    assert.deepEqual(single.derived.charts.map((c) => c.kind), ['tune-history', 'tune-importance']);
    // A single scored variant has no trade-off to draw.
    assert.deepEqual(buildReportDocument({ ...bare, variants: [bare.variants[0]!] }).derived.charts, []);
  });
  it('states whether energy was measured or estimated, with the note', () => {
    assert.match(html, /<strong>Estimated<\/strong>, not measured/);
    assert.match(html, /assumed 12\.5 W per busy core/);
    assert.match(html, /475 g CO2e\/kWh \(grid region <strong>world<\/strong>\)/);
    const rapl = renderHtml({ ...data, energy: { ...data.energy!, method: 'rapl', note: 'package-0 and dram counters' } });
    assert.match(rapl, /<strong>Measured<\/strong> with the CPU\u2019s RAPL energy counters/);
  });
  it('derives the Pareto fronts and the headline from the data', () => {
    const d = buildReportDocument(data).derived;
    assert.deepEqual(d.pareto.accuracyVsSize, ['student-int4', 'student-int8', 'student', 'teacher']);
    assert.deepEqual(d.pareto.accuracyVsLatency, ['student-int8', 'student-pruned', 'student', 'teacher']);
    assert.equal(d.highlight!.variant, 'student-int4');
    assert.ok(Math.abs(d.highlight!.brotliRatio! - 1_553_410 / 8_121) < 1e-9);
    assert.ok(Math.abs(d.highlight!.accuracyDeltaPoints! - (0.9807 - 0.9921) * 100) < 1e-9);
    // best-so-far is monotone in the objective's direction
    const [acc, size] = d.tuning!.history;
    acc!.points.forEach((p, i) => { if (i > 0) assert.ok(p.bestSoFar >= acc!.points[i - 1]!.bestSoFar); });
    size!.points.forEach((p, i) => { if (i > 0) assert.ok(p.bestSoFar <= size!.points[i - 1]!.bestSoFar); });
    assert.deepEqual(d.tuning!.importanceOrder, ['lr', 'width', 'optimizer', 'batch']);
  });
  it('refuses data it cannot draw truthfully, naming the field', () => {
    const v0 = data.variants[0]!;
    const bad = (patch: Partial<ReportData>, re: RegExp) =>
      assert.throws(() => renderHtml({ ...data, ...patch }), (e) => e instanceof UsageError && re.test(e.message));
    bad({ variants: [{ ...v0, accuracy: 99.2 }] }, /variants\[0\]\.accuracy is 99\.2; expected a fraction between 0 and 1 or null/);
    bad({ variants: [{ ...v0, sizeBytes: NaN }] }, /variants\[0\]\.sizeBytes is NaN; expected a finite number >= 0/);
    bad({ variants: [v0, v0] }, /variants\[1\]\.name is 'teacher'; expected a name no other variant has/);
    bad({ variants: [{ ...v0, latencyBatch: 0 }] }, /latencyBatch is 0; expected an integer >= 1/);
    bad({ createdAt: 'yesterday' }, /createdAt is 'yesterday'; expected an ISO 8601 date/);
    bad({ variants: [], tuning: undefined }, /variants is 'empty'; expected at least one variant/);
    bad({ tuning: { ...data.tuning!, best: [999] } }, /tuning\.best\[0\] is 999; expected the number of a trial/);
    bad({ tuning: { ...data.tuning!, trials: [{ number: 0, state: 'complete', params: {}, intermediate: {}, values: [1] }], best: [] } },
      /tuning\.trials\[0\]\.values is '1 values'; expected 2 \(one per objective\)/);
  });
});

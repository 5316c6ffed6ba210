import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { UsageError } from '../../src/errors.js';
import { writeReport } from '../../src/report/write.js';
import { sampleReport } from './fixture.js';

describe('writeReport', () => {
  const root = mkdtempSync(join(tmpdir(), 'whittle-report-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const data = sampleReport();

  it('writes report.json (data + derived figures) and report.html, leaving no temporary files', async () => {
    const dir = join(root, 'out', 'nested');
    const w = await writeReport(dir, data);
    assert.deepEqual(readdirSync(dir).sort(), ['report.html', 'report.json']);
    const json = JSON.parse(readFileSync(w.json.path, 'utf8'));
    assert.equal(json.schema, 'whittle-report/1');
    assert.deepEqual(json.variants, JSON.parse(JSON.stringify(data.variants)));
    assert.deepEqual(json.tuning, JSON.parse(JSON.stringify(data.tuning)));
    assert.deepEqual(json.derived, JSON.parse(JSON.stringify(w.document.derived)));
    assert.equal(readFileSync(w.html.path).length, w.html.bytes);
    // The page embeds the same document report.json holds.
    const html = readFileSync(w.html.path, 'utf8');
    const embedded = /<script type="application\/json" id="whittle-report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    assert.deepEqual(JSON.parse(embedded), json);
  });
  it('refuses to overwrite unless asked, and then replaces both files', async () => {
    const dir = join(root, 'again');
    await writeReport(dir, data);
    await assert.rejects(writeReport(dir, { ...data, title: 'second' }),
      (e) => e instanceof UsageError && /report\.json already exists; refusing to overwrite it/.test(e.message));
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<title>MNIST/);
    await writeReport(dir, { ...data, title: 'second' }, { overwrite: true });
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<title>second<\/title>/);
    assert.equal(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')).title, 'second');
    assert.deepEqual(readdirSync(dir).sort(), ['report.html', 'report.json']);
  });
  it('writes nothing when the data is invalid or the folder is a file', async () => {
    const dir = join(root, 'invalid');
    await assert.rejects(writeReport(dir, { ...data, variants: [{ ...data.variants[0]!, accuracy: 2 }] }), UsageError);
    assert.throws(() => readdirSync(dir));
    const file = join(root, 'a-file');
    writeFileSync(file, 'x');
    await assert.rejects(writeReport(file, data), (e) => e instanceof UsageError && /is a file; expected a folder/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryCells, summaryTable } from '../../src/report/table.js';
import type { VariantReport } from '../../src/report/types.js';
import { sampleVariants } from './fixture.js';

const base: VariantReport = {
  name: 'mlp', description: 'trained', accuracy: 0.9612, params: 203_530, flops: 406_528, sizeBytes: 815_000,
  brotliBytes: 752_100, latencyMsP50: 0.4123, latencyBatch: 1,
};

describe('summaryTable', () => {
  it('prints aligned columns with human units', () => {
    const text = summaryTable([base, { ...base, name: 'mlp-int8', accuracy: 0.9605, sizeBytes: 206_000, brotliBytes: 150_300, latencyMsP50: 0.1581 }]);
    assert.equal(text, [
      'Variant   Accuracy  Params  FLOPs/sample     Size   Brotli  p50 (batch 1)',
      '--------  --------  ------  ------------  -------  -------  -------------',
      'mlp        96.12 %   204 K    407 KFLOPs  796 KiB  734 KiB       0.412 ms',
      'mlp-int8   96.05 %   204 K    407 KFLOPs  201 KiB  147 KiB       0.158 ms',
    ].join('\n'));
  });
  it('adds non-zero and energy columns only when some variant has them, and marks estimates', () => {
    const text = summaryTable(sampleVariants());
    const lines = text.split('\n');
    assert.match(lines[0]!, /^Variant\s+Accuracy\s+Params\s+Non-zero\s+FLOPs\/sample\s+Size\s+Brotli\s+p50 \(batch 64\)\s+Energy\s+CO2$/);
    assert.match(text, /student-pruned\s+98\.41 %\s+27\.4 K\s+6\.12 K\s+1\.18 MFLOPs\s+108 KiB\s+29\.2 KiB\s+1\.90 ms\s+288 J\*\s+38\.0 mg/);
    assert.equal(lines.at(-1), '* energy estimated from CPU time and an assumed power draw, not measured');
    // Every row ends at the same column (numbers right-aligned), header and rule included.
    const rows = lines.slice(0, -1);
    assert.equal(new Set(rows.map((l) => [...l].length)).size, 1, rows.join('\n'));
    const { columns } = summaryCells([base]);
    assert.deepEqual(columns.map((c) => c.key), ['name', 'accuracy', 'params', 'flops', 'size', 'brotli', 'latency']);
  });
  it('names the batch per row when variants were timed at different batch sizes, and shows unknown accuracy', () => {
    const text = summaryTable([base, { ...base, name: 'b64', accuracy: null, latencyBatch: 64, latencyMsP50: 12.34 }]);
    assert.match(text, /p50 latency/);
    assert.match(text, /0\.412 ms \(b1\)/);
    assert.match(text, /b64\s+—\s+204 K.*12\.3 ms \(b64\)/);
  });
});

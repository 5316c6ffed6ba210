/**
 * The JournalBackend contract, run for every backend: append returns the index of its first
 * entry, read(from) returns the log from there in one total order that every instance agrees on,
 * entries read back exactly as written, and appends from several processes at once are atomic
 * (each batch contiguous), dense (no gaps, no duplicates) and never skipped by a polling reader.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageSpec } from '../../../src/tune/storage/open.js';
import type { JournalBackend, JournalOp } from '../../../src/tune/types.js';
import { runChild, sleep } from './helpers.js';

/** A fresh, empty place to keep one log: a spec child processes can open (undefined: in-process only). */
export interface BackendPlace {
  readonly spec?: StorageSpec;
  open(): Promise<JournalBackend>;
}

const attr = (study: string, trial: number, value: unknown): JournalOp => ({ op: 'setUserAttr', study, trial, key: 'k', value });

/** Registers the contract tests for one backend kind. */
export function backendSuite(name: string, fresh: () => Promise<BackendPlace>, options: { skip?: string | false } = {}): void {
  describe(`JournalBackend contract: ${name}`, { skip: options.skip ?? false }, () => {
    it('returns the first index of each append and reads from any index', async () => {
      const b = await (await fresh()).open();
      try {
        assert.equal(await b.append([]), 0);
        assert.deepEqual(await b.read(0), []);
        assert.equal(await b.append([attr('s', 0, 0)]), 0);
        assert.equal(await b.append([attr('s', 1, 1), attr('s', 2, 2), attr('s', 3, 3)]), 1);
        assert.equal(await b.append([]), 4);
        assert.deepEqual((await b.read(0)).map((o) => (o as { trial: number }).trial), [0, 1, 2, 3]);
        assert.deepEqual((await b.read(2)).map((o) => (o as { trial: number }).trial), [2, 3]);
        assert.deepEqual(await b.read(4), []);
        assert.deepEqual(await b.read(99), []);
        assert.deepEqual((await b.read(1)).length, 3, 'old entries can be read again');
      } finally {
        await b.close();
      }
    });

    it('reads entries back exactly as written', async () => {
      const b = await (await fresh()).open();
      const values: unknown[] = [0.1 + 0.2, 1e-300, -5e-324, 2 ** 53 + 2, 1.7976931348623157e308, -1234.5678e-9,
        'ü€😀 "quoted" \\ back\nslash\ttab \u0000 nul', { nested: [1, 'two', null, true, { deep: false }] }, null, false];
      try {
        await b.append(values.map((v, i) => attr('exact', i, v)));
        await b.append([{ op: 'setParam', study: 'exact', trial: 0, name: 'lr', value: 3.0000000000000004e-4, distribution: { kind: 'float', low: 1e-5, high: 0.1, log: true } }]);
        const back = await b.read(0);
        assert.deepEqual(back.slice(0, values.length).map((o) => (o as { value: unknown }).value), values);
        assert.deepEqual(back[values.length], { op: 'setParam', study: 'exact', trial: 0, name: 'lr', value: 3.0000000000000004e-4, distribution: { kind: 'float', low: 1e-5, high: 0.1, log: true } });
      } finally {
        await b.close();
      }
    });

    it('two instances on one log agree on one order and see each other incrementally', async () => {
      const place = await fresh();
      const a = await place.open();
      const c = await place.open();
      try {
        assert.equal(await a.append([attr('s', 0, 'a0')]), 0);
        assert.equal(await c.append([attr('s', 1, 'c1'), attr('s', 2, 'c2')]), 1, 'the second instance counts the first one\'s entry');
        assert.deepEqual((await a.read(1)).map((o) => (o as { value: unknown }).value), ['c1', 'c2']);
        assert.equal(await a.append([attr('s', 3, 'a3')]), 3);
        assert.deepEqual((await c.read(3)).map((o) => (o as { value: unknown }).value), ['a3']);
        assert.deepEqual(await a.read(0), await c.read(0));
      } finally {
        await a.close();
        await c.close();
      }
    });

    it('keeps appends of concurrent callers in one instance contiguous', async () => {
      const b = await (await fresh()).open();
      try {
        const firsts = await Promise.all(Array.from({ length: 20 }, (_, i) => b.append([attr(`c${i}`, 0, i), attr(`c${i}`, 1, i)])));
        const log = await b.read(0);
        assert.equal(log.length, 40);
        firsts.forEach((f, i) => {
          assert.equal(log[f]!.study, `c${i}`);
          assert.equal(log[f + 1]!.study, `c${i}`);
        });
      } finally {
        await b.close();
      }
    });

    it('appends from several processes at once are atomic, dense and never skipped by a reader', async (t) => {
      const place = await fresh();
      if (place.spec === undefined) return t.skip('in-process backend: no other process can reach it');
      const spec = place.spec;
      const reader = await place.open();
      const children = 4;
      const count = 120;
      try {
        const runs = Array.from({ length: children }, (_, w) => runChild<{ batches: { index: number; keys: string[] }[] }>({ task: 'append', spec, tag: `w${w}`, count }));
        // Poll while they append: whatever the reader accumulates must equal the final log.
        const polled: JournalOp[] = [];
        let done = false;
        const all = Promise.all(runs).finally(() => { done = true; });
        while (!done) {
          polled.push(...(await reader.read(polled.length)));
          await sleep(2);
        }
        const results = await all;
        polled.push(...(await reader.read(polled.length)));
        const log = await reader.read(0);
        const claimed = results.flatMap((r) => r.batches.map((b) => `${b.keys.join(',')}@${b.index}`));
        const present = new Set(log.map((o) => (o as { key: string }).key));
        const missing = claimed.filter((c) => !present.has(c.split(',')[0]!));
        assert.equal(log.length, children * count, `entries missing from the log (keys@claimed index): ${missing.join(' ')}`);
        assert.deepEqual(polled, log, 'a polling reader saw the same log, with nothing skipped');
        const keys = log.map((o) => (o as { key: string }).key);
        assert.equal(new Set(keys).size, keys.length, 'no entry twice');
        results.forEach((r, w) => {
          for (const batch of r.batches) assert.deepEqual(keys.slice(batch.index, batch.index + batch.keys.length), batch.keys, `w${w}'s batch at ${batch.index} is contiguous`);
          const mine = keys.filter((k) => k.startsWith(`w${w}-`));
          assert.deepEqual(mine, Array.from({ length: count }, (_, i) => `w${w}-${i}`), `w${w}'s entries in its order`);
        });
        for (const op of log) assert.equal((op as { value: { text: string } }).value.text, 'ü€😀 "\n');
      } finally {
        await reader.close();
      }
    });
  });
}

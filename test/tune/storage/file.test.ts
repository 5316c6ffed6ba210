import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { JournalFormatError, StorageError } from '../../../src/tune/storage/errors.js';
import { FileBackend } from '../../../src/tune/storage/file.js';
import type { JournalOp } from '../../../src/tune/types.js';
import { backendSuite } from './backend-suite.js';
import { startChild, tempDir } from './helpers.js';

backendSuite('file', async () => {
  const path = join(tempDir(), 'study.jsonl');
  return { spec: { kind: 'journal', path }, open: async () => new FileBackend(path) };
});

const op = (trial: number): JournalOp => ({ op: 'heartbeat', study: 's', trial, at: 1000 + trial });
const line = (trial: number): string => `${JSON.stringify(op(trial))}\n`;

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('FileBackend', () => {
  it('writes one JSON line per entry and never truncates an existing journal', async () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, line(0) + line(1));
    const b = new FileBackend(path, { fsync: false });
    assert.deepEqual(await b.read(0), [op(0), op(1)]);
    assert.equal(await b.append([op(2)]), 2);
    await b.close();
    assert.equal(readFileSync(path, 'utf8'), line(0) + line(1) + line(2));
    assert.ok(!existsSync(`${path}.lock`), 'the lock is released');
  });

  it('creates a missing folder', async () => {
    const path = join(tempDir(), 'a', 'b', 'j.jsonl');
    const b = new FileBackend(path);
    assert.equal(await b.append([op(0)]), 0);
    await b.close();
    assert.equal(readFileSync(path, 'utf8'), line(0));
  });

  it('ignores an incomplete last line until it is complete', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const full = line(1);
    writeFileSync(path, line(0) + full.slice(0, 10));
    const b = new FileBackend(path);
    assert.deepEqual(await b.read(0), [op(0)]);
    appendFileSync(path, full.slice(10, 20));
    assert.deepEqual(await b.read(1), []);
    appendFileSync(path, full.slice(20));
    assert.deepEqual(await b.read(1), [op(1)]);
    await b.close();
  });

  it('cuts off the torn tail of a writer that died mid-line before appending', async () => {
    const path = join(tempDir(), 'j.jsonl');
    writeFileSync(path, line(0) + line(1).slice(0, 15));
    const reader = new FileBackend(path);
    assert.deepEqual(await reader.read(0), [op(0)]);
    const writer = new FileBackend(path);
    assert.equal(await writer.append([op(2), op(3)]), 1, 'the torn fragment never counted');
    assert.equal(readFileSync(path, 'utf8'), line(0) + line(2) + line(3));
    assert.deepEqual(await reader.read(1), [op(2), op(3)]);
    await reader.close();
    await writer.close();
  });

  it('names the file and line of a corrupt entry', async () => {
    const dir = tempDir();
    for (const [bad, why] of [['{"op":"heartbeat", oops}\n', /invalid JSON/], ['[1,2]\n', /expected a JSON object/], ['{"op":"x"}\n', /string "op" and "study"/], ['\n', /invalid JSON/]] as const) {
      const path = join(dir, `bad${Math.random()}.jsonl`);
      writeFileSync(path, line(0) + bad + line(2));
      const b = new FileBackend(path);
      await assert.rejects(b.read(0), (e: unknown) => e instanceof JournalFormatError && e.message.includes(`${path} line 2 `) && why.test(e.message));
      await b.close();
    }
  });

  it('refuses a journal that shrank under it, and a folder as a journal', async () => {
    const path = join(tempDir(), 'j.jsonl');
    const b = new FileBackend(path);
    await b.append([op(0), op(1)]);
    await b.read(0);
    truncateSync(path, 3);
    await assert.rejects(b.read(0), (e: unknown) => e instanceof StorageError && /shrank/.test(e.message) && e.message.includes(path));
    await b.close();
    const dir = tempDir();
    assert.throws(() => new FileBackend(dir), (e: unknown) => e instanceof StorageError && e.message.includes(dir));
    await assert.rejects(b.read(0), /closed/);
  });

  describe('lock', () => {
    const holder = (pid: number, at = Date.now()): string => JSON.stringify({ pid, host: hostname(), at, token: 'x' });

    it('breaks the lock of a dead process at once', async () => {
      const path = join(tempDir(), 'j.jsonl');
      writeFileSync(`${path}.lock`, holder(deadPid()));
      const b = new FileBackend(path, { lockTimeoutMs: 5_000 });
      const t0 = Date.now();
      assert.equal(await b.append([op(0)]), 0);
      assert.ok(Date.now() - t0 < 1_000, `took ${Date.now() - t0} ms`);
      assert.ok(!existsSync(`${path}.lock`) && !existsSync(`${path}.lock.break`));
      await b.close();
    });

    it('breaks the lock of a writer killed while holding it (SIGKILL)', async () => {
      const path = join(tempDir(), 'j.jsonl');
      const child = startChild({ task: 'lock', path: `${path}.lock` });
      await child.line((v) => v.locked === true);
      const b = new FileBackend(path, { lockTimeoutMs: 300 });
      await assert.rejects(b.append([op(0)]), (e: unknown) => e instanceof StorageError
        && e.message.includes(`${path}.lock`) && e.message.includes(`held by pid ${child.process.pid}`));
      child.process.kill('SIGKILL');
      await child.exited;
      assert.equal(await b.append([op(0)]), 0);
      await b.close();
    });

    it('waits for a live holder, and breaks a lock older than staleLockMs', async () => {
      const path = join(tempDir(), 'j.jsonl');
      writeFileSync(`${path}.lock`, holder(process.pid));
      const b = new FileBackend(path, { lockTimeoutMs: 200, staleLockMs: 60_000 });
      await assert.rejects(b.append([op(0)]), /timed out after 200 ms waiting for the lock/);
      const old = (Date.now() - 120_000) / 1000;
      utimesSync(`${path}.lock`, old, old);
      assert.equal(await b.append([op(0)]), 0);
      await b.close();
    });

    it('breaks an empty lock (holder died before writing it) only once it is old', async () => {
      const path = join(tempDir(), 'j.jsonl');
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(`${path}.lock`, '');
      const b = new FileBackend(path, { lockTimeoutMs: 150 });
      await assert.rejects(b.append([op(0)]), /timed out/);
      const old = (Date.now() - 10_000) / 1000;
      utimesSync(`${path}.lock`, old, old);
      assert.equal(await b.append([op(0)]), 0);
      await b.close();
    });
  });
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { UsageError } from '../../../src/errors.js';
import { FileBackend } from '../../../src/tune/storage/file.js';
import { MemoryBackend } from '../../../src/tune/storage/memory.js';
import { openStorage, parseStorageUrl, STORAGE_URL_FORMS } from '../../../src/tune/storage/open.js';
import { tempDir } from './helpers.js';

describe('parseStorageUrl', () => {
  it('reads every accepted form', () => {
    assert.deepEqual(parseStorageUrl('memory'), { kind: 'memory' });
    assert.deepEqual(parseStorageUrl('journal:runs/a.jsonl'), { kind: 'journal', path: 'runs/a.jsonl' });
    assert.deepEqual(parseStorageUrl('journal:/abs/study'), { kind: 'journal', path: '/abs/study' });
    assert.deepEqual(parseStorageUrl('runs/study.jsonl'), { kind: 'journal', path: 'runs/study.jsonl' });
    assert.deepEqual(parseStorageUrl('/var/tmp/study.log'), { kind: 'journal', path: '/var/tmp/study.log' });
    assert.deepEqual(parseStorageUrl('postgres://u:p@db:5432/w'), { kind: 'postgres', url: 'postgres://u:p@db:5432/w' });
    assert.deepEqual(parseStorageUrl('postgresql://db/w?sslmode=require'), { kind: 'postgres', url: 'postgresql://db/w?sslmode=require' });
  });

  it('names a bad URL and the accepted forms, never a password', () => {
    const cases: [string, RegExp][] = [
      ['mysql://u@db/w', /storage 'mysql:\/\/u@db\/w' is not a storage URL/],
      ['study.db', /'study\.db' is not a storage URL/],
      ['', /'' is not a storage URL/],
      ['journal:', /names no file/],
      ['postgres:///w', /names no host/],
      ['http://host/x.jsonl', /is not a storage URL/],
    ];
    for (const [url, why] of cases) {
      assert.throws(() => parseStorageUrl(url), (e: unknown) => e instanceof UsageError && why.test(e.message) && e.message.endsWith(`expected ${STORAGE_URL_FORMS}`), url);
    }
    assert.throws(() => parseStorageUrl('postgres://u:s3cret@/w'), (e: unknown) => e instanceof Error && !e.message.includes('s3cret'));
  });
});

describe('openStorage', () => {
  it('opens memory and journal storages that hold studies', async () => {
    const mem = await openStorage('memory');
    assert.ok(mem.backend instanceof MemoryBackend);
    await mem.createStudy('s', ['minimize']);
    assert.deepEqual(await mem.studyNames(), ['s']);
    await mem.close();

    const path = join(tempDir(), 'sub', 'study.jsonl');
    for (const url of [`journal:${path}`, path, { kind: 'journal' as const, path, options: { fsync: false } }]) {
      const s = await openStorage(url);
      assert.ok(s.backend instanceof FileBackend);
      await s.createStudy('s', ['maximize'], { loadIfExists: true });
      await s.close();
    }
    assert.ok(existsSync(path));
    const lines = readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; study: string });
    assert.deepEqual(lines.map((l) => [l.op, l.study]), [['createStudy', 's']], 'a study is created once and reopened');
    await assert.rejects(openStorage({ kind: 'nope' } as never), UsageError);
  });
});

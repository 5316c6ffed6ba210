import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { UsageError } from '../../../src/errors.js';
import { StorageError } from '../../../src/tune/storage/errors.js';
import { openStorage } from '../../../src/tune/storage/open.js';
import { journalLockKey, PostgresBackend, redactUrl } from '../../../src/tune/storage/postgres.js';
import { backendSuite } from './backend-suite.js';
import { freshName, postgresSkip, startPostgres } from './helpers.js';

const skip = postgresSkip();
let url = '';
const opened: PostgresBackend[] = [];
const tables: string[] = [];

before(async () => {
  if (!skip) url = await startPostgres();
});
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  if (tables.length === 0) return;
  // Only this file's tables: another test run may be using the same server right now.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const t of tables) await c.query(`DROP TABLE IF EXISTS ${t}`);
  await c.end();
});

/** A fresh table name, dropped after the file's tests. */
function table(): string {
  const t = freshName('wt');
  tables.push(t);
  return t;
}

backendSuite('postgres', async () => {
  const t = table();
  return { spec: { kind: 'postgres', url, options: { table: t } }, open: () => PostgresBackend.connect(url, { table: t }) };
}, { skip });

describe('redactUrl', () => {
  it('drops the password wherever it is', () => {
    assert.equal(redactUrl('postgres://alice:s3cret@db.example:5432/whittle?sslmode=require'), 'postgres://alice@db.example:5432/whittle?sslmode=require');
    assert.equal(redactUrl('postgresql://alice@db/whittle?password=s3cret&sslmode=require'), 'postgresql://alice@db/whittle?sslmode=require');
    assert.equal(redactUrl('postgres://db/whittle'), 'postgres://db/whittle');
  });
});

describe('PostgresBackend', { skip }, () => {
  it('says which server it cannot reach, without the password', async () => {
    const bad = 'postgres://alice:s3cret@127.0.0.1:1/nowhere';
    for (const attempt of [() => PostgresBackend.connect(bad, { connectTimeoutMs: 3_000 }), () => openStorage(bad)]) {
      await assert.rejects(attempt(), (e: unknown) => e instanceof StorageError
        && e.message.includes('postgres://alice@127.0.0.1:1/nowhere') && !e.message.includes('s3cret') && /ECONNREFUSED/.test(e.message)
        && !e.message.includes('\n'));
    }
  });

  it('names a database that does not exist', async () => {
    const u = new URL(url);
    u.pathname = '/no_such_database';
    await assert.rejects(PostgresBackend.connect(u.toString()), (e: unknown) => e instanceof StorageError && e.message.includes('/no_such_database') && /does not exist/.test(e.message));
  });

  it('refuses a table name that is not an identifier', async () => {
    await assert.rejects(PostgresBackend.connect(url, { table: 'x; DROP TABLE y' }), (e: unknown) => e instanceof UsageError && e.message.includes("'x; DROP TABLE y'"));
  });

  it('creates its table once when many workers connect at the same moment', async () => {
    const t = table();
    const backends = await Promise.all(Array.from({ length: 6 }, () => PostgresBackend.connect(url, { table: t })));
    opened.push(...backends);
    const firsts = await Promise.all(backends.map((b, i) => b.append([{ op: 'heartbeat', study: 's', trial: i, at: i }])));
    assert.deepEqual([...firsts].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  });

  it('reports a gap in seq (rows deleted behind its back) instead of skipping it', async () => {
    const t = table();
    const b = await PostgresBackend.connect(url, { table: t });
    opened.push(b);
    await b.append([0, 1, 2].map((i) => ({ op: 'heartbeat', study: 's', trial: i, at: i })));
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DELETE FROM ${t} WHERE seq = 1`);
    await c.end();
    await assert.rejects(b.read(0), (e: unknown) => e instanceof StorageError && /gap at seq 1/.test(e.message));
  });

  it('gives up waiting for a lock held too long, with an error naming the server', async () => {
    const t = table();
    const b = await PostgresBackend.connect(url, { table: t, lockTimeoutMs: 300 });
    opened.push(b);
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    await holder.query('BEGIN');
    await holder.query('SELECT pg_advisory_xact_lock($1, $2)', journalLockKey(t));
    await assert.rejects(b.append([{ op: 'heartbeat', study: 's', trial: 0, at: 0 }]), (e: unknown) => e instanceof StorageError
      && e.message.includes(`postgres://`) && e.message.includes(`table ${t}`) && /lock timeout/.test(e.message));
    await holder.query('ROLLBACK');
    await holder.end();
    assert.equal(await b.append([{ op: 'heartbeat', study: 's', trial: 0, at: 0 }]), 0);
  });

  it('a writer stalled inside an append is ended by the server, and the others go on', async () => {
    const t = table();
    const stalled = await PostgresBackend.connect(url, { table: t, stalledWriterMs: 300 });
    const other = await PostgresBackend.connect(url, { table: t });
    opened.push(other); // (not `stalled`: its frozen transaction never gives its connection back)
    // Freeze `stalled` right after it takes the lock, as if its machine vanished mid-append.
    const pool = (stalled as unknown as { pool: pg.Pool }).pool;
    const connect = pool.connect.bind(pool) as () => Promise<pg.PoolClient>;
    (pool as unknown as { connect: () => Promise<pg.PoolClient> }).connect = async () => {
      const c = await connect();
      const query = c.query.bind(c) as (...a: unknown[]) => Promise<unknown>;
      (c as unknown as { query: (...a: unknown[]) => Promise<unknown> }).query = (...a: unknown[]) =>
        (typeof a[0] === 'string' && a[0].includes('max(seq)') ? new Promise(() => undefined) : query(...a));
      return c;
    };
    void stalled.append([{ op: 'heartbeat', study: 's', trial: 0, at: 0 }]);
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    assert.equal(await other.append([{ op: 'heartbeat', study: 's', trial: 1, at: 1 }]), 0, "the stalled writer's rows never landed");
    assert.ok(Date.now() - t0 >= 150, 'the other writer had to wait for the server to end the stalled one');
    assert.equal((await other.read(0)).length, 1);
  });

  it('is closed after close()', async () => {
    const b = await PostgresBackend.connect(url, { table: table() });
    await b.close();
    await b.close();
    await assert.rejects(b.read(0), /closed/);
    await assert.rejects(b.append([]), /closed/);
  });
});

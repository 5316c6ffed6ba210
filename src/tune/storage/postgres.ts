/**
 * A study journal in a PostgreSQL table, for workers on many machines: every worker that opens
 * the same URL (and table) shares every study in it.
 *
 * The table is `(seq bigint primary key, op json, written_at timestamptz)`; entry i of the log is
 * the row with seq = i. Appends are serialized by a transaction-scoped advisory lock: under it
 * the writer reads max(seq), inserts its rows with the next numbers and commits, which releases
 * the lock. So seq is dense and rows become visible in seq order. A plain `bigserial` would not
 * do: sequence numbers are handed out at insert time but transactions commit in any order, so a
 * reader could see seq 11 committed while seq 10 is still in flight, move its cursor past 10, and
 * never see it. `op` is `json` (stored as text, verbatim) rather than `jsonb`, so every entry
 * reads back exactly as written (jsonb would renormalize numbers and refuse "\u0000" in strings).
 */
import pg from 'pg';
import { UsageError } from '../../errors.js';
import type { JournalBackend, JournalOp } from '../types.js';
import { StorageError } from './errors.js';

/** Options of {@link PostgresBackend.connect}. */
export interface PostgresBackendOptions {
  /** Table of the journal (created if missing; default `whittle_journal`). */
  readonly table?: string;
  /** Connections in the pool (default 2). */
  readonly poolSize?: number;
  /** Milliseconds to wait for a connection (default 10,000). */
  readonly connectTimeoutMs?: number;
  /**
   * Milliseconds an append waits for the journal's lock before failing (default 120,000). The
   * lock is held for one short transaction; a long wait means a writer stalled mid-append.
   */
  readonly lockTimeoutMs?: number;
  /**
   * The server ends a writer's session that sits this long (ms) inside an append transaction
   * (default 30,000): a worker whose machine vanished mid-append then releases the lock without
   * waiting for TCP to notice it is gone.
   */
  readonly stalledWriterMs?: number;
}

/** `url` with its password (in the authority or a `password=` parameter) removed, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.searchParams.delete('password');
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1@');
  }
}

/** The advisory-lock key (two int4) of a journal table: a fixed class id and an FNV-1a hash of the name. */
export function journalLockKey(table: string): [number, number] {
  let h = 0x811c9dc5;
  for (let i = 0; i < table.length; i++) h = Math.imul(h ^ table.charCodeAt(i), 0x01000193);
  return [0x77686974 /* 'whit' */, h | 0];
}

function parseRow(text: string, seq: string, where: string): JournalOp {
  try {
    const v = JSON.parse(text) as JournalOp;
    if (typeof v === 'object' && v !== null && typeof v.op === 'string' && typeof v.study === 'string') return v;
  } catch { /* reported below */ }
  throw new StorageError(`${where}: row seq ${seq} is not a journal entry`);
}

/** A {@link JournalBackend} over one PostgreSQL table. Build it with {@link PostgresBackend.connect}. */
export class PostgresBackend implements JournalBackend {
  /** Where messages say it is: the URL without its password, and the table. */
  readonly where: string;
  private readonly key: [number, number];
  private closed = false;
  /** Runs first in every transaction: bounds lock waits and stalled writers (see the options). */
  private readonly begin: string;

  private constructor(private readonly pool: pg.Pool, private readonly table: string, url: string, lockTimeoutMs: number, stalledWriterMs: number) {
    this.begin = `BEGIN; SET LOCAL lock_timeout = ${lockTimeoutMs}; SET LOCAL idle_in_transaction_session_timeout = ${stalledWriterMs}`;
    this.where = `PostgreSQL ${redactUrl(url)} (table ${table})`;
    this.key = journalLockKey(table);
  }

  /**
   * Connects to `url` (`postgres://user[:password]@host[:port]/database[?sslmode=...]`) and
   * creates the journal table if missing. A server that cannot be reached is one StorageError
   * naming the URL without its password.
   */
  static async connect(url: string, options: PostgresBackendOptions = {}): Promise<PostgresBackend> {
    const table = options.table ?? 'whittle_journal';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) {
      throw new UsageError(`PostgreSQL journal table must be a lower-case SQL identifier (letters, digits, _), got '${table}'`);
    }
    const poolSize = options.poolSize ?? 2;
    const lockTimeoutMs = options.lockTimeoutMs ?? 120_000;
    const stalledWriterMs = options.stalledWriterMs ?? 30_000;
    for (const [k, v] of [['poolSize', poolSize], ['lockTimeoutMs', lockTimeoutMs], ['stalledWriterMs', stalledWriterMs]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) throw new UsageError(`PostgreSQL option ${k} must be a positive integer, got ${v}`);
    }
    const pool = new pg.Pool({
      connectionString: url, max: poolSize, connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 10_000, allowExitOnIdle: true, keepAlive: true,
    });
    // An idle connection the server drops must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const backend = new PostgresBackend(pool, table, url, lockTimeoutMs, stalledWriterMs);
    try {
      await backend.transaction(async (c) => {
        // CREATE TABLE IF NOT EXISTS races with itself (duplicate pg_type rows): serialize it too.
        await c.query('SELECT pg_advisory_xact_lock($1, $2)', backend.key);
        await c.query(`CREATE TABLE IF NOT EXISTS ${table} (
          seq bigint PRIMARY KEY, op json NOT NULL, written_at timestamptz NOT NULL DEFAULT now())`);
      });
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return backend;
  }

  private fail(doing: string, e: unknown): StorageError {
    if (e instanceof StorageError) return e;
    const msg = e instanceof AggregateError && e.errors.length > 0 ? (e.errors[0] as Error).message : (e as Error).message;
    return new StorageError(`cannot ${doing} ${this.where}: ${msg || String(e)}`, { cause: e });
  }

  private async transaction<T>(body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) throw new StorageError(`${this.where} is closed`);
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw this.fail('connect to', e);
    }
    // A connection the server ends mid-transaction (a stalled writer, see stalledWriterMs) emits
    // 'error' on the client; the pending or next query rejects with it, which is reported below.
    const ignore = (): void => undefined;
    client.on('error', ignore);
    let broken: unknown;
    try {
      await client.query(this.begin);
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (e) {
      broken = e;
      await client.query('ROLLBACK').catch(() => undefined);
      throw this.fail('write to', e);
    } finally {
      client.off('error', ignore);
      client.release(broken !== undefined); // a failed transaction's connection is dropped, not reused
    }
  }

  /** Appends `ops` as rows with consecutive seq under the table's advisory lock; returns the first seq. */
  async append(ops: readonly JournalOp[]): Promise<number> {
    const lines = ops.map((op) => JSON.stringify(op));
    return this.transaction(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1, $2)', this.key);
      const r = await c.query<{ next: string }>(`SELECT coalesce(max(seq) + 1, 0)::text AS next FROM ${this.table}`);
      const first = Number(r.rows[0]!.next);
      if (lines.length > 0) {
        await c.query(
          `INSERT INTO ${this.table} (seq, op) SELECT $1::bigint + u.i - 1, u.o::json FROM unnest($2::text[]) WITH ORDINALITY AS u(o, i)`,
          [first, lines],
        );
      }
      return first;
    });
  }

  /** Rows with seq >= `from`, in seq order (a gap in seq is reported: rows were deleted). */
  async read(from: number): Promise<readonly JournalOp[]> {
    if (!(Number.isInteger(from) && from >= 0)) throw new StorageError(`read(from) needs a non-negative integer index, got ${from}`);
    if (this.closed) throw new StorageError(`${this.where} is closed`);
    let rows: { n: string; op: string }[];
    try {
      rows = (await this.pool.query<{ n: string; op: string }>(
        // (Aliased n: "ORDER BY seq" would sort the text alias, '10' before '2'.)
        `SELECT seq::text AS n, op::text AS op FROM ${this.table} WHERE seq >= $1 ORDER BY seq`, [from])).rows;
    } catch (e) {
      throw this.fail('read from', e);
    }
    return rows.map((row, i) => {
      if (Number(row.n) !== from + i) throw new StorageError(`${this.where}: the journal has a gap at seq ${from + i} (rows were deleted)`);
      return parseRow(row.op, row.n, this.where);
    });
  }

  /** Ends the connection pool. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }
}

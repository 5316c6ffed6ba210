/** Shared pieces of the storage tests: child workers, temp folders, the test PostgreSQL server. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { WorkerTask } from './worker.js';

const HERE = dirname(fileURLToPath(import.meta.url));
/** dist/test/tune/storage/worker.js. */
export const WORKER = join(HERE, 'worker.js');
/** The repository root (dist/test/tune/storage is four levels down). */
export const ROOT = join(HERE, '..', '..', '..', '..');

/** A fresh temp folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'whittle-storage-'));
}

/** A worker process: its pid, a promise of its exit, and a promise of each stdout JSON line. */
export interface Child {
  readonly process: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
  /** Resolves with the first stdout JSON line that `match` accepts. */
  line(match: (v: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** Starts `node worker.js '<task>'`. */
export function startChild(task: WorkerTask): Child {
  const child = spawn(process.execPath, [WORKER, JSON.stringify(task)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { match: (v: Record<string, unknown>) => boolean; resolve: (v: Record<string, unknown>) => void }[] = [];
  const lines: Record<string, unknown>[] = [];
  child.stdout!.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    let nl: number;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const v = JSON.parse(stdout.slice(0, nl)) as Record<string, unknown>;
      stdout = stdout.slice(nl + 1);
      lines.push(v);
      for (const w of [...waiters]) if (w.match(v)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(v); }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    // 'close', not 'exit': only then has all of its stdout arrived.
    child.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
  return {
    process: child,
    exited,
    line(match) {
      const seen = lines.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve });
        void exited.then((e) => reject(new Error(`worker exited (${e.code ?? e.signal}) before the expected line: ${e.stderr}`)));
      });
    },
  };
}

/** Runs a worker to its end and returns its result line; a failed worker rejects with its stderr. */
export async function runChild<T>(task: WorkerTask): Promise<T> {
  const child = startChild(task);
  const result = child.line(() => true);
  result.catch(() => undefined); // a failed worker is reported below, with its stderr
  const e = await child.exited;
  if (e.code !== 0) throw new Error(`worker ${task.task} exited with ${e.code ?? e.signal}: ${e.stderr}`);
  return (await result) as T;
}

/** Whether the PostgreSQL tests are switched off (only by WHITTLE_SKIP_POSTGRES=1, and then loudly). */
export function postgresSkip(): string | false {
  if (process.env.WHITTLE_SKIP_POSTGRES !== '1') return false;
  const why = 'WHITTLE_SKIP_POSTGRES=1: the PostgreSQL storage tests are SKIPPED';
  process.stderr.write(`\n*** ${why} ***\n\n`);
  return why;
}

/** Starts the project's test server (scripts/postgres.sh start) and returns its URL. */
export function startPostgres(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', [join(ROOT, 'scripts', 'postgres.sh'), 'start'], { timeout: 300_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`scripts/postgres.sh start failed: ${stderr || err.message}`));
      else resolve(stdout.trim().split('\n').pop()!);
    });
  });
}

/** Creates an empty database next to the one in `url`; returns its URL and a function that drops it. */
export async function freshDatabase(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `whittle_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A fresh lower-case identifier, for tables and study names. */
export function freshName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

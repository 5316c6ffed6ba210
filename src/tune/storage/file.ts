/**
 * A study journal in one JSON Lines file: one {@link JournalOp} per line, appended by any number
 * of processes on one machine (the embedded default storage; Optuna's JournalFileStorage is the
 * model, https://optuna.readthedocs.io/en/stable/reference/generated/optuna.storages.JournalFileStorage.html).
 *
 * Appends are atomic and totally ordered: under an exclusive lock file (`FILE.lock`, see
 * {@link FileLock}) the writer reads what others appended since its last read (so it knows the
 * index its entries get), writes all its lines with one `write` on an O_APPEND descriptor,
 * `fdatasync`s (unless `fsync: false`) and releases the lock. Durability: with the default, an
 * append that returned survives a power loss; with `fsync: false` it survives a crash of the
 * process (the page cache has it) but maybe not of the machine.
 *
 * Reads take no lock: `read` reads only the bytes added since the last read (it keeps the byte
 * offset and index of every complete line) and ignores an incomplete final line, which is either
 * a write in progress or the torn tail of a writer that died mid-write. The next writer, holding
 * the lock, cuts such a tail off before appending: no reader ever counted it, so no index moves.
 * That is the only time bytes are removed; an existing journal is otherwise never truncated. A
 * complete line that is not a journal entry is corruption: {@link JournalFormatError} names the
 * file and line.
 */
import { closeSync, fdatasyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { JournalBackend, JournalOp } from '../types.js';
import { JournalFormatError, StorageError } from './errors.js';
import { FileLock } from './file-lock.js';

/** Options of {@link FileBackend}. */
export interface FileBackendOptions {
  /** fdatasync after every append, before the lock is released (default true). */
  readonly fsync?: boolean;
  /** How long an append waits for the lock, in ms (default 30,000). */
  readonly lockTimeoutMs?: number;
  /** A lock older than this (ms) is broken even if its holder seems alive (default 60,000). */
  readonly staleLockMs?: number;
}

const NEWLINE = 0x0a;

/** Parses line `lineNo` (1-based) of `file`; anything but a JSON object with string `op` and `study` is corruption. */
function parseLine(text: string, file: string, lineNo: number): JournalOp {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new JournalFormatError(`${file} line ${lineNo} is not a journal entry (invalid JSON: ${(e as Error).message}); the journal is corrupt`, { cause: e });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)
    || typeof (v as { op?: unknown }).op !== 'string' || typeof (v as { study?: unknown }).study !== 'string') {
    throw new JournalFormatError(`${file} line ${lineNo} is not a journal entry (expected a JSON object with string "op" and "study"); the journal is corrupt`);
  }
  return v as JournalOp;
}

/** A {@link JournalBackend} over one JSON Lines file shared by the processes of one machine. */
export class FileBackend implements JournalBackend {
  /** Absolute path of the journal. */
  readonly path: string;
  private readonly lockPath: string;
  private readonly fsync: boolean;
  private readonly lockTimeoutMs: number;
  private readonly staleLockMs: number;
  private fd: number | undefined;
  /** Byte offset of the start of every complete line seen so far (line i = entry i). */
  private readonly starts: number[] = [];
  /** Byte offset just past the last complete line seen. */
  private end = 0;
  /** Entries scanned but not yet returned by `read`: indices [freshBase, starts.length). */
  private fresh: JournalOp[] = [];
  private freshBase = 0;
  /** Appends of this instance, one at a time. */
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Opens (creating it and its folder if missing, never truncating) the journal at `path`.
   * Throws StorageError naming the file when it cannot be opened for reading and appending.
   */
  constructor(path: string, options: FileBackendOptions = {}) {
    this.path = resolve(path);
    this.lockPath = `${this.path}.lock`;
    this.fsync = options.fsync ?? true;
    this.lockTimeoutMs = options.lockTimeoutMs ?? 30_000;
    this.staleLockMs = options.staleLockMs ?? 60_000;
    for (const [k, v] of [['lockTimeoutMs', this.lockTimeoutMs], ['staleLockMs', this.staleLockMs]] as const) {
      if (!(Number.isFinite(v) && v > 0)) throw new StorageError(`FileBackend option ${k} must be a positive number of milliseconds, got ${v}`);
    }
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      this.fd = openSync(this.path, 'a+');
      if (!fstatSync(this.fd).isFile()) throw new Error('not a regular file');
    } catch (e) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new StorageError(`cannot open the study journal ${this.path}: ${(e as Error).message}`, { cause: e });
    }
  }

  private handle(): number {
    if (this.fd === undefined) throw new StorageError(`the study journal ${this.path} is closed`);
    return this.fd;
  }

  private readBytes(position: number, length: number): Buffer {
    const buf = Buffer.allocUnsafe(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.handle(), buf, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return buf.subarray(0, done);
  }

  /** Parses the complete lines of `buf` (which starts at byte `base`, line index `index`). */
  private lines(buf: Buffer, base: number, index: number, onLine: (start: number, op: JournalOp) => void): number {
    let from = 0;
    for (let nl = buf.indexOf(NEWLINE, from); nl >= 0; nl = buf.indexOf(NEWLINE, from)) {
      onLine(base + from, parseLine(buf.toString('utf8', from, nl), this.path, index + 1));
      index++;
      from = nl + 1;
    }
    return base + from;
  }

  /** Reads what was appended since the last scan; returns the file size (bytes past `end` are a torn or in-progress line). */
  private scan(): number {
    const size = fstatSync(this.handle()).size;
    if (size < this.end) {
      throw new StorageError(`the study journal ${this.path} shrank from ${this.end} to ${size} bytes: it was truncated or replaced while in use`);
    }
    if (size === this.end) return size;
    this.end = this.lines(this.readBytes(this.end, size - this.end), this.end, this.starts.length, (start, op) => {
      this.starts.push(start);
      this.fresh.push(op);
    });
    return size;
  }

  /** Entries [from, to) read again from disk (for a reader that asks for old entries). */
  private reread(from: number, to: number): JournalOp[] {
    const out: JournalOp[] = [];
    const endByte = to < this.starts.length ? this.starts[to]! : this.end;
    this.lines(this.readBytes(this.starts[from]!, endByte - this.starts[from]!), this.starts[from]!, from, (_s, op) => out.push(op));
    return out;
  }

  /** Entries with index >= `from`, in log order. */
  async read(from: number): Promise<readonly JournalOp[]> {
    if (!(Number.isInteger(from) && from >= 0)) throw new StorageError(`read(from) needs a non-negative integer index, got ${from}`);
    this.scan();
    const total = this.starts.length;
    let out: JournalOp[] = [];
    if (from < total) out = from >= this.freshBase ? this.fresh.slice(from - this.freshBase) : [...this.reread(from, this.freshBase), ...this.fresh];
    this.fresh = [];
    this.freshBase = total;
    return out;
  }

  /** Appends `ops` contiguously under the lock; returns the index of the first. */
  append(ops: readonly JournalOp[]): Promise<number> {
    const run = this.queue.then(() => this.appendLocked(ops));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async appendLocked(ops: readonly JournalOp[]): Promise<number> {
    this.handle();
    const payload = Buffer.from(ops.map((op) => `${JSON.stringify(op)}\n`).join(''), 'utf8');
    if (ops.length === 0) {
      this.scan();
      return this.starts.length;
    }
    const lock = await FileLock.acquire(this.lockPath, { timeoutMs: this.lockTimeoutMs, staleMs: this.staleLockMs });
    try {
      const fd = this.handle();
      // Everything past `end` is the torn tail of a dead writer: no writer is active but us.
      if (this.scan() > this.end) ftruncateSync(fd, this.end);
      const first = this.starts.length;
      let written = 0;
      try {
        written = writeSync(fd, payload);
        if (written !== payload.length) throw new Error(`short write (${written} of ${payload.length} bytes)`);
        if (this.fsync) fdatasyncSync(fd);
      } catch (e) {
        try { ftruncateSync(fd, this.end); } catch { /* the next writer cuts the torn tail off */ }
        throw new StorageError(`cannot append to the study journal ${this.path}: ${(e as Error).message}`, { cause: e });
      }
      this.end = this.lines(payload, this.end, first, (start, op) => {
        this.starts.push(start);
        this.fresh.push(op);
      });
      return first;
    } finally {
      lock.release();
    }
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await this.queue;
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * An exclusive lock between processes of one machine, as a lock file created with O_EXCL.
 *
 * The lock file holds `{pid, host, at, token}` of its holder. It is *stale* when its holder is a
 * process of this host that no longer exists (a worker killed while appending), or when it is
 * older than `staleMs` (a holder frozen for that long; appends hold the lock for milliseconds).
 * Breaking a stale lock is itself guarded by a second O_EXCL file, the *breaker*: under it the
 * lock is read again and removed only if it still holds the very contents judged stale (a random
 * token makes every lock's contents unique). So two processes that notice the same dead holder
 * cannot remove each other's fresh locks: a new lock can only appear after the stale one is
 * gone, and only one breaker at a time removes anything. Residual risks, documented rather than
 * solved: a holder that is alive but frozen longer than `staleMs` loses its lock (and may then
 * append concurrently with the next holder, each line still whole); a breaker that dies in the
 * microseconds between creating and removing the breaker file leaves it behind, and it is cleared
 * after {@link BREAKER_STALE_MS}; processes in different PID namespaces need different host names.
 * Locks on network file systems are not supported.
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { StorageError } from './errors.js';

/** A breaker file older than this is left over from a dead breaker and removed. */
export const BREAKER_STALE_MS = 5_000;
/** A lock file with no readable contents (holder died between create and write) is stale after this. */
const EMPTY_STALE_MS = 2_000;

/** How long to wait for a lock and when to break it. */
export interface LockOptions {
  /** Give up waiting after this many milliseconds (StorageError naming the holder). */
  readonly timeoutMs: number;
  /** A lock older than this is broken even when its holder seems alive. */
  readonly staleMs: number;
}

interface Holder { pid: number; host: string; at: number; token: string }

const HOST = hostname();

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | null)?.code;
}

/** True when process `pid` of this host exists (EPERM: it exists but belongs to someone else). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errno(e) === 'EPERM';
  }
}

function readHolder(path: string): { text: string; holder?: Holder; mtimeMs: number } | undefined {
  try {
    const mtimeMs = statSync(path).mtimeMs;
    const text = readFileSync(path, 'utf8');
    try {
      const h = JSON.parse(text) as Holder;
      if (typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string') return { text, holder: h, mtimeMs };
    } catch { /* empty or partial: judged by age */ }
    return { text, mtimeMs };
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw new StorageError(`cannot read the lock file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

function describe(path: string): string {
  const h = readHolder(path)?.holder;
  return h ? `held by pid ${h.pid} on ${h.host} since ${new Date(h.at).toISOString()}` : 'holder unknown';
}

/** Creates `path` exclusively; false when it exists. */
function createExclusive(path: string, contents: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (e) {
    if (errno(e) === 'EEXIST') return false;
    throw new StorageError(`cannot create the lock file ${path}: ${(e as Error).message}`, { cause: e });
  }
  try {
    writeSync(fd, contents);
  } finally {
    closeSync(fd);
  }
  return true;
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw new StorageError(`cannot remove ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/** Removes the lock at `path` when it is stale (see the module comment); true when it is gone. */
function breakIfStale(path: string, staleMs: number): boolean {
  const seen = readHolder(path);
  if (!seen) return true;
  const age = Date.now() - seen.mtimeMs;
  const h = seen.holder;
  const stale = h ? (h.host === HOST && !alive(h.pid)) || age > staleMs : age > EMPTY_STALE_MS;
  if (!stale) return false;
  const breaker = `${path}.break`;
  if (!createExclusive(breaker, `${process.pid}`)) {
    const b = readHolder(breaker);
    if (b && Date.now() - b.mtimeMs > BREAKER_STALE_MS) unlinkQuiet(breaker);
    return false;
  }
  try {
    const again = readHolder(path);
    if (!again) return true;
    if (again.text !== seen.text) return false;
    unlinkQuiet(path);
    return true;
  } finally {
    unlinkQuiet(breaker);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A held lock; {@link FileLock.release} removes it (only if it is still ours). */
export class FileLock {
  private constructor(readonly path: string, private readonly contents: string) {}

  /**
   * Waits for the lock at `path` (polling with jittered backoff up to 20 ms, without blocking the
   * event loop), breaking it when stale.
   */
  static async acquire(path: string, options: LockOptions): Promise<FileLock> {
    const holder: Holder = { pid: process.pid, host: HOST, at: Date.now(), token: randomBytes(8).toString('hex') };
    const deadline = Date.now() + options.timeoutMs;
    let delay = 1;
    for (;;) {
      holder.at = Date.now();
      const contents = JSON.stringify(holder);
      if (createExclusive(path, contents)) return new FileLock(path, contents);
      if (Date.now() <= deadline && breakIfStale(path, options.staleMs)) continue;
      if (Date.now() > deadline) {
        throw new StorageError(`timed out after ${options.timeoutMs} ms waiting for the lock ${path} (${describe(path)})`);
      }
      await sleep(delay * (0.5 + Math.random()));
      delay = Math.min(delay * 2, 20);
    }
  }

  /** Removes the lock file if it still holds this lock (it may have been broken as stale). */
  release(): void {
    const now = readHolder(this.path);
    if (now?.text === this.contents) unlinkQuiet(this.path);
  }
}

/**
 * The in-memory journal backend: the log is an array. Studies live as long as the process; any
 * number of `JournalStorage` instances (e.g. concurrent workers in one process) may share it.
 */
import type { JournalBackend, JournalOp } from '../types.js';

/** A {@link JournalBackend} that keeps the log in an array (appends are atomic: JS is single-threaded). */
export class MemoryBackend implements JournalBackend {
  readonly #log: JournalOp[] = [];

  /** Appends `ops` contiguously and returns the index of the first one. */
  async append(ops: readonly JournalOp[]): Promise<number> {
    const first = this.#log.length;
    // Store copies so later mutation of the caller's objects cannot rewrite history.
    for (const op of ops) this.#log.push(structuredClone(op) as JournalOp);
    return first;
  }

  /** The entries from index `from` to the end. */
  async read(from: number): Promise<readonly JournalOp[]> {
    return this.#log.slice(Math.max(0, from));
  }

  /** Nothing to release. */
  async close(): Promise<void> {}

  /** Number of entries in the log. */
  get length(): number {
    return this.#log.length;
  }
}

/**
 * Opening study storage from a URL (`--storage` on the command line) or a typed spec:
 * - `memory`: this process only, gone when it exits;
 * - `journal:PATH`, or a bare path ending in `.jsonl` / `.log`: a journal file shared by the
 *   processes of one machine ({@link FileBackend});
 * - `postgres://...` / `postgresql://...`: a PostgreSQL database shared by workers anywhere
 *   ({@link PostgresBackend}).
 */
import { UsageError } from '../../errors.js';
import type { JournalBackend } from '../types.js';
import { FileBackend, type FileBackendOptions } from './file.js';
import { JournalStorage } from './journal-storage.js';
import { MemoryBackend } from './memory.js';
import { PostgresBackend, redactUrl, type PostgresBackendOptions } from './postgres.js';

/** Where a study lives, as a typed alternative to a storage URL. */
export type StorageSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'journal'; readonly path: string; readonly options?: FileBackendOptions }
  | { readonly kind: 'postgres'; readonly url: string; readonly options?: PostgresBackendOptions };

/** The storage URL forms {@link parseStorageUrl} accepts, for messages and help. */
export const STORAGE_URL_FORMS = "'memory', 'journal:PATH' (or a PATH ending in .jsonl or .log), 'postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE'";

/** Turns a storage URL into a {@link StorageSpec}; anything else is a UsageError naming it and the accepted forms. */
export function parseStorageUrl(url: string): StorageSpec {
  if (typeof url !== 'string') throw new UsageError(`storage must be a URL string (${STORAGE_URL_FORMS}), got ${typeof url}`);
  const bad = (why: string): UsageError => new UsageError(`storage '${redactUrl(url)}' ${why}; expected ${STORAGE_URL_FORMS}`);
  if (url === 'memory') return { kind: 'memory' };
  if (url.startsWith('journal:')) {
    const path = url.slice('journal:'.length);
    if (path.length === 0) throw bad('names no file');
    return { kind: 'journal', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      throw bad('is not a valid URL');
    }
    if (host === '') throw bad('names no host');
    return { kind: 'postgres', url };
  }
  if (/\.(jsonl|log)$/.test(url) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return { kind: 'journal', path: url };
  throw bad('is not a storage URL');
}

/** Opens the backend of `spec` (a file is opened and created, a database connected and its table created). */
export async function openBackend(spec: StorageSpec): Promise<JournalBackend> {
  switch (spec.kind) {
    case 'memory': return new MemoryBackend();
    case 'journal': return new FileBackend(spec.path, spec.options);
    case 'postgres': return PostgresBackend.connect(spec.url, spec.options);
    default: throw new UsageError(`unknown storage kind ${JSON.stringify((spec as { kind?: unknown }).kind)}; expected 'memory', 'journal' or 'postgres'`);
  }
}

/**
 * Opens study storage from a URL ({@link STORAGE_URL_FORMS}) or a {@link StorageSpec}. Close it
 * with `storage.close()` when done (it ends the file handle or the connection pool).
 *
 * @example
 * const storage = await openStorage('journal:runs/study.jsonl');
 * const study = await createStudy({ name: 'lr-search', storage, loadIfExists: true });
 */
export async function openStorage(url: string | StorageSpec, options: { worker?: string } = {}): Promise<JournalStorage> {
  const spec = typeof url === 'string' ? parseStorageUrl(url) : url;
  return new JournalStorage(await openBackend(spec), options);
}

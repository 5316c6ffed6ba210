/**
 * Hyperparameter search: studies of define-by-run trials, samplers, pruners (early stopping),
 * journal storage shared by any number of workers, Pareto fronts and parameter importance.
 */
export * from './types.js';
export * from './distributions.js';
export * from './pareto.js';
export * from './importance.js';
export { Trial, TrialPruned, type TrialContext } from './trial.js';
export { Study, createStudy, loadStudy, type CreateStudyOptions, type TellResult } from './study.js';
export type { Objective, OptimizeCallback, OptimizeOptions, OptimizeResult } from './optimize.js';
export { JournalStorage, newWorkerId, type StudyInfo } from './storage/journal-storage.js';
export { MemoryBackend } from './storage/memory.js';
export { FileBackend, type FileBackendOptions } from './storage/file.js';
export { PostgresBackend, type PostgresBackendOptions } from './storage/postgres.js';
export { openBackend, openStorage, parseStorageUrl, STORAGE_URL_FORMS, type StorageSpec } from './storage/open.js';
export { JournalFormatError, StorageError } from './storage/errors.js';
export * from './samplers/index.js';
export * from './pruners/index.js';

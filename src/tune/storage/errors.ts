/** Errors of study storage (journal files and databases). */
import { ModelFormatError, WhittleError } from '../../errors.js';

/**
 * Storage could not be used: a journal file that cannot be opened or locked, a database that
 * cannot be reached, a journal that shrank under us. The message names the file or the URL
 * (never its password).
 */
export class StorageError extends WhittleError {}

/** A journal holds an entry that is not a journal operation (the message names the file and line). */
export class JournalFormatError extends ModelFormatError {}

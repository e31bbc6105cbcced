// Store failures as one error type whose message names the file and says what to do.

/**
 * refused: the request was refused before anything changed (the run is being written by another process, an
 * export target exists or is the database). readonly: the database is open read-only or cannot be written.
 */
export type StoreErrorCode = 'newer-schema' | 'corrupt' | 'readonly' | 'disk-full' | 'not-found' | 'io' | 'refused';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

/**
 * SQLite result codes (better-sqlite3 `SqliteError.code`) and Node fs error codes → StoreError. `action` names the
 * operation ("exporting a run to X"); `retry` says how to carry on once the disk has space again.
 */
export function toStoreError(e: unknown, file: string, action: string, retry = `then try ${action} again`): Error {
  if (e instanceof StoreError) return e;
  const code = typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : '';
  const detail = e instanceof Error ? e.message : String(e);
  // SQLITE_IOERR_SHMSIZE: the -shm file could not grow (a full tmpfs says so instead of SQLITE_FULL).
  if (code.startsWith('SQLITE_FULL') || code === 'SQLITE_IOERR_SHMSIZE' || code === 'ENOSPC')
    return new StoreError(
      'disk-full',
      `Disk full while ${action} in ${file}: this write was rolled back and everything stored before it is intact. Free disk space, ${retry}.`,
    );
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
    return new StoreError(
      'readonly',
      `Cannot write ${file} while ${action}: the file or its directory is read-only (${code}: ${detail}). ` +
        'Nothing was changed. Open it read-only to browse it, or fix the permissions (or copy it somewhere writable).',
    );
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB')
    return new StoreError(
      'corrupt',
      `${file} is not a Chaoslab database or is damaged (${code}: ${detail}) while ${action}. ` +
        'Nothing was changed. Move the file aside (Chaoslab then starts a new database) or restore it from a backup.',
    );
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
    return new Error(`${action} in ${file}: a step already stored for this run was logged again; call truncateAfter(step) before re-logging steps.`);
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return new StoreError('not-found', `No such run in ${file} while ${action}.`);
  if (code.startsWith('SQLITE_') || code.startsWith('E'))
    return new StoreError('io', `I/O error on ${file} while ${action} (${code}: ${detail}). Nothing was changed by the failed write.`);
  return e instanceof Error ? e : new Error(detail);
}

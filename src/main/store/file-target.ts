// Files the app writes on a user's request (run exports, figures): never over the open database or the files
// SQLite keeps beside it, never over an existing file without the user's say-so, never over anything but a
// regular file, and always through a temporary file renamed into place.
import { randomUUID } from 'node:crypto';
import { mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** The suffixes of the files that make up a live SQLite database. */
const DATABASE_FILES = ['', '-wal', '-shm', '-journal'];

/** The real path of `file`, or of its folder joined with its name when it does not exist yet. */
function realPath(file: string): string {
  const abs = resolve(file);
  try {
    return realpathSync(abs);
  } catch {
    try {
      return join(realpathSync(dirname(abs)), basename(abs));
    } catch {
      return abs;
    }
  }
}

/** True when writing `target` would write the database `database` (by path, by link or by sidecar file). */
export function isDatabaseFile(target: string, database: string): boolean {
  const t = realPath(target);
  const d = realPath(database);
  if (DATABASE_FILES.some((s) => t === d + s)) return true;
  try {
    const a = statSync(t);
    const b = statSync(d);
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** Null when `target` may be written, else why not (it names the file). */
export function targetProblem(target: string, database: string, overwrite: boolean): string | null {
  if (isDatabaseFile(target, database)) return `${target} is the open database ${database} (or one of its files)`;
  let st;
  try {
    st = statSync(target);
  } catch {
    return null;
  }
  if (!st.isFile()) return `${target} exists and is not a regular file`;
  if (!overwrite) return `${target} already exists (replace it with --force, or choose another name)`;
  return null;
}

/** Write `file` by writing a temporary file beside it and renaming that into place: `file` is never half-written. */
export function replaceFile(file: string, write: (tmp: string) => void): void {
  const tmp = join(dirname(file), `.${basename(file)}.${randomUUID().slice(0, 8)}.partial`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    write(tmp);
    renameSync(tmp, file);
  } catch (e) {
    for (const s of DATABASE_FILES) rmSync(tmp + s, { force: true });
    throw e;
  }
}

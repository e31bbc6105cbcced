// One run as a self-contained `.chaoslab` file (an SQLite database with the same schema, holding one run),
// and importing such a file. Rows are copied through JS so that either side may be read-only.
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { openSqlite } from './sqlite';
import { StoreError, toStoreError } from './errors';
import { APPLICATION_ID, RUN_TABLES, SCHEMA_VERSION, migrate, schemaVersion } from './schema';

function copyRun(from: Database.Database, to: Database.Database, id: string): void {
  // A file of an older schema lacks the tables added since; its run has nothing in them.
  const present = new Set(from.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
  for (const t of RUN_TABLES.filter((name) => present.has(name))) {
    let insert: Database.Statement | null = null;
    for (const row of from.prepare(`SELECT * FROM ${t} WHERE ${t === 'runs' ? 'id' : 'run_id'} = ?`).iterate(id) as Iterable<Record<string, unknown>>) {
      insert ??= to.prepare(
        `INSERT INTO ${t} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row)
          .map((k) => '@' + k)
          .join(', ')})`,
      );
      insert.run(row);
    }
  }
}

/** Writes to a temporary file next to `file` and renames it into place, so `file` is never half-written. */
export function exportRun(db: Database.Database, id: string, file: string): void {
  const tmp = `${file}.${process.pid}.partial`;
  mkdirSync(dirname(file), { recursive: true });
  rmSync(tmp, { force: true });
  let out: Database.Database | null = null;
  try {
    out = openSqlite(tmp);
    out.pragma('journal_mode = DELETE');
    migrate(out);
    out.transaction(() => copyRun(db, out!, id))();
    // A shared file carries no claim on a process of this machine.
    out.prepare('UPDATE runs SET pid = NULL, host = NULL, proc_start = NULL').run();
    out.close();
    renameSync(tmp, file);
  } catch (e) {
    out?.close();
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** Imports the run in `file`; a run whose id is already present is left as it is (duplicate: true). */
export function importRun(db: Database.Database, file: string): { id: string; duplicate: boolean } {
  if (!existsSync(file)) throw new StoreError('not-found', `No file ${file} to import.`);
  let src: Database.Database | null = null;
  let id: string;
  try {
    src = openSqlite(file, { readonly: true, fileMustExist: true });
    const version = schemaVersion(src);
    if (src.pragma('application_id', { simple: true }) !== APPLICATION_ID)
      throw new StoreError('corrupt', `${file} is not a .chaoslab export (no Chaoslab application id). Nothing was imported.`);
    if (version > SCHEMA_VERSION)
      throw new StoreError(
        'newer-schema',
        `${file} was exported by a newer Chaoslab (schema version ${version}; this version reads up to ${SCHEMA_VERSION}). Update Chaoslab to import it.`,
      );
    const check = src.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StoreError('corrupt', `${file} is damaged (quick_check: ${String(check)}). Nothing was imported.`);
    const ids = src.prepare('SELECT id FROM runs').pluck().all() as string[];
    if (ids.length !== 1) throw new StoreError('corrupt', `${file} holds ${ids.length} runs; a .chaoslab export holds exactly one. Nothing was imported.`);
    id = ids[0];
  } catch (e) {
    src?.close();
    throw toStoreError(e, file, 'reading the file to import');
  }
  try {
    if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return { id, duplicate: true };
    db.transaction(() => {
      copyRun(src!, db, id);
      db.prepare(`UPDATE runs SET status = 'interrupted', finished_at = coalesce(finished_at, heartbeat) WHERE id = ? AND status IN ('running', 'paused')`).run(
        id,
      );
    })();
    return { id, duplicate: false };
  } finally {
    src.close();
  }
}

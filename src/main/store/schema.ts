// Database schema and its migrations. PRAGMA user_version is the schema version; PRAGMA application_id marks
// the file as Chaoslab's. Series are stored as chunks of typed arrays (little-endian Int32 steps, Float64
// values); spectra as one row per step holding only the non-null eigenvalues (float64) plus the null count.
import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite';

/** 'CLAB' */
export const APPLICATION_ID = 0x434c4142;

const MIGRATIONS: string[] = [
  // v1
  `
  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    finished_at TEXT,
    config TEXT NOT NULL,
    seed INTEGER NOT NULL,
    model TEXT NOT NULL,
    dataset TEXT NOT NULL,
    app_version TEXT NOT NULL,
    backend TEXT NOT NULL,
    backend_notes TEXT NOT NULL,
    lapack TEXT NOT NULL,
    machine TEXT NOT NULL,
    n_params INTEGER NOT NULL,
    tags TEXT NOT NULL,
    notes TEXT NOT NULL,
    last_step INTEGER NOT NULL DEFAULT -1,
    error TEXT,
    pid INTEGER,
    host TEXT,
    proc_start TEXT,
    heartbeat TEXT
  );
  CREATE INDEX runs_created ON runs(created_at);
  CREATE TABLE series (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    first_step INTEGER NOT NULL,
    last_step INTEGER NOT NULL,
    count INTEGER NOT NULL,
    steps BLOB NOT NULL,
    vals BLOB NOT NULL,
    PRIMARY KEY (run_id, metric, first_step)
  );
  CREATE TABLE spectra (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    n INTEGER NOT NULL,
    null_count INTEGER NOT NULL,
    null_tol REAL NOT NULL,
    eigenvalues BLOB NOT NULL,
    PRIMARY KEY (run_id, step)
  );
  CREATE TABLE lyapunov (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    exponents BLOB NOT NULL,
    PRIMARY KEY (run_id, step)
  );
  CREATE TABLE replicas (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    distances BLOB NOT NULL,
    along_grad BLOB NOT NULL,
    along_top BLOB NOT NULL,
    PRIMARY KEY (run_id, step)
  );
  CREATE TABLE checkpoints (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (run_id, step)
  );
  CREATE TABLE checkpoint_blobs (
    run_id TEXT NOT NULL,
    step INTEGER NOT NULL,
    name TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, step, name),
    FOREIGN KEY (run_id, step) REFERENCES checkpoints(run_id, step) ON DELETE CASCADE
  );
  CREATE TABLE vectors (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    step INTEGER NOT NULL,
    k INTEGER NOT NULL,
    n INTEGER NOT NULL,
    vals BLOB NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (run_id, name, step)
  );
  CREATE TABLE results (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (run_id, name)
  );
  `,
  // v2: the number of steps a run is set to take (epochs × steps per epoch is only known once the data is loaded)
  `ALTER TABLE runs ADD COLUMN total_steps INTEGER;`,
  // v3: sweeps (src/main/sweep): a sweep's expanded runs, and the run each became once started (so rerunning continues)
  `
  CREATE TABLE sweeps (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE TABLE sweep_runs (
    sweep_id TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    name TEXT NOT NULL,
    stage TEXT NOT NULL,
    after_idx INTEGER,
    config TEXT NOT NULL,
    run_id TEXT UNIQUE REFERENCES runs(id) ON DELETE SET NULL,
    PRIMARY KEY (sweep_id, idx)
  );
  `,
  // v4 (issue 14, estimated spectra): spectra estimated from Hessian-vector products (spectrum.method 'lanczos'):
  // the Lanczos extremes with their residuals, and the SLQ density ± SE on a uniform grid (null without probes)
  `
  CREATE TABLE estimated_spectra (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    step INTEGER NOT NULL,
    n INTEGER NOT NULL,
    lanczos_steps INTEGER NOT NULL,
    null_tol REAL NOT NULL,
    top BLOB NOT NULL,
    top_residuals BLOB NOT NULL,
    bottom BLOB NOT NULL,
    bottom_residuals BLOB NOT NULL,
    probes INTEGER,
    slq_steps INTEGER,
    sigma REAL,
    count_tol REAL,
    grid_lo REAL,
    grid_hi REAL,
    density BLOB,
    density_se BLOB,
    PRIMARY KEY (run_id, step)
  );
  `,
  // v5 (views, issue 12): Compare views saved by name (runs, metrics, axes, smoothing, band as checked JSON)
  `CREATE TABLE compare_views (name TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Points per series chunk; the last chunk of a series stays open and grows until it holds this many. */
export const SERIES_CHUNK = 1024;

/** Tables holding one run's data, parents first (the order export and import copy them in). */
export const RUN_TABLES = [
  'runs',
  'series',
  'spectra',
  'lyapunov',
  'replicas',
  'checkpoints',
  'checkpoint_blobs',
  'vectors',
  'results',
  'estimated_spectra',
] as const;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring the schema to version `to` inside one IMMEDIATE transaction (safe against a concurrent opener). */
export function migrate(db: Database.Database, to = SCHEMA_VERSION): void {
  db.transaction(() => {
    const from = schemaVersion(db);
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (let v = from; v < to; v++) db.exec(MIGRATIONS[v]);
    if (from < to) db.pragma(`user_version = ${to}`);
  }).immediate();
}

export interface Column {
  name: string;
  /** Declared type: TEXT, INTEGER, REAL or BLOB. */
  type: string;
  notnull: boolean;
  /** Position in the primary key (1-based), 0 when not part of it. */
  pk: number;
}
/** One entry of sqlite_master: a table, an index or an automatic index. */
export interface SchemaEntry {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}
export interface ReferenceSchema {
  entries: SchemaEntry[];
  /** Columns of every table of the schema at that version, by table name. */
  columns: Record<string, Column[]>;
}

const references = new Map<number, ReferenceSchema>();

/**
 * The app's own schema at `version`, read back from an in-memory database built by the migrations: what a file
 * claiming that version must hold, entry for entry. Importing compares a file against it and reads the file
 * only through these names.
 */
export function referenceSchema(version: number): ReferenceSchema {
  if (!Number.isInteger(version) || version < 1 || version > SCHEMA_VERSION) throw new RangeError(`no schema version ${version}`);
  let ref = references.get(version);
  if (!ref) {
    const db = openSqlite(':memory:');
    try {
      migrate(db, version);
      const entries = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name').all() as SchemaEntry[];
      const columns: ReferenceSchema['columns'] = {};
      for (const t of entries.filter((e) => e.type === 'table').map((e) => e.name))
        columns[t] = (db.pragma(`table_info(${t})`) as { name: string; type: string; notnull: number; pk: number }[]).map((c) => ({
          name: c.name,
          type: c.type,
          notnull: c.notnull === 1,
          pk: c.pk,
        }));
      ref = { entries, columns };
      references.set(version, ref);
    } finally {
      db.close();
    }
  }
  return ref;
}

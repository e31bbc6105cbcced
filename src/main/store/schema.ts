// Database schema and its migrations. PRAGMA user_version is the schema version; PRAGMA application_id marks
// the file as Chaoslab's. Series are stored as chunks of typed arrays (little-endian Int32 steps, Float64
// values); spectra as one row per step holding only the non-null eigenvalues (float64) plus the null count.
import type Database from 'better-sqlite3';

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
  // v3 (views, issue 12): Compare views saved by name (runs, metrics, axes, smoothing, band as checked JSON)
  `CREATE TABLE compare_views (name TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);`,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Tables holding one run's data, parents first (the order export and import copy them in). */
export const RUN_TABLES = ['runs', 'series', 'spectra', 'lyapunov', 'replicas', 'checkpoints', 'checkpoint_blobs', 'vectors', 'results'] as const;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Bring the schema to SCHEMA_VERSION inside one IMMEDIATE transaction (safe against a concurrent opener). */
export function migrate(db: Database.Database): void {
  db.transaction(() => {
    const from = schemaVersion(db);
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (let v = from; v < SCHEMA_VERSION; v++) db.exec(MIGRATIONS[v]);
    if (from < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}

// A .chaoslab file is hostile input. Property-based fuzzing of import: mutate a valid export (tables and columns
// renamed, added or dropped, SQL in identifiers, wrong types, truncated blobs, huge counts, views and triggers, a
// second run, foreign rows, damaged bytes) and import it into a database holding two other runs. Every case must
// either be refused with a StoreError naming the file, leaving the target byte-for-byte the same in content, or
// be imported and read back without a crash while the other runs stay exactly as they were.
import Database from 'better-sqlite3';
import { createHash, type Hash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { RunEnvironment } from '../../../src/shared/frames';
import { RunStore, StoreError } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { RUN_TABLES } from '../../../src/main/store/schema';

const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: ['fuzz'], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 1200 };
const N = ENV.nParams;
type Table = (typeof RUN_TABLES)[number];

let dir: string;
let valid: string;
let target: RunStore;
let targetFile: string;

/** A run with every kind of data: two series chunks, spectra, exponents, replicas, checkpoints, vectors, results. */
function fill(store: RunStore, name: string, steps: number): string {
  const id = store.createRun({ ...DEFAULT_CONFIG, name, tags: ['fuzz'] }, ENV);
  const w = new RunWriter(store, id, { flushMs: 3_600_000 });
  for (let s = 0; s < steps; s++)
    w.step({
      metrics: { step: s, epoch: 0, wall: s / 100, values: { loss: 1 / (s + 1), acc: (s % 10) / 10 } },
      spectrum: s % 100 === 0 ? { step: s, n: N, eigenvalues: Float64Array.from({ length: 12 }, (_, i) => i - 3 + s), nullCount: N - 12, nullTol: 1e-9 } : null,
      lyapunov: s % 200 === 0 ? { step: s, exponents: Float64Array.from({ length: 4 }, (_, i) => -i / (s + 1)) } : null,
      replicas:
        s % 300 === 0 ? { step: s, distances: new Float64Array([s, s + 1]), alongGrad: new Float64Array([1, 2]), alongTop: new Float64Array([3, 4]) } : null,
    });
  w.checkpoint({ step: steps, state: { step: steps }, blobs: { theta: new Float64Array(N).fill(0.5), 'lyap.sums': new Float64Array(4) } });
  w.saveVectors('lyapunov', { step: steps, k: 2, n: N, values: new Float64Array([0.1, 0.2]), data: new Float64Array(2 * N).fill(0.25) });
  w.saveResult('divergence', { a: 1, b: 2 });
  w.finish('finished', null);
  return id;
}

/** Everything stored in the database, as one SHA-256 per run id (over the rows of every table, blobs included). */
function contents(file: string): Map<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const hashes = new Map<string, Hash>();
    for (const t of RUN_TABLES) {
      const key = t === 'runs' ? 'id' : 'run_id';
      for (const row of db.prepare(`SELECT * FROM ${t} ORDER BY ${key}, rowid`).iterate() as Iterable<Record<string, unknown>>) {
        const id = String(row[key]);
        let h = hashes.get(id);
        if (!h) hashes.set(id, (h = createHash('sha256')));
        h.update(t);
        for (const [k, v] of Object.entries(row)) h.update(`${k}=${Buffer.isBuffer(v) ? 'blob' : typeof v}:`).update(Buffer.isBuffer(v) ? v : String(v));
      }
    }
    return new Map([...hashes].map(([id, h]) => [id, h.digest('hex')]));
  } finally {
    db.close();
  }
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const columns = (db: Database.Database, t: string): string[] => (db.pragma(`table_info(${quote(t)})`) as { name: string }[]).map((c) => c.name);
const blobColumns: Partial<Record<Table, string[]>> = {
  series: ['steps', 'vals'],
  spectra: ['eigenvalues'],
  lyapunov: ['exponents'],
  replicas: ['distances', 'along_grad', 'along_top'],
  checkpoint_blobs: ['data'],
  vectors: ['vals', 'data'],
};
/** The SQL-injection column name of the issue: it closed the importer's column list and zeroed every stored value. */
const INJECTION =
  'vals) SELECT run_id, metric, first_step, last_step, count, steps, zeroblob(length(vals)) FROM series WHERE true ON CONFLICT DO UPDATE SET vals = excluded.vals --';
/** The same on runs: renamed and failed every run. */
const RUNS_INJECTION =
  'total_steps) SELECT id, name, status, created_at, finished_at, config, seed, model, dataset, app_version, backend, backend_notes, lapack, machine, ' +
  "n_params, tags, notes, last_step, error, pid, host, proc_start, heartbeat, total_steps FROM runs WHERE true ON CONFLICT DO UPDATE SET name = 'pwned', status = 'failed' --";

type Mutation =
  | { kind: 'renameTable'; table: Table; name: string }
  | { kind: 'addTable'; name: string; cols: string[] }
  | { kind: 'dropTable'; table: Table }
  | { kind: 'renameColumn'; table: Table; col: number; name: string }
  | { kind: 'addColumn'; table: Table; name: string; type: string }
  | { kind: 'dropColumn'; table: Table; col: number }
  | { kind: 'setValue'; table: Table; col: number; row: number; value: unknown }
  | { kind: 'truncateBlob'; table: Table; row: number; keep: number }
  | { kind: 'hugeCount'; table: 'series' | 'spectra' | 'vectors' | 'runs'; col: string; value: number }
  | { kind: 'object'; sql: string }
  | { kind: 'config'; text: string }
  | { kind: 'secondRun'; id: string }
  | { kind: 'foreignRow'; table: Table; id: string }
  | { kind: 'pragma'; name: 'application_id' | 'user_version'; value: number }
  | { kind: 'reverseSteps'; row: number }
  | { kind: 'flipBytes'; at: number[] };

const table = fc.constantFrom(...RUN_TABLES);
/** Identifiers as an attacker writes them: SQL fragments, quotes, control characters, names of real things. */
const ident = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(INJECTION, RUNS_INJECTION, 'runs', 'series', 'id', 'run_id', 'vals', '"; DROP TABLE runs; --', 'x\u202eevil', 'a\nb', ''),
);
const value = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(2 ** 31, 2 ** 53, -1, 1e15, null, '{}', '[]', 'null'),
  fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
);
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('renameTable' as const), table, name: ident }),
  fc.record({ kind: fc.constant('addTable' as const), name: ident, cols: fc.array(ident, { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('dropTable' as const), table }),
  fc.record({ kind: fc.constant('renameColumn' as const), table, col: fc.nat(30), name: ident }),
  fc.record({
    kind: fc.constant('addColumn' as const),
    table,
    name: ident,
    type: fc.constantFrom('TEXT', 'INTEGER', 'BLOB', 'REAL', '', 'TEXT NOT NULL DEFAULT 1'),
  }),
  fc.record({ kind: fc.constant('dropColumn' as const), table, col: fc.nat(30) }),
  fc.record({ kind: fc.constant('setValue' as const), table, col: fc.nat(30), row: fc.nat(40), value }),
  fc.record({ kind: fc.constant('truncateBlob' as const), table, row: fc.nat(40), keep: fc.nat(64) }),
  fc.record({
    kind: fc.constant('hugeCount' as const),
    table: fc.constantFrom('series' as const, 'spectra' as const, 'vectors' as const, 'runs' as const),
    col: fc.constantFrom('count', 'n', 'k', 'null_count', 'last_step', 'first_step', 'step', 'n_params', 'total_steps'),
    value: fc.constantFrom(2 ** 31, 2 ** 31 - 1, 2 ** 40, 2 ** 53, -1, 0, 1e15, -(2 ** 31)),
  }),
  fc.record({
    kind: fc.constant('object' as const),
    sql: fc.constantFrom(
      'CREATE VIEW v AS SELECT * FROM runs',
      "CREATE TRIGGER t AFTER INSERT ON series BEGIN UPDATE runs SET name = 'pwned'; END",
      'CREATE INDEX series_vals ON series(vals)',
      'CREATE INDEX runs_created2 ON runs(created_at)',
      'DROP INDEX runs_created',
      'CREATE TABLE sqlite_stat1 (tbl, idx, stat)',
      'ANALYZE',
    ),
  }),
  fc.record({
    kind: fc.constant('config' as const),
    text: fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('{', 'null', '[]', '{"train":{"lr":-1}}', '{"model":{"kind":"cnn","baseChannels":64}}', '{"train":{"lr":0.5}}', '{"bogus":1}'),
    ),
  }),
  fc.record({ kind: fc.constant('secondRun' as const), id: fc.constantFrom('second-run', 'x'.repeat(65), "'; --") }),
  fc.record({ kind: fc.constant('foreignRow' as const), table: fc.constantFrom(...RUN_TABLES.filter((t) => t !== 'runs')), id: fc.constantFrom('other', '') }),
  fc.record({ kind: fc.constant('pragma' as const), name: fc.constantFrom('application_id' as const, 'user_version' as const), value: fc.integer() }),
  fc.record({ kind: fc.constant('reverseSteps' as const), row: fc.nat(5) }),
  fc.record({ kind: fc.constant('flipBytes' as const), at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }) }),
);

/** Applies one mutation with a raw connection; false when SQLite itself refused it (the file is then unchanged by it). */
function apply(db: Database.Database, file: string, m: Mutation): boolean {
  const rowid = (t: string, k: number): number | undefined =>
    db
      .prepare(`SELECT rowid FROM ${quote(t)} LIMIT 1 OFFSET ?`)
      .pluck()
      .get(k) as number | undefined;
  try {
    switch (m.kind) {
      case 'renameTable':
        db.exec(`ALTER TABLE ${m.table} RENAME TO ${quote(m.name)}`);
        break;
      case 'addTable':
        db.exec(`CREATE TABLE ${quote(m.name)} (${m.cols.map(quote).join(', ')})`);
        break;
      case 'dropTable':
        db.exec(`DROP TABLE ${m.table}`);
        break;
      case 'renameColumn': {
        const cols = columns(db, m.table);
        db.exec(`ALTER TABLE ${m.table} RENAME COLUMN ${quote(cols[m.col % cols.length])} TO ${quote(m.name)}`);
        break;
      }
      case 'addColumn':
        db.exec(`ALTER TABLE ${m.table} ADD COLUMN ${quote(m.name)} ${m.type}`);
        break;
      case 'dropColumn': {
        // Rebuilt without the column (ALTER TABLE DROP COLUMN refuses key columns).
        const cols = columns(db, m.table);
        const keep = cols.filter((_, i) => i !== m.col % cols.length).map(quote);
        db.exec(`CREATE TABLE tmp_rebuild AS SELECT ${keep.join(', ')} FROM ${m.table}; DROP TABLE ${m.table}; ALTER TABLE tmp_rebuild RENAME TO ${m.table}`);
        break;
      }
      case 'setValue': {
        const cols = columns(db, m.table);
        const id = rowid(m.table, m.row % 3);
        if (id === undefined) return false;
        db.prepare(`UPDATE ${m.table} SET ${quote(cols[m.col % cols.length])} = ? WHERE rowid = ?`).run(m.value as never, id);
        break;
      }
      case 'truncateBlob': {
        const blobs = blobColumns[m.table];
        const id = rowid(m.table, m.row % 3);
        if (!blobs || id === undefined) return false;
        db.prepare(`UPDATE ${m.table} SET ${blobs[m.row % blobs.length]} = substr(${blobs[m.row % blobs.length]}, 1, ?) WHERE rowid = ?`).run(m.keep, id);
        break;
      }
      case 'hugeCount':
        if (!columns(db, m.table).includes(m.col)) return false;
        db.prepare(`UPDATE ${m.table} SET ${m.col} = ? WHERE rowid = (SELECT min(rowid) FROM ${m.table})`).run(m.value);
        break;
      case 'object':
        db.exec(m.sql);
        break;
      case 'config':
        db.prepare('UPDATE runs SET config = ?').run(m.text);
        break;
      case 'secondRun':
        db.prepare(
          'INSERT INTO runs SELECT ? AS id, name, status, created_at, finished_at, config, seed, model, dataset, app_version, backend, backend_notes, lapack, machine, n_params, tags, notes, last_step, error, pid, host, proc_start, heartbeat, total_steps FROM runs LIMIT 1',
        ).run(m.id);
        break;
      case 'foreignRow': {
        const id = rowid(m.table, 0);
        if (id === undefined) return false;
        db.prepare(`UPDATE ${m.table} SET run_id = ? WHERE rowid = ?`).run(m.id, id);
        break;
      }
      case 'pragma':
        db.pragma(`${m.name} = ${m.value}`);
        break;
      case 'reverseSteps': {
        const r = db.prepare('SELECT rowid, steps FROM series LIMIT 1 OFFSET ?').get(m.row % 4) as { rowid: number; steps: Buffer } | undefined;
        if (!r || r.steps.length < 8) return false;
        const s = Buffer.from(r.steps);
        for (let i = 0; i < s.length / 4; i++) s.writeInt32LE(r.steps.readInt32LE(s.length - 4 - 4 * i), 4 * i);
        db.prepare('UPDATE series SET steps = ? WHERE rowid = ?').run(s, r.rowid);
        break;
      }
      case 'flipBytes': {
        db.close();
        const bytes = readFileSync(file);
        // Page 1 is left alone: its header damage is the 'pragma' mutations' job, here the b-trees are hit.
        for (const a of m.at) bytes[4096 + (a % Math.max(1, bytes.length - 4096))] ^= 0x5a;
        writeFileSync(file, bytes);
        break;
      }
    }
    return true;
  } catch {
    return false;
  }
}

/** Every read a user can do on an imported run: must succeed or fail with a StoreError naming the run. */
function readBack(store: RunStore, id: string): void {
  const rec = store.get(id);
  store.list();
  for (const m of rec.series) store.readSeries(id, m);
  store.readSpectra(id);
  store.readLyapunov(id);
  store.readReplicas(id);
  store.latestCheckpoint(id);
  store.loadVectors(id, 'lyapunov');
  store.loadResult(id, 'divergence');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaoslab-fuzz-'));
  const src = RunStore.open(join(dir, 'src.db'));
  const id = fill(src, 'exported', 1100);
  valid = join(dir, 'valid.chaoslab');
  src.exportRun(id, valid);
  src.close();
  targetFile = join(dir, 'target.db');
  target = RunStore.open(targetFile);
  fill(target, 'precious one', 1100);
  fill(target, 'precious two', 300);
});
afterAll(() => {
  target?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('importing a hostile .chaoslab file', () => {
  it('refuses the issue’s SQL in a column name of series or runs, and no stored value changes', () => {
    const before = contents(targetFile);
    for (const [t, col] of [
      ['series', 'vals'],
      ['runs', 'total_steps'],
    ] as const) {
      const file = join(dir, `injected-${t}.chaoslab`);
      copyFileSync(valid, file);
      const db = new Database(file);
      db.exec(`ALTER TABLE ${t} RENAME COLUMN ${col} TO ${quote(t === 'series' ? INJECTION : RUNS_INJECTION)}`);
      db.close();
      let error: unknown = null;
      try {
        target.importRun(file);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).message).toContain(file);
      expect((error as StoreError).message).toMatch(/not part of Chaoslab's schema.*Nothing was imported\.$/s);
      expect(contents(targetFile)).toEqual(before);
    }
  });

  it('imports the valid export, and refuses or safely imports hundreds of mutations of it; stored data never changes', () => {
    const before = contents(targetFile);
    const tally = { tried: 0, refused: 0, imported: 0, unchangedMutations: 0, dataChanged: 0 };
    // The unmutated file imports (so refusals below are the mutations' doing).
    const id = target.importRun(valid).id;
    readBack(target, id);
    target.delete(id);
    expect(contents(targetFile)).toEqual(before);
    let n = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const file = join(dir, `case-${n++}.chaoslab`);
        copyFileSync(valid, file);
        const db = new Database(file);
        let applied = 0;
        // Damaging bytes closes the file: it comes last.
        for (const m of [...ms].sort((a, b) => Number(a.kind === 'flipBytes') - Number(b.kind === 'flipBytes'))) if (apply(db, file, m)) applied++;
        if (db.open) db.close();
        tally.tried++;
        if (applied === 0) tally.unchangedMutations++;
        let imported: { id: string; duplicate: boolean } | null = null;
        try {
          imported = target.importRun(file);
        } catch (e) {
          // Refused cleanly: a StoreError that names the file.
          expect(e, String(e)).toBeInstanceOf(StoreError);
          expect((e as StoreError).message).toContain(file);
          tally.refused++;
        }
        const after = contents(targetFile);
        if (imported && !imported.duplicate) {
          tally.imported++;
          try {
            readBack(target, imported.id);
          } catch (e) {
            expect(e, String(e)).toBeInstanceOf(StoreError);
            expect((e as StoreError).message).toContain(imported.id);
          }
          after.delete(imported.id);
          target.delete(imported.id);
        }
        if (JSON.stringify([...after]) !== JSON.stringify([...before])) tally.dataChanged++;
        expect(after).toEqual(before);
        rmSync(file, { force: true });
      }),
      { numRuns: 400 },
    );
    console.log(`import fuzz: ${JSON.stringify(tally)}`);
    expect(tally.tried).toBe(400);
    expect(tally.dataChanged).toBe(0);
    expect(tally.refused + tally.imported).toBe(tally.tried);
    // Most mutations break the schema or a row; the few that imported were benign (a valid config change, …).
    expect(tally.refused).toBeGreaterThan(tally.tried * 0.6);
    expect(contents(targetFile)).toEqual(before);
  });
});

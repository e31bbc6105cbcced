// One run as a self-contained `.chaoslab` file (an SQLite database with the app's schema, holding one run), and
// importing such a file. People e-mail these files to each other, so the importer treats them as hostile: it
// reads a file only through the app's own schema (table and column names from referenceSchema, never names found
// in the file), checks every row before anything is written, and writes in one IMMEDIATE transaction, so that a
// refused file changes nothing in the target database. Rows are copied through JS so that either side may be
// read-only.
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { formatErrors, validateConfig } from '../../shared/config';
import { RUN_STATUSES, type RunStatus } from '../../shared/frames';
import { isRunId } from '../../shared/records';
import { textLimitErrors } from '../../shared/limits';
import { printable } from '../../shared/printable';
import { modelSpec } from '../engine/models/spec';
import { StoreError } from './errors';
import { replaceFile, targetProblem } from './file-target';
import { STEP_MAX, blobProblem, chunkProblem, isStep, jsonProblem, spectrumProblem, vectorsProblem } from './row-checks';
import { APPLICATION_ID, RUN_TABLES, SCHEMA_VERSION, migrate, referenceSchema, schemaVersion, type Column, type ReferenceSchema } from './schema';
import { openSqlite } from './sqlite';

type Table = (typeof RUN_TABLES)[number];
type Row = Record<string, unknown>;

/** Longest text accepted in any column (configs, error messages, machine facts). */
const TEXT_MAX = 1 << 20;
/** Names of series, checkpoint blobs, saved vectors and results. */
const KEY = /^[A-Za-z0-9_.:-]{1,64}$/;
/** Checkpoint blobs that hold one value per parameter (experiment.ts). */
const PER_PARAMETER_BLOB = /^(theta|buf|prevGrad|replica\d+\.(theta|buf))$/;

/** The run tables of the schema version `ref` describes (a file of an older version lacks those added since; its run has nothing in them). */
const tablesOf = (ref: ReferenceSchema): Table[] => RUN_TABLES.filter((t) => t in ref.columns);
const columnsOf = (ref: ReferenceSchema, t: Table): string[] => ref.columns[t].map((c) => c.name);
const keyOf = (ref: ReferenceSchema, t: Table): string[] =>
  ref.columns[t]
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);

/** Copy run `id` from `from` to `to`, table by table in RUN_TABLES order, through the columns of `ref`. */
function copyRows(from: Database.Database, to: Database.Database, ref: ReferenceSchema, id: string, transform: (t: Table, r: Row) => Row): void {
  for (const t of tablesOf(ref)) {
    const cols = columnsOf(ref, t);
    const select = from.prepare(`SELECT ${cols.join(', ')} FROM ${t} WHERE ${t === 'runs' ? 'id' : 'run_id'} = ? ORDER BY ${keyOf(ref, t).join(', ')}`);
    const insert = to.prepare(`INSERT INTO ${t} (${cols.join(', ')}) VALUES (${cols.map((c) => '@' + c).join(', ')})`);
    for (const row of select.iterate(id) as Iterable<Row>) insert.run(transform(t, row));
  }
}

/**
 * Writes to a temporary file beside `file` and renames it into place, so `file` is never half-written. Refuses
 * the open database (and the files SQLite keeps beside it) and, unless `overwrite`, any existing file.
 */
export function exportRun(db: Database.Database, database: string, id: string, file: string, overwrite: boolean): void {
  const problem = targetProblem(file, database, overwrite);
  if (problem) throw new StoreError('refused', `${problem}: nothing was exported.`);
  const ref = referenceSchema(SCHEMA_VERSION);
  replaceFile(file, (tmp) => {
    const out = openSqlite(tmp);
    try {
      out.pragma('journal_mode = DELETE');
      migrate(out);
      // A shared file carries no claim on a process of this machine.
      const unclaimed = (t: Table, r: Row): Row => (t === 'runs' ? { ...r, pid: null, host: null, proc_start: null } : r);
      out.transaction(() => copyRows(db, out, ref, id, unclaimed))();
    } finally {
      out.close();
    }
  });
}

/** Refuses the file being imported: names the file and what is wrong, says nothing was imported. */
function refuse(file: string, what: string, code: 'corrupt' | 'newer-schema' = 'corrupt'): never {
  throw new StoreError(code, `${file} cannot be imported: ${what}. Nothing was imported.`);
}

const shown = (name: unknown): string => JSON.stringify(printable(String(name), 60));

/** The file's tables, indexes and columns must be exactly the app's own at the file's schema version. */
function checkSchema(src: Database.Database, file: string): ReferenceSchema {
  if (src.pragma('application_id', { simple: true }) !== APPLICATION_ID) refuse(file, 'it is not a .chaoslab export (no Chaoslab application id)');
  const version = schemaVersion(src);
  if (version > SCHEMA_VERSION)
    refuse(
      file,
      `it was exported by a newer Chaoslab (schema version ${version}; this version reads up to ${SCHEMA_VERSION}); update Chaoslab`,
      'newer-schema',
    );
  if (version < 1) refuse(file, `its schema version ${version} is not one Chaoslab ever wrote`);
  const check = src.pragma('quick_check', { simple: true });
  if (check !== 'ok') refuse(file, `it is damaged (SQLite quick_check: ${printable(String(check), 200)})`);
  const ref = referenceSchema(version);
  const expected = new Map(ref.entries.map((e) => [`${e.type} ${e.name}`, e]));
  const found = src.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master').all() as ReferenceSchema['entries'];
  for (const e of found) {
    const want = expected.get(`${e.type} ${e.name}`);
    if (!want) refuse(file, `it holds a ${shown(e.type)} named ${shown(e.name)}, which is not part of Chaoslab's schema`);
    if (e.type === 'table') checkColumns(src, file, want.name, ref.columns[want.name]);
    if (want.tbl_name !== e.tbl_name || want.sql !== e.sql) refuse(file, `the definition of ${e.type} ${shown(e.name)} differs from Chaoslab's`);
    expected.delete(`${e.type} ${e.name}`);
  }
  for (const e of expected.values()) refuse(file, `its ${e.type} ${shown(e.name)} is missing`);
  return ref;
}

function checkColumns(src: Database.Database, file: string, t: string, want: Column[]): void {
  // `t` is one of the app's table names here (checked against the reference), never a name taken from the file.
  const have = src.pragma(`table_info(${t})`) as { name: string; type: string; notnull: number; pk: number }[];
  const known = new Set(want.map((c) => c.name));
  for (const c of have) if (!known.has(c.name)) refuse(file, `table ${t} has a column ${shown(c.name)}, which is not part of Chaoslab's schema`);
  for (const w of want) {
    const c = have.find((x) => x.name === w.name);
    if (!c) refuse(file, `table ${t} lacks its column ${w.name}`);
    if (c.type !== w.type || (c.notnull === 1) !== w.notnull || c.pk !== w.pk) refuse(file, `column ${t}.${w.name} is not declared as in Chaoslab's schema`);
  }
}

/** Null when v has the declared type of column c (SQLite lets any column hold any type), else what is wrong. */
function typeProblem(c: Column, v: unknown): string | null {
  if (v === null) return c.notnull ? 'is empty' : null;
  switch (c.type) {
    case 'TEXT':
      return typeof v !== 'string' ? 'is not text' : v.length > TEXT_MAX ? `is longer than ${TEXT_MAX} characters` : null;
    case 'INTEGER':
      return typeof v === 'number' && Number.isInteger(v) ? null : 'is not an integer';
    case 'REAL':
      return typeof v === 'number' ? null : 'is not a number';
    default:
      return Buffer.isBuffer(v) ? null : 'is not a blob';
  }
}

/** What the checks of the run row leave for the checks of the other rows. */
interface RunFacts {
  id: string;
  /** The config as the validator returned it (JSON). */
  config: string;
  nParams: number;
  lastStep: number;
}

/**
 * Checks every row of the one run in the file and returns its id. Tables are read in RUN_TABLES order (parents
 * first) through the reference columns, sorted by primary key, so steps can be checked to increase.
 */
function checkContent(src: Database.Database, file: string, ref: ReferenceSchema): { id: string; config: string } {
  const runs = src.prepare('SELECT count(*) FROM runs').pluck().get() as number;
  if (runs !== 1) refuse(file, `it holds ${runs} runs; a .chaoslab export holds exactly one`);
  // Tables that hold no run's data (the sweeps of a library) are empty in an export.
  for (const t of Object.keys(ref.columns).filter((t) => !(RUN_TABLES as readonly string[]).includes(t)))
    if (src.prepare(`SELECT count(*) FROM ${t}`).pluck().get() !== 0) refuse(file, `its table ${t} is not empty; a .chaoslab export holds one run only`);
  let run: RunFacts | null = null;
  let maxStep = -1;
  const checkpointSteps = new Set<number>();
  /** Last step of the chunks of each series seen so far (rows come sorted by metric, first_step). */
  const seriesEnd = new Map<string, number>();
  for (const t of tablesOf(ref)) {
    const cols = ref.columns[t];
    const rows = src.prepare(`SELECT ${columnsOf(ref, t).join(', ')} FROM ${t} ORDER BY ${keyOf(ref, t).join(', ')}`).iterate() as Iterable<Row>;
    let i = 0;
    for (const r of rows) {
      const where = t === 'runs' ? 'the run' : `row ${i + 1} of ${t}`;
      for (const c of cols) {
        const p = typeProblem(c, r[c.name]);
        if (p) refuse(file, `${t}.${c.name} of ${where} ${p}`);
      }
      const bad = (what: string): never => refuse(file, `${where}: ${what}`);
      if (t === 'runs') {
        run = checkRun(r, bad);
        i++;
        continue;
      }
      const { id, nParams, lastStep } = run!;
      if (r.run_id !== id) bad('it belongs to another run than the one the file holds');
      if ('step' in r && (!isStep(r.step) || (r.step as number) > lastStep + 1)) bad(`step ${r.step} is outside 0…${lastStep + 1}`);
      const step = r.step as number;
      switch (t) {
        case 'series': {
          if (typeof r.metric !== 'string' || !KEY.test(r.metric)) bad('its metric name is not a plain name');
          const p = chunkProblem(r as never);
          if (p) bad(`series ${r.metric}: ${p}`);
          const first = r.first_step as number;
          if (first <= (seriesEnd.get(r.metric as string) ?? -1)) bad(`series ${r.metric}: its chunks overlap, are out of order or start below step 0`);
          seriesEnd.set(r.metric as string, r.last_step as number);
          maxStep = Math.max(maxStep, r.last_step as number);
          break;
        }
        case 'spectra': {
          const p = spectrumProblem(r as never, nParams);
          if (p) bad(p);
          if (!((r.null_tol as number) >= 0)) bad('its null tolerance is negative');
          maxStep = Math.max(maxStep, step);
          break;
        }
        case 'lyapunov': {
          const p = blobProblem(r.exponents, 8, null, 'exponents');
          if (p) bad(p);
          if ((r.exponents as Buffer).length > 16 * nParams) bad(`it holds more than 2n = ${2 * nParams} exponents`);
          maxStep = Math.max(maxStep, step);
          break;
        }
        case 'replicas': {
          const len = (r.distances as Buffer).length;
          const p = blobProblem(r.distances, 8, null, 'distances');
          if (p) bad(p);
          if ((r.along_grad as Buffer).length !== len || (r.along_top as Buffer).length !== len) bad('its three blobs differ in length');
          maxStep = Math.max(maxStep, step);
          break;
        }
        case 'checkpoints': {
          const p = jsonProblem(r.state, 'its state');
          if (p) bad(p);
          checkpointSteps.add(step);
          maxStep = Math.max(maxStep, step - 1);
          break;
        }
        case 'checkpoint_blobs': {
          if (!checkpointSteps.has(step)) bad(`it belongs to no checkpoint (step ${step})`);
          if (typeof r.name !== 'string' || !KEY.test(r.name)) bad('its name is not a plain name');
          const p = blobProblem(r.data, 8, PER_PARAMETER_BLOB.test(r.name as string) ? nParams : null, `blob ${r.name}`);
          if (p) bad(p);
          break;
        }
        case 'vectors': {
          if (typeof r.name !== 'string' || !KEY.test(r.name)) bad('its name is not a plain name');
          // With momentum the saved vectors live in (θ, b)-space: dimension 2n.
          const p = vectorsProblem(r as never, 2 * nParams);
          if (p) bad(p);
          break;
        }
        case 'estimated_spectra': {
          for (const name of ['top', 'top_residuals', 'bottom', 'bottom_residuals', 'density', 'density_se']) {
            const p = r[name] === null ? null : blobProblem(r[name], 8, null, name);
            if (p) bad(p);
          }
          const len = (name: string): number => (r[name] === null ? 0 : (r[name] as Buffer).length);
          if (len('top') !== len('top_residuals') || len('bottom') !== len('bottom_residuals') || len('density') !== len('density_se'))
            bad('its values and their residuals or standard errors differ in length');
          if (len('top') > 8 * nParams || len('bottom') > 8 * nParams) bad(`it holds more than n = ${nParams} extreme eigenvalues`);
          if (r.n !== nParams) bad(`its n ${r.n} is not the ${nParams} parameters of the run's model`);
          maxStep = Math.max(maxStep, step);
          break;
        }
        case 'results': {
          if (typeof r.name !== 'string' || !KEY.test(r.name)) bad('its name is not a plain name');
          const p = jsonProblem(r.value, 'its value');
          if (p) bad(p);
          break;
        }
      }
      i++;
    }
  }
  if (run!.lastStep !== maxStep) refuse(file, `the run's last step ${run!.lastStep} is not the last step stored for it (${maxStep})`);
  return { id: run!.id, config: run!.config };
}

function checkRun(r: Row, bad: (what: string) => never): RunFacts {
  if (!isRunId(r.id)) bad('its id is not a run id (1–64 letters, digits, _ or -)');
  if (!RUN_STATUSES.includes(r.status as RunStatus)) bad(`its status is not one of ${RUN_STATUSES.join(', ')}`);
  const json = (col: string): unknown => {
    const p = jsonProblem(r[col], col);
    if (p) bad(p);
    return JSON.parse(r[col] as string);
  };
  const v = validateConfig(json('config'));
  if (!v.ok) bad(`its config does not pass the config validator:\n${printable(formatErrors(v.errors), 2000)}`);
  const tags = json('tags');
  const limits = textLimitErrors({ name: r.name, tags, notes: r.notes });
  if (limits.length) bad(limits.map((e) => `${e.field} ${e.message}`).join('; '));
  const notes = json('backend_notes');
  if (!Array.isArray(notes) || notes.some((x) => typeof x !== 'string')) bad('backend_notes is not a list of strings');
  const nParams = modelSpec(v.config.model).n;
  if (r.n_params !== nParams) bad(`n_params ${r.n_params} is not the ${nParams} parameters of its model`);
  const lastStep = r.last_step as number;
  if (!(lastStep >= -1 && lastStep <= STEP_MAX)) bad(`its last step ${lastStep} is outside −1…${STEP_MAX}`);
  if (r.total_steps !== undefined && r.total_steps !== null && !isStep(r.total_steps)) bad(`its total step count ${r.total_steps} is outside 0…${STEP_MAX}`);
  return { id: r.id as string, config: JSON.stringify(v.config), nParams, lastStep };
}

/**
 * Imports the run in `file` into `db`; a run whose id is already present is left as it is (duplicate: true).
 * Every check runs before anything is written, on one read snapshot of the file; the rows are then copied from
 * that same snapshot in one IMMEDIATE transaction.
 */
export function importRun(db: Database.Database, file: string): { id: string; duplicate: boolean } {
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new StoreError('not-found', `No file ${file} to import.`);
  }
  // SQLite would block opening a FIFO, and a device is no export.
  if (!isFile) refuse(file, 'it is not a regular file');
  const src = openSqlite(file, { readonly: true, fileMustExist: true });
  try {
    let ref: ReferenceSchema;
    let run: { id: string; config: string };
    try {
      src.pragma('trusted_schema = OFF');
      src.pragma('cell_size_check = ON');
      src.exec('BEGIN');
      ref = checkSchema(src, file);
      run = checkContent(src, file, ref);
    } catch (e) {
      const code = String((e as { code?: unknown }).code);
      if (!code.startsWith('SQLITE_')) throw e;
      refuse(file, `SQLite cannot read it as a database (${code})`);
    }
    const { id } = run;
    if (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id)) return { id, duplicate: true };
    const adopt = (t: Table, r: Row): Row => {
      if (t !== 'runs') return r;
      const live = r.status === 'running' || r.status === 'paused';
      // The config as the validator read it; an imported run has no writer on this machine.
      return {
        ...r,
        config: run.config,
        status: live ? 'interrupted' : r.status,
        finished_at: live ? (r.finished_at ?? r.heartbeat) : r.finished_at,
        pid: null,
        host: null,
        proc_start: null,
      };
    };
    db.transaction(() => copyRows(src, db, ref, id, adopt)).immediate();
    return { id, duplicate: false };
  } finally {
    if (src.inTransaction) src.exec('COMMIT');
    src.close();
  }
}

// The run store: every run, its metric series, spectra, Lyapunov data, replica distances, checkpoints and
// results in one SQLite database (WAL, busy timeout, transactions for every multi-row write).
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { RunConfig } from '../../shared/config';
import type { EstimatedSpectrumFrame, LyapunovFrame, MetricFrame, ReplicaFrame, RunEnvironment, RunStatus, SpectrumFrame } from '../../shared/frames';
import { textLimitErrors } from '../../shared/limits';
import type { RunSummary, Series } from '../../shared/records';
import type { Checkpoint, SavedVectors } from '../engine/sink';
import { blobF64, blobI32, f64Blob, i32Blob } from './blob';
import { seriesCsv } from './csv';
import { StoreError, toStoreError } from './errors';
import { isDatabaseFile } from './file-target';
import { currentProcess, maybeAlive } from './process-identity';
import { blobProblem, chunkProblem, jsonProblem, spectrumProblem, vectorsProblem, type ChunkRow } from './row-checks';
import { APPLICATION_ID, SCHEMA_VERSION, SERIES_CHUNK, migrate, schemaVersion } from './schema';
import { openSqlite } from './sqlite';
import { SweepStore } from './sweep-store';
import { exportRun, importRun } from './transfer';

export { StoreError } from './errors';
export type { StoreErrorCode } from './errors';
export type { RunSummary, Series } from '../../shared/records';

export interface RunRecord extends RunSummary {
  config: RunConfig;
  env: RunEnvironment;
  /** Names of the stored metric series (including 'epoch' and 'wall', logged with every MetricFrame). */
  series: string[];
}

const KEEP_CHECKPOINTS = 3;
const LIVE_STATUSES = "('running', 'paused')";
const TERMINAL: readonly RunStatus[] = ['finished', 'cancelled', 'failed', 'diverged', 'interrupted'];

interface RunRow {
  id: string;
  name: string;
  status: RunStatus;
  created_at: string;
  finished_at: string | null;
  config: string;
  seed: number;
  model: string;
  dataset: string;
  app_version: string;
  backend: string;
  backend_notes: string;
  lapack: string;
  machine: string;
  n_params: number;
  /** Absent in a schema-v1 database opened read-only. */
  total_steps?: number | null;
  tags: string;
  notes: string;
  last_step: number;
  error: string | null;
}
/** A process writing a run, as the runs table records it. */
interface Writer {
  status: RunStatus;
  pid: number | null;
  host: string | null;
  start: string | null;
}
/** What a claim replaced, so that a claim that came to nothing can be given back (releaseClaim). */
export interface Claim {
  status: RunStatus;
  error: string | null;
  finishedAt: string | null;
}

interface EstimatedRow {
  step: number;
  n: number;
  lanczos_steps: number;
  null_tol: number;
  top: Buffer;
  top_residuals: Buffer;
  bottom: Buffer;
  bottom_residuals: Buffer;
  probes: number | null;
  slq_steps: number | null;
  sigma: number | null;
  count_tol: number | null;
  grid_lo: number | null;
  grid_hi: number | null;
  density: Buffer | null;
  density_se: Buffer | null;
}

const now = (): string => new Date().toISOString();

function modelLabel(m: RunConfig['model']): string {
  return m.kind === 'mlp' ? `mlp-${m.hidden}-${m.activation}` : `cnn-${m.baseChannels}x${m.blocks}-${m.activation}`;
}

/**
 * SQLite cannot open a WAL database in place when its -shm file is missing and cannot be created (read-only media,
 * a folder this user cannot write). With no -wal file all the data is in the main file: read a snapshot of it into
 * memory, switched to rollback-journal format (header bytes 18–19 = 1) because an in-memory image cannot use WAL.
 */
function openReadonly(path: string): Database.Database {
  const db = openSqlite(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('user_version');
    return db;
  } catch (e) {
    db.close();
    const code = String((e as { code?: unknown }).code);
    if (code !== 'SQLITE_CANTOPEN' && !code.startsWith('SQLITE_READONLY')) throw e;
    if (existsSync(`${path}-wal`))
      throw new StoreError(
        'readonly',
        `${path} cannot be opened where it is: it is read-only and its ${path}-wal file holds writes not yet merged into it. ` +
          'Nothing was changed. Copy the database together with its -wal file to a writable place and open the copy.',
      );
    const image = readFileSync(path);
    image[18] = image[19] = 1;
    return openSqlite(image, { readonly: true });
  }
}

/** Why the database at `path` (an existing file) cannot be written — its file, its folder or its file system — or null. */
function unwritable(path: string): string | null {
  const parts: [string, string][] = [
    [path, 'the file'],
    [dirname(path), 'its folder'],
    [`${path}-wal`, 'its -wal file'],
    [`${path}-shm`, 'its -shm file'],
  ];
  for (const [target, what] of parts) {
    try {
      accessSync(target, constants.W_OK);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' && target !== path) continue;
      return code === 'EROFS' ? 'its file system is mounted read-only' : `${what} is not writable (${code})`;
    }
  }
  return null;
}

/** The files SQLite may create beside a database. */
const SIDECARS = ['', '-wal', '-shm', '-journal'];
/** How to carry on after a disk-full error while a run was being written. */
const RESUME = 'then resume the run from its last checkpoint';

/** Refuses `doing` to run `id` by name while another live process writes it ("run 3f2a… is being written by process 1234 on this machine"). */
function refuseLiveWriter(id: string, w: Writer, doing: string): void {
  if (w.status !== 'running' && w.status !== 'paused') return;
  const me = currentProcess();
  if ((w.pid === me.pid && w.host === me.host) || !maybeAlive(w)) return;
  const where = w.host === me.host ? 'this machine' : `host ${w.host}`;
  throw new StoreError(
    'refused',
    `run ${id} is being written by process ${w.pid} on ${where}: stop it (or let it finish) before ${doing}. Nothing was changed.`,
  );
}

export class RunStore {
  private readonly stmts = new Map<string, Database.Statement>();
  /** Read-only stores cannot rewrite a dead writer's status: they report those runs as interrupted. */
  private readonly deadWriters = new Set<string>();
  /** The sweeps recorded in this database (sweep-store.ts). */
  readonly sweeps: SweepStore;

  private constructor(
    readonly file: string,
    private readonly db: Database.Database,
    /** Why the store is read-only ("its folder is not writable (EACCES)", "opened read-only"), null when writable. */
    readonly readonlyReason: string | null,
  ) {
    this.sweeps = new SweepStore(db, file, (id) => this.deadWriters.has(id));
  }

  get readonly(): boolean {
    return this.readonlyReason !== null;
  }

  static defaultPath(): string {
    const base = process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share');
    return join(base, 'chaoslab', 'chaoslab.db');
  }

  /**
   * Opens the database at `file`, creating it when absent. It opens read-only when asked (`readonly: true`) and by
   * itself when its file, its folder or its file system cannot be written (`readonlyReason` says which); a
   * read-only store reads everything and refuses every write by name. A writable open first runs SQLite's
   * quick_check (unless `verify: false`), so a damaged page is reported before anything new is written. A failed
   * open leaves no file behind that it created.
   */
  static open(file: string, opts: { readonly?: boolean; verify?: boolean } = {}): RunStore {
    const path = resolve(file);
    const existed = existsSync(path);
    const reason = opts.readonly ? 'opened read-only' : existed ? unwritable(path) : null;
    const ro = reason !== null;
    let db: Database.Database | null = null;
    try {
      if (ro && !existed) throw new StoreError('not-found', `No database at ${path}.`);
      if (!ro) {
        mkdirSync(dirname(path), { recursive: true });
        // SQLite would silently fall back to read-only; fail early and clearly instead.
        accessSync(dirname(path), constants.W_OK);
      }
      db = ro ? openReadonly(path) : openSqlite(path);
      db.pragma('busy_timeout = 5000');
      const version = schemaVersion(db);
      if (version > SCHEMA_VERSION)
        throw new StoreError(
          'newer-schema',
          `${path} was written by a newer Chaoslab (schema version ${version}; this version reads up to ${SCHEMA_VERSION}). ` +
            'Nothing was changed. Update Chaoslab to open it.',
        );
      const appId = db.pragma('application_id', { simple: true }) as number;
      const tables = db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() as number;
      if (appId !== APPLICATION_ID && (version > 0 || tables > 0))
        throw new StoreError('corrupt', `${path} is an SQLite database but not a Chaoslab one. Nothing was changed. Choose another file.`);
      if (ro) {
        // An older schema is read as it is (a read-only open cannot migrate); its missing columns read as null.
        if (version === 0) throw new StoreError('corrupt', `${path} is empty, not a Chaoslab database (opened read-only, so nothing was created).`);
      } else {
        if (version > 0 && (opts.verify ?? true)) {
          const check = db.pragma('quick_check', { simple: true });
          if (check !== 'ok')
            throw new StoreError(
              'corrupt',
              `${path} is damaged (SQLite quick_check: ${String(check).slice(0, 300)}). Nothing was written into it. ` +
                'Restore it from a backup, or open it read-only and export the runs that still read.',
            );
        }
        if (version === 0) db.pragma('auto_vacuum = INCREMENTAL');
        const mode = db.pragma('journal_mode = WAL', { simple: true });
        if (mode !== 'wal')
          throw new StoreError('io', `${path}: SQLite cannot use WAL mode here (journal_mode=${mode}); put the database on a local file system.`);
        // One fsync per commit is cheap at the runner's one flush per second, and keeps committed steps across power loss.
        db.pragma('synchronous = FULL');
        db.pragma(`journal_size_limit = ${32 * 1024 * 1024}`);
        migrate(db);
      }
      db.pragma('foreign_keys = ON');
      const store = new RunStore(path, db, reason);
      store.markDeadWriters();
      return store;
    } catch (e) {
      db?.close();
      if (!existed)
        for (const s of SIDECARS)
          try {
            rmSync(path + s, { force: true });
          } catch {
            // Nothing there to remove (its folder may not even be one).
          }
      throw toStoreError(e, path, 'opening the database');
    }
  }

  private q(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) this.stmts.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  /** Runs fn, turning failures into StoreErrors that name `file` (this database unless given) and the action. */
  private guard<T>(action: string, fn: () => T, opts: { file?: string; retry?: string } = {}): T {
    try {
      return fn();
    } catch (e) {
      throw toStoreError(e, opts.file ?? this.file, action, opts.retry);
    }
  }

  /** Refuses `action` by name when this store is read-only. */
  requireWritable(action: string): void {
    if (this.readonlyReason !== null)
      throw new StoreError('readonly', `${this.file} is open read-only (${this.readonlyReason}), so ${action} is refused. Nothing was changed.`);
  }

  private write<T>(action: string, fn: () => T, retry?: string): T {
    this.requireWritable(action);
    return this.guard(action, fn, { retry });
  }

  /**
   * Run fn in one transaction (nested calls become savepoints). It takes the write lock when it begins: a deferred
   * transaction that reads first fails at once with SQLITE_BUSY when another process writes (SQLite skips the busy
   * handler for a reader becoming a writer), whereas waiting for the lock here honours the busy timeout.
   */
  transaction<T>(fn: () => T): T {
    return this.write('writing run data', () => this.db.transaction(fn).immediate(), RESUME);
  }

  /** A damaged row of run `id`: the run is named, nothing is allocated from the damaged header. */
  private damaged(id: string, what: string): StoreError {
    return new StoreError('corrupt', `Run ${id} in ${this.file} is damaged: ${what}. Its other data may still be readable; export or delete the run.`);
  }

  /** JSON stored with run `id`, parsed; a damaged value fails naming the run. */
  private json(id: string, text: unknown, what: string): unknown {
    const p = jsonProblem(text, what);
    if (p) throw this.damaged(id, p);
    return JSON.parse(text as string);
  }

  /** Runs left 'running'/'paused' by a process that no longer exists become 'interrupted'. */
  private markDeadWriters(): void {
    const rows = this.q(`SELECT id, pid, host, proc_start AS start FROM runs WHERE status IN ${LIVE_STATUSES}`).all() as {
      id: string;
      pid: number | null;
      host: string | null;
      start: string | null;
    }[];
    const dead = rows.filter((r) => !maybeAlive(r));
    if (dead.length === 0) return;
    const report = (): void => dead.forEach((r) => this.deadWriters.add(r.id));
    if (this.readonly) return report();
    const mark = this.q(
      `UPDATE runs SET status = 'interrupted', finished_at = coalesce(heartbeat, ?), pid = NULL
       WHERE id = ? AND status IN ${LIVE_STATUSES} AND pid IS ?`,
    );
    try {
      this.db
        .transaction(() => {
          for (const r of dead) mark.run(now(), r.id, r.pid);
        })
        .immediate();
    } catch (e) {
      // A full disk or a long-held lock must not stop anyone from opening the database to read it.
      const code = String((e as { code?: unknown }).code);
      if (!code.startsWith('SQLITE_FULL') && !code.startsWith('SQLITE_BUSY')) throw e;
      report();
    }
  }

  /** Full id for an id or a unique id prefix. */
  private resolve(id: string): string {
    if (this.q('SELECT 1 FROM runs WHERE id = ?').get(id)) return id;
    const ids = this.q('SELECT id FROM runs WHERE substr(id, 1, length(@id)) = @id LIMIT 2').pluck().all({ id }) as string[];
    if (id.length > 0 && ids.length === 1) return ids[0];
    if (ids.length > 1) throw new StoreError('not-found', `Run id prefix '${id}' matches several runs in ${this.file}; give more of the id.`);
    throw new StoreError('not-found', `No run '${id}' in ${this.file}.`);
  }

  private writer(rid: string): Writer {
    return this.q('SELECT status, pid, host, proc_start AS start FROM runs WHERE id = ?').get(rid) as Writer;
  }

  /** Refuses `doing` by name while another live process writes run `id` (the claim itself checks again, atomically). */
  checkNotWritten(id: string, doing: string): void {
    this.guard('reading a run', () => {
      const rid = this.resolve(id);
      refuseLiveWriter(rid, this.writer(rid), doing);
    });
  }

  /** Heartbeat and last step of a run being written; also the check that the run exists. */
  private touch(id: string, step: number): void {
    if (this.q('UPDATE runs SET last_step = max(last_step, ?), heartbeat = ? WHERE id = ?').run(step, now(), id).changes === 0)
      throw new StoreError('not-found', `No run '${id}' in ${this.file}.`);
  }

  createRun(config: RunConfig, env: RunEnvironment): string {
    const limits = textLimitErrors(config);
    if (limits.length) throw new Error(limits.map((e) => `${e.field}: ${e.message}`).join('\n'));
    return this.write('creating a run', () => {
      const id = randomUUID();
      const me = currentProcess();
      const t = now();
      this.q(
        `INSERT INTO runs (id, name, status, created_at, config, seed, model, dataset, app_version, backend, backend_notes,
           lapack, machine, n_params, total_steps, tags, notes, pid, host, proc_start, heartbeat)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        id,
        config.name,
        t,
        JSON.stringify(config),
        config.seed,
        modelLabel(config.model),
        config.data.dataset,
        env.appVersion,
        env.backend,
        JSON.stringify(env.backendNotes),
        env.lapack,
        env.machine,
        env.nParams,
        env.totalSteps,
        JSON.stringify(config.tags),
        config.notes,
        me.pid,
        me.host,
        me.start,
        t,
      );
      return id;
    });
  }

  /**
   * Take over a run to resume it, in one IMMEDIATE transaction (of two racing claimers exactly one wins): refused by
   * name while another live process writes it. Returns what the claim replaced, for releaseClaim.
   */
  claimRun(id: string): Claim {
    return this.write(`claiming run ${id}`, () =>
      this.db
        .transaction((): Claim => {
          const rid = this.resolve(id);
          refuseLiveWriter(rid, this.writer(rid), 'continuing it');
          const prev = this.q('SELECT status, error, finished_at AS finishedAt FROM runs WHERE id = ?').get(rid) as Claim;
          const me = currentProcess();
          this.q(`UPDATE runs SET status = 'running', finished_at = NULL, error = NULL, pid = ?, host = ?, proc_start = ?, heartbeat = ? WHERE id = ?`).run(
            me.pid,
            me.host,
            me.start,
            now(),
            rid,
          );
          this.deadWriters.delete(rid);
          return prev;
        })
        .immediate(),
    );
  }

  /** Give back a claim of this process that came to nothing (the run never restarted): the run is as it was. */
  releaseClaim(id: string, prev: Claim): void {
    this.write(`releasing run ${id}`, () => {
      this.q(
        `UPDATE runs SET status = ?, error = ?, finished_at = ?, pid = NULL, host = NULL, proc_start = NULL
         WHERE id = ? AND status = 'running' AND pid = ?`,
      ).run(prev.status, prev.error, prev.finishedAt, this.resolve(id), currentProcess().pid);
    });
  }

  appendMetrics(id: string, frames: MetricFrame[]): void {
    if (frames.length === 0) return;
    const cols = new Map<string, { steps: number[]; vals: number[] }>();
    const add = (metric: string, step: number, v: number): void => {
      let c = cols.get(metric);
      if (!c) cols.set(metric, (c = { steps: [], vals: [] }));
      c.steps.push(step);
      c.vals.push(v);
    };
    let last = -1;
    for (const f of frames) {
      add('epoch', f.step, f.epoch);
      add('wall', f.step, f.wall);
      for (const [k, v] of Object.entries(f.values)) if (v !== undefined) add(k, f.step, v);
      last = Math.max(last, f.step);
    }
    this.write(
      'appending metrics',
      () =>
        this.db.transaction(() => {
          this.touch(id, last);
          for (const [metric, c] of cols) this.appendSeries(id, metric, c.steps, c.vals);
        })(),
      RESUME,
    );
  }

  /** Append points to a series: fill the open last chunk, then start new chunks of SERIES_CHUNK points. */
  private appendSeries(id: string, metric: string, steps: number[], vals: number[]): void {
    const tail = this.q('SELECT first_step, last_step, count, steps, vals FROM series WHERE run_id = ? AND metric = ? ORDER BY first_step DESC LIMIT 1').get(
      id,
      metric,
    ) as ChunkRow | undefined;
    let prev = tail ? tail.last_step : -Infinity;
    for (const s of steps) {
      if (!(s > prev))
        throw new Error(`Step ${s} of series '${metric}' of run ${id} is not after step ${prev} already logged (call truncateAfter before re-logging steps).`);
      prev = s;
    }
    const open = tail !== undefined && tail.count < SERIES_CHUNK ? tail.count : 0;
    const total = open + steps.length;
    const allSteps = new Int32Array(total);
    const allVals = new Float64Array(total);
    if (open) {
      allSteps.set(blobI32(tail!.steps));
      allVals.set(blobF64(tail!.vals));
    }
    allSteps.set(steps, open);
    allVals.set(vals, open);
    const put = this.q('INSERT OR REPLACE INTO series (run_id, metric, first_step, last_step, count, steps, vals) VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (let i = 0; i < total; i += SERIES_CHUNK) {
      const j = Math.min(total, i + SERIES_CHUNK);
      put.run(id, metric, allSteps[i], allSteps[j - 1], j - i, i32Blob(allSteps.subarray(i, j)), f64Blob(allVals.subarray(i, j)));
    }
  }

  /** Frames of one kind in one transaction, moving the run's heartbeat and last step along. */
  private appendFrames<F extends { step: number }>(id: string, what: string, frames: F[], sql: string, row: (f: F) => unknown[]): void {
    if (frames.length === 0) return;
    this.write(
      `appending ${what}`,
      () =>
        this.db.transaction(() => {
          this.touch(id, Math.max(...frames.map((f) => f.step)));
          const put = this.q(sql);
          for (const f of frames) put.run(id, ...row(f));
        })(),
      RESUME,
    );
  }

  appendSpectra(id: string, frames: SpectrumFrame[]): void {
    this.appendFrames(id, 'spectra', frames, 'INSERT INTO spectra (run_id, step, n, null_count, null_tol, eigenvalues) VALUES (?, ?, ?, ?, ?, ?)', (f) => [
      f.step,
      f.n,
      f.nullCount,
      f.nullTol,
      f64Blob(f.eigenvalues),
    ]);
  }

  appendEstimatedSpectra(id: string, frames: EstimatedSpectrumFrame[]): void {
    this.appendFrames(
      id,
      'estimated spectra',
      frames,
      `INSERT INTO estimated_spectra (run_id, step, n, lanczos_steps, null_tol, top, top_residuals, bottom, bottom_residuals,
         probes, slq_steps, sigma, count_tol, grid_lo, grid_hi, density, density_se)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      (f) => {
        const d = f.density;
        return [
          f.step,
          f.n,
          f.lanczosSteps,
          f.nullTol,
          f64Blob(f.top),
          f64Blob(f.topResiduals),
          f64Blob(f.bottom),
          f64Blob(f.bottomResiduals),
          d?.probes ?? null,
          d?.steps ?? null,
          d?.sigma ?? null,
          d?.countTol ?? null,
          d?.lo ?? null,
          d?.hi ?? null,
          d ? f64Blob(d.values) : null,
          d ? f64Blob(d.se) : null,
        ];
      },
    );
  }

  appendLyapunov(id: string, frames: LyapunovFrame[]): void {
    this.appendFrames(id, 'Lyapunov exponents', frames, 'INSERT INTO lyapunov (run_id, step, exponents) VALUES (?, ?, ?)', (f) => [
      f.step,
      f64Blob(f.exponents),
    ]);
  }

  appendReplicas(id: string, frames: ReplicaFrame[]): void {
    this.appendFrames(id, 'replica distances', frames, 'INSERT INTO replicas (run_id, step, distances, along_grad, along_top) VALUES (?, ?, ?, ?, ?)', (f) => [
      f.step,
      f64Blob(f.distances),
      f64Blob(f.alongGrad),
      f64Blob(f.alongTop),
    ]);
  }

  /** Store a checkpoint (replacing one at the same step) and keep only the latest KEEP_CHECKPOINTS. */
  saveCheckpoint(id: string, cp: Checkpoint): void {
    this.write(
      'saving a checkpoint',
      () =>
        this.db.transaction(() => {
          // A checkpoint at step s holds the state after steps 0…s−1: it logs nothing beyond step s−1.
          this.touch(id, cp.step - 1);
          this.q('DELETE FROM checkpoints WHERE run_id = ? AND step = ?').run(id, cp.step);
          this.q('INSERT INTO checkpoints (run_id, step, created_at, state) VALUES (?, ?, ?, ?)').run(id, cp.step, now(), JSON.stringify(cp.state ?? null));
          const put = this.q('INSERT INTO checkpoint_blobs (run_id, step, name, data) VALUES (?, ?, ?, ?)');
          for (const [name, a] of Object.entries(cp.blobs)) put.run(id, cp.step, name, f64Blob(a));
          this.q(
            'DELETE FROM checkpoints WHERE run_id = @id AND step NOT IN (SELECT step FROM checkpoints WHERE run_id = @id ORDER BY step DESC LIMIT @keep)',
          ).run({ id, keep: KEEP_CHECKPOINTS });
        })(),
      RESUME,
    );
  }

  /** The latest checkpoint, or the latest at or before `atOrBefore`. */
  latestCheckpoint(id: string, atOrBefore = Number.MAX_SAFE_INTEGER): Checkpoint | null {
    return this.guard('reading a checkpoint', () => {
      const rid = this.resolve(id);
      const row = this.q('SELECT step, state FROM checkpoints WHERE run_id = ? AND step <= ? ORDER BY step DESC LIMIT 1').get(rid, atOrBefore) as
        { step: number; state: string } | undefined;
      if (!row) return null;
      const blobs: Record<string, Float64Array> = {};
      for (const b of this.q('SELECT name, data FROM checkpoint_blobs WHERE run_id = ? AND step = ?').all(rid, row.step) as {
        name: string;
        data: Buffer;
      }[]) {
        const p = blobProblem(b.data, 8, null, `checkpoint blob ${b.name}`);
        if (p) throw this.damaged(rid, p);
        blobs[b.name] = blobF64(b.data);
      }
      return { step: row.step, state: this.json(rid, row.state, `the state of checkpoint ${row.step}`), blobs };
    });
  }

  /** Lyapunov vectors (k×n row-major in `data`) with their exponents (`values`, length k). */
  saveVectors(id: string, name: string, step: number, k: number, n: number, values: Float64Array, data: Float64Array): void {
    if (values.length !== k || data.length !== k * n)
      throw new Error(`saveVectors '${name}': expected ${k} values and ${k}×${n} = ${k * n} vector entries, got ${values.length} and ${data.length}.`);
    this.write(
      'saving Lyapunov vectors',
      () => {
        this.q('INSERT OR REPLACE INTO vectors (run_id, name, step, k, n, vals, data) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          this.resolve(id),
          name,
          step,
          k,
          n,
          f64Blob(values),
          f64Blob(data),
        );
      },
      RESUME,
    );
  }

  /** The vectors saved under `name` at `step`, or the latest ones when no step is given. */
  loadVectors(id: string, name: string, step?: number): SavedVectors | null {
    return this.guard('reading Lyapunov vectors', () => {
      const rid = this.resolve(id);
      const row = (
        step === undefined
          ? this.q('SELECT step, k, n, vals, data FROM vectors WHERE run_id = ? AND name = ? ORDER BY step DESC LIMIT 1').get(rid, name)
          : this.q('SELECT step, k, n, vals, data FROM vectors WHERE run_id = ? AND name = ? AND step = ?').get(rid, name, step)
      ) as { step: number; k: number; n: number; vals: Buffer; data: Buffer } | undefined;
      if (!row) return null;
      const p = vectorsProblem(row);
      if (p) throw this.damaged(rid, `vectors '${name}' of step ${row.step}: ${p}`);
      return { step: row.step, k: row.k, n: row.n, values: blobF64(row.vals), data: blobF64(row.data) };
    });
  }

  /** The steps at which vectors were saved under `name`, ascending. */
  vectorSteps(id: string, name: string): number[] {
    return this.guard(
      'reading Lyapunov vectors',
      () => this.q('SELECT step FROM vectors WHERE run_id = ? AND name = ? ORDER BY step').pluck().all(this.resolve(id), name) as number[],
    );
  }

  saveResult(id: string, name: string, value: unknown): void {
    this.write(
      'saving a result',
      () => {
        this.q('INSERT OR REPLACE INTO results (run_id, name, value) VALUES (?, ?, ?)').run(this.resolve(id), name, JSON.stringify(value ?? null));
      },
      RESUME,
    );
  }

  /** The stored JSON value, or undefined when no result of that name exists. */
  loadResult(id: string, name: string): unknown {
    return this.guard('reading a result', () => {
      const rid = this.resolve(id);
      const v = this.q('SELECT value FROM results WHERE run_id = ? AND name = ?').pluck().get(rid, name) as string | undefined;
      return v === undefined ? undefined : this.json(rid, v, `result '${name}'`);
    });
  }

  setStatus(id: string, status: RunStatus, error: string | null = null): void {
    this.write(
      'setting the run status',
      () => {
        const rid = this.resolve(id);
        this.q('UPDATE runs SET status = ?, error = ?, finished_at = ?, heartbeat = ? WHERE id = ?').run(
          status,
          error,
          TERMINAL.includes(status) ? now() : null,
          now(),
          rid,
        );
        this.deadWriters.delete(rid);
      },
      RESUME,
    );
  }

  /** A series chunk whose header matches its blobs; a damaged one fails naming the run. */
  private chunk<T extends ChunkRow>(rid: string, metric: string, r: T): T {
    const p = chunkProblem(r);
    if (p) throw this.damaged(rid, `the chunk of series '${metric}' from step ${r.first_step}: ${p}`);
    return r;
  }

  /** Drop everything logged after `step` (series points, spectra, Lyapunov, replicas, checkpoints, vectors). */
  truncateAfter(id: string, step: number): void {
    this.write(
      'truncating a run',
      () =>
        this.db.transaction(() => {
          const rid = this.resolve(id);
          this.q('DELETE FROM series WHERE run_id = ? AND first_step > ?').run(rid, step);
          const cut = this.q('SELECT metric, first_step, last_step, count, steps, vals FROM series WHERE run_id = ? AND last_step > ?').all(
            rid,
            step,
          ) as (ChunkRow & { metric: string })[];
          const put = this.q('UPDATE series SET last_step = ?, count = ?, steps = ?, vals = ? WHERE run_id = ? AND metric = ? AND first_step = ?');
          for (const c of cut) {
            const steps = blobI32(this.chunk(rid, c.metric, c).steps);
            let keep = 0;
            while (keep < steps.length && steps[keep] <= step) keep++;
            const vals = blobF64(c.vals).subarray(0, keep);
            put.run(steps[keep - 1], keep, i32Blob(steps.subarray(0, keep)), f64Blob(vals), rid, c.metric, c.first_step);
          }
          for (const t of ['spectra', 'estimated_spectra', 'lyapunov', 'replicas', 'checkpoints', 'vectors'])
            this.q(`DELETE FROM ${t} WHERE run_id = ? AND step > ?`).run(rid, step);
          this.q('UPDATE runs SET last_step = min(last_step, ?) WHERE id = ?').run(step, rid);
        })(),
      RESUME,
    );
  }

  update(id: string, patch: { name?: string; tags?: string[]; notes?: string }): void {
    const limits = textLimitErrors(patch);
    if (limits.length) throw new Error(`update: ${limits.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    this.write(`updating run ${id}`, () => {
      const rid = this.resolve(id);
      this.q('UPDATE runs SET name = coalesce(?, name), tags = coalesce(?, tags), notes = coalesce(?, notes) WHERE id = ?').run(
        patch.name ?? null,
        patch.tags ? JSON.stringify(patch.tags) : null,
        patch.notes ?? null,
        rid,
      );
    });
  }

  /** A run as the library lists it; a damaged tag list shows as an error on the run instead of hiding every run. */
  private summary(r: RunRow): RunSummary {
    const p = jsonProblem(r.tags, 'its tag list');
    const tags: unknown = p ? [] : JSON.parse(r.tags);
    const ok = Array.isArray(tags) && tags.every((t) => typeof t === 'string');
    return {
      id: r.id,
      name: r.name,
      status: this.deadWriters.has(r.id) ? 'interrupted' : r.status,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      model: r.model,
      dataset: r.dataset,
      seed: r.seed,
      tags: ok ? tags : [],
      notes: r.notes,
      lastStep: r.last_step,
      error: ok ? r.error : `This run's record is damaged: ${p ?? 'its tags are not a list of strings'}.`,
    };
  }

  /** Runs, newest first. `search` matches name, notes, tags, model, dataset or an id prefix (case-insensitive). */
  list(filter: { search?: string; tag?: string; status?: RunStatus } = {}): RunSummary[] {
    return this.guard('listing runs', () => {
      const where: string[] = [];
      const args: string[] = [];
      if (filter.tag !== undefined) {
        where.push('EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE value = ?)');
        args.push(filter.tag);
      }
      if (filter.search) {
        const literal = filter.search.replace(/[\\%_]/g, (c) => '\\' + c);
        where.push(`(${['name', 'notes', 'tags', 'model', 'dataset', 'id'].map((c) => `${c} LIKE ? ESCAPE '\\'`).join(' OR ')})`);
        args.push(...Array<string>(5).fill(`%${literal}%`), `${literal}%`);
      }
      const rows = this.db
        .prepare(`SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY created_at DESC, id`)
        .all(...args) as RunRow[];
      const runs = rows.map((r) => this.summary(r));
      return filter.status ? runs.filter((r) => r.status === filter.status) : runs;
    });
  }

  get(id: string): RunRecord {
    return this.guard('reading a run', () => {
      const r = this.q('SELECT * FROM runs WHERE id = ?').get(this.resolve(id)) as RunRow;
      const notes = this.json(r.id, r.backend_notes, 'its backend notes');
      const series = this.q('SELECT DISTINCT metric FROM series WHERE run_id = ? ORDER BY metric').pluck().all(r.id) as string[];
      const env: RunEnvironment = {
        appVersion: r.app_version,
        backend: r.backend,
        backendNotes: notes as string[],
        lapack: r.lapack,
        machine: r.machine,
        nParams: r.n_params,
        totalSteps: r.total_steps ?? null,
      };
      return { ...this.summary(r), config: this.json(r.id, r.config, 'its config') as RunConfig, env, series };
    });
  }

  /** The configs of every stored run (a damaged one is left out). */
  configs(): RunConfig[] {
    return this.guard('reading run configs', () =>
      (this.q('SELECT config FROM runs').pluck().all() as string[]).flatMap((text) => (jsonProblem(text, 'config') ? [] : [JSON.parse(text) as RunConfig])),
    );
  }

  /** One metric's points with from ≤ step ≤ to (empty when the run never logged that metric). */
  readSeries(id: string, metric: string, opts: { from?: number; to?: number } = {}): Series {
    return this.guard('reading a series', () => {
      const from = opts.from ?? -Infinity;
      const to = opts.to ?? Infinity;
      const rid = this.resolve(id);
      const rows = (
        this.q(
          'SELECT first_step, last_step, count, steps, vals FROM series WHERE run_id = ? AND metric = ? AND last_step >= ? AND first_step <= ? ORDER BY first_step',
        ).all(rid, metric, from, to) as ChunkRow[]
      ).map((r) => this.chunk(rid, metric, r));
      // Chunks inside [from, to] are copied whole, byte for byte; only the edge chunks are cut.
      const parts = rows.map((r) => {
        if (r.first_step >= from && r.last_step <= to) return { r, lo: 0, hi: r.count };
        const st = blobI32(r.steps);
        let lo = 0;
        while (lo < st.length && st[lo] < from) lo++;
        let hi = lo;
        while (hi < st.length && st[hi] <= to) hi++;
        return { r, lo, hi };
      });
      const n = parts.reduce((acc, p) => acc + p.hi - p.lo, 0);
      const out = { steps: new Int32Array(n), values: new Float64Array(n) };
      const sb = new Uint8Array(out.steps.buffer);
      const vb = new Uint8Array(out.values.buffer);
      let k = 0;
      for (const { r, lo, hi } of parts) {
        sb.set(r.steps.subarray(lo * 4, hi * 4), k * 4);
        vb.set(r.vals.subarray(lo * 8, hi * 8), k * 8);
        k += hi - lo;
      }
      return out;
    });
  }

  /** Spectra with from ≤ step ≤ to; with stride s only every s-th stored spectrum of that range. */
  readSpectra(id: string, opts: { from?: number; to?: number; stride?: number } = {}): SpectrumFrame[] {
    const stride = opts.stride ?? 1;
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`readSpectra: stride must be an integer ≥ 1, got ${stride}`);
    return this.guard('reading spectra', () => {
      const rid = this.resolve(id);
      const rows = this.q(
        `SELECT step, n, null_count, null_tol, eigenvalues FROM (
           SELECT *, row_number() OVER (ORDER BY step) - 1 AS k FROM spectra WHERE run_id = ? AND step BETWEEN ? AND ?)
         WHERE k % ? = 0 ORDER BY step`,
      ).all(rid, opts.from ?? -1e15, opts.to ?? 1e15, stride) as {
        step: number;
        n: number;
        null_count: number;
        null_tol: number;
        eigenvalues: Buffer;
      }[];
      return rows.map((r) => {
        const p = spectrumProblem(r);
        if (p) throw this.damaged(rid, `the spectrum of step ${r.step}: ${p}`);
        return { step: r.step, n: r.n, eigenvalues: blobF64(r.eigenvalues), nullCount: r.null_count, nullTol: r.null_tol };
      });
    });
  }

  /** Estimated spectra with from ≤ step ≤ to, every stride-th of that range (none in a database older than schema v4). */
  readEstimatedSpectra(id: string, opts: { from?: number; to?: number; stride?: number } = {}): EstimatedSpectrumFrame[] {
    const stride = opts.stride ?? 1;
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`readEstimatedSpectra: stride must be an integer ≥ 1, got ${stride}`);
    return this.guard('reading estimated spectra', () => {
      const rid = this.resolve(id);
      if (!this.q("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'estimated_spectra'").get()) return [];
      const rows = this.q(
        `SELECT * FROM (
           SELECT *, row_number() OVER (ORDER BY step) - 1 AS k FROM estimated_spectra WHERE run_id = ? AND step BETWEEN ? AND ?)
         WHERE k % ? = 0 ORDER BY step`,
      ).all(rid, opts.from ?? -1e15, opts.to ?? 1e15, stride) as EstimatedRow[];
      return rows.map((r) => {
        for (const [name, b] of [
          ['top', r.top],
          ['top_residuals', r.top_residuals],
          ['bottom', r.bottom],
          ['bottom_residuals', r.bottom_residuals],
          ['density', r.density],
          ['density_se', r.density_se],
        ] as const) {
          const p = b === null ? null : blobProblem(b, 8, null, name);
          if (p) throw this.damaged(rid, `the estimated spectrum of step ${r.step}: ${p}`);
        }
        return this.estimatedFrame(r);
      });
    });
  }

  private estimatedFrame(r: EstimatedRow): EstimatedSpectrumFrame {
    return {
      step: r.step,
      n: r.n,
      lanczosSteps: r.lanczos_steps,
      nullTol: r.null_tol,
      top: blobF64(r.top),
      topResiduals: blobF64(r.top_residuals),
      bottom: blobF64(r.bottom),
      bottomResiduals: blobF64(r.bottom_residuals),
      density:
        r.density === null || r.density_se === null
          ? null
          : {
              probes: r.probes ?? 0,
              steps: r.slq_steps ?? 0,
              sigma: r.sigma ?? NaN,
              countTol: r.count_tol ?? NaN,
              lo: r.grid_lo ?? NaN,
              hi: r.grid_hi ?? NaN,
              values: blobF64(r.density),
              se: blobF64(r.density_se),
            },
    };
  }

  readLyapunov(id: string): LyapunovFrame[] {
    return this.guard('reading Lyapunov exponents', () => {
      const rid = this.resolve(id);
      const rows = this.q('SELECT step, exponents FROM lyapunov WHERE run_id = ? ORDER BY step').all(rid) as { step: number; exponents: Buffer }[];
      return rows.map((r) => {
        const p = blobProblem(r.exponents, 8, null, 'exponents');
        if (p) throw this.damaged(rid, `the Lyapunov exponents of step ${r.step}: ${p}`);
        return { step: r.step, exponents: blobF64(r.exponents) };
      });
    });
  }

  readReplicas(id: string): ReplicaFrame[] {
    return this.guard('reading replica distances', () => {
      const rid = this.resolve(id);
      const rows = this.q('SELECT step, distances, along_grad, along_top FROM replicas WHERE run_id = ? ORDER BY step').all(rid) as {
        step: number;
        distances: Buffer;
        along_grad: Buffer;
        along_top: Buffer;
      }[];
      return rows.map((r) => {
        const p =
          blobProblem(r.distances, 8, null, 'distances') ??
          blobProblem(r.along_grad, 8, r.distances.length / 8, 'components along the gradient') ??
          blobProblem(r.along_top, 8, r.distances.length / 8, 'components along the top eigenvector');
        if (p) throw this.damaged(rid, `the replica distances of step ${r.step}: ${p}`);
        return { step: r.step, distances: blobF64(r.distances), alongGrad: blobF64(r.along_grad), alongTop: blobF64(r.along_top) };
      });
    });
  }

  /** Delete a run and everything it recorded, in one IMMEDIATE transaction; refused while another live process writes it. */
  delete(id: string): void {
    this.write(`deleting run ${id}`, () => {
      this.db
        .transaction(() => {
          const rid = this.resolve(id);
          refuseLiveWriter(rid, this.writer(rid), 'deleting it');
          this.q('DELETE FROM runs WHERE id = ?').run(rid);
        })
        .immediate();
      this.db.pragma('incremental_vacuum');
    });
  }

  /**
   * One run as a `.chaoslab` file (transfer.ts): never over this database or its files, and over an existing file
   * only with `overwrite` (the CLI's --force, the save dialog's confirmation).
   */
  exportRun(id: string, file: string, opts: { overwrite?: boolean } = {}): void {
    const target = resolve(file);
    this.guard(`exporting run ${id}`, () => exportRun(this.db, this.file, this.resolve(id), target, opts.overwrite ?? false), { file: target });
  }

  importRun(file: string): { id: string; duplicate: boolean } {
    return this.write(`importing ${resolve(file)}`, () => importRun(this.db, resolve(file)));
  }

  /** True when writing `path` would write this database or one of the files SQLite keeps beside it. */
  ownsFile(path: string): boolean {
    return isDatabaseFile(path, this.file);
  }

  /** CSV with header "step,<m1>,<m2>…", one row per step, empty cells where a metric is absent. */
  seriesCsv(id: string, metrics: string[], num?: (v: number) => string): string {
    const rec = this.get(id);
    for (const m of metrics)
      if (!rec.series.includes(m)) throw new StoreError('not-found', `Run ${rec.id} has no series '${m}' (it has: ${rec.series.join(', ')}).`);
    return seriesCsv(
      metrics,
      metrics.map((m) => this.readSeries(rec.id, m)),
      num,
    );
  }

  /** Saved Compare views as stored (state: JSON text), by name; none in a read-only database of an older schema. */
  listCompareViews(): { name: string; state: string; updatedAt: string }[] {
    return this.guard('reading saved compare views', () => {
      if (!this.q("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'compare_views'").get()) return [];
      return this.q('SELECT name, state, updated_at AS updatedAt FROM compare_views ORDER BY name').all() as {
        name: string;
        state: string;
        updatedAt: string;
      }[];
    });
  }

  /** Store a Compare view under `name` (replacing one of that name); returns the time it was saved. */
  saveCompareView(name: string, state: string): string {
    return this.guard('saving a compare view', () => {
      const t = now();
      this.q(
        'INSERT INTO compare_views (name, state, updated_at) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at',
      ).run(name, state, t);
      return t;
    });
  }

  deleteCompareView(name: string): void {
    this.guard('deleting a compare view', () => {
      if (this.q('DELETE FROM compare_views WHERE name = ?').run(name).changes === 0)
        throw new StoreError('not-found', `No saved compare view '${name}' in ${this.file}.`);
    });
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

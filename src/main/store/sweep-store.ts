// The sweep tables of a run store (schema v3): each sweep's expanded runs and the run each one became, so that
// rerunning a sweep continues it and the Library can group its runs. Reached through RunStore.sweeps.
import type Database from 'better-sqlite3';
import type { RunConfig } from '../../shared/config';
import type { RunStatus } from '../../shared/frames';
import type { SweepRecord, SweepRunRow } from '../../shared/sweep/records';
import type { SweepEntry } from '../../shared/sweep/spec';
import { StoreError, toStoreError } from './errors';

/** A stored sweep with what running it needs: the spec it came from and each run's config. */
export interface StoredSweep extends SweepRecord {
  spec: unknown;
  configs: RunConfig[];
}

interface EntryRow {
  sweep_id: string;
  idx: number;
  name: string;
  stage: string;
  after_idx: number | null;
  config: string;
  run_id: string | null;
  status: RunStatus | null;
  last_step: number | null;
  total_steps: number | null;
  error: string | null;
}

const now = (): string => new Date().toISOString();

/** A sweep run that took over a finished run of its config (SweepStore.record). */
export interface Adopted {
  index: number;
  name: string;
  runId: string;
}

export class SweepStore {
  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    /** A run whose writer died, that a read-only store could not mark: it is reported as interrupted, as RunStore does. */
    private readonly deadWriter: (runId: string) => boolean,
  ) {}

  private guard<T>(action: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw toStoreError(e, this.file, action);
    }
  }

  /** A read-only open of a database older than schema v3 has no sweep tables: it holds no sweeps. */
  private get present(): boolean {
    return this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sweep_runs'").get() !== undefined;
  }

  /**
   * Record a sweep and its runs. Recording the same sweep again changes nothing; a sweep id whose stored runs
   * differ from `entries` (another spec hashed alike, or an edited database) is refused. It reads before it writes,
   * so it takes the write lock first (see RunStore.transaction). With `adopt`, a new sweep's run takes over a
   * finished run of the very same config already in the database that belongs to no sweep (a run is
   * deterministic: starting it again would give the same bits), e.g. a preset run by hand before `lab reproduce`;
   * the adopted runs are returned.
   */
  record(id: string, title: string, spec: unknown, entries: SweepEntry[], opts: { adopt?: boolean } = {}): Adopted[] {
    return this.guard('recording a sweep', () =>
      this.db
        .transaction((): Adopted[] => {
          const stored = this.db.prepare('SELECT idx, name, config FROM sweep_runs WHERE sweep_id = ? ORDER BY idx').all(id) as {
            idx: number;
            name: string;
            config: string;
          }[];
          if (stored.length) {
            const same =
              stored.length === entries.length && stored.every((r, i) => r.name === entries[i].name && r.config === JSON.stringify(entries[i].config));
            if (!same) throw new StoreError('corrupt', `Sweep ${id} in ${this.file} holds other runs than this spec expands to. Nothing was changed.`);
            return [];
          }
          this.db.prepare('INSERT INTO sweeps (id, title, spec, created_at) VALUES (?, ?, ?, ?)').run(id, title, JSON.stringify(spec), now());
          const put = this.db.prepare('INSERT INTO sweep_runs (sweep_id, idx, name, stage, after_idx, config, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)');
          const finished = this.db
            .prepare(
              "SELECT id FROM runs WHERE config = ? AND status = 'finished' AND id NOT IN (SELECT run_id FROM sweep_runs WHERE run_id IS NOT NULL) ORDER BY created_at LIMIT 1",
            )
            .pluck();
          const adopted: Adopted[] = [];
          for (const e of entries) {
            const config = JSON.stringify(e.config);
            const runId = opts.adopt ? ((finished.get(config) as string | undefined) ?? null) : null;
            put.run(id, e.index, e.name, e.stage, e.after, config, runId);
            if (runId) adopted.push({ index: e.index, name: e.name, runId });
          }
          return adopted;
        })
        .immediate(),
    );
  }

  /**
   * The run that sweep run `index` became, recorded inside the transaction that creates it, so a run is never left
   * unlinked; refused when another process linked a run to it first (two sweeps of the same spec on one database).
   */
  link(id: string, index: number, runId: string): void {
    this.guard('linking a run to its sweep', () => {
      if (this.db.prepare('UPDATE sweep_runs SET run_id = ? WHERE sweep_id = ? AND idx = ? AND run_id IS NULL').run(runId, id, index).changes === 1) return;
      const linked = this.db.prepare('SELECT run_id FROM sweep_runs WHERE sweep_id = ? AND idx = ?').pluck().get(id, index) as string | null | undefined;
      if (linked === undefined) throw new StoreError('not-found', `No run ${index} in sweep ${id} in ${this.file}.`);
      throw new Error(`Run ${index} of sweep ${id} was started by another process (as run ${linked}); not starting it again.`);
    });
  }

  private rows(where: string, ...args: unknown[]): EntryRow[] {
    return this.db
      .prepare(
        `SELECT s.*, r.status, r.last_step, r.total_steps, r.error FROM sweep_runs s LEFT JOIN runs r ON r.id = s.run_id ${where} ORDER BY s.sweep_id, s.idx`,
      )
      .all(...args) as EntryRow[];
  }

  private row(r: EntryRow): SweepRunRow {
    return {
      index: r.idx,
      name: r.name,
      stage: r.stage,
      after: r.after_idx,
      runId: r.run_id,
      status: r.run_id !== null && r.status !== null && this.deadWriter(r.run_id) ? 'interrupted' : r.status,
      lastStep: r.last_step ?? -1,
      totalSteps: r.total_steps ?? null,
      error: r.error,
    };
  }

  /** Sweeps, newest first, with their runs in order. */
  list(): SweepRecord[] {
    return this.guard('listing sweeps', () => {
      if (!this.present) return [];
      const sweeps = this.db.prepare('SELECT id, title, created_at FROM sweeps ORDER BY created_at DESC, id').all() as {
        id: string;
        title: string;
        created_at: string;
      }[];
      const runs = new Map<string, SweepRunRow[]>(sweeps.map((s) => [s.id, []]));
      for (const r of this.rows('')) runs.get(r.sweep_id)?.push(this.row(r));
      return sweeps.map((s) => ({ id: s.id, title: s.title, createdAt: s.created_at, runs: runs.get(s.id)! }));
    });
  }

  /** A sweep by id or unique id prefix. */
  get(id: string): StoredSweep {
    return this.guard('reading a sweep', () => {
      const found = this.present
        ? (this.db.prepare('SELECT * FROM sweeps WHERE substr(id, 1, length(@id)) = @id LIMIT 2').all({ id }) as Record<string, string>[])
        : [];
      if (found.length !== 1 || id === '')
        throw new StoreError(
          'not-found',
          found.length > 1 ? `Sweep id prefix '${id}' matches several sweeps in ${this.file}.` : `No sweep '${id}' in ${this.file}.`,
        );
      const s = found[0];
      const rows = this.rows('WHERE s.sweep_id = ?', s.id);
      return {
        id: s.id,
        title: s.title,
        createdAt: s.created_at,
        spec: JSON.parse(s.spec),
        runs: rows.map((r) => this.row(r)),
        configs: rows.map((r) => JSON.parse(r.config) as RunConfig),
      };
    });
  }
}

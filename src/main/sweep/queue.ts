// Which of a sweep's runs to start next, for `sweep run` (child processes) and the app (worker threads) alike.
// Each run is attempted at most once per invocation: pending and stopped runs start (or resume); failed ones only
// with retryFailed; finished and diverged ones are done; one still running elsewhere is left alone. A run of a
// later stage waits until the run it depends on has finished, and is blocked when that run ends otherwise.
import type { RunStatus } from '../../shared/frames';
import type { SweepRunRow } from '../../shared/sweep/records';
import { entryState } from '../../shared/sweep/records';

export interface Launch {
  index: number;
  /** The run to continue, or null to start a new one. */
  resumeId: string | null;
}

export class SweepQueue {
  private readonly rows: SweepRunRow[];
  private readonly attempted = new Set<number>();
  private readonly running = new Set<number>();

  constructor(
    rows: SweepRunRow[],
    private readonly retryFailed: boolean,
  ) {
    this.rows = rows.map((r) => ({ ...r }));
  }

  private wanted(r: SweepRunRow): boolean {
    const s = entryState(r.status);
    return !this.attempted.has(r.index) && (s === 'pending' || s === 'stopped' || (s === 'failed' && this.retryFailed));
  }

  /** The next run whose dependency has finished, or null. */
  next(): Launch | null {
    const r = this.rows.find((x) => this.wanted(x) && (x.after === null || this.rows[x.after].status === 'finished'));
    return r ? { index: r.index, resumeId: r.runId } : null;
  }

  start(index: number): void {
    this.attempted.add(index);
    this.running.add(index);
  }

  /** A run has ended (runId null: it failed before a run was created). */
  end(index: number, runId: string | null, status: RunStatus, error: string | null): void {
    this.running.delete(index);
    Object.assign(this.rows[index], { runId: runId ?? this.rows[index].runId, status, error });
  }

  get busy(): number {
    return this.running.size;
  }

  /** Nothing is running and nothing more can start. */
  get settled(): boolean {
    return this.running.size === 0 && this.next() === null;
  }

  /** Runs that wanted to run but cannot, because the run they depend on did not finish. */
  blocked(): { index: number; on: number }[] {
    return this.rows
      .filter((r) => r.after !== null && this.wanted(r) && this.rows[r.after].status !== 'finished')
      .map((r) => ({ index: r.index, on: r.after! }));
  }

  get state(): readonly SweepRunRow[] {
    return this.rows;
  }
}

// A stored sweep as the CLI, the service and the Library see it, and what each of its runs is doing.
// No Node or DOM imports here.
import type { RunStatus } from '../frames';

/**
 * Where a sweep's run stands: not started yet; running; done (finished, or diverged — a result, not retried);
 * stopped (cancelled or interrupted: the next `sweep run` resumes it); failed (resumed only with --retry-failed).
 */
export type EntryState = 'pending' | 'running' | 'finished' | 'diverged' | 'stopped' | 'failed';
export const ENTRY_STATES: readonly EntryState[] = ['finished', 'diverged', 'running', 'stopped', 'failed', 'pending'];

export function entryState(status: RunStatus | null): EntryState {
  switch (status) {
    case null:
      return 'pending';
    case 'running':
    case 'paused':
      return 'running';
    case 'cancelled':
    case 'interrupted':
      return 'stopped';
    default:
      return status;
  }
}

/** One run of a stored sweep: its place in the sweep and, once started, the run it became. */
export interface SweepRunRow {
  index: number;
  name: string;
  stage: string;
  /** Index of the run this one waits for (an earlier stage), or null. */
  after: number | null;
  runId: string | null;
  status: RunStatus | null;
  lastStep: number;
  totalSteps: number | null;
  error: string | null;
}

export interface SweepRecord {
  id: string;
  title: string;
  createdAt: string;
  runs: SweepRunRow[];
}

/** How many runs are in each state. */
export function stateCounts(runs: readonly { status: RunStatus | null }[]): Record<EntryState, number> {
  const counts = Object.fromEntries(ENTRY_STATES.map((s) => [s, 0])) as Record<EntryState, number>;
  for (const r of runs) counts[entryState(r.status)]++;
  return counts;
}

/** How many runs are done: finished, or diverged (a result, not retried). */
export const runsDone = (runs: readonly { status: RunStatus | null }[]): number =>
  runs.filter((r) => r.status === 'finished' || r.status === 'diverged').length;

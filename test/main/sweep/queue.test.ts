// Which sweep run starts next: states, dependencies between stages, --retry-failed, and runs blocked for good.
import { describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../src/shared/frames';
import type { SweepRunRow } from '../../../src/shared/sweep/records';
import { entryState, stateCounts } from '../../../src/shared/sweep/records';
import { SweepQueue } from '../../../src/main/sweep/queue';

const row = (index: number, status: RunStatus | null, after: number | null = null): SweepRunRow => ({
  index,
  name: `r${index}`,
  stage: after === null ? 'a' : 'b',
  after,
  runId: status ? `id${index}` : null,
  status,
  lastStep: -1,
  totalSteps: null,
  error: null,
});

/** Start everything startable, in order, ending each with the status given for it. */
function drain(q: SweepQueue, outcome: Record<number, RunStatus>): number[] {
  const order: number[] = [];
  for (let n = q.next(); n; n = q.next()) {
    q.start(n.index);
    order.push(n.index);
    q.end(n.index, `id${n.index}`, outcome[n.index] ?? 'finished', null);
  }
  return order;
}

describe('SweepQueue', () => {
  it('starts pending runs, resumes stopped ones, leaves done and live ones, and failed ones unless asked', () => {
    const rows = [row(0, null), row(1, 'finished'), row(2, 'cancelled'), row(3, 'interrupted'), row(4, 'failed'), row(5, 'running'), row(6, 'diverged')];
    const q = new SweepQueue(rows, false);
    expect(q.next()).toEqual({ index: 0, resumeId: null });
    expect(drain(q, {})).toEqual([0, 2, 3]);
    expect(q.settled).toBe(true);
    expect(drain(new SweepQueue(rows, true), {})).toEqual([0, 2, 3, 4]);
    // The queue works on its own copy: the caller's rows are unchanged.
    expect(rows[0].status).toBeNull();
  });

  it('attempts each run once per invocation, even when it fails again', () => {
    const q = new SweepQueue([row(0, 'failed')], true);
    expect(drain(q, { 0: 'failed' })).toEqual([0]);
    expect(q.next()).toBeNull();
  });

  it('holds a later stage until the run it depends on has finished, and reports it blocked when that run did not', () => {
    const rows = [row(0, null), row(1, null), row(2, null, 0), row(3, null, 1)];
    const q = new SweepQueue(rows, false);
    const a = q.next()!;
    q.start(a.index);
    // Run 2 waits for run 0, which is running; run 1 may start.
    expect(q.next()).toEqual({ index: 1, resumeId: null });
    q.start(1);
    expect(q.next()).toBeNull();
    expect(q.settled).toBe(false);
    q.end(1, 'id1', 'diverged', null);
    expect(q.next()).toBeNull();
    q.end(0, 'id0', 'finished', null);
    expect(q.next()).toEqual({ index: 2, resumeId: null });
    q.start(2);
    q.end(2, 'id2', 'finished', null);
    expect(q.settled).toBe(true);
    expect(q.blocked()).toEqual([{ index: 3, on: 1 }]);
    expect(q.busy).toBe(0);
  });

  it('classifies run statuses into sweep states', () => {
    expect((['running', 'paused', 'cancelled', 'interrupted', 'failed', 'finished', 'diverged', null] as const).map(entryState)).toEqual([
      'running',
      'running',
      'stopped',
      'stopped',
      'failed',
      'finished',
      'diverged',
      'pending',
    ]);
    expect(stateCounts([{ status: null }, { status: 'finished' }, { status: 'paused' }])).toEqual({
      finished: 1,
      diverged: 0,
      running: 1,
      stopped: 0,
      failed: 0,
      pending: 1,
    });
  });
});

// Two processes on one database: a reader in a child process sees steps as the parent writes them, and a
// writer child killed with SIGKILL leaves every flushed step, an intact file and a run marked 'interrupted'.
// The children are small scripts written to the temp dir and run with `node --import tsx`.
import Database from 'better-sqlite3';
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { MetricFrame, RunEnvironment } from '../../../src/shared/frames';
import { RunStore } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { ROOT } from '../../helpers/fixtures';

const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 10, totalSteps: 100 };
const loss = (s: number): number => Math.cos(s / 7) / (s + 1);
const frame = (step: number): MetricFrame => ({ step, epoch: 0, wall: step / 100, values: { loss: loss(step), acc: step % 3 } });

let dir: string;
let child: ChildProcess | null = null;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-store-proc-'))));
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  child = null;
  rmSync(dir, { recursive: true, force: true });
});

function spawnScript(name: string, source: string, args: string[]): ChildProcess {
  const script = join(dir, name);
  writeFileSync(script, source);
  child = fork(script, args, { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return child;
}

/** Resolves with the first message satisfying `pred`; rejects if the child exits first or time runs out. */
function waitFor<T>(c: ChildProcess, pred: (m: T) => boolean, ms = 20_000): Promise<T> {
  return new Promise((res, rej) => {
    const timer = setTimeout(() => done(() => rej(new Error(`timed out after ${ms} ms waiting for the child`))), ms);
    const onMsg = (m: unknown): void => {
      if (pred(m as T)) done(() => res(m as T));
    };
    const onExit = (code: number | null, sig: string | null): void => done(() => rej(new Error(`child exited (${code ?? sig}) before the expected message`)));
    const done = (f: () => void): void => {
      clearTimeout(timer);
      c.off('message', onMsg);
      c.off('exit', onExit);
      f();
    };
    c.on('message', onMsg);
    c.on('exit', onExit);
  });
}
const exited = (c: ChildProcess): Promise<void> => new Promise((res) => (c.exitCode !== null || c.signalCode !== null ? res() : c.once('exit', () => res())));

const READER = `
import { RunStore } from ${JSON.stringify(join(ROOT, 'src/main/store/run-store'))};
const [file, id] = process.argv.slice(2);
const store = RunStore.open(file);
let last = -2;
const poll = (): void => {
  const steps = store.readSeries(id, 'loss').steps;
  const seen = steps.length ? steps[steps.length - 1] : -1;
  const status = store.get(id).status;
  if (seen !== last || status !== 'running') {
    last = seen;
    process.send!({ seen, count: steps.length, status });
  }
  if (status === 'running') setTimeout(poll, 5);
  else {
    store.close();
    process.disconnect();
  }
};
poll();
`;

const WRITER = `
import { RunStore } from ${JSON.stringify(join(ROOT, 'src/main/store/run-store'))};
import { RunWriter } from ${JSON.stringify(join(ROOT, 'src/main/store/run-writer'))};
import { DEFAULT_CONFIG } from ${JSON.stringify(join(ROOT, 'src/shared/config'))};
const [file] = process.argv.slice(2);
const store = RunStore.open(file);
const id = store.createRun({ ...DEFAULT_CONFIG, name: 'killed' }, ${JSON.stringify(ENV)});
const w = new RunWriter(store, id, { flushMs: 5 });
process.send!({ id });
let step = 0;
const tick = (): void => {
  // Many steps per tick so that the kill is likely to land inside a transaction.
  for (const end = step + 20; step < end; step++) {
    w.step({
      metrics: { step, epoch: 0, wall: step / 100, values: { loss: Math.cos(step / 7) / (step + 1), acc: step % 3 } },
      spectrum: { step, n: 400, eigenvalues: new Float64Array(200).fill(step), nullCount: 200, nullTol: 0 },
    });
    if (step % 100 === 99) w.checkpoint({ step, state: { step }, blobs: { theta: new Float64Array(1000).fill(step) } });
  }
  w.flush();
  process.send!({ flushed: step - 1 });
  setImmediate(tick);
};
tick();
`;

describe('two processes on one database', () => {
  it('a reader in another process sees new steps as they land, and leaves the live run running', async () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const id = store.createRun({ ...DEFAULT_CONFIG, name: 'live' }, ENV);
    const w = new RunWriter(store, id, { flushMs: 3_600_000 });
    const c = spawnScript('reader.ts', READER, [file, id]);
    await waitFor<{ seen: number }>(c, (m) => m.seen === -1);
    for (let batch = 0; batch < 5; batch++) {
      for (let s = batch * 400; s < (batch + 1) * 400; s++) w.step({ metrics: frame(s) });
      w.flush();
      const m = await waitFor<{ seen: number; count: number; status: string }>(c, (m) => m.seen === (batch + 1) * 400 - 1);
      expect(m).toEqual({ seen: (batch + 1) * 400 - 1, count: (batch + 1) * 400, status: 'running' });
      expect(store.get(id).status).toBe('running');
    }
    w.finish('finished');
    expect(await waitFor<{ status: string }>(c, (m) => m.status !== 'running')).toMatchObject({ status: 'finished', seen: 1999 });
    await exited(c);
    store.close();
  });

  it('a writer killed with SIGKILL keeps every flushed step; the run reopens as interrupted and resumes', async () => {
    const file = join(dir, 'lab.db');
    const c = spawnScript('writer.ts', WRITER, [file]);
    const { id } = await waitFor<{ id: string }>(c, (m) => typeof m.id === 'string');
    let flushed = -1;
    c.on('message', (m: { flushed?: number }) => (flushed = Math.max(flushed, m.flushed ?? -1)));
    await waitFor<{ flushed?: number }>(c, (m) => (m.flushed ?? 0) >= 600);
    // A reader opening the database meanwhile must not mark the live writer's run interrupted.
    const peek = RunStore.open(file);
    expect(peek.get(id).status).toBe('running');
    expect(() => peek.claimRun(id)).toThrow(new RegExp(`^run ${id} is being written by process ${c.pid} on this machine`));
    peek.close();
    await waitFor<{ flushed?: number }>(c, (m) => (m.flushed ?? 0) >= 1200);
    c.kill('SIGKILL');
    await exited(c);
    expect(c.signalCode).toBe('SIGKILL');
    expect(flushed).toBeGreaterThanOrEqual(1200);

    const raw = new Database(file);
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const store = RunStore.open(file);
    const rec = store.get(id);
    expect(rec.status).toBe('interrupted');
    expect(rec.finishedAt).not.toBeNull();
    expect(rec.lastStep).toBeGreaterThanOrEqual(flushed);
    const series = store.readSeries(id, 'loss');
    // Every flushed step is there, contiguous and exact; whatever was logged after it too.
    expect(series.steps.length).toBe(rec.lastStep + 1);
    expect(Array.from(series.steps)).toEqual(Array.from({ length: rec.lastStep + 1 }, (_, s) => s));
    expect(Array.from(series.values)).toEqual(Array.from({ length: rec.lastStep + 1 }, (_, s) => loss(s)));
    expect(store.readSpectra(id).length).toBe(rec.lastStep + 1);
    const cp = store.latestCheckpoint(id)!;
    expect(cp.step % 100).toBe(99);
    expect(cp.step).toBeLessThanOrEqual(rec.lastStep);
    expect(cp.blobs.theta[999]).toBe(cp.step);

    // Resume: claim the run, drop what was logged after the checkpoint, continue.
    store.claimRun(id);
    store.truncateAfter(id, cp.step);
    const w = new RunWriter(store, id);
    for (let s = cp.step + 1; s <= cp.step + 50; s++) w.step({ metrics: frame(s) });
    w.finish('finished');
    const after = store.get(id);
    expect(after).toMatchObject({ status: 'finished', lastStep: cp.step + 50 });
    expect(store.readSeries(id, 'loss').steps.length).toBe(cp.step + 51);
    store.close();
  });
});

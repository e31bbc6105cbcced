// Two processes on one database: a reader in a child process sees steps as the parent writes them, and a
// writer child killed with SIGKILL leaves every flushed step, an intact file and a run marked 'interrupted'. The
// races that used to destroy data: `run --resume`, `runs delete` and the app's Continue and Delete on a run another
// process is writing are refused by name and leave it whole; of two processes claiming one run, exactly one wins.
// The children are small scripts written to the temp dir and run with `node --import tsx`; the CLI is the real one.
import Database from 'better-sqlite3';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { MetricFrame, RunEnvironment } from '../../../src/shared/frames';
import { RunStore } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { ROOT } from '../../helpers/fixtures';

const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 10, totalSteps: 100 };
const loss = (s: number): number => Math.cos(s / 7) / (s + 1);
const frame = (step: number): MetricFrame => ({ step, epoch: 0, wall: step / 100, values: { loss: loss(step), acc: step % 3 } });

let dir: string;
const children: ChildProcess[] = [];
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-store-proc-'))));
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function spawnScript(name: string, source: string, args: string[]): ChildProcess {
  const script = join(dir, name);
  writeFileSync(script, source);
  const c = fork(script, args, { cwd: ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  children.push(c);
  return c;
}

/** The real CLI in a process of its own. */
function cli(...args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((res) => {
    const c = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    c.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    c.on('exit', (status) => res({ status, stderr }));
  });
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

/** Writes a run until told 'finish': 20 steps per flush, a checkpoint every 100 steps. */
const LIVE_WRITER = `
import { RunStore } from ${JSON.stringify(join(ROOT, 'src/main/store/run-store'))};
import { RunWriter } from ${JSON.stringify(join(ROOT, 'src/main/store/run-writer'))};
import { DEFAULT_CONFIG } from ${JSON.stringify(join(ROOT, 'src/shared/config'))};
const [file] = process.argv.slice(2);
const store = RunStore.open(file);
const id = store.createRun({ ...DEFAULT_CONFIG, name: 'being written' }, ${JSON.stringify(ENV)});
const w = new RunWriter(store, id, { flushMs: 5 });
process.send!({ id });
let step = 0;
let stop = false;
process.on('message', () => (stop = true));
const tick = (): void => {
  for (const end = step + 20; step < end; step++) {
    w.step({ metrics: { step, epoch: 0, wall: step / 100, values: { loss: Math.cos(step / 7) / (step + 1), acc: step % 3 } } });
    if (step % 100 === 99) w.checkpoint({ step: step + 1, state: { step }, blobs: { theta: new Float64Array(10).fill(step) } });
  }
  w.flush();
  process.send!({ flushed: step - 1 });
  if (!stop) return void setTimeout(tick, 2);
  w.finish('finished', null);
  store.close();
  process.send!({ finished: step - 1 });
  process.disconnect();
};
tick();
`;

/** Claims run \`id\` (to continue it from step 0) whenever told, and says whether it won. */
const CLAIMER = `
import { StoreLibrary } from ${JSON.stringify(join(ROOT, 'src/main/store/run-library'))};
const [file, id] = process.argv.slice(2);
const library = StoreLibrary.open(file, { verify: false });
process.on('message', (m: { round: number }) => {
  try {
    library.claim(id, 0);
    process.send!({ round: m.round, won: true });
  } catch (e) {
    process.send!({ round: m.round, won: false, message: (e as Error).message });
  }
});
process.send!({ ready: true });
`;

/** Stops the live writer and checks that its run is whole: every step 0…last, the checkpoints, status finished. */
async function finishIntact(c: ChildProcess, file: string, id: string): Promise<number> {
  c.send('finish');
  const { finished } = await waitFor<{ finished?: number }>(c, (m) => m.finished !== undefined);
  await exited(c);
  const store = RunStore.open(file, { readonly: true });
  try {
    const rec = store.get(id);
    expect(rec).toMatchObject({ status: 'finished', lastStep: finished });
    const s = store.readSeries(id, 'loss');
    expect(Array.from(s.steps)).toEqual(Array.from({ length: finished! + 1 }, (_, k) => k));
    expect(Array.from(s.values)).toEqual(Array.from({ length: finished! + 1 }, (_, k) => loss(k)));
    expect(store.latestCheckpoint(id)!.step).toBe(Math.floor((finished! + 1) / 100) * 100);
  } finally {
    store.close();
  }
  return finished!;
}

describe('races with a process that is writing a run', () => {
  it('`run --resume` and `runs delete` on a run another process writes are refused by name; the run stays whole', async () => {
    const file = join(dir, 'lab.db');
    const c = spawnScript('writer.ts', LIVE_WRITER, [file]);
    const { id } = await waitFor<{ id: string }>(c, (m) => typeof m.id === 'string');
    await waitFor<{ flushed?: number }>(c, (m) => (m.flushed ?? 0) >= 300);
    const byName = `run ${id} is being written by process ${c.pid} on this machine`;
    for (const args of [
      ['run', '--resume', id.slice(0, 8)],
      ['runs', 'delete', id],
    ]) {
      const r = await cli(...args, '--db', file);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toContain(byName);
      expect(r.stderr).toContain('Nothing was changed.');
    }
    expect(await finishIntact(c, file, id)).toBeGreaterThan(300);
  });

  it('the app’s Continue and Delete on a run another process writes are refused by name; the run stays whole', async () => {
    const file = join(dir, 'lab.db');
    const c = spawnScript('writer.ts', LIVE_WRITER, [file]);
    const { id } = await waitFor<{ id: string }>(c, (m) => typeof m.id === 'string');
    await waitFor<{ flushed?: number }>(c, (m) => (m.flushed ?? 0) >= 300);
    const service = new WorkbenchService(file);
    try {
      const byName = `run ${id} is being written by process ${c.pid} on this machine`;
      await expect(service.continueRun(id)).rejects.toThrow(byName);
      expect(() => service.deleteRun(id)).toThrow(byName);
      expect(service.getRun(id).status).toBe('running');
    } finally {
      await service.close();
    }
    await finishIntact(c, file, id);
  });

  it('of two processes claiming the same run at once, exactly one wins; the other is refused by name', async () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const id = store.createRun({ ...DEFAULT_CONFIG, name: 'contested' }, ENV);
    store.setStatus(id, 'interrupted');
    const claimers = [0, 1].map((k) => spawnScript(`claimer${k}.ts`, CLAIMER, [file, id]));
    await Promise.all(claimers.map((c) => waitFor<{ ready?: boolean }>(c, (m) => m.ready === true)));
    const ROUNDS = 20;
    for (let round = 0; round < ROUNDS; round++) {
      // The run as a stopped one again: nobody holds it.
      store.setStatus(id, 'interrupted');
      const answers = claimers.map((c) => waitFor<{ round: number; won: boolean; message?: string }>(c, (m) => m.round === round));
      for (const c of claimers) c.send({ round });
      const [a, b] = await Promise.all(answers);
      expect([a.won, b.won].filter(Boolean).length, JSON.stringify([a, b])).toBe(1);
      const winner = a.won ? claimers[0] : claimers[1];
      expect((a.won ? b : a).message).toMatch(new RegExp(`^run ${id} is being written by process ${winner.pid} on this machine`));
    }
    store.close();
  });
});

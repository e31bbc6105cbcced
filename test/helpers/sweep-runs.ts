// Helpers for the sweep tests: the CLI as a real child process, a sweep's rows as a database holds them, and the
// bitwise comparison of two runs (loss series and final parameters).
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess, SpawnSyncReturns } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { RunStore } from '../../src/main/store/run-store';
import type { SweepRecord } from '../../src/shared/sweep/records';
import { ROOT } from './fixtures';

const CLI = [process.execPath, '--import', 'tsx', join(ROOT, 'src/main/cli.ts')];

export function cli(args: string[], env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  return spawnSync(CLI[0], [...CLI.slice(1), ...args], { cwd: ROOT, encoding: 'utf8', env });
}

const groups = new Set<number>();
/** Kill what spawnCli started and is still running (a failed test must not leave sweeps behind). */
export function killSpawned(): void {
  for (const pid of groups)
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  groups.clear();
}

/** The CLI in a process group of its own (as a terminal starts it), so that the test can signal the whole group. */
export function spawnCli(args: string[]): { proc: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(CLI[0], [...CLI.slice(1), ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  groups.add(proc.pid!);
  let out = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return { proc, output: () => out, exited };
}

export function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

/** Read a database (read-only) while other processes may be writing it. */
export function readDb<T>(db: string, f: (s: RunStore) => T): T {
  const s = RunStore.open(db, { readonly: true });
  try {
    return f(s);
  } finally {
    s.close();
  }
}

export const onlySweep = (db: string): SweepRecord => readDb(db, (s) => s.sweeps.list()[0]);

/**
 * Poll until cond holds. A cond that throws counts as not yet (another process may be creating the database it
 * reads); the last error is named if the wait times out.
 */
export async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 180_000): Promise<void> {
  const t0 = Date.now();
  let last: unknown = null;
  const holds = async (): Promise<boolean> => {
    try {
      return await cond();
    } catch (e) {
      last = e;
      return false;
    }
  };
  while (!(await holds())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const bits = (a: Float64Array | Int32Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** Loss series and final parameters of run `a` in dbA equal those of run `b` in dbB, bit for bit. */
export function expectSameRun(dbA: string, a: string, dbB: string, b: string): void {
  const read = (db: string, id: string) =>
    readDb(db, (s) => {
      const loss = s.readSeries(id, 'loss');
      return { status: s.get(id).status, steps: bits(loss.steps), loss: bits(loss.values), theta: bits(s.latestCheckpoint(id)!.blobs.theta) };
    });
  const x = read(dbA, a);
  const y = read(dbB, b);
  expect(x.status).toBe('finished');
  expect(y.status).toBe('finished');
  expect(x.steps.equals(y.steps)).toBe(true);
  expect(x.loss.equals(y.loss)).toBe(true);
  expect(x.theta.equals(y.theta)).toBe(true);
}

// Failure modes on real files: a newer schema, garbage and damaged files, a read-only open (read-only files,
// folders and mounts: read-only.test.ts), and a full disk (a tiny tmpfs) during each operation.
import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { RunEnvironment } from '../../../src/shared/frames';
import { RunStore, StoreError, type StoreErrorCode } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { ROOT } from '../../helpers/fixtures';

const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 10, totalSteps: 100 };

function storeError(fn: () => unknown, code: StoreErrorCode): StoreError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(StoreError);
    expect((e as StoreError).code).toBe(code);
    return e as StoreError;
  }
  throw new Error(`expected StoreError '${code}'`);
}

/** Mounting needs root (CAP_SYS_ADMIN); elsewhere those tests are skipped. */
function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'chaoslab-mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}
const MOUNT = canMount();

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-store-fail-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database with one run: 50 metric steps and a checkpoint; expectIntact checks they are all there. */
function seed(file: string): string {
  const store = RunStore.open(file);
  const id = store.createRun({ ...DEFAULT_CONFIG, name: 'precious' }, ENV);
  const w = new RunWriter(store, id);
  for (let s = 0; s < 50; s++) w.step({ metrics: { step: s, epoch: 0, wall: s, values: { loss: 1 / (s + 1) } } });
  w.checkpoint({ step: 49, state: { s: 49 }, blobs: { theta: new Float64Array([1, 2, 3]) } });
  store.close();
  return id;
}
function expectIntact(file: string, id: string): void {
  const store = RunStore.open(file, { readonly: true });
  const loss = store.readSeries(id, 'loss', { to: 49 });
  expect(Array.from(loss.steps)).toEqual(Array.from({ length: 50 }, (_, s) => s));
  expect(Array.from(loss.values)).toEqual(Array.from({ length: 50 }, (_, s) => 1 / (s + 1)));
  expect(store.latestCheckpoint(id)!.step).toBe(49);
  store.close();
}

describe('refusals that leave the file unchanged', () => {
  it('a database from a newer schema', () => {
    const file = join(dir, 'lab.db');
    const id = seed(file);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const before = readFileSync(file);
    for (const readonly of [false, true]) {
      const e = storeError(() => RunStore.open(file, { readonly }), 'newer-schema');
      expect(e.message).toContain(file);
      expect(e.message).toContain('schema version 99');
      expect(e.message).toContain('Update Chaoslab');
    }
    expect(readFileSync(file).equals(before)).toBe(true);
    // A read-only connection leaves an empty -wal file behind; no byte of data was written.
    for (const f of readdirSync(dir)) if (f.endsWith('-wal')) expect(statSync(join(dir, f)).size).toBe(0);
    const fix = new Database(file);
    fix.pragma('user_version = 1');
    fix.close();
    expectIntact(file, id);
  });

  it('a file of garbage', () => {
    const file = join(dir, 'lab.db');
    const garbage = Buffer.alloc(64 * 1024);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 7919 + 13) % 251;
    writeFileSync(file, garbage);
    for (const readonly of [false, true]) {
      const e = storeError(() => RunStore.open(file, { readonly }), 'corrupt');
      expect(e.message).toContain(file);
      expect(e.message).toMatch(/not a Chaoslab database or is damaged.*Nothing was changed/);
    }
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('an SQLite database that is not Chaoslab’s', () => {
    const file = join(dir, 'other.db');
    const raw = new Database(file);
    raw.exec('CREATE TABLE notes (x TEXT)');
    raw.close();
    const before = readFileSync(file);
    expect(storeError(() => RunStore.open(file), 'corrupt').message).toContain('not a Chaoslab one');
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a database with damaged pages reports corruption when the damage is read', () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const id = store.createRun(DEFAULT_CONFIG, ENV);
    store.appendSpectra(
      id,
      Array.from({ length: 2000 }, (_, step) => ({ step, n: 500, eigenvalues: new Float64Array(200).fill(step), nullCount: 300, nullTol: 0 })),
    );
    store.close();
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(2_000_000);
    bytes.fill(0xa5, 1_000_000, 1_400_000);
    writeFileSync(file, bytes);
    const e = storeError(() => RunStore.open(file).readSpectra(id), 'corrupt');
    expect(e.message).toContain(file);
  });
});

describe('read-only databases', () => {
  it('a read-only open reads everything and refuses every write, changing nothing', () => {
    const file = join(dir, 'lab.db');
    const id = seed(file);
    const before = readFileSync(file);
    const ro = RunStore.open(file, { readonly: true });
    expect(ro.readonly).toBe(true);
    expect(ro.get(id).name).toBe('precious');
    const writes: (() => unknown)[] = [
      () => ro.createRun(DEFAULT_CONFIG, ENV),
      () => ro.appendMetrics(id, [{ step: 50, epoch: 0, wall: 0, values: { loss: 0 } }]),
      () => ro.saveCheckpoint(id, { step: 50, state: null, blobs: {} }),
      () => ro.setStatus(id, 'finished'),
      () => ro.update(id, { name: 'x' }),
      () => ro.truncateAfter(id, 10),
      () => ro.delete(id),
    ];
    for (const w of writes) {
      const e = storeError(w, 'readonly');
      expect(e.message).toContain(file);
      expect(e.message).toContain('read-only');
    }
    ro.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    expectIntact(file, id);
    expect(storeError(() => RunStore.open(join(dir, 'missing.db'), { readonly: true }), 'not-found').message).toContain('missing.db');
  });
});

describe('disk full', () => {
  it.skipIf(!MOUNT)('a write that does not fit is rolled back with a clear message; stored data stays intact', () => {
    const mnt = join(dir, 'tiny');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    try {
      const file = join(mnt, 'lab.db');
      const id = seed(file);
      const store = RunStore.open(file);
      let err: unknown = null;
      let step = 50;
      try {
        const w = new RunWriter(store, id, { flushMs: 0 });
        for (; step < 10_000 && err === null; step++) {
          try {
            w.step({
              metrics: { step, epoch: 0, wall: step, values: { loss: 1 / (step + 1) } },
              spectrum: { step, n: 5350, eigenvalues: new Float64Array(1000).fill(step), nullCount: 4350, nullTol: 0 },
            });
          } catch (e) {
            err = e;
          }
        }
        expect(err).toBeInstanceOf(StoreError);
        expect((err as StoreError).code).toBe('disk-full');
        expect((err as StoreError).message).toContain(file);
        expect((err as StoreError).message).toMatch(/rolled back.*intact.*Free disk space/);
      } finally {
        store.close();
      }
      const failed = step - 1;
      // Every step before the failing flush is stored.
      const ro = RunStore.open(file, { readonly: true });
      try {
        const loss = ro.readSeries(id, 'loss');
        expect(loss.steps.at(-1)).toBeGreaterThanOrEqual(failed - 1);
        expect(loss.steps.length).toBe(loss.steps.at(-1)! + 1);
        expect(ro.readSpectra(id).length).toBeGreaterThan(0);
      } finally {
        ro.close();
      }
      expectIntact(file, id);
      const raw = new Database(file, { readonly: true });
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      // With space again, the run continues.
      execFileSync('mount', ['-o', 'remount,size=8m', mnt]);
      const again = RunStore.open(file);
      try {
        const next = again.get(id).lastStep + 1;
        again.appendMetrics(id, [{ step: next, epoch: 0, wall: 0, values: { loss: 0 } }]);
        expect(again.readSeries(id, 'loss').steps.at(-1)).toBe(next);
      } finally {
        again.close();
      }
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  });
});

describe('disk full names the operation', () => {
  it.skipIf(!MOUNT)('import, export, delete and open each say what failed and change nothing; the CLI exits 1', () => {
    const mnt = join(dir, 'full');
    mkdirSync(mnt);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]);
    try {
      const file = join(mnt, 'lab.db');
      const id = seed(file);
      // A run of ~1 MB to import: more than the room left.
      const big = RunStore.open(join(dir, 'big.db'));
      const bigId = big.createRun({ ...DEFAULT_CONFIG, name: 'big' }, { ...ENV, nParams: 5350 });
      big.appendMetrics(
        bigId,
        Array.from({ length: 400 }, (_, step) => ({ step, epoch: 0, wall: 0, values: { loss: step } })),
      );
      big.appendSpectra(
        bigId,
        Array.from({ length: 400 }, (_, step) => ({ step, n: 5350, eigenvalues: new Float64Array(300).fill(step), nullCount: 5050, nullTol: 0 })),
      );
      big.setStatus(bigId, 'finished');
      const bigFile = join(dir, 'big.chaoslab');
      big.exportRun(bigId, bigFile);
      big.close();
      const store = RunStore.open(file);
      // Fill what is left of the file system.
      const fd = openSync(join(mnt, 'filler'), 'w');
      try {
        for (const b = Buffer.alloc(4096); ;) writeSync(fd, b);
      } catch {
        closeSync(fd);
      }
      const cases: [string, () => unknown][] = [
        [`importing ${bigFile}`, () => store.importRun(bigFile)],
        [`exporting run ${id}`, () => store.exportRun(id, join(mnt, 'copy.chaoslab'))],
        [`deleting run ${id}`, () => store.delete(id)],
        ['opening the database', () => RunStore.open(join(mnt, 'new.db'))],
      ];
      for (const [action, f] of cases) {
        const e = storeError(f, 'disk-full');
        expect(e.message).toMatch(new RegExp(`^Disk full while ${action.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} in /`));
        expect(e.message).toContain(`Free disk space, then try ${action} again.`);
        expect(e.message).not.toContain('resume');
      }
      // Nothing half-written is left: no partial export, no new database.
      expect(readdirSync(mnt).sort()).toEqual(['filler', 'lab.db', 'lab.db-shm', 'lab.db-wal']);
      expect(store.list().map((r) => r.id)).toEqual([id]);
      store.close();
      expectIntact(file, id);
      const cli = spawnSync(
        process.execPath,
        ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), 'runs', 'export', id, join(mnt, 'cli.chaoslab'), '--db', file],
        {
          cwd: ROOT,
          encoding: 'utf8',
        },
      );
      expect(cli.status).toBe(1);
      expect(cli.stderr).toContain(`Disk full while exporting run ${id}`);
    } finally {
      execFileSync('umount', ['-l', mnt]);
    }
  });
});

describe('a database with a damaged page', () => {
  it('is reported when opened for writing, before a new run is written into it; no file is left by a failed open', () => {
    const file = join(dir, 'lab.db');
    const id = seed(file);
    const store = RunStore.open(file);
    store.appendSpectra(
      id,
      Array.from({ length: 1000 }, (_, k) => ({ step: 50 + k, n: 5350, eigenvalues: new Float64Array(200).fill(k), nullCount: 5150, nullTol: 0 })),
    );
    store.close();
    const bytes = readFileSync(file);
    bytes.fill(0xa5, 900_000, 1_000_000);
    writeFileSync(file, bytes);
    // The damage is in spectra, which opening alone never reads: quick_check finds it.
    const e = storeError(() => RunStore.open(file), 'corrupt');
    expect(e.message).toMatch(/^\S+lab\.db is damaged \(SQLite quick_check: .*\)\. Nothing was written into it\./s);
    expect(readFileSync(file).equals(bytes)).toBe(true);
    // A database that cannot be created leaves nothing behind.
    const nowhere = join(dir, 'blocker');
    writeFileSync(nowhere, 'a file, not a folder');
    expect(() => RunStore.open(join(nowhere, 'lab.db'))).toThrow(StoreError);
    expect(readFileSync(nowhere, 'utf8')).toBe('a file, not a folder');
  });
});

describe('a damaged run read later', () => {
  it('fails naming the run instead of allocating what a header claims; the CLI exits 2; other runs still read', () => {
    const file = join(dir, 'lab.db');
    const id = seed(file);
    const store = RunStore.open(file);
    const other = store.createRun({ ...DEFAULT_CONFIG, name: 'fine' }, ENV);
    store.appendMetrics(other, [{ step: 0, epoch: 0, wall: 0, values: { loss: 0.5 } }]);
    store.appendSpectra(id, [{ step: 1, n: 5350, eigenvalues: new Float64Array(10), nullCount: 5340, nullTol: 0 }]);
    store.close();
    const raw = new Database(file);
    // A header claiming 2^31 points, a spectrum whose counts do not add up, a config that is no JSON.
    raw.prepare("UPDATE series SET count = 2147483647 WHERE run_id = ? AND metric = 'loss'").run(id);
    raw.prepare('UPDATE spectra SET null_count = 1e12 WHERE run_id = ?').run(id);
    raw.prepare('UPDATE checkpoint_blobs SET data = substr(data, 1, 13) WHERE run_id = ?').run(id);
    raw.close();
    const ro = RunStore.open(file, { readonly: true });
    const damaged = (f: () => unknown, what: RegExp): void => {
      const e = storeError(f, 'corrupt');
      expect(e.message).toMatch(new RegExp(`^Run ${id} in ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged: `));
      expect(e.message).toMatch(what);
    };
    damaged(() => ro.readSeries(id, 'loss'), /series 'loss' from step 0: count 2147483647 is outside 1…1024/);
    damaged(() => ro.readSpectra(id), /the spectrum of step 1: 10 eigenvalues and 1000000000000 null ones do not make up n = 5350/);
    damaged(() => ro.latestCheckpoint(id), /checkpoint blob theta holds 13 bytes, not a whole number of 8-byte values/);
    expect(Array.from(ro.readSeries(other, 'loss').values)).toEqual([0.5]);
    ro.close();
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main/cli.ts'), ...args, '--db', file], { cwd: ROOT, encoding: 'utf8' });
    const r = cli('series', id, 'loss');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`Run ${id} in ${file} is damaged`);
    const raw2 = new Database(file);
    raw2.prepare("UPDATE runs SET config = '{not json' WHERE id = ?").run(id);
    raw2.close();
    const show = cli('runs', 'show', id);
    expect(show.status).toBe(2);
    expect(show.stderr).toContain(`Run ${id} in ${file} is damaged: its config is not valid JSON`);
    expect(cli('runs', 'list').stdout).toContain('fine');
  });
});

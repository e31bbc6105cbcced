// Several processes write one local database (a sweep's runs): a transaction that reads before it writes must wait
// for another process's write lock (busy timeout), not fail at once with SQLITE_BUSY — SQLite skips the busy handler
// when a connection that already reads tries to write, so such transactions take the write lock when they begin.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import { expandSweep } from '../../../src/shared/sweep/spec';
import { RunStore } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { ROOT } from '../../helpers/fixtures';

const ENV = { appVersion: 't', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 3, totalSteps: 1 };
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-writers-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Another process takes the database's write lock and holds it for `ms`; resolves once it holds it. */
function holdWriteLock(file: string, ms: number): Promise<{ exited: Promise<number | null> }> {
  const code = `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(file)}); d.exec('BEGIN IMMEDIATE');
    process.stdout.write('locked\\n'); setTimeout(() => { d.exec('COMMIT'); d.close(); }, ${ms});`;
  const p = spawn(process.execPath, ['-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((r) => p.on('exit', r));
  return new Promise((r) => p.stdout.on('data', () => r({ exited })));
}

describe('concurrent writers on one database', () => {
  it('finishing a run and recording a sweep wait for another process holding the write lock', async () => {
    const file = join(dir, 'lab.db');
    const store = RunStore.open(file);
    const id = store.createRun(DEFAULT_CONFIG, ENV);
    const writer = new RunWriter(store, id);
    store.get(id); // this connection has read the database before

    let { exited } = await holdWriteLock(file, 400);
    const t0 = performance.now();
    writer.finish('finished', null);
    expect(performance.now() - t0).toBeGreaterThan(200);
    expect(store.get(id).status).toBe('finished');
    expect(await exited).toBe(0);

    const r = expandSweep({ base: {}, grid: { seed: [0, 1] } });
    if (!r.ok) throw new Error('spec');
    ({ exited } = await holdWriteLock(file, 400));
    store.sweeps.record('0123456789abcdef', 'T', {}, r.plan.entries);
    expect(store.sweeps.list()[0].runs.length).toBe(2);
    expect(await exited).toBe(0);
    store.close();
  });
});

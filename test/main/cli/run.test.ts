// `run` as a user meets it: Ctrl-C through `npm run lab` (npm forwards SIGINT to the whole process group, so the
// run sees it more than once) ends the run `cancelled` with the resume command; --resume says how many recorded
// steps it recomputes and continues; the summary at the end; presets, with a config file over them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { numberText } from '../../../src/main/cli/format';
import { PRESETS } from '../../../src/shared/presets';
import { RunStore } from '../../../src/main/store/run-store';
import { cli } from '../../helpers/cli';
import { ROOT, USPS_DIR } from '../../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-run-'));

/** `npm run lab -- args` in its own process group, with its stderr collected. */
function npmLab(args: string[]): { child: ChildProcess; stderr: () => string; done: Promise<number | null> } {
  const child = spawn('npm', ['run', '-s', 'lab', '--', ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, stderr: () => err, done };
}

/** Resolves once the database holds a run whose last logged step is at least `step`. */
async function untilStep(db: string, step: number, after = -1): Promise<string> {
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    try {
      const store = RunStore.open(db, { readonly: true });
      const run = store.list()[0];
      store.close();
      if (run && run.lastStep >= step && run.lastStep > after) return run.id;
    } catch {
      // Not created yet.
    }
  }
}

describe('CLI run: Ctrl-C through npm, resume, summary', () => {
  it('ends cancelled with the resume command, and --resume continues it (process group, SIGINT twice)', async () => {
    const db = path.join(dir, 'sigint.db');
    const cfg = path.join(dir, 'long.json');
    writeFileSync(cfg, JSON.stringify({ name: 'sigint', data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 }, train: { steps: 3000 }, checkpointEvery: 5 }));
    const first = npmLab(['run', '--config', cfg, '--db', db]);
    const id = await untilStep(db, 7);
    process.kill(-first.child.pid!, 'SIGINT');
    // A second Ctrl-C while it cancels must not kill it mid-write.
    while (!first.stderr().includes('cancelling after this step')) await new Promise((r) => setTimeout(r, 5));
    process.kill(-first.child.pid!, 'SIGINT');
    expect(await first.done).toBe(0);
    const store = RunStore.open(db, { readonly: true });
    const rec = store.get(id);
    const cp = store.latestCheckpoint(id)!;
    store.close();
    expect(rec.status).toBe('cancelled');
    // Cancelling checkpoints the last step, so nothing is recomputed.
    expect(cp.step).toBe(rec.lastStep + 1);
    expect(first.stderr()).toContain(`cancelled at step ${cp.step} of 3000; resume with: npm run lab -- run --resume ${id} --db ${db}`);
    expect(first.stderr()).toMatch(/final loss \d\.\d+ \(step \d+\)\n/);
    expect(first.stderr()).toMatch(/last spectrum \(step \d+\): \d+ negative, \d+ chaotic eigenvalues/);

    const second = npmLab(['run', '--resume', id.slice(0, 8), '--db', db]);
    await untilStep(db, cp.step + 3, rec.lastStep);
    process.kill(-second.child.pid!, 'SIGTERM');
    expect(await second.done).toBe(0);
    expect(second.stderr()).toContain(`resuming run ${id} at step ${cp.step} (0 recorded steps will be recomputed)`);
    const after = RunStore.open(db, { readonly: true });
    const rec2 = after.get(id);
    const loss = after.readSeries(id, 'loss');
    after.close();
    expect(rec2.status).toBe('cancelled');
    expect(rec2.lastStep).toBeGreaterThan(rec.lastStep + 2);
    // Every step once, in order: the continuation appended to the cancelled run.
    expect(Array.from(loss.steps)).toEqual(Array.from({ length: rec2.lastStep + 1 }, (_, i) => i));
    expect(second.stderr()).toContain(`cancelled at step ${rec2.lastStep + 1} of 3000`);
  }, 240_000);

  it('resume after a kill says how many recorded steps will be recomputed', () => {
    const db = path.join(dir, 'killed.db');
    const cfg = path.join(dir, 'short.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 0 },
        model: { kind: 'mlp', hidden: 4 },
        train: { steps: 12 },
        checkpointEvery: 5,
      }),
    );
    expect(cli('run', '--config', cfg, '--db', db).status).toBe(0);
    // As if killed after step 11 was logged: the latest checkpoint is at step 10 (the finishing one removed).
    const store = RunStore.open(db);
    const id = store.list()[0].id;
    store.setStatus(id, 'interrupted');
    store.close();
    const sqlite = new Database(db);
    sqlite.pragma('foreign_keys = ON');
    sqlite.prepare('DELETE FROM checkpoints WHERE run_id = ? AND step = 12').run(id);
    sqlite.close();
    const r = cli('run', '--resume', id, '--db', db);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`resuming run ${id} at step 10 (2 recorded steps will be recomputed)`);
    expect(r.stderr).toContain(`run ${id}: finished after 12 of 12 steps`);
  }, 120_000);

  it('prints the headline numbers at the end: loss, test accuracy, counts, divergence fit, Lyapunov, duration', () => {
    const db = path.join(dir, 'summary.db');
    const cfg = path.join(dir, 'summary.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 5, testLimit: 100 },
        model: { kind: 'mlp', hidden: 4 },
        train: { steps: 20, lr: 0.05 },
        lyapunov: { k: 2 },
        replicas: { strategy: 'randn', eps: [0.1], seeds: [0, 1] },
      }),
    );
    const r = cli('run', '--config', cfg, '--db', db);
    expect(r.status).toBe(0);
    const id = /run ([0-9a-f-]{36}): finished after 20 of 20 steps/.exec(r.stderr)![1];
    const store = RunStore.open(db, { readonly: true });
    const loss = store.readSeries(id, 'loss');
    const acc = store.readSeries(id, 'test_acc');
    const lyap = store.readSeries(id, 'lyap_max');
    store.close();
    // A float32 run: the loss as its shortest float32 decimal.
    expect(r.stderr).toContain(`final loss ${numberText('float32')(loss.values[19])} (step 19)`);
    expect(r.stderr).toContain(`test accuracy ${(100 * acc.values.at(-1)!).toFixed(2)} % (step ${acc.steps.at(-1)})`);
    expect(r.stderr).toMatch(/last spectrum \(step 19\): \d+ negative, \d+ chaotic eigenvalues/);
    expect(r.stderr).toMatch(/divergence ε = 0\.1 \(mean of 2 seeds\): d² = a·t \+ b·t² \+ d₀²: a = .* R² = /);
    expect(r.stderr).toContain(`top Lyapunov exponent λ₁ = ${lyap.values[19].toPrecision(4)} per step (step 19)`);
    expect(r.stderr).toMatch(/duration \d+(\.\d)?s of computing/);
    expect(r.stderr).toContain(`look at it: npm run lab -- runs show ${id.slice(0, 8)} --db ${db}`);
  }, 120_000);

  it('--preset runs a preset; a config file overrides its fields; unknown names get did-you-mean and the list', () => {
    const db = path.join(dir, 'preset.db');
    const over = path.join(dir, 'over.json');
    writeFileSync(over, JSON.stringify({ name: 'fig1 short', data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 }, train: { steps: 3 } }));
    const r = cli('run', '--preset', 'fig1-cgd-neg', '--config', over, '--db', db);
    expect(r.stderr).toContain('finished after 3 of 3 steps');
    expect(r.status).toBe(0);
    const store = RunStore.open(db, { readonly: true });
    const rec = store.get(store.list()[0].id);
    store.close();
    const preset = PRESETS.find((p) => p.id === 'fig1-cgd-neg')!.config;
    expect(rec.name).toBe('fig1 short');
    expect(rec.config.train).toEqual({ ...preset.train, steps: 3 });
    expect(rec.config.cgd).toEqual(preset.cgd);
    expect(rec.tags).toEqual(preset.tags);
    const bad = cli('run', '--preset', 'fig1-cgd-nge', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--preset: unknown 'fig1-cgd-nge' (did you mean fig1-cgd-neg?); one of fig1-sgd, fig1-cgd-neg");
    expect(bad.stderr).not.toContain('Usage:');
    const list = cli('run', '--preset', 'list');
    for (const p of PRESETS) expect(list.stdout).toContain(p.id);
  }, 120_000);
});

// `lab sweep plan|run|status` as a user runs them (real CLI processes, real SQLite files, USPS): a sweep runs its
// runs in parallel child processes and records them; Ctrl-C, SIGKILL of the whole process group and SIGKILL of the
// sweep process alone each leave runs that the next `sweep run` resumes to bitwise the results of an uninterrupted
// sweep; failed runs are retried only with --retry-failed; bad specs and a sweep larger than the disk are refused
// before anything runs.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/main/store/run-store';
import { USPS_DIR } from '../../helpers/fixtures';
import { cli, expectSameRun, killSpawned, onlySweep, readDb, spawnCli, until, writeJson } from '../../helpers/sweep-runs';

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-sweep-local-'));
afterAll(() => {
  killSpawned();
  rmSync(dir, { recursive: true, force: true });
});
const base = (steps: number) => ({
  data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 },
  train: { steps },
  spectrum: { every: 0 },
  checkpointEvery: 100,
});

describe('sweep plan', () => {
  it('prints every run with steps, the measured time per step and disk, before anything runs', () => {
    const spec = writeJson(dir, 'plan.json', {
      title: 'fig1 small',
      name: 'fig1-{cgd.prune}-s{seed}',
      base: { ...base(50), spectrum: { every: 1 } },
      grid: { seed: [0, 1], 'cgd.prune': [null, 'neg'] },
    });
    const r = cli(['sweep', 'plan', spec]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^sweep "fig1 small" \(id [0-9a-f]{16}\): 4 runs over seed × cgd.prune, stages run$/);
    expect(lines.slice(2, 6).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['0', 'fig1-none-s0', '50'],
      ['1', 'fig1-neg-s0', '50'],
      ['2', 'fig1-none-s1', '50'],
      ['3', 'fig1-neg-s1', '50'],
    ]);
    // The spectrum step is measured on this machine: a positive time per step for each run.
    for (const l of lines.slice(2, 6)) expect(l).toMatch(/\d+\.\d ms/);
    expect(lines[6]).toMatch(/^total: 200 steps, .* of disk$/);
    const json = JSON.parse(cli(['sweep', 'plan', spec, '--json']).stdout) as { runs: { name: string; steps: number; msPerStep: number; diskBytes: number }[] };
    expect(json.runs.map((x) => x.steps)).toEqual([50, 50, 50, 50]);
    expect(json.runs.every((x) => x.msPerStep > 0 && x.diskBytes > 0)).toBe(true);
  });

  it('refuses bad specs naming the field, and a sweep larger than the disk naming where, with nothing written', () => {
    const bad = writeJson(dir, 'bad.json', { base: base(10), grid: { 'train.lrate': [0.1], seed: [] } });
    const r = cli(['sweep', 'run', bad, '--db', join(dir, 'bad.db')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`invalid sweep spec ${bad}:`);
    expect(r.stderr).toContain('grid.seed: must be a non-empty list of values');
    const collide = writeJson(dir, 'collide.json', { name: 'x', base: base(10), grid: { seed: [0, 1] } });
    expect(cli(['sweep', 'plan', collide]).stderr).toContain('name: gives the name "x" to runs 0 and 1; add {seed} to tell them apart');
    // 1e9 steps with a spectrum each: petabytes.
    const huge = writeJson(dir, 'huge.json', { base: { ...base(1e9), spectrum: { every: 1 } }, grid: { seed: [0, 1, 2] } });
    const db = join(dir, 'huge', 'lab.db');
    const h = cli(['sweep', 'run', huge, '--db', db]);
    expect(h.status).toBe(2);
    expect(h.stderr).toMatch(/--db .*huge: the sweep's 3 runs need an estimated [\d.]+ (TB|PB)?.*Nothing was run/);
    expect(existsSync(join(dir, 'huge'))).toBe(false);
    expect(existsSync(join(dir, 'bad.db'))).toBe(false);
  });
});

describe('sweep run', () => {
  it('runs J at once, and survives Ctrl-C, SIGKILL of the group and SIGKILL of the sweep alone: reruns continue to bitwise the same runs', async () => {
    // Long enough that both runs are still going at every signal below: a run of the bundled CLI makes ~1000 steps/s
    // and records its last step about once a second.
    const spec = writeJson(dir, 'two.json', { name: 's{seed}', base: base(8000), grid: { seed: [0, 1] } });
    const ref = join(dir, 'ref.db');
    const r0 = cli(['sweep', 'run', spec, '--db', ref, '--jobs', '2']);
    expect(r0.stderr).toMatch(/: 2 finished\n$/);
    expect(r0.status).toBe(0);
    const refRuns = onlySweep(ref).runs;
    expect(refRuns.map((r) => [r.name, r.status])).toEqual([
      ['s0', 'finished'],
      ['s1', 'finished'],
    ]);

    const db = join(dir, 'interrupted.db');
    const progressed = (atLeast: number) => () =>
      existsSync(db) && readDb(db, (s) => s.sweeps.list()[0]?.runs.every((r) => r.runId !== null && r.status === 'running' && r.lastStep >= atLeast) ?? false);
    const statuses = () => onlySweep(db).runs.map((r) => r.status);

    // Ctrl-C in a terminal: SIGINT to the whole foreground group. Children stop cleanly; exit code 130.
    let run = spawnCli(['sweep', 'run', spec, '--db', db, '--jobs', '2']);
    await until('both runs to progress', progressed(300));
    const ids = onlySweep(db).runs.map((r) => r.runId);
    process.kill(-run.proc.pid!, 'SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.output()).toContain('stopped; run the same command to continue');
    expect(statuses()).toEqual(['cancelled', 'cancelled']);

    // SIGKILL of the whole group: nothing gets to clean up; the runs are found interrupted and resumed.
    run = spawnCli(['sweep', 'run', spec, '--db', db, '--jobs', '2']);
    await until('both runs to resume and progress', progressed(900));
    process.kill(-run.proc.pid!, 'SIGKILL');
    await run.exited;
    // A killed child is 'running' until the kernel has taken it down (or it is a zombie): wait for that, not longer.
    await until('the children to be gone', () => statuses().every((s) => s === 'interrupted'), 30_000);
    expect(readDb(db, (s) => s.list().map((r) => r.status))).toEqual(['interrupted', 'interrupted']);

    // SIGKILL of the sweep process alone: its children see the IPC channel close and stop cleanly.
    run = spawnCli(['sweep', 'run', spec, '--db', db, '--jobs', '2']);
    await until('both runs to resume and progress', progressed(1500));
    run.proc.kill('SIGKILL');
    await run.exited;
    await until('the children to stop', () => statuses().every((s) => s === 'cancelled'), 60_000);

    const done = cli(['sweep', 'run', spec, '--db', db, '--jobs', '2']);
    expect(done.status).toBe(0);
    expect(done.stderr).toContain('resume #0 s0');
    expect(done.stderr).toContain('resume #1 s1');
    const rows = onlySweep(db).runs;
    // The same two runs throughout, continued each time, none restarted.
    expect(rows.map((r) => r.runId)).toEqual(ids);
    expect(readDb(db, (s) => s.list().length)).toBe(2);
    for (const [i, r] of rows.entries()) expectSameRun(db, r.runId!, ref, refRuns[i].runId!);
    const status = cli(['sweep', 'status', onlySweep(db).id.slice(0, 6), '--db', db]);
    expect(status.stdout).toMatch(/: 2 finished\n/);
  }, 600_000);

  it('reports failed runs and retries them only with --retry-failed; a run that cannot start names the field', () => {
    const db = join(dir, 'retry.db');
    const spec = writeJson(dir, 'retry.json', { name: 'r{seed}', base: base(40), grid: { seed: [0, 1] } });
    expect(cli(['sweep', 'run', spec, '--db', db]).status).toBe(0);
    // A run that failed (its last checkpoint at step 0): mark it so in the real database.
    const sweep = onlySweep(db);
    const store = RunStore.open(db);
    store.setStatus(sweep.runs[1].runId!, 'failed', 'out of memory (simulated)');
    store.close();
    const again = cli(['sweep', 'run', spec, '--db', db]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('1 finished, 1 failed — 1 failed (rerun with --retry-failed');
    expect(again.stderr).not.toContain('resume #1');
    const retry = cli(['sweep', 'run', spec, '--db', db, '--retry-failed']);
    expect(retry.stderr).toContain('resume #1 r1');
    expect(retry.status).toBe(0);
    expect(onlySweep(db).runs.map((r) => [r.runId, r.status])).toEqual(sweep.runs.map((r) => [r.runId, 'finished']));

    const missing = writeJson(dir, 'missing.json', {
      name: 'm{seed}',
      base: { ...base(10), train: { steps: 10, initParamsFile: join(dir, 'nope.json') } },
      grid: { seed: [0] },
    });
    const m = cli(['sweep', 'run', missing, '--db', db]);
    expect(m.status).toBe(1);
    expect(m.stderr).toMatch(/failed\s+#0 m0 — .*train.initParamsFile: file not found/);
  });
});

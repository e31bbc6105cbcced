// `runs list --status` (validated against the run statuses) and `runs show`: concise words by default, --json for all.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, defaultSection } from '../../../src/shared/config';
import { RunStore } from '../../../src/main/store/run-store';
import { cli } from '../../helpers/cli';

const ENV = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 3000 };

function library(): { db: string; done: string; stopped: string } {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-runs-')), 'lab.db');
  const store = RunStore.open(db);
  const done = store.createRun(
    { ...DEFAULT_CONFIG, name: 'finished one', tags: ['fig1'], notes: 'the reference', cgd: { ...defaultSection('cgd'), prune: 'neg', start: 0 } },
    ENV,
  );
  store.appendMetrics(
    done,
    [0, 1, 2].map((step) => ({
      step,
      epoch: 0,
      wall: 1.5 * (step + 1),
      values: { loss: Math.fround(2.3 - step / 10), test_acc: 0.5 + step / 10, n_neg: 40 + step, n_chaotic: 10 + step },
    })),
  );
  store.setStatus(done, 'finished');
  const stopped = store.createRun({ ...DEFAULT_CONFIG, name: 'stopped one' }, ENV);
  store.appendMetrics(stopped, [{ step: 0, epoch: 0, wall: 0, values: { loss: 1 } }]);
  store.setStatus(stopped, 'cancelled');
  store.close();
  return { db, done, stopped };
}

describe('CLI runs list --status and runs show', () => {
  it('filters by status and names a bad one with the near miss and the list', () => {
    const { db, done, stopped } = library();
    const cancelled = cli('runs', 'list', '--status', 'cancelled', '--db', db);
    expect(cancelled.status).toBe(0);
    expect(cancelled.stdout).toContain(stopped.slice(0, 8));
    expect(cancelled.stdout).not.toContain(done.slice(0, 8));
    const bad = cli('runs', 'list', '--status', 'canceled', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe(
      "--status: unknown 'canceled' (did you mean cancelled?); one of running, paused, finished, cancelled, failed, diverged, interrupted\n",
    );
  });

  it('show: name, id, status, steps, the run in words, headline numbers, tags and notes; --json everything', () => {
    const { db, done } = library();
    const r = cli('runs', 'show', done.slice(0, 8), '--db', db);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe(`finished one  (${done})`);
    expect(lines[1]).toMatch(/^status finished; 3 of 3000 steps; created \d{4}-/);
    expect(lines[2]).toBe('Fashion-MNIST 16×16 · MLP 256-20-10 (relu), 5350 parameters · CGD neg, γ = 0.01, batch 8, float32 · exact spectrum every 1');
    expect(r.stdout).toContain(`final loss 2.1 (step 2)`);
    expect(r.stdout).toContain('test accuracy 70.00 % (step 2)');
    expect(r.stdout).toContain('last spectrum (step 2): 42 negative, 12 chaotic eigenvalues');
    expect(r.stdout).toContain('duration 4.5s of computing');
    expect(r.stdout).toContain('tags: fig1');
    expect(r.stdout).toContain('notes: the reference');
    const json = JSON.parse(cli('runs', 'show', done, '--db', db, '--json').stdout) as { id: string; config: { name: string }; series: string[] };
    expect(json.id).toBe(done);
    expect(json.series).toContain('n_chaotic');
  });

  it('an unknown subcommand or flag gets did-you-mean and no usage dump', () => {
    const { db } = library();
    const sub = cli('runs', 'lsit', '--db', db);
    expect(sub.status).toBe(2);
    expect(sub.stderr).toBe("runs: unknown 'lsit' (did you mean list?); one of list, show, delete, export, import\n");
    const flag = cli('runs', 'list', '--stauts', 'finished', '--db', db);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toContain("runs: unknown option '--stauts' (did you mean --status?)");
    expect(flag.stderr).not.toContain('Usage:');
  });
});

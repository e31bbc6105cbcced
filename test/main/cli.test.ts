// The CLI as a user runs it (a real child process): the `hessian` command against the PyTorch fixtures,
// a small run, runs/series output, and bad input answered with a message naming the field (exit code 2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LEAVES } from '../../src/shared/config';
import { ROOT, fixture, USPS_DIR } from '../helpers/fixtures';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main/cli.ts'), ...args], { cwd: ROOT, encoding: 'utf8' });

describe('CLI hessian', () => {
  for (const name of ['mlp_init', 'cnn_init'] as const)
    it(`${name}: prints the exact spectrum of the fixture batch`, () => {
      const f = fixture(name);
      const params = path.join(dir, `${name}.json`);
      writeFileSync(params, JSON.stringify(name === 'mlp_init' ? f.params_init : { params: f.params_init }));
      const r = cli('hessian', '--model', f.model, '--params', params, '--usps', USPS_DIR, '--indices', f.batch_idx.join(','), '--null-tol', '1e-6');
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const out = JSON.parse(r.stdout) as { n: number; loss: number; gradNorm: number; eigenvalues: number[]; counts: Record<string, number> };
      expect(out.n).toBe(f.n_params);
      expect(Math.abs(out.loss - f.init.loss) / f.init.loss).toBeLessThan(1e-12);
      expect(Math.abs(out.gradNorm - f.init.grad_norm) / f.init.grad_norm).toBeLessThan(1e-12);
      const maxAbs = Math.max(...f.init.eigvals.map(Math.abs));
      expect(out.eigenvalues.length).toBe(f.n_params);
      const worst = Math.max(...out.eigenvalues.map((v, i) => Math.abs(v - f.init.eigvals[i])));
      expect(worst / maxAbs).toBeLessThan(1e-10);
      expect(out.counts).toEqual({ negative: f.init['cnt_neg_lt_-1e-6'], positive: f.init['cnt_pos_gt_1e-6'], null: f.init['cnt_zero_abs_le_1e-6'] });
    });

  it('names the bad argument', () => {
    const r = cli('hessian', '--model', 'rnn', '--params', 'x', '--usps', USPS_DIR, '--indices', '1');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--model must be mlp or cnn, got 'rnn'/);
    const f = fixture('mlp_init');
    const params = path.join(dir, 'p.json');
    writeFileSync(params, JSON.stringify(f.params_init));
    const r2 = cli('hessian', '--model', 'mlp', '--params', params, '--usps', USPS_DIR, '--indices', '1,99999');
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/--indices: '99999' is not a line index in 0\.\.7290/);
    const r3 = cli('hessian', '--model', 'mlp', '--params', params, '--usps', path.join(dir, 'nowhere'), '--indices', '1');
    expect(r3.status).toBe(2);
    expect(r3.stderr).toMatch(/nowhere/);
  });
});

describe('CLI run, runs and series', () => {
  const db = path.join(dir, 'cli.db');
  it('runs a config, lists it and prints its series as CSV and JSON', () => {
    const cfg = path.join(dir, 'run.json');
    writeFileSync(
      cfg,
      JSON.stringify({ name: 'cli-run', tags: ['smoke'], data: { dataset: 'usps', dir: USPS_DIR, testEvery: 5, testLimit: 100 }, train: { steps: 30 } }),
    );
    const r = cli('run', '--config', cfg, '--db', db, '--json');
    expect(r.status).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; runId?: string; status?: string });
    expect(lines.filter((l) => l.type === 'metrics').length).toBe(30);
    const fin = lines.at(-1)!;
    expect(fin).toMatchObject({ type: 'finished', status: 'finished' });
    const list = cli('runs', 'list', '--db', db, '--tag', 'smoke');
    expect(list.stdout).toContain('cli-run');
    expect(list.stdout).toContain(fin.runId!.slice(0, 8));
    const csv = cli('series', fin.runId!.slice(0, 8), 'loss,test_acc', '--db', db);
    const rows = csv.stdout.trim().split('\n');
    expect(rows[0]).toBe('step,loss,test_acc');
    expect(rows.length).toBe(31);
    const json = JSON.parse(cli('series', fin.runId!, 'n_neg', '--db', db, '--format', 'json').stdout) as { n_neg: { steps: number[] } };
    expect(json.n_neg.steps).toEqual(Array.from({ length: 30 }, (_, i) => i));
    // Output larger than a pipe buffer arrives whole (the CLI waits for stdout to drain before exiting).
    const spectra = cli('series', fin.runId!, 'spectra', '--db', db, '--format', 'json').stdout;
    expect(spectra.length).toBeGreaterThan(65536);
    expect((JSON.parse(spectra) as unknown[]).length).toBe(30);
    // Saved parameters load back as an initial parameter file (PyTorch layout round trip).
    const pfile = path.join(dir, 'saved.json');
    expect(cli('params', fin.runId!, '--db', db, '--out', pfile).status).toBe(0);
    const saved = JSON.parse(readFileSync(pfile, 'utf8')) as { step: number; params: number[] };
    expect(saved.step).toBe(30);
    expect(saved.params.length).toBe(5350);
    const cfg2 = path.join(dir, 'run2.json');
    writeFileSync(cfg2, JSON.stringify({ data: { dataset: 'usps', dir: USPS_DIR, testEvery: 0 }, train: { steps: 1, initParamsFile: pfile } }));
    expect(cli('run', '--config', cfg2, '--db', db).status).toBe(0);
    const bad = cli('series', fin.runId!, 'nonsense', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/has no series 'nonsense'/);
  });

  it('rejects an invalid config naming every bad field', () => {
    const cfg = path.join(dir, 'bad.json');
    writeFileSync(cfg, JSON.stringify({ train: { lr: -1, batchSize: 2.5 }, model: { kind: 'mlp', hiden: 3 }, cgd: { prune: 'zero' }, momentum: 0.9 }));
    const r = cli('run', '--config', cfg, '--db', db);
    expect(r.status).toBe(2);
    for (const msg of [
      'train.lr: must be > 0',
      'train.batchSize: must be an integer',
      'model.hiden: unknown field (did you mean model.hidden?)',
      'momentum: unknown field (did you mean train.momentum?)',
      'cgd.prune: must be one of neg, pos, chaotic',
    ])
      expect(r.stderr).toContain(msg);
  });

  it('refuses Lanczos and full-batch settings that cannot run, naming the field, and creates no run', () => {
    const cfg = path.join(dir, 'bad-lanczos.json');
    const db2 = path.join(dir, 'refused.db');
    writeFileSync(
      cfg,
      JSON.stringify({
        data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 500 },
        train: { mode: 'gd', subset: 501 },
        spectrum: { method: 'lanczos', k: 3000, lanczosSteps: 6000, probes: 0 },
      }),
    );
    const r = cli('run', '--config', cfg, '--db', db2);
    expect(r.status).toBe(2);
    for (const msg of [
      'train.subset: 501 exceeds the 500 training images (data.trainLimit)',
      "spectrum.k: must be at most n/2 = 2675: the top-k and bottom-k of the model's n = 5350 parameters",
      'spectrum.probes: must be ≥ 2',
    ])
      expect(r.stderr).toContain(msg);
    writeFileSync(cfg, JSON.stringify({ data: { dataset: 'usps', dir: USPS_DIR, imageSide: 28 }, spectrum: { method: 'lanczos', k: 5000 } }));
    const side = cli('run', '--config', cfg, '--db', db2);
    expect(side.status).toBe(2);
    // The side is refused; n (and so spectrum.k) is not judged on a side the data set does not offer.
    expect(side.stderr).toContain('data.imageSide: usps images are 16×16: must be 16');
    expect(side.stderr).not.toMatch(/^\s*spectrum\.k:/m);
    expect(cli('runs', 'list', '--db', db2).stdout).toBe('(no runs)\n');
  });

  it('lists every config field with its values, default and help', () => {
    const text = cli('fields');
    expect(text.status).toBe(0);
    for (const leaf of LEAVES) expect(text.stdout).toContain(`  ${leaf.path}`);
    expect(text.stdout).toContain('  train.lr: number > 0; default 0.01\n      Step size γ');
    const json = JSON.parse(cli('fields', '--json').stdout) as { path: string; default: unknown }[];
    expect(json.map((f) => f.path)).toEqual(LEAVES.map((l) => l.path));
    expect(json.find((f) => f.path === 'replicas.eps')?.default).toEqual([0.1]);
  });
});

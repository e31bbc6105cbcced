// The CLI as a user runs it (a real child process): the `hessian` command against the PyTorch fixtures,
// a small run, runs/series output, Lyapunov vectors by replay, replica parameters, bad input answered with a
// message naming the field (exit code 2), and the refusals that protect stored data.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, LEAVES } from '../../src/shared/config';
import { NAME_MAX } from '../../src/shared/limits';
import { Replay } from '../../src/main/engine/replay';
import { RunStore } from '../../src/main/store/run-store';
import { StoreLibrary } from '../../src/main/store/run-library';
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
    // Nothing was created: not even the database.
    expect(existsSync(db2)).toBe(false);
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

describe('CLI runs: refusals and exit codes (README)', () => {
  const ENV = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 1 };
  /** A database with three finished runs, one of them named with a bidi override and a terminal escape. */
  function threeRuns(): { db: string; ids: string[] } {
    const db = path.join(mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-runs-')), 'lab.db');
    const store = RunStore.open(db);
    const ids = ['plain', 'evil\u202egnp.exe \u001b[2Jcleared', 'third'].map((name) => {
      const id = store.createRun({ ...DEFAULT_CONFIG, name, tags: [name === 'plain' ? 'a\u2066b' : 'x'] }, ENV);
      store.appendMetrics(id, [{ step: 0, epoch: 0, wall: 0, values: { loss: 1 } }]);
      store.setStatus(id, 'finished');
      return id;
    });
    store.close();
    return { db, ids };
  }
  const listed = (db: string): string[] =>
    RunStore.open(db, { readonly: true })
      .list()
      .map((r) => r.id)
      .sort();

  it('runs export never writes over the open database or an existing file without --force', () => {
    const { db, ids } = threeRuns();
    const before = readFileSync(db);
    for (const target of [db, `${db}-wal`, path.join(path.dirname(db), '.', 'lab.db')]) {
      const r = cli('runs', 'export', ids[0], target, '--db', db, '--force');
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`is the open database ${db}`);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
    expect(listed(db)).toEqual([...ids].sort());
    const out = path.join(path.dirname(db), 'run.chaoslab');
    writeFileSync(out, 'keep me');
    const r = cli('runs', 'export', ids[0], out, '--db', db);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/run\.chaoslab already exists \(replace it with --force/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect(cli('runs', 'export', ids[0], out, '--db', db, '--force').status).toBe(0);
    expect(
      RunStore.open(out, { readonly: true })
        .list()
        .map((r) => r.id),
    ).toEqual([ids[0]]);
    // No temporary file is left beside it.
    expect(readdirSync(path.dirname(db)).filter((f) => f.includes('partial'))).toEqual([]);
    // params --out follows the same rules.
    expect(cli('params', ids[0], '--db', db, '--out', db).status).toBe(2);
    expect(readFileSync(db).equals(before)).toBe(true);
  });

  it('escapes control characters and bidi overrides in runs list and runs show', () => {
    const { db, ids } = threeRuns();
    const list = cli('runs', 'list', '--db', db);
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('evil\\u202egnp.exe \\u001b[2Jcleared');
    expect(list.stdout).toContain('[a\\u2066b]');
    // eslint-disable-next-line no-control-regex -- raw control characters must not reach the terminal
    expect(list.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202a-\u202e\u2066-\u2069]/);
    const show = cli('runs', 'show', ids[1], '--db', db, '--json');
    expect(show.stdout).not.toMatch(/[\u202a-\u202e]/);
    expect((JSON.parse(show.stdout) as { name: string }).name).toBe('evil\u202egnp.exe \u001b[2Jcleared');
  });

  it('reading commands never create a database; bad input exits 2 naming it', () => {
    const missing = path.join(dir, 'typo.bd');
    for (const args of [
      ['runs', 'list'],
      ['series', 'abc', 'loss'],
      ['params', 'abc'],
    ]) {
      const r = cli(...args, '--db', missing);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain(`No database at ${missing}`);
    }
    expect(existsSync(missing)).toBe(false);
    const f = fixture('mlp_init');
    const params = path.join(dir, 'p2.json');
    writeFileSync(params, JSON.stringify(f.params_init));
    const r = cli('hessian', '--model', 'mlp', '--params', params, '--usps', USPS_DIR, '--indices', '1,,2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--indices: '' is not a line index/);
    const cfg = path.join(dir, 'long-name.json');
    writeFileSync(cfg, JSON.stringify({ name: 'x'.repeat(NAME_MAX + 1) }));
    const long = cli('run', '--config', cfg, '--db', path.join(dir, 'never.db'));
    expect(long.status).toBe(2);
    expect(long.stderr).toContain(`name: must be at most ${NAME_MAX} characters`);
    expect(existsSync(path.join(dir, 'never.db'))).toBe(false);
  });
});

describe('CLI lyapunov-vectors and params --replica', () => {
  const db = path.join(dir, 'vectors.db');
  let id = '';
  type VectorsJson = {
    step: number;
    frame: string;
    which: string;
    k: number;
    n: number;
    exponents: number[];
    vectors: number[][];
    stored: boolean;
    converged?: boolean;
  };
  const vectors = (...args: string[]) => {
    const r = cli('lyapunov-vectors', id, '--db', db, ...args);
    return { r, out: r.status === 0 ? (JSON.parse(r.stdout) as VectorsJson) : null };
  };

  beforeAll(() => {
    const cfg = path.join(dir, 'vectors-run.json');
    writeFileSync(
      cfg,
      JSON.stringify({
        seed: 3,
        data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 0 },
        model: { kind: 'mlp', hidden: 4 },
        train: { steps: 40, lr: 0.05 },
        lyapunov: { k: 3 },
        replicas: { strategy: 'randn', eps: [0.1], seeds: [0, 1] },
      }),
    );
    const r = cli('run', '--config', cfg, '--db', db, '--json');
    expect(r.status).toBe(0);
    id = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
  }, 120_000);

  it('computes initial-frame vectors by replay, saves them, and reads them back', () => {
    const file = path.join(dir, 'top.json');
    const first = cli('lyapunov-vectors', id.slice(0, 8), '--db', db, '--k', '3', '--out', file);
    expect(first.status).toBe(0);
    // The run kept its own 3 QR vectors: the iteration starts from them, with a backward half-sweep.
    expect(first.stderr).toContain("initial-frame iteration starts from the run's own QR vectors after step 40 (3), backward first");
    expect(first.stderr).toMatch(/half-sweep 1 \(backward/);
    expect(first.stderr).toMatch(/half-sweep 2 \(forward/);
    expect(first.stderr).toMatch(/replay memory: every step's map held/);
    const top = JSON.parse(readFileSync(file, 'utf8')) as VectorsJson;
    expect(top).toMatchObject({ step: 40, frame: 'initial', which: 'top', k: 3, n: 1078, stored: false });
    expect(top.vectors.length).toBe(3);
    for (const v of top.vectors) expect(Math.abs(Math.hypot(...v) - 1)).toBeLessThan(1e-12);
    expect(top.exponents[0]).toBeGreaterThan(top.exponents[2]);
    const again = vectors('--k', '2');
    expect(again.r.stderr).toMatch(/saved with the run/);
    expect(again.out).toMatchObject({ stored: true, k: 2, exponents: top.exponents.slice(0, 2), vectors: top.vectors.slice(0, 2) });
    const bottom = vectors('--bottom', '--k', '2').out!;
    expect(bottom.which).toBe('bottom');
    expect(bottom.exponents[0]).toBeLessThan(bottom.exponents[1]);
    expect(bottom.exponents[1]).toBeLessThan(top.exponents[2]);
  }, 240_000);

  it("final frame: the replayed QR vectors are the run's own saved ones, bit for bit", () => {
    const own = vectors('--frame', 'final').out!;
    expect(own.stored).toBe(true);
    expect(own.k).toBe(3);
    const replayed = vectors('--frame', 'final', '--recompute').out!;
    expect(replayed.stored).toBe(false);
    expect(replayed.vectors).toEqual(own.vectors);
    expect(replayed.exponents).toEqual(own.exponents);
    // Other QR vectors (here k = 4) are computed but never replace the ones the run saved itself.
    const more = vectors('--frame', 'final', '--k', '4');
    expect(more.out).toMatchObject({ stored: false, k: 4 });
    expect(more.r.stderr).toMatch(/the run's own 'lyapunov' vectors at step 40 are kept/);
    expect(vectors('--frame', 'final').out).toMatchObject({ stored: true, k: 3, vectors: own.vectors });
  }, 240_000);

  // Tolerance: the first step's exponents log|R_ii| of J₀Q₀ against the Cholesky factor of the explicit Gram matrix, 1e-12.
  it("starts a run from another run's final QR vectors (lyapunov.start = the --out file), replayed bit for bit; too few vectors are refused", async () => {
    const qFile = path.join(dir, 'final-qr.json');
    expect(cli('lyapunov-vectors', id, '--db', db, '--frame', 'final', '--out', qFile).status).toBe(0);
    const q = JSON.parse(readFileSync(qFile, 'utf8')) as VectorsJson;
    expect(q).toMatchObject({ frame: 'final', k: 3, n: 1078 });
    const run = (name: string, lyapunov: object) => {
      const cfg = path.join(dir, `${name}.json`);
      const data = { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 0 };
      writeFileSync(cfg, JSON.stringify({ name, seed: 3, data, model: { kind: 'mlp', hidden: 4 }, train: { steps: 10, lr: 0.05 }, lyapunov }));
      return cli('run', '--config', cfg, '--db', db, '--json');
    };
    const r = run('from final', { k: 3, start: qFile });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const from = (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { runId: string }).runId;
    const s = RunStore.open(db, { readonly: true });
    const stored = s.get(from).config;
    const frames = s.readLyapunov(from);
    const [loss, ownLoss] = [from, id].map((r) => Array.from(s.readSeries(r, 'loss').values));
    s.close();
    expect(stored.lyapunov?.start).toBe(qFile);
    // The same trajectory as the source's first 10 steps, with the QR method started from the file's vectors.
    expect(loss).toEqual(ownLoss.slice(0, 10));
    expect(frames.length).toBe(10);
    const library = StoreLibrary.open(db);
    const rep = await Replay.open(library, from, { to: 1 }, () => {});
    const n = q.n;
    let y: Float64Array = new Float64Array(3 * n);
    rep.forward((_t, m) => (y = m.forward(Float64Array.from(q.vectors.flat()), 3)));
    rep.dispose();
    library.close();
    const g = (a: number, b: number) => y.subarray(a * n, (a + 1) * n).reduce((t, v, i) => t + v * y[b * n + i], 0);
    // Cholesky of the 3×3 Gram matrix: R_ii of the QR of J₀Q₀.
    const l00 = Math.sqrt(g(0, 0));
    const l10 = g(1, 0) / l00;
    const l20 = g(2, 0) / l00;
    const l11 = Math.sqrt(g(1, 1) - l10 ** 2);
    const l21 = (g(2, 1) - l20 * l10) / l11;
    const l22 = Math.sqrt(g(2, 2) - l20 ** 2 - l21 ** 2);
    const expected = [l00, l11, l22].map(Math.log).sort((a, b) => b - a);
    Array.from(frames[0].exponents).forEach((e, i) => expect(Math.abs(e - expected[i])).toBeLessThan(1e-12));
    // Replayed from the file again, the final-frame vectors are the run's own, bit for bit.
    const own = cli('lyapunov-vectors', from, '--db', db, '--frame', 'final');
    const replayed = cli('lyapunov-vectors', from, '--db', db, '--frame', 'final', '--recompute');
    expect(replayed.status).toBe(0);
    const [a, b] = [own, replayed].map((x) => JSON.parse(x.stdout) as VectorsJson);
    expect([a.stored, b.stored]).toEqual([true, false]);
    expect(b.vectors).toEqual(a.vectors);
    expect(b.exponents).toEqual(a.exponents);
    // Fewer vectors than lyapunov.k: refused naming the field and the file, and no run is recorded.
    const runs = () => {
      const st = RunStore.open(db, { readonly: true });
      try {
        return st.list().length;
      } finally {
        st.close();
      }
    };
    const before = runs();
    const refused = run('too few', { k: 4, start: qFile });
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(`lyapunov.start: ${qFile}: holds 3 vectors, lyapunov.k needs 4`);
    expect(runs()).toBe(before);
  }, 240_000);

  it('names the bad argument (exit 2) and changes nothing; a replay that does not reproduce the run exits 1', () => {
    for (const [args, msg] of [
      [['--frame', 'middle'], /--frame must be initial or final, got 'middle'/],
      [['--step', '999'], /--step: run .* logged steps 0…39: the vectors after S steps need 0 < S ≤ 40, got 999/],
      [['--k', '0'], /--k must be an integer ≥ 1, got '0'/],
      [['--k', '5000'], /--k: must be an integer in 1…1078 or 'all', got 5000/],
      [['--frame', 'final', '--bottom'], /--bottom: the final frame holds the QR vectors/],
      [['--from=-1'], /--from must be an integer ≥ 0, got '-1'/],
    ] as const) {
      const { r } = vectors(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
    const none = cli('lyapunov-vectors', 'nosuchrun', '--db', db);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/RUN_ID: No run 'nosuchrun'/);
    expect(vectors('--k', '3').out!.stored).toBe(true);

    const copy = path.join(dir, 'vectors-tampered.db');
    copyFileSync(db, copy);
    const raw = new Database(copy);
    raw.prepare("UPDATE series SET vals = zeroblob(length(vals)) WHERE run_id = ? AND metric = 'loss'").run(id);
    raw.close();
    const r = cli('lyapunov-vectors', id, '--db', copy, '--step', '20');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error: replay of run .* does not reproduce it: at step 0 the loss is/);
  }, 240_000);

  it('--continue goes on from the saved vectors (its record covers the whole computation); a replica source that stopped short is refused until then', () => {
    const short = vectors('--k', '3', '--recompute', '--max-half-sweeps', '2');
    expect(short.r.stderr).toMatch(/warning: not converged after 2 half-sweeps/);
    // A replica run perturbing along them: the leading vector has not been seen to settle, so it is refused.
    const cfg = path.join(dir, 'replicas-of-short.json');
    const data = { dataset: 'usps', dir: USPS_DIR, trainLimit: 200, testEvery: 0 };
    const replicas = { strategy: 'max_chaos', eps: [0.1], seeds: [0], lyapunovSource: id };
    writeFileSync(cfg, JSON.stringify({ seed: 3, data, model: { kind: 'mlp', hidden: 4 }, train: { steps: 3, lr: 0.05 }, replicas }));
    const refused = cli('run', '--config', cfg, '--db', db, '--json');
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/did not converge in 2 half-sweeps .*--continue --max-half-sweeps H/);
    const more = vectors('--continue', '--max-half-sweeps', '40');
    expect(more.r.stderr).toContain('initial-frame iteration continues from the saved vectors (3) after 2 half-sweeps, forward first');
    expect(more.r.stderr).toMatch(/half-sweep 1 \(forward/);
    const out = more.out as VectorsJson & { halfSweeps: number };
    expect(out).toMatchObject({ converged: true, stored: false, k: 3 });
    const swept = more.r.stderr.split('\n').filter((l) => /^half-sweep \d+ \((forward|backward), J/.test(l)).length;
    expect(swept).toBeGreaterThan(1);
    expect(out.halfSweeps).toBe(2 + swept);
    // The same vectors as a fresh computation to the tolerance (change 1e-8: |cos| ≥ 1 − 1e-15 or so; checked to 1e-12).
    const fresh = vectors('--recompute', '--k', '3', '--max-half-sweeps', '80').out!;
    expect(fresh.converged).toBe(true);
    fresh.vectors.forEach((v, i) => {
      const cos = v.reduce((s, x, l) => s + x * out.vectors[i][l], 0);
      expect(1 - Math.abs(cos), `vector ${i}`).toBeLessThan(1e-12);
    });
    const accepted = cli('run', '--config', cfg, '--db', db, '--json');
    expect(accepted.stderr).toBe('');
    expect(accepted.status).toBe(0);
    for (const [args, msg] of [
      [['--continue', '--recompute'], /--recompute and --continue exclude each other/],
      [['--continue', '--step', '20'], /--continue: run \S+ has no saved 'lyapunov-initial-top' vectors at step 20 to continue from/],
      [['--continue', '--frame', 'final'], /--continue: the final-frame QR vectors are one sweep/],
    ] as const) {
      const { r } = vectors(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  }, 240_000);

  it("params --replica I prints a replica's parameters from the latest checkpoint", () => {
    const rep = JSON.parse(cli('params', id, '--db', db, '--replica', '1').stdout) as {
      step: number;
      replica: number;
      eps: number;
      seed: number;
      params: number[];
    };
    expect(rep).toMatchObject({ step: 40, replica: 1, eps: 0.1, seed: 1, strategy: 'randn' });
    const s = RunStore.open(db, { readonly: true });
    const cp = s.latestCheckpoint(id)!;
    s.close();
    expect(rep.params).toEqual(Array.from(cp.blobs['replica1.theta']));
    const main = JSON.parse(cli('params', id, '--db', db).stdout) as { params: number[] };
    expect(main.params).toEqual(Array.from(cp.blobs.theta));
    expect(main.params).not.toEqual(rep.params);
    const bad = cli('params', id, '--db', db, '--replica', '2');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--replica: '2' is not a replica of run .* \(0…1\)/);
    const other = cli('params', id, '--db', path.join(dir, 'cli.db'), '--replica', '0');
    expect(other.status).toBe(2);
  });
});

// `series --format csv` for every kind, with a header, values at the precision the run stored them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/main/store/run-store';
import { cli, smallRun } from '../../helpers/cli';

const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-cli-series-'));
const db = path.join(dir, 'series.db');
let id = '';
const rows = (...args: string[]): string[] => {
  const r = cli('series', id, ...args, '--db', db);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.trim().split('\n');
};

beforeAll(() => {
  id = smallRun(db, { train: { steps: 6, lr: 0.05 }, lyapunov: { k: 2 }, replicas: { strategy: 'randn', eps: [0.1], seeds: [0, 1] } });
}, 120_000);

describe('CLI series --format csv', () => {
  it('metrics: a float32 run prints float32 values as their shortest float32 decimal, losslessly', () => {
    const csv = rows('loss,lambda_max');
    expect(csv[0]).toBe('step,loss,lambda_max');
    const store = RunStore.open(db, { readonly: true });
    const loss = store.readSeries(id, 'loss');
    const lmax = store.readSeries(id, 'lambda_max');
    store.close();
    for (let i = 0; i < 6; i++) {
      const [step, l, m] = csv[i + 1].split(',');
      expect(Number(step)).toBe(i);
      // The loss is a float32 value: ≤ 9 significant digits that read back to it exactly through float32.
      expect(Math.fround(loss.values[i])).toBe(loss.values[i]);
      expect(Math.fround(Number(l))).toBe(loss.values[i]);
      expect(l.replace(/^-?0?\.?0*/, '').replace('.', '').length).toBeLessThanOrEqual(9);
      // λ_max comes from the float64 exact spectrum: printed in full, bit for bit.
      expect(Number(m)).toBe(lmax.values[i]);
    }
    // Without the float32 printing at least one loss would carry float64 noise digits (≥ 15).
    expect(Array.from(loss.values).some((v) => String(v).replace(/^0\./, '').length > 12)).toBe(true);
  });

  it('spectra: step,index,eigenvalue, index in the full ascending spectrum (the null ones are the gap)', () => {
    const csv = rows('spectra');
    expect(csv[0]).toBe('step,index,eigenvalue');
    const store = RunStore.open(db, { readonly: true });
    const frames = store.readSpectra(id);
    store.close();
    const f = frames[3];
    const mine = csv
      .slice(1)
      .filter((l) => l.startsWith('3,'))
      .map((l) => l.split(','));
    expect(mine.length).toBe(f.eigenvalues.length);
    const nNeg = f.eigenvalues.filter((v) => v < 0).length;
    mine.forEach(([, idx, v], i) => {
      expect(Number(v)).toBe(f.eigenvalues[i]);
      expect(Number(idx)).toBe(i < nNeg ? i : i + f.nullCount);
    });
    expect(Number(mine.at(-1)![1])).toBe(f.n - 1);
  });

  it('lyapunov, replicas and divergence: long CSV with a header', () => {
    const lyap = rows('lyapunov');
    expect(lyap[0]).toBe('step,index,exponent');
    expect(lyap.length - 1).toBe(2 * 6);
    const rep = rows('replicas');
    expect(rep[0]).toBe('step,replica,eps,seed,distance,along_grad,along_top');
    const store = RunStore.open(db, { readonly: true });
    const frames = store.readReplicas(id);
    store.close();
    expect(rep.length - 1).toBe(2 * frames.length);
    expect(rep[2].split(',').slice(0, 5).map(Number)).toEqual([frames[0].step, 1, 0.1, 1, frames[0].distances[1]]);
    const div = rows('divergence');
    expect(div[0]).toBe('curve,eps,seed,a,a_se,b,b_se,d0sq,r2,n,crossover_step,early_rate,late_exponent');
    expect(div.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['replica,0.1,0', 'replica,0.1,1', 'mean,0.1,']);
    const json = JSON.parse(cli('series', id, 'divergence', '--db', db, '--format', 'json').stdout) as { groups: { quad: { a: number } }[] };
    expect(Number(div[3].split(',')[3])).toBe(json.groups[0].quad.a);
  });

  it('estimated (Lanczos runs): extremes with residuals and the SLQ density with its SE, on the stored grid', () => {
    const ldb = path.join(dir, 'lanczos.db');
    const lid = smallRun(ldb, { train: { steps: 2 }, spectrum: { method: 'lanczos', k: 2, lanczosSteps: 30, probes: 2, slqSteps: 10 } });
    const csv = cli('series', lid, 'estimated', '--db', ldb).stdout.trim().split('\n');
    expect(csv[0]).toBe('step,part,index,lambda,value,error');
    const store = RunStore.open(ldb, { readonly: true });
    const f = store.readEstimatedSpectra(lid)[1];
    store.close();
    const mine = csv
      .slice(1)
      .filter((l) => l.startsWith(`${f.step},`))
      .map((l) => l.split(','));
    const top = mine.filter((c) => c[1] === 'top');
    expect(top.map((c) => Number(c[3]))).toEqual(Array.from(f.top));
    expect(top.map((c) => Number(c[5]))).toEqual(Array.from(f.topResiduals));
    const dens = mine.filter((c) => c[1] === 'density');
    const d = f.density!;
    expect(dens.length).toBe(d.values.length);
    expect(Number(dens[0][3])).toBe(d.lo);
    // The last grid point is lo + (m−1)·h = hi up to one rounding of the sum.
    expect(Math.abs(Number(dens.at(-1)![3]) - d.hi)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(d.hi)));
    expect(dens.map((c) => Number(c[4]))).toEqual(Array.from(d.values));
    expect(dens.map((c) => Number(c[5]))).toEqual(Array.from(d.se));
  }, 120_000);

  it('names the bad series and format with near misses', () => {
    const bad = cli('series', id, 'spectr', '--db', db);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("has no series 'spectr' (did you mean spectra?)");
    const fmt = cli('series', id, 'loss', '--format', 'cvs', '--db', db);
    expect(fmt.status).toBe(2);
    expect(fmt.stderr).toContain("--format: unknown 'cvs' (did you mean csv?); one of csv, json");
  });
});

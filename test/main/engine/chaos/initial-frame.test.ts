// Initial-frame Lyapunov vectors (block Krylov, and plain subspace iteration) against an independent float64 SVD of the explicit
// product: Y = J_T⋯J_1 formed densely (every map applied to the identity), eigh of YᵀY for the top right singular
// vectors and eigh of ZᵀZ, Z = Y⁻ᵀ = J_T⁻ᵀ⋯J_1⁻ᵀ, for the bottom ones. Synthetic non-symmetric maps; a tiny MLP
// (256-4-10, 200 steps) and the paper's MLP (256-20-10, n = 5350, 40 steps) trained on USPS and replayed from a real
// run store.
// Tolerances: |cos| ≥ 1 − 1e-8 and σ to 1e-10 relative, for vectors whose σ is separated from its neighbours.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { initialFrameVectors, type FrameVectors, type Sweeps } from '../../../../src/main/engine/chaos/initial-frame';
import type { StepMap } from '../../../../src/main/engine/chaos/step-map';
import { eigh, gramAtA, qrThin } from '../../../../src/main/engine/linalg/eigh';
import { Replay } from '../../../../src/main/engine/replay';
import { runExperiment } from '../../../../src/main/engine/runner';
import { Rng } from '../../../../src/main/engine/rng';
import { StoreLibrary } from '../../../../src/main/store/run-library';
import { validateConfig } from '../../../../src/shared/config';
import { USPS_DIR } from '../../../helpers/fixtures';

/** J = U·diag(d)·Vᵀ with U, V orthogonal (vectors contiguous): J, Jᵀ, J⁻¹, J⁻ᵀ in closed form. */
function svdMap(u: Float64Array, d: Float64Array, v: Float64Array): StepMap {
  const dim = d.length;
  const apply = (left: Float64Array, scale: (x: number, i: number) => number, right: Float64Array) => (x: Float64Array, k: number) => {
    const out = new Float64Array(k * dim);
    for (let l = 0; l < k; l++)
      for (let i = 0; i < dim; i++) {
        let c = 0;
        for (let r = 0; r < dim; r++) c += right[i * dim + r] * x[l * dim + r];
        c = scale(c, i);
        for (let r = 0; r < dim; r++) out[l * dim + r] += c * left[i * dim + r];
      }
    return out;
  };
  return {
    dim,
    forward: apply(u, (c, i) => c * d[i], v),
    transpose: apply(v, (c, i) => c * d[i], u),
    inverse: () => apply(v, (c, i) => c / d[i], u),
    inverseTranspose: () => apply(u, (c, i) => c / d[i], v),
    logAbsDet: d.reduce((s, x) => s + Math.log(Math.abs(x)), 0),
    logCond: Math.log(Math.max(...d.map(Math.abs)) / Math.min(...d.map(Math.abs))),
    bytes: 0,
  };
}

/** Haar-random orthogonal dim×dim (QR of a Gaussian matrix), vectors contiguous. */
function randomOrthogonal(rng: Rng, dim: number): Float64Array {
  return qrThin(
    Float64Array.from({ length: dim * dim }, () => rng.normal()),
    dim,
    dim,
  ).q;
}

function listSweeps(maps: StepMap[]): Sweeps {
  return {
    dim: maps[0].dim,
    steps: maps.length,
    forward: (visit) => maps.forEach((m, t) => visit(t, m)),
    backward: (visit) => {
      for (let t = maps.length - 1; t >= 0; t--) visit(t, maps[t]);
    },
  };
}

/** Top eigenpairs of PᵀP for P = the product of `pick(map)` over the sweep, formed densely (columns at j·dim). */
function denseReference(sweeps: Sweeps, pick: (m: StepMap) => (x: Float64Array, k: number) => Float64Array, count: number) {
  const { dim } = sweeps;
  let cols: Float64Array = new Float64Array(dim * dim);
  for (let j = 0; j < dim; j++) cols[j * dim + j] = 1;
  sweeps.forward((_t, m) => (cols = pick(m)(cols, dim)));
  // `cols` read row-major is Pᵀ; transpose to P so that gramAtA gives PᵀP.
  const p = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) p[b * dim + a] = cols[a * dim + b];
  const { values, vectors } = eigh(gramAtA(p, dim, dim), dim);
  return Array.from({ length: count }, (_, i) => ({
    logSigma: 0.5 * Math.log(values[dim - 1 - i]),
    vector: (vectors as Float64Array).subarray((dim - 1 - i) * dim, (dim - i) * dim),
  }));
}

/** Compares vectors and σ with the reference where σ_i is separated from its neighbours by ≥ 1e-3 relative. */
function compare(got: FrameVectors, ref: ReturnType<typeof denseReference>, steps: number): number {
  const sign = got.which === 'top' ? 1 : -1;
  let checked = 0;
  for (let i = 0; i < got.k; i++) {
    const gap = Math.min(i > 0 ? ref[i - 1].logSigma - ref[i].logSigma : Infinity, i + 1 < ref.length ? ref[i].logSigma - ref[i + 1].logSigma : Infinity);
    if (gap < 1e-3) continue;
    checked++;
    let cos = 0;
    for (let l = 0; l < got.dim; l++) cos += got.initial[i * got.dim + l] * ref[i].vector[l];
    expect(1 - Math.abs(cos), `vector ${i}`).toBeLessThan(1e-8);
    expect(Math.abs(Math.expm1(sign * got.exponents[i] * steps - ref[i].logSigma)), `σ_${i}`).toBeLessThan(1e-10);
  }
  return checked;
}

describe('initial-frame vectors against the dense SVD of the explicit product', () => {
  it('synthetic non-symmetric maps (dim 24, 40 steps): top 5 and bottom 5', () => {
    const dim = 24;
    const rng = new Rng(3, 'initial-frame');
    const orth = () => randomOrthogonal(rng, dim);
    const maps = Array.from({ length: 40 }, () =>
      svdMap(
        orth(),
        Float64Array.from({ length: dim }, () => Math.exp(0.15 * rng.normal())),
        orth(),
      ),
    );
    const sweeps = listSweeps(maps);
    const [top, bottom] = initialFrameVectors(sweeps, { k: 5, which: ['top', 'bottom'], tol: 1e-10, maxHalfSweeps: 40 });
    expect(top.converged && bottom.converged).toBe(true);
    expect(
      compare(
        top,
        denseReference(sweeps, (m) => m.forward, 8),
        40,
      ),
    ).toBe(5);
    expect(
      compare(
        bottom,
        denseReference(sweeps, (m) => m.inverseTranspose(), 8),
        40,
      ),
    ).toBe(5);
    // Bottom exponents ascend from the most contracting; top ones descend.
    for (let i = 1; i < 5; i++) {
      expect(top.exponents[i]).toBeLessThan(top.exponents[i - 1]);
      expect(bottom.exponents[i]).toBeGreaterThan(bottom.exponents[i - 1]);
    }
  });

  it('maps J_t = Q_t·D·Q_{t−1}ᵀ whose product Q_T·Dᵀ·Q_0ᵀ spans e^{±600} (beyond a dense float64 product): exact vectors and σ', () => {
    const dim = 16;
    const T = 300;
    const rng = new Rng(4, 'initial-frame-graded');
    const orth = () => randomOrthogonal(rng, dim);
    // Rotations between every step: no two maps commute, none is symmetric, yet Y's SVD is known exactly.
    const logD = Float64Array.from({ length: dim }, (_, i) => 2 - (4 * i) / (dim - 1) + 0.01 * rng.normal());
    const qs = Array.from({ length: T + 1 }, orth);
    const maps = Array.from({ length: T }, (_, t) => svdMap(qs[t + 1], logD.map(Math.exp), qs[t]));
    const order = Array.from(logD.keys()).sort((a, b) => logD[b] - logD[a]);
    const [top, bottom] = initialFrameVectors(listSweeps(maps), { k: 4, which: ['top', 'bottom'], tol: 1e-12, maxHalfSweeps: 10 });
    for (const [r, idx] of [
      [top, order],
      [bottom, order.slice().reverse()],
    ] as const) {
      expect(r.converged, r.which).toBe(true);
      for (let i = 0; i < 4; i++) {
        const j = idx[i];
        expect(Math.abs(r.exponents[i] - logD[j]), `${r.which} exponent ${i}`).toBeLessThan(1e-13);
        let cos = 0;
        for (let l = 0; l < dim; l++) cos += r.initial[i * dim + l] * qs[0][j * dim + l];
        expect(1 - Math.abs(cos), `${r.which} vector ${i}`).toBeLessThan(1e-13);
        cos = 0;
        for (let l = 0; l < dim; l++) cos += r.final[i * dim + l] * qs[T][j * dim + l];
        expect(1 - Math.abs(cos), `${r.which} final-frame vector ${i}`).toBeLessThan(1e-13);
      }
    }
    expect(Math.max(...logD) * T).toBeGreaterThan(590);
  });

  /** For maps J_t = Q_{t+1}·D·Q_tᵀ: the top 4 exponents are logD[0…3] and their initial-frame vectors Q_0's first 4. */
  function expectExactTop(r: FrameVectors, logD: Float64Array, q0: Float64Array, cosTol: number): void {
    expect(r.converged).toBe(true);
    for (let i = 0; i < 4; i++) {
      expect(Math.abs(r.exponents[i] - logD[i])).toBeLessThan(1e-12);
      let cos = 0;
      for (let l = 0; l < r.dim; l++) cos += r.initial[i * r.dim + l] * q0[i * r.dim + l];
      expect(1 - Math.abs(cos)).toBeLessThan(cosTol);
    }
  }

  /**
   * log σ_i = T·0.1·e^{−i/10} (dim 200, T = 10): σ_9/σ_4 = e^{−0.29}, so plain iteration gains only ×1.3 per
   * half-sweep; the Krylov space (at most 8 blocks of 8) stays well below the dimension.
   */
  function slowlyDecaying(rng: Rng) {
    const dim = 200;
    const T = 10;
    const logD = Float64Array.from({ length: dim }, (_, i) => 0.1 * Math.exp(-i / 10));
    const qs = Array.from({ length: T + 1 }, () => randomOrthogonal(rng, dim));
    const maps = Array.from({ length: T }, (_, t) => svdMap(qs[t + 1], logD.map(Math.exp), qs[t]));
    const expectExact = (r: FrameVectors): void => expectExactTop(r, logD, qs[0], 1e-14);
    return { dim, maps, expectExact };
  }

  it('a slowly decaying spectrum: block Krylov reaches the exact vectors in far fewer half-sweeps than plain iteration', () => {
    const { maps, expectExact } = slowlyDecaying(new Rng(5, 'initial-frame-flat'));
    const runs = [true, false].map(
      (krylov) => initialFrameVectors(listSweeps(maps), { k: 4, guard: 4, which: ['top'], tol: 1e-10, maxHalfSweeps: 150, krylov })[0],
    );
    runs.forEach(expectExact);
    expect(runs[0].krylov).toBeGreaterThan(8);
    expect(runs[1].krylov).toBe(0);
    console.log(`slowly decaying spectrum, tol 1e-10: Krylov ${runs[0].halfSweeps} half-sweeps, plain ${runs[1].halfSweeps}`);
    expect(runs[0].halfSweeps).toBeLessThan(0.5 * runs[1].halfSweeps);
  });

  it("starting from the run's own QR vectors Q_T (backward first) reaches the same exact vectors in fewer half-sweeps", () => {
    const rng = new Rng(6, 'initial-frame-qr-start');
    const { dim, maps, expectExact } = slowlyDecaying(rng);
    // What a run with lyapunov.k = 4 keeps: Benettin's QR of 4 random vectors through J_1 … J_T.
    let qT = qrThin(
      Float64Array.from({ length: 4 * dim }, () => rng.normal()),
      dim,
      4,
    ).q;
    for (const m of maps) qT = qrThin(m.forward(qT, 4), dim, 4).q;
    const opts = { k: 4, guard: 4, which: ['top' as const], tol: 1e-10, maxHalfSweeps: 150, krylov: false };
    const [fromRandom] = initialFrameVectors(listSweeps(maps), opts);
    const visits: boolean[] = [];
    const sweeps = listSweeps(maps);
    const logged: Sweeps = {
      ...sweeps,
      forward: (visit) => (visits.push(true), sweeps.forward(visit)),
      backward: (visit) => (visits.push(false), sweeps.backward(visit)),
    };
    const [fromQr] = initialFrameVectors(logged, { ...opts, start: { vectors: qT, at: 'final' } });
    expect(visits.slice(0, 3)).toEqual([false, true, false]);
    [fromRandom, fromQr].forEach(expectExact);
    expect(fromQr.halfSweeps).toBeLessThan(fromRandom.halfSweeps);
    expect(() => initialFrameVectors(listSweeps(maps), { ...opts, start: { vectors: new Float64Array(dim + 1), at: 'final' } })).toThrow(
      /whole vectors of length 200/,
    );
  });

  it('continues from saved initial-frame vectors (forward first) to the exact vectors', () => {
    const rng = new Rng(8, 'initial-frame-continue');
    const { maps, expectExact } = slowlyDecaying(rng);
    const opts = { k: 4, guard: 4, which: ['top' as const], tol: 1e-10, krylov: false };
    const [short] = initialFrameVectors(listSweeps(maps), { ...opts, maxHalfSweeps: 6 });
    expect(short.converged).toBe(false);
    const visits: boolean[] = [];
    const sweeps = listSweeps(maps);
    const logged: Sweeps = { ...sweeps, forward: (visit) => (visits.push(true), sweeps.forward(visit)) };
    const [more] = initialFrameVectors(logged, { ...opts, maxHalfSweeps: 150, start: { vectors: short.initial, at: 'initial' } });
    expect(visits[0]).toBe(true);
    expectExact(more);
    const [fresh] = initialFrameVectors(listSweeps(maps), { ...opts, maxHalfSweeps: 150 });
    // The continuation goes on where the short run stopped: together they take about what one run takes (the first
    // Rayleigh–Ritz step of a continuation has nothing to compare with, and the guard vectors restart at random).
    expect(short.halfSweeps + more.halfSweeps).toBeLessThanOrEqual(fresh.halfSweeps + 4);
  });

  it('leaves Krylov for plain iteration when the wanted σ turn out to span more than e^12, and still reaches the exact vectors', () => {
    const dim = 30;
    const T = 10;
    const rng = new Rng(7, 'initial-frame-skew');
    // Per step: log d_0 = 2, the rest 0.8, 0.75, …: over the window σ₁ = e^20 stands e^13 above σ₄ = e^7.
    const logD = Float64Array.from({ length: dim }, (_, i) => (i === 0 ? 2 : 0.8 - 0.05 * (i - 1)));
    const qs = Array.from({ length: T + 1 }, () => randomOrthogonal(rng, dim));
    const maps = Array.from({ length: T }, (_, t) => svdMap(qs[t + 1], logD.map(Math.exp), qs[t]));
    // A start at the window's end orthogonal to u₁: the first Ritz values span only σ₂…σ₅ (e^1.5), so Krylov begins;
    // v₁ then grows out of round-off and the span of the wanted four becomes e^13.
    const lines: string[] = [];
    const [r] = initialFrameVectors(listSweeps(maps), {
      k: 4,
      guard: 4,
      which: ['top'],
      tol: 1e-10,
      maxHalfSweeps: 40,
      start: { vectors: qs[T].slice(dim, 9 * dim), at: 'final' },
      log: (l) => lines.push(l),
    });
    expect(r.krylov).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes('Krylov space'))).toBe(true);
    expect(lines.at(-1)).not.toContain('Krylov space');
    expectExactTop(r, logD, qs[0], 1e-13);
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'chaoslab-initial-frame-'));
  const db = path.join(dir, 'runs.db');
  async function replayOf(over: Record<string, unknown>): Promise<Replay> {
    const v = validateConfig({ seed: 1, data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 256, testEvery: 0 }, checkpointEvery: 0, ...over });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const r = await runExperiment(v.config, { library: StoreLibrary.open(db) });
    expect(r.status).toBe('finished');
    return Replay.open(StoreLibrary.open(db), r.runId, {}, () => {});
  }

  // Change tol 1e-7: with a contraction ρ ≤ 0.7 per half-sweep the vectors are then within ~2e-7 (1 − |cos| ~ 1e-14)
  // and σ within ~1e-13 of the converged values.
  it('tiny MLP 256-4-10 (n = 1078), 200 float64 steps on USPS, replayed: top 5 (γ = 0.05) and bottom 5 (γ = 0.01)', async () => {
    // Two runs: at γ = 0.05 the top exponents are well separated; at γ = 0.01 the bottom σ stay within e^{±7} of each
    // other, where eigh of ZᵀZ (which squares them) still resolves them as a reference.
    for (const [lr, which] of [
      [0.05, 'top'],
      [0.01, 'bottom'],
    ] as const) {
      const rep = await replayOf({ model: { kind: 'mlp', hidden: 4 }, train: { steps: 200, lr, precision: 'float64' } });
      const [r] = initialFrameVectors(rep, { k: 5, guard: 7, which: [which], tol: 1e-7, maxHalfSweeps: 60 });
      expect(r.converged, which).toBe(true);
      const ref = denseReference(rep, (m) => (which === 'top' ? m.forward : m.inverseTranspose()), 7);
      expect(compare(r, ref, 200)).toBeGreaterThanOrEqual(4);
      expect(rep.memory().cached).toBe(true);
      rep.dispose();
    }
  }, 900_000);

  // The dense product costs seconds per step here (all 5350 columns through J_t): 40 steps (at γ = 0.1, so that the
  // top exponents separate as over ~80 steps at 0.05) keep the test to a few minutes.
  it("the paper's MLP 256-20-10 (n = 5350), 40 float32 steps on USPS, replayed: top 4", async () => {
    const rep = await replayOf({ model: { kind: 'mlp', hidden: 20 }, train: { steps: 40, lr: 0.1 } });
    const [top] = initialFrameVectors(rep, { k: 4, guard: 8, which: ['top'], tol: 1e-7, maxHalfSweeps: 80 });
    expect(top.converged).toBe(true);
    expect(top.krylov).toBeGreaterThan(top.block);
    const ref = denseReference(rep, (m) => m.forward, 6);
    expect(compare(top, ref, 40)).toBeGreaterThanOrEqual(3);
    rep.dispose();
  }, 1_800_000);
});

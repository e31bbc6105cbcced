// The CNN's reduced exact step (Hr on the parameters whose Hessian rows are not structurally zero) against the
// dense assembly of the same Hessian, on real USPS rows, ReLU and sigmoid, 1 and 2 blocks, at initialisation and
// after 60 SGD steps. Tolerances: every dropped row of the dense H is exactly 0.0 and every kept row has a nonzero
// entry; Hr = H[keep, keep] to 1e-15·max|H| (the Gram product of a column subset may round differently); all n
// eigenvalues to 1e-12·max|λ|, with the same counts; the CGD update orthogonal to each pruned eigenvector to
// 1e-12·‖g‖.
import { describe, expect, it } from 'vitest';
import { cnnHessian } from '../../../../src/main/engine/curvature/cnn-hessian';
import type { ExactStep } from '../../../../src/main/engine/curvature/reduced';
import { HessianSpectrum } from '../../../../src/main/engine/curvature/spectrum';
import { norm } from '../../../../src/main/engine/metrics/spectral';
import { cnnLossGrad } from '../../../../src/main/engine/models/cnn';
import { initParams, modelSpec, type ModelSpec } from '../../../../src/main/engine/models/spec';
import { cgdUpdate, selectPruned } from '../../../../src/main/engine/optim/cgd';
import { Rng } from '../../../../src/main/engine/rng';
import type { Activation, CgdConfig } from '../../../../src/shared/config';
import { loadFixture, uspsRows } from '../../../helpers/cnn-fixture';

const fx = loadFixture();
const B = 8;
const LR = 0.01;

function batch(seed: number): { x: Float64Array; y: Uint8Array } {
  const rng = new Rng(seed, 'reduced-batch');
  return uspsRows(
    Array.from({ length: B }, () => Math.floor(rng.uniform() * 7291)),
    fx.meta.data.mean,
    fx.meta.data.std,
  );
}

/** 60 steps of plain SGD (lr 0.05, float64 gradient) from the seeded init, on fresh batches. */
function trained(spec: ModelSpec, seed: number): Float64Array {
  const theta = initParams(spec, seed);
  for (let t = 0; t < 60; t++) {
    const { x, y } = batch(1000 + t);
    const { grad } = cnnLossGrad(spec, theta, x, y, B);
    for (let i = 0; i < theta.length; i++) theta[i] -= 0.05 * grad[i];
  }
  return theta;
}

/** The kept coordinates of a coordinate basis (U's columns e_p), ascending. */
function keptCoordinates(step: ExactStep): number[] {
  const { n, m } = step.basis;
  const e = new Float64Array(m);
  return Array.from({ length: m }, (_, a) => {
    e.fill(0);
    e[a] = 1;
    const col = step.basis.fromReduced(e);
    return col.findIndex((v) => v === 1);
  }).filter((p) => p >= 0 && p < n);
}

const cases: [Activation, number, number][] = [
  ['relu', 1, 4],
  ['sigmoid', 1, 4],
  ['relu', 2, 2],
  ['sigmoid', 2, 2],
];

describe('CNN reduced exact step = the dense Hessian on its structurally nonzero coordinates', () => {
  for (const [act, blocks, base] of cases) {
    for (const state of ['init', 'trained'] as const) {
      it(`${act}, ${blocks} block(s), base ${base}, ${state}`, () => {
        const spec = modelSpec({ kind: 'cnn', baseChannels: base, blocks, activation: act });
        const theta = state === 'init' ? initParams(spec, 5) : trained(spec, 5);
        const { x, y } = batch(blocks * 10 + base);
        const dense = cnnHessian(spec, theta, x, y, B, { dense: true });
        const red = cnnHessian(spec, theta, x, y, B);
        const { n, m } = red.basis;
        const keep = keptCoordinates(red);
        expect(keep.length).toBe(m);
        expect(red.loss).toBe(dense.loss);
        expect(Array.from(red.grad)).toEqual(Array.from(dense.grad));

        // Dropped rows are exactly zero; kept rows are not (the structural criterion misses no zero row here).
        const kept = new Uint8Array(n);
        keep.forEach((p) => (kept[p] = 1));
        let maxH = 0;
        for (let i = 0; i < n; i++) {
          let nonzero = false;
          for (let j = 0; j < n; j++) {
            const v = dense.hr[i * n + j];
            maxH = Math.max(maxH, Math.abs(v));
            if (v !== 0) nonzero = true;
          }
          expect(nonzero, `row ${i}`).toBe(kept[i] === 1);
        }
        expect(n - m).toBeGreaterThan(0);
        let diff = 0;
        keep.forEach((p, a) => keep.forEach((q, c) => (diff = Math.max(diff, Math.abs(red.hr[a * m + c] - dense.hr[p * n + q])))));
        expect(diff).toBeLessThanOrEqual(1e-15 * maxH);

        // All n eigenvalues and their classification.
        const sr = new HessianSpectrum(red, { nullTol: null });
        const sd = new HessianSpectrum(dense, { nullTol: null });
        const lr = sr.allEigenvalues();
        const ld = sd.allEigenvalues();
        const scale = Math.max(Math.abs(ld[0]), Math.abs(ld[n - 1]));
        let err = 0;
        for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(lr[i] - ld[i]));
        console.log(`${act} blocks=${blocks} base=${base} ${state}: n=${n} m=${m}, max|λ_red − λ_dense| = ${(err / scale).toExponential(1)}·max|λ|`);
        expect(err).toBeLessThanOrEqual(1e-12 * scale);
        expect(sr.counts(LR)).toEqual(sd.counts(LR));

        // CGD: the update has no component along any pruned eigenvector.
        for (const prune of ['neg', 'pos', 'chaotic'] as const) {
          const cfg: CgdConfig = { prune, k: null, select: 'magnitude', start: 0, noise: 0, mix: 1, basisFile: null };
          const pruned = selectPruned(sr.values, sr.tau, cfg, LR, new Rng(0));
          const { update } = cgdUpdate(sr, pruned, red.grad, cfg, new Rng(0));
          const vs = sr.vectors(pruned);
          let worst = 0;
          pruned.forEach((_, j) => {
            const v = red.basis.fromReduced(vs.subarray(j * m, (j + 1) * m));
            worst = Math.max(worst, Math.abs(v.reduce((s, vi, i) => s + vi * update[i], 0)));
          });
          expect(worst).toBeLessThanOrEqual(1e-12 * norm(red.grad));
        }
      });
    }
  }
});

// The exact CNN Hessian against central finite differences of the analytic gradient, on small random CNNs
// (real USPS rows, random PyTorch-style inits), ReLU and sigmoid, with and without pool-less blocks.
import { describe, expect, it } from 'vitest';
import { cnnHessian } from '../../../../src/main/engine/curvature/cnn-hessian';
import { cnnLossGrad } from '../../../../src/main/engine/models/cnn';
import { initParams, modelSpec } from '../../../../src/main/engine/models/spec';
import type { Activation } from '../../../../src/shared/config';
import { Rng } from '../../../../src/main/engine/rng';
import { loadFixture, uspsRows } from '../../../helpers/cnn-fixture';

const fx = loadFixture();
const STEP = 1e-5;
const TOL = 1e-9;
/** Every (row layer, column layer) block must hold an entry this large, so no block pair is compared vacuously. */
const COVER = 100 * TOL;

/** Max |H − H_fd| over the whole matrix, max |H| per (row layer, column layer) block, and the FD gradient check. */
function compare(activation: Activation, blocks: number, seed: number, scale: number, batch: number) {
  const spec = modelSpec({ kind: 'cnn', baseChannels: 2, blocks, activation });
  // Scaling the init keeps deep sigmoid stacks out of their vanishing-signal regime.
  const theta = initParams(spec, seed).map((v) => v * scale);
  const rng = new Rng(seed, 'fd-batch');
  const idx = Array.from({ length: batch }, () => Math.floor(rng.uniform() * 7291));
  const { x, y } = uspsRows(idx, fx.meta.data.mean, fx.meta.data.std);
  const n = spec.n;
  const { hr: h, grad, loss } = cnnHessian(spec, theta, x, y, batch, { dense: true });
  const layer = new Int32Array(n);
  spec.tensors.forEach((t, k) => layer.fill(k >> 1, t.offset, t.offset + t.size));
  const nl = spec.tensors.length / 2;
  const blockMax = Array.from({ length: nl }, () => new Float64Array(nl));
  let hErr = 0;
  let gErr = 0;
  let asym = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) asym = Math.max(asym, Math.abs(h[i * n + j] - h[j * n + i]));
  const tp = theta.slice();
  for (let j = 0; j < n; j++) {
    tp[j] = theta[j] + STEP;
    const plus = cnnLossGrad(spec, tp, x, y, batch);
    tp[j] = theta[j] - STEP;
    const minus = cnnLossGrad(spec, tp, x, y, batch);
    tp[j] = theta[j];
    gErr = Math.max(gErr, Math.abs((plus.loss - minus.loss) / (2 * STEP) - grad[j]));
    for (let i = 0; i < n; i++) {
      const fd = (plus.grad[i] - minus.grad[i]) / (2 * STEP);
      hErr = Math.max(hErr, Math.abs(h[i * n + j] - fd));
      const bm = blockMax[layer[i]];
      bm[layer[j]] = Math.max(bm[layer[j]], Math.abs(h[i * n + j]));
    }
  }
  return { n, loss, hErr, gErr, asym, blockMax };
}

describe('CNN Hessian = central finite differences of the gradient', () => {
  const cases: [Activation, number, number, number][] = [
    ['relu', 1, 1, 1],
    ['relu', 1, 2, 1],
    ['relu', 1, 3, 2],
    ['relu', 2, 4, 1],
    ['sigmoid', 1, 1, 1],
    ['sigmoid', 1, 2, 1],
    ['sigmoid', 1, 3, 3],
    ['sigmoid', 2, 3, 3],
  ];
  for (const [act, blocks, seed, scale] of cases) {
    it(`${act}, base 2, blocks ${blocks}, seed ${seed}, init×${scale}: every entry within ${TOL}`, () => {
      const r = compare(act, blocks, seed, scale, 4);
      console.log(
        `${act} blocks=${blocks} seed=${seed} init×${scale} n=${r.n}: max|H−H_fd| = ${r.hErr.toExponential(2)}, ` +
          `max|g−g_fd| = ${r.gErr.toExponential(2)}, smallest block max|H| = ${Math.min(...r.blockMax.flatMap((b) => [...b])).toExponential(2)}`,
      );
      expect(Number.isFinite(r.loss)).toBe(true);
      expect(r.asym).toBe(0);
      expect(r.hErr).toBeLessThan(TOL);
      expect(r.gErr).toBeLessThan(1e-9);
      // Every block pair carries entries, so the comparison covers all of them.
      for (const row of r.blockMax) for (const v of row) expect(v).toBeGreaterThan(COVER);
    });
  }
});

// `hessian`: the exact Hessian spectrum of one USPS minibatch at given parameters, as JSON (checked against the
// PyTorch fixtures in the tests).
import { writeFileSync } from 'node:fs';
import { exactStep } from '../engine/curvature/exact';
import { HessianSpectrum } from '../engine/curvature/spectrum';
import { loadUsps } from '../engine/data/usps';
import { gatherBatch } from '../engine/data/sampler';
import { jsonBound, readInputText } from '../engine/input-files';
import { norm } from '../engine/metrics/spectral';
import { modelSpec, parseParams } from '../engine/models/spec';
import { UsageError, intFlag, parseFlags } from './input';

export function cmdHessian(args: string[]): number {
  const { values } = parseFlags('hessian', args, {
    model: { type: 'string' },
    params: { type: 'string' },
    usps: { type: 'string' },
    indices: { type: 'string' },
    'null-tol': { type: 'string' },
    out: { type: 'string' },
    hidden: { type: 'string', default: '20' },
    'base-channels': { type: 'string', default: '4' },
    blocks: { type: 'string', default: '1' },
    activation: { type: 'string', default: 'relu' },
  });
  for (const k of ['model', 'params', 'usps', 'indices'] as const) if (!values[k]) throw new UsageError(`hessian needs --${k}`);
  const activation = values.activation === 'sigmoid' ? 'sigmoid' : values.activation === 'relu' ? 'relu' : null;
  if (!activation) throw new UsageError('--activation must be relu or sigmoid');
  const int = (s: string | undefined, name: string): number => intFlag(s, name, 1) as number;
  const spec =
    values.model === 'mlp'
      ? modelSpec({ kind: 'mlp', hidden: int(values.hidden, 'hidden'), activation })
      : values.model === 'cnn'
        ? modelSpec({ kind: 'cnn', baseChannels: int(values['base-channels'], 'base-channels'), blocks: int(values.blocks, 'blocks'), activation })
        : null;
  if (!spec) throw new UsageError(`--model must be mlp or cnn, got '${values.model}'`);
  const theta = parseParams(readInputText(values.params!, '--params', jsonBound(spec.n)), values.params!, spec.n);
  const data = loadUsps(values.usps!);
  const idx = values.indices!.split(',').map((s) => {
    // Number('') is 0: an empty entry ("1,,2") must not become sample 0.
    const i = s.trim() === '' ? NaN : Number(s.trim());
    if (!Number.isInteger(i) || i < 0 || i >= data.train.count) throw new UsageError(`--indices: '${s}' is not a line index in 0..${data.train.count - 1}`);
    return i;
  });
  let nullTol: number | null = null;
  if (values['null-tol'] !== undefined) {
    nullTol = Number(values['null-tol']);
    if (!(nullTol >= 0)) throw new UsageError(`--null-tol must be a number ≥ 0, got '${values['null-tol']}'`);
  }
  const batch = gatherBatch(data.train, Int32Array.from(idx));
  const step = exactStep(spec, theta, batch.x, batch.y, batch.size);
  const sp = new HessianSpectrum(step, { nullTol });
  const c = sp.counts(0);
  const out = JSON.stringify({
    n: spec.n,
    loss: step.loss,
    gradNorm: norm(step.grad),
    nullTol: sp.tau,
    eigenvalues: Array.from(sp.allEigenvalues()),
    counts: { negative: c.negative, positive: c.positive, null: c.null },
  });
  if (values.out) writeFileSync(values.out, out + '\n');
  else process.stdout.write(out + '\n');
  return 0;
}

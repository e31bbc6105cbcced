// What a run holds in memory at once, checked against the memory available BEFORE anything is allocated: a config
// that cannot fit fails naming the field to change ("model.baseChannels: …"), not with "Invalid typed array length"
// or an out-of-memory kill half-way into its first step. The sizes follow the spectrum method: the exact Hessian and
// its eigenvectors (DESIGN §2), or the Lanczos basis (DESIGN §6).
import { freemem } from 'node:os';
import type { RunConfig } from '../../shared/config';
import { stepBatch } from '../../shared/datasets';
import { modelSpec, type ModelSpec } from './models/spec';

/** Elements in the largest typed array V8 allocates. */
const MAX_ARRAY = 2 ** 32 - 1;
const F64 = 8;

/** The configs that compute the exact Hessian and its eigendecomposition. */
export const needsHessian = (c: RunConfig): boolean => c.spectrum.every > 0 || c.cgd !== null || c.lyapunov !== null;

/**
 * Size m of the matrix the eigensolver gets: n for the dense CNN Hessian; for the MLP the dimension of the subspace
 * holding range(H) (mlp-hessian.ts): at most min(B, 257) directions per hidden unit, 10 per live unit, 10 biases.
 */
export function hessianDim(c: RunConfig, spec: ModelSpec): number {
  if (c.model.kind === 'cnn') return spec.n;
  const h = c.model.hidden;
  return Math.min(spec.n, h * Math.min(stepBatch(c), spec.inputSize + 1) + spec.classes * (h + 1));
}

export interface MemoryPart {
  what: string;
  bytes: number;
  /** Elements of its largest single array. */
  largest: number;
  /** The config field that sets its size. */
  field: string;
}

/** The parts of a run's memory that grow with the config. */
export function memoryParts(c: RunConfig, spec: ModelSpec = modelSpec(c.model, c.data.imageSide)): MemoryPart[] {
  const n = spec.n;
  const parts: MemoryPart[] = [{ what: 'parameters, gradients and optimiser state', bytes: 12 * n * F64, largest: n, field: modelField(c) }];
  if (needsHessian(c) && c.spectrum.method === 'lanczos') {
    // The Lanczos basis (one vector per step, up to the cap) and the 2k Ritz vectors; SLQ and Hutch++ keep O(n).
    const vectors = Math.min(c.spectrum.lanczosSteps, n) + 2 * c.spectrum.k;
    parts.push({
      what: `the Lanczos basis (${vectors} vectors of ${n.toLocaleString('en')})`,
      bytes: vectors * n * F64,
      largest: n,
      field: 'spectrum.lanczosSteps',
    });
  } else if (needsHessian(c)) {
    const m = hessianDim(c, spec);
    // Hr, its copy for the eigensolver, the eigenvectors and dsyevd's workspace (≈ 2m²), plus the Jacobian rows.
    parts.push({
      what: `the exact Hessian (${m.toLocaleString('en')}×${m.toLocaleString('en')}) and its eigenvectors`,
      bytes: (5 * m * m + c.train.batchSize * spec.classes * m) * F64,
      largest: m * m,
      field: modelField(c),
    });
  }
  if (c.lyapunov) {
    // With momentum the map acts on (θ, b): dimension 2n. Q, J·Q and the QR workspace, the saved and checkpointed copies.
    const dim = c.train.momentum > 0 ? 2 * n : n;
    const k = c.lyapunov.k === 'all' ? dim : Math.min(c.lyapunov.k, dim);
    parts.push({ what: `${k} Lyapunov vectors of dimension ${dim}`, bytes: 5 * k * dim * F64, largest: k * dim, field: 'lyapunov.k' });
  }
  if (c.replicas) {
    const r = c.replicas.eps.length * c.replicas.seeds.length;
    parts.push({ what: `${r} replicas`, bytes: 4 * r * n * F64, largest: n, field: 'replicas.seeds' });
  }
  return parts;
}

function modelField(c: RunConfig): string {
  return c.model.kind === 'cnn' ? 'model.baseChannels' : 'model.hidden';
}

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(b < 2 ** 30 ? 2 : 1)} GiB`;

/** Total bytes of memoryParts. */
export const memoryBytes = (parts: MemoryPart[]): number => parts.reduce((t, p) => t + p.bytes, 0);

/**
 * Throws when the run cannot fit: more memory than `available` (default: what the OS reports available now) or an
 * array longer than a typed array can be. The message starts with the field to change and says how far to change it
 * where that is one number (model size, Lyapunov k).
 */
export function checkMemory(c: RunConfig, available = freemem()): void {
  const spec = modelSpec(c.model, c.data.imageSide);
  const parts = memoryParts(c, spec);
  const total = memoryBytes(parts);
  const tooLong = parts.find((p) => p.largest > MAX_ARRAY);
  if (!tooLong && total <= available) return;
  const worst = tooLong ?? parts.reduce((a, b) => (b.bytes > a.bytes ? b : a));
  const why = tooLong
    ? `${worst.what} would need an array of ${worst.largest.toExponential(2)} values, more than the ${MAX_ARRAY.toExponential(2)} a typed array holds`
    : `this run needs about ${gib(total)} of memory at once (${worst.what}: ${gib(worst.bytes)}), more than the ${gib(available)} available`;
  const fit = largestFitting(c, worst.field, available);
  const lanczos = worst.what.startsWith('the exact Hessian')
    ? "; or set spectrum.method 'lanczos' (estimates from Hessian-vector products, no n×n matrix)"
    : '';
  throw new Error(
    `${worst.field}: too large for this machine — ${why} (n = ${spec.n.toLocaleString('en')} parameters)${fit === null ? '' : `; at most ${fit} fits`}${lanczos}`,
  );
}

/** The largest value of a one-number field (model size, Lyapunov k) for which the run fits, or null. */
function largestFitting(c: RunConfig, field: string, available: number): number | null {
  const at = (v: number): RunConfig | null => {
    if (field === 'model.baseChannels' && c.model.kind === 'cnn') return { ...c, model: { ...c.model, baseChannels: v } };
    if (field === 'model.hidden' && c.model.kind === 'mlp') return { ...c, model: { ...c.model, hidden: v } };
    if (field === 'lyapunov.k' && c.lyapunov) return { ...c, lyapunov: { ...c.lyapunov, k: v } };
    return null;
  };
  const fits = (v: number): boolean => {
    const cfg = at(v);
    if (!cfg) return false;
    const parts = memoryParts(cfg);
    return parts.every((p) => p.largest <= MAX_ARRAY) && memoryBytes(parts) <= available;
  };
  if (!fits(1)) return null;
  // Memory grows with each of these fields: bisect for the last value that fits.
  let lo = 1;
  let hi = 1 << 20;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

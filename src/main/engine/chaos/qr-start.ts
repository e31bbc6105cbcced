// Where the QR (Benettin) vectors start (lyapunov.start, DESIGN §2): a random orthonormal k-frame (seeded), the unit
// vectors e₁…e_k, or the first k vectors of a file the user hands us — orthonormalised by the Lyapunov QR itself, and
// refused, naming the field, the file and the vector, when there are too few, one is too short or long, or one
// depends on those before it.
import { createHash } from 'node:crypto';
import type { RunConfig } from '../../../shared/config';
import { jsonBound, parseVectors, readInputText, vectorLength } from '../input-files';
import { Rng } from '../rng';
import { LyapunovQR } from './lyapunov';

export interface QrShape {
  /** Dimension of the training map's state: n, or 2n for (θ, b) with momentum. */
  dim: number;
  /** Vectors tracked (lyapunov.k, at most dim). */
  k: number;
}

/** The shape of the QR method for `config` on a model of n parameters; null without a lyapunov section. */
export function qrShape(config: RunConfig, n: number): QrShape | null {
  if (!config.lyapunov) return null;
  const dim = config.train.momentum > 0 ? 2 * n : n;
  return { dim, k: config.lyapunov.k === 'all' ? dim : Math.min(config.lyapunov.k, dim) };
}

/**
 * The QR method started from the first k vectors of the lyapunov.start file: {"vectors": [[dim numbers], …]}, also what
 * `lab lyapunov-vectors --out` writes. Read with the bound of dim vectors and their exponents. Each vector is scaled to
 * unit length (a unit vector stays bit for bit), so a vector counts as dependent when less than 1e-12 of it lies
 * outside the span of those before it (the Lyapunov QR's own test).
 */
export function readQrStart(file: string, { dim, k }: QrShape): LyapunovQR {
  const what = `lyapunov.start: ${file}`;
  const vectors = parseVectors(readInputText(file, 'lyapunov.start', jsonBound(dim * (dim + 1))), what, dim, k);
  if (vectors.length < k) throw new Error(`${what}: holds ${vectors.length} vector${vectors.length === 1 ? '' : 's'}, lyapunov.k needs ${k}`);
  const init = new Float64Array(k * dim);
  vectors.forEach((v, j) => {
    const len = vectorLength(v);
    if (len === 0) throw new Error(`${what}: vector ${j} is zero`);
    for (let i = 0; i < dim; i++) init[j * dim + i] = v[i] / len;
  });
  return new LyapunovQR(dim, k, init, what);
}

/** The QR method at its start for `config` (with a lyapunov section); a file's start comes read (readQrStart). */
export function qrStart(config: RunConfig, { dim, k }: QrShape, fromFile: LyapunovQR | null): LyapunovQR {
  const start = config.lyapunov?.start;
  if (start === 'identity') return LyapunovQR.identity(dim, k);
  if (start === 'random') return LyapunovQR.random(dim, k, new Rng(config.seed, 'lyapunov'));
  if (!fromFile || fromFile.dim !== dim || fromFile.k !== k)
    throw new Error(`lyapunov.start: the vectors of ${start} were not read for k = ${k}, dim = ${dim}`);
  return fromFile;
}

/** The stored run's record of its start file: the file and the SHA-256 of the orthonormal start it gave. */
export interface QrStartRecord {
  file: string;
  sha256: string;
}
export const QR_START_RESULT = 'lyapunov-start';

/** The record of a start read from `file` (before any step: its Q is the orthonormalised start). */
export function qrStartRecord(file: string, q: LyapunovQR): QrStartRecord {
  const start = q.getState().q;
  return {
    file,
    sha256: createHash('sha256')
      .update(Buffer.from(start.buffer, start.byteOffset, start.byteLength))
      .digest('hex'),
  };
}

/**
 * A stored run's start file read again (resume, replay) must give the start the run began from: else the run's
 * exponents would silently continue from other vectors. Refused naming the field and the file.
 */
export function checkQrStart(stored: unknown, now: QrStartRecord): void {
  const rec = stored as Partial<QrStartRecord> | undefined;
  if (rec?.sha256 !== undefined && rec.sha256 !== now.sha256)
    throw new Error(
      `lyapunov.start: ${now.file} no longer holds the start vectors this run began from (SHA-256 of the start ${rec.sha256.slice(0, 12)}… then, ${now.sha256.slice(0, 12)}… now); restore the file to continue or replay the run`,
    );
}

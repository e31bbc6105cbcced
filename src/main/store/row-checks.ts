// What a stored row must satisfy before its header is trusted: the lengths of its blobs match its declared counts,
// its steps increase. Readers check every row they decode (a damaged run fails with a message naming it instead of
// allocating what a header claims); the importer checks every row of a file before anything is written.
import { SERIES_CHUNK } from './schema';

/** Steps are stored as Int32. */
export const STEP_MAX = 2 ** 31 - 1;

export const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= STEP_MAX;

/** Null, or why `b` does not hold `count` values of `width` bytes (any whole number of them when count is null). */
export function blobProblem(b: unknown, width: 4 | 8, count: number | null, what: string): string | null {
  if (!Buffer.isBuffer(b)) return `${what} is not a blob`;
  if (count === null) return b.length % width === 0 ? null : `${what} holds ${b.length} bytes, not a whole number of ${width}-byte values`;
  return b.length === count * width ? null : `${what} holds ${b.length} bytes, not the ${count} × ${width} its header declares`;
}

export interface ChunkRow {
  first_step: number;
  last_step: number;
  count: number;
  steps: Buffer;
  vals: Buffer;
}

/** A series chunk: 1…SERIES_CHUNK points, steps strictly increasing and matching first_step/last_step. */
export function chunkProblem(c: ChunkRow): string | null {
  if (!Number.isInteger(c.count) || c.count < 1 || c.count > SERIES_CHUNK) return `count ${c.count} is outside 1…${SERIES_CHUNK}`;
  const p = blobProblem(c.steps, 4, c.count, 'steps') ?? blobProblem(c.vals, 8, c.count, 'values');
  if (p) return p;
  let prev = -1;
  for (let i = 0; i < c.count; i++) {
    const s = c.steps.readInt32LE(4 * i);
    if (s <= prev) return `its steps do not increase (point ${i})`;
    prev = s;
  }
  if (c.steps.readInt32LE(0) !== c.first_step || prev !== c.last_step) return 'its first/last step do not match its points';
  return null;
}

export interface SpectrumRow {
  n: number;
  null_count: number;
  eigenvalues: Buffer;
}

/** A stored spectrum: the non-null eigenvalues plus the null count make up all n (n ≤ nMax: the run's parameter count). */
export function spectrumProblem(r: SpectrumRow, nMax = Infinity): string | null {
  const p = blobProblem(r.eigenvalues, 8, null, 'eigenvalues');
  if (p) return p;
  if (!Number.isInteger(r.n) || r.n < 1 || r.n > nMax) return `n = ${r.n} is outside 1…${nMax}`;
  if (!Number.isInteger(r.null_count) || r.null_count < 0 || r.null_count + r.eigenvalues.length / 8 !== r.n)
    return `${r.eigenvalues.length / 8} eigenvalues and ${r.null_count} null ones do not make up n = ${r.n}`;
  return null;
}

export interface VectorsRow {
  k: number;
  n: number;
  vals: Buffer;
  data: Buffer;
}

/** Saved vectors: k values and k×n entries, 1 ≤ k ≤ n ≤ nMax. */
export function vectorsProblem(r: VectorsRow, nMax = Infinity): string | null {
  if (!Number.isInteger(r.n) || r.n < 1 || r.n > nMax) return `n = ${r.n} is outside 1…${nMax}`;
  if (!Number.isInteger(r.k) || r.k < 1 || r.k > r.n) return `k = ${r.k} is outside 1…${r.n}`;
  return blobProblem(r.vals, 8, r.k, 'values') ?? blobProblem(r.data, 8, r.k * r.n, 'vectors');
}

/** Null when `text` is JSON, else why not (never echoing the text). */
export function jsonProblem(text: unknown, what: string): string | null {
  if (typeof text !== 'string') return `${what} is not text`;
  try {
    JSON.parse(text);
    return null;
  } catch {
    return `${what} is not valid JSON`;
  }
}

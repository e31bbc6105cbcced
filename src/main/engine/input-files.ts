// Files a config names (train.initParamsFile, train.batchOrderFile, cgd.basisFile, lyapunov.start,
// replicas.directionFile, a Lyapunov source file, the USPS files) and the CLI's own inputs. They are untrusted: regular
// files only (a FIFO would block the process forever, a device never ends), read with a size bound derived from what
// they must hold, and every error names the field and the file but never echoes what the file contains.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Bytes of JSON per number at most: sign, 17 significant digits, exponent, separator, a line of indentation. */
const JSON_BYTES_PER_NUMBER = 40;
/** Room for brackets, keys and whitespace around the numbers. */
const JSON_SLACK = 64 * 1024;
/** No input is read whole beyond this (a JS string cannot hold much more than 2^29 characters). */
const MAX_BYTES = 256 * 1024 * 1024;

/** The size bound of a JSON file holding `count` numbers. */
export const jsonBound = (count: number): number => Math.min(MAX_BYTES, count * JSON_BYTES_PER_NUMBER + JSON_SLACK);

function kind(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of `file`, which must be a regular file of at most `maxBytes` (capped at 256 MiB); `field` names what
 * the file is for ("train.initParamsFile"). Opened non-blocking, so a named pipe is refused instead of waited on.
 */
export function readInput(file: string, field: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${field}: file not found: ${file}` : `${field}: cannot open ${file} (${code})`, { cause: e });
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error(`${field}: ${file} is ${kind(st)}, not a regular file`);
    const max = Math.min(maxBytes, MAX_BYTES);
    if (st.size > max) throw new Error(`${field}: ${file} is ${st.size} bytes, more than the ${max} bytes it can hold here; is it the right file?`);
    const buf = Buffer.alloc(st.size);
    let at = 0;
    for (let got = 1; at < st.size && got > 0; at += got) got = readSync(fd, buf, at, st.size - at, at);
    return buf.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** readInput as UTF-8 text. */
export const readInputText = (file: string, field: string, maxBytes: number): string => readInput(file, field, maxBytes).toString('utf8');

/** JSON.parse whose error does not quote the text (Node's messages do): `what` names the file. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${what}: not valid JSON`);
  }
}

/**
 * The first `take` vectors (all when null) of a JSON file {"vectors": [[n numbers], …]} — cgd.basisFile, lyapunov.start,
 * and what `lab lyapunov-vectors --out` writes (its other keys are ignored). `what` names the field and the file. A
 * vector is allocated only after its length is checked: never more than the file itself holds.
 */
export function parseVectors(text: string, what: string, n: number, take: number | null): Float64Array[] {
  const v = parseJson(text, what);
  const rows = v && typeof v === 'object' ? (v as { vectors?: unknown }).vectors : undefined;
  if (!Array.isArray(rows) || rows.length === 0) throw new Error(`${what}: expected {"vectors": [[…], …]} with at least one vector`);
  return rows.slice(0, take ?? rows.length).map((row: unknown, r) => {
    if (!Array.isArray(row) || row.length !== n) throw new Error(`${what}: vector ${r} must have ${n} numbers`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = row[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${what}: vector ${r}, entry ${i} is not a finite number`);
      out[i] = x;
    }
    return out;
  });
}

/** ‖v‖ without overflow or underflow of the squares: the scale of a vector a user's file hands us. */
export function vectorLength(v: Float64Array): number {
  const m = v.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  if (m === 0) return 0;
  let s = 0;
  for (const x of v) s += (x / m) ** 2;
  return m * Math.sqrt(s);
}

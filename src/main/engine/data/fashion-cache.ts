// Binary cache of a preprocessed DataSplit (float64, little-endian). Layout:
//   header (128 bytes): magic "CHLBDATA", u32 format version, u32 endianness marker 0x01020304,
//     u32 nTrain, u32 nTest, u32 dim, u32 0, f64 mean, f64 std, sha256(fingerprint) [32], sha256(payload) [32], 16 zero bytes
//   payload: train.x (nTrain·dim f64), test.x (nTest·dim f64), train.y (nTrain u8), test.y (nTest u8)
// Anything that does not check out (size, version, fingerprint, checksum) is reported as a reason to rebuild.

import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { errorText, type DataSplit } from './dataset';

const MAGIC = 'CHLBDATA';
const FORMAT_VERSION = 1;
const ENDIAN_MARK = 0x01020304;
const HEADER = 128;

/** Argument, else $CHAOSLAB_CACHE, else $XDG_CACHE_HOME/chaoslab, else ~/.cache/chaoslab. */
export function cacheDirectory(arg?: string): string {
  if (arg) return arg;
  if (process.env.CHAOSLAB_CACHE) return process.env.CHAOSLAB_CACHE;
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'chaoslab');
  return join(homedir(), '.cache', 'chaoslab');
}

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();
const bytes = (a: Float64Array | Uint8Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

export type CacheRead = { ok: true; split: DataSplit } | { ok: false; reason: string };

export function readCache(file: string, fingerprint: string): CacheRead {
  if (!existsSync(file)) return { ok: false, reason: 'no cache' };
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const h = Buffer.alloc(HEADER);
    if (readSync(fd, h, 0, HEADER, 0) !== HEADER || h.toString('latin1', 0, 8) !== MAGIC) return { ok: false, reason: 'cache header unreadable' };
    if (h.readUInt32LE(8) !== FORMAT_VERSION) return { ok: false, reason: `cache format version ${h.readUInt32LE(8)} ≠ ${FORMAT_VERSION}` };
    if (h.readUInt32LE(12) !== ENDIAN_MARK) return { ok: false, reason: 'cache written with another byte order' };
    const [nTrain, nTest, dim] = [h.readUInt32LE(16), h.readUInt32LE(20), h.readUInt32LE(24)];
    const [mean, std] = [h.readDoubleLE(32), h.readDoubleLE(40)];
    if (!h.subarray(48, 80).equals(sha256(fingerprint))) return { ok: false, reason: 'cache built from other data or preprocessing' };
    const expected = HEADER + (nTrain + nTest) * (dim * 8 + 1);
    const size = statSync(file).size;
    if (dim === 0 || nTrain < 2 || size !== expected) return { ok: false, reason: `cache size ${size} ≠ ${expected} bytes (truncated?)` };
    if (!(Number.isFinite(mean) && std > 0)) return { ok: false, reason: 'cache holds invalid mean/std' };
    const parts = [new Float64Array(nTrain * dim), new Float64Array(nTest * dim), new Uint8Array(nTrain), new Uint8Array(nTest)] as const;
    const hash = createHash('sha256');
    let pos = HEADER;
    for (const p of parts) {
      const view = bytes(p);
      for (let off = 0; off < view.length;) {
        const n = readSync(fd, view, off, view.length - off, pos + off);
        if (n === 0) return { ok: false, reason: 'cache ended early' };
        off += n;
      }
      hash.update(view);
      pos += view.length;
    }
    if (!hash.digest().equals(h.subarray(80, 112))) return { ok: false, reason: 'cache checksum mismatch (corrupt)' };
    const [trainX, testX, trainY, testY] = parts;
    if (trainY.some((v) => v > 9) || testY.some((v) => v > 9)) return { ok: false, reason: 'cache holds invalid labels' };
    return {
      ok: true,
      split: {
        train: { name: 'fashion-mnist/train', x: trainX, y: trainY, count: nTrain, dim, source: '' },
        test: { name: 'fashion-mnist/test', x: testX, y: testY, count: nTest, dim, source: '' },
        mean,
        std,
      },
    };
  } catch (e) {
    return { ok: false, reason: `cache unreadable (${errorText(e)})` };
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Write atomically: a temporary file in the same directory, then rename. */
export function writeCache(file: string, fingerprint: string, split: DataSplit): void {
  const { train, test } = split;
  const parts = [train.x, test.x, train.y, test.y].map(bytes);
  const hash = createHash('sha256');
  for (const p of parts) hash.update(p);
  const h = Buffer.alloc(HEADER);
  h.write(MAGIC, 0, 'latin1');
  h.writeUInt32LE(FORMAT_VERSION, 8);
  h.writeUInt32LE(ENDIAN_MARK, 12);
  h.writeUInt32LE(train.count, 16);
  h.writeUInt32LE(test.count, 20);
  h.writeUInt32LE(train.dim, 24);
  h.writeDoubleLE(split.mean, 32);
  h.writeDoubleLE(split.std, 40);
  sha256(fingerprint).copy(h, 48);
  hash.digest().copy(h, 80);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      for (const p of [h, ...parts]) for (let off = 0; off < p.length;) off += writeSync(fd, p, off, p.length - off);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    if (existsSync(tmp)) unlinkSync(tmp);
    throw e;
  }
}

// USPS digits (16×16, 7291 train / 2007 test) from either the ESL "zip" files or the LIBSVM files.
// Both store pixel values v ∈ [−1, 1]; we map x01 = (v + 1)/2 and normalise with the global train
// mean/std (DESIGN §3). Every parse error names the file and the 1-based line.

import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import Bunzip from 'seek-bzip';
import { readInput } from '../input-files';
import { errorText, makeSplit, type DataSplit } from './dataset';

const DIM = 256;
/** Size bounds of one USPS file, four times the real ones (zip.train.gz: 1.8 MB, 14.5 MB of text): a file beyond
 *  them is not USPS, and a decompression bomb stops there instead of filling memory. */
const MAX_COMPRESSED = 8 * 1024 * 1024;
const MAX_TEXT = 64 * 1024 * 1024;
export const ESL_URL = 'https://hastie.su.domains/ElemStatLearn/datasets/';
export const ESL_FILES = { train: 'zip.train.gz', test: 'zip.test.gz' } as const;
export const LIBSVM_FILES = { train: 'usps.bz2', test: 'usps.t.bz2' } as const;
export const LIBSVM_URL = 'https://www.csie.ntu.edu.tw/~cjlin/libsvmtools/datasets/multiclass.html#usps';

/** Where to get the files, appended to every "not found" message. */
export function uspsHelp(dir: string): string {
  return (
    `Put ${ESL_FILES.train} and ${ESL_FILES.test} (from ${ESL_URL}) into ${dir}, ` +
    `or the LIBSVM files ${LIBSVM_FILES.train} and ${LIBSVM_FILES.test} ` +
    `(${LIBSVM_URL}).`
  );
}

type Format = 'esl' | 'libsvm';
interface Parsed {
  /** N×256 values already mapped to [0, 1]. */
  x: Float64Array;
  y: Uint8Array;
}

export function loadUsps(dir: string): DataSplit {
  const { format, files } = detect(dir);
  const parse = format === 'esl' ? parseEsl : parseLibsvm;
  const train = parse(readText(files.train, format), files.train);
  const test = parse(readText(files.test, format), files.test);
  return makeSplit({ name: 'usps/train', ...train, dim: DIM, source: files.train }, { name: 'usps/test', ...test, dim: DIM, source: files.test });
}

/** Which pair of files the directory holds (ESL preferred when both are present). */
function detect(dir: string): { format: Format; files: { train: string; test: string } } {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`USPS directory ${dir} does not exist. ${uspsHelp(dir)}`);
  const pairs: [Format, { train: string; test: string }][] = [
    ['esl', ESL_FILES],
    ['libsvm', LIBSVM_FILES],
  ];
  for (const [format, names] of pairs) {
    const files = { train: join(dir, names.train), test: join(dir, names.test) };
    if (existsSync(files.train) && existsSync(files.test)) return { format, files };
  }
  for (const [, names] of pairs) {
    const has = [names.train, names.test].filter((f) => existsSync(join(dir, f)));
    if (has.length === 1) {
      const missing = has[0] === names.train ? names.test : names.train;
      throw new Error(`${join(dir, missing)} not found (${has[0]} is there, its partner is missing). ${uspsHelp(dir)}`);
    }
  }
  throw new Error(`No USPS files in ${dir}. ${uspsHelp(dir)}`);
}

function readText(file: string, format: Format): string {
  const raw = readInput(file, 'data.dir', MAX_COMPRESSED);
  if (raw.length === 0) throw new Error(`${file}: file is empty`);
  let text: Buffer;
  try {
    text = format === 'esl' ? gunzipSync(raw, { maxOutputLength: MAX_TEXT }) : bunzipBounded(raw);
  } catch (e) {
    const kind = format === 'esl' ? 'gzip' : 'bzip2';
    throw new Error(`${file}: not a valid ${kind} file of at most ${MAX_TEXT} bytes, truncated or corrupt (${errorText(e)}); download it again`, { cause: e });
  }
  return text.toString('latin1');
}

/** bzip2 decoding into a buffer that refuses to grow beyond MAX_TEXT. */
function bunzipBounded(raw: Buffer): Buffer {
  let buf = Buffer.alloc(1 << 20);
  const out = {
    pos: 0,
    writeByte(b: number): void {
      if (this.pos === buf.length) {
        if (buf.length >= MAX_TEXT) throw new Error(`decompresses to more than ${MAX_TEXT} bytes`);
        const grown = Buffer.alloc(Math.min(MAX_TEXT, 2 * buf.length));
        buf.copy(grown);
        buf = grown;
      }
      buf[this.pos++] = b;
    },
  };
  Bunzip.decode(raw, out);
  return buf.subarray(0, out.pos);
}

/** Non-empty lines with their 1-based numbers; blank lines are allowed only at the end of the file. */
function dataLines(text: string, file: string): string[] {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  if (lines.length === 0) throw new Error(`${file}: file is empty (no data lines)`);
  for (let i = 0; i < lines.length; i++) if (lines[i].trim() === '') throw new Error(`${file} line ${i + 1}: empty line`);
  return lines;
}

function parseValue(tok: string, file: string, line: number, what: string): number {
  const v = Number(tok);
  // Errors give the position, never the text found there.
  if (!Number.isFinite(v)) throw new Error(`${file} line ${line}: ${what} is not a number`);
  if (v < -1 || v > 1) throw new Error(`${file} line ${line}: ${what} is outside [−1, 1]`);
  return v;
}

/** ESL zip format: "label v1 … v256", label 0..9 (written "6.0000" in zip.train). */
function parseEsl(text: string, file: string): Parsed {
  const lines = dataLines(text, file);
  const x = new Float64Array(lines.length * DIM);
  const y = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const ln = i + 1;
    const tok = lines[i].trim().split(/\s+/);
    if (tok.length !== DIM + 1) throw new Error(`${file} line ${ln}: expected ${DIM + 1} numbers, found ${tok.length}`);
    const label = Number(tok[0]);
    if (!Number.isInteger(label) || label < 0 || label > 9) throw new Error(`${file} line ${ln}: the label is not a digit 0..9`);
    y[i] = label;
    for (let j = 0; j < DIM; j++) x[i * DIM + j] = (parseValue(tok[j + 1], file, ln, `value ${j + 1}`) + 1) / 2;
  }
  return { x, y };
}

/** LIBSVM format: "label idx:val …", label 1..10 = digit 0..9, indices 1..256 increasing; absent features are 0. */
function parseLibsvm(text: string, file: string): Parsed {
  const lines = dataLines(text, file);
  const x = new Float64Array(lines.length * DIM).fill(0.5); // v = 0 ↦ x01 = 0.5
  const y = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const ln = i + 1;
    const tok = lines[i].trim().split(/\s+/);
    const label = Number(tok[0]);
    if (!Number.isInteger(label) || label < 1 || label > 10) throw new Error(`${file} line ${ln}: the label is not an integer 1..10`);
    y[i] = label - 1;
    let prev = 0;
    for (let k = 1; k < tok.length; k++) {
      const colon = tok[k].indexOf(':');
      const idx = colon > 0 ? Number(tok[k].slice(0, colon)) : NaN;
      if (!Number.isInteger(idx)) throw new Error(`${file} line ${ln}: feature ${k} is not of the form index:value`);
      if (idx < 1 || idx > DIM) throw new Error(`${file} line ${ln}: feature index ${idx} is outside 1..${DIM}`);
      if (idx <= prev) throw new Error(`${file} line ${ln}: feature indices must increase (${idx} after ${prev})`);
      prev = idx;
      x[i * DIM + idx - 1] = (parseValue(tok[k].slice(colon + 1), file, ln, `feature ${idx} value`) + 1) / 2;
    }
  }
  return { x, y };
}

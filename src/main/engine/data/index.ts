// Data layer entry point: pick the dataset named by the config and apply trainLimit/testLimit.

import type { DataConfig } from '../../../shared/config';
import type { DataSplit, Dataset } from './dataset';
import { loadFashionMnist } from './fashion-mnist';
import { loadUsps } from './usps';

export type { DataSplit, Dataset } from './dataset';
export { BatchSampler, gatherBatch, parseBatchOrder } from './sampler';
export { loadFashionMnist } from './fashion-mnist';
export { loadUsps } from './usps';
export { fetchUsps } from './fetch';

export function loadData(cfg: DataConfig): DataSplit {
  for (const [field, n] of [
    ['data.trainLimit', cfg.trainLimit],
    ['data.testLimit', cfg.testLimit],
  ] as const)
    if (n !== null && (!Number.isInteger(n) || n < 1)) throw new Error(`${field}: must be a positive integer, got ${n}`);
  let split: DataSplit;
  if (cfg.dataset === 'usps') {
    if (!cfg.dir) throw new Error('data.dir: USPS needs the directory holding zip.train.gz/zip.test.gz (or usps.bz2/usps.t.bz2)');
    if (cfg.imageSide !== 16) throw new Error(`data.imageSide: USPS images are 16×16, got ${cfg.imageSide}`);
    split = loadUsps(cfg.dir);
  } else if (cfg.dataset === 'fashion-mnist') {
    split = loadFashionMnist({ side: cfg.imageSide });
  } else {
    throw new Error(`data.dataset: unknown dataset ${JSON.stringify(cfg.dataset)}`);
  }
  return {
    ...split,
    train: limit(split.train, cfg.trainLimit, 'data.trainLimit'),
    test: limit(split.test, cfg.testLimit, 'data.testLimit'),
  };
}

/** The first n samples (a copy, so the full set can be freed); mean/std stay those of the full training set. */
function limit(ds: Dataset, n: number | null, field: string): Dataset {
  if (n === null || n === ds.count) return ds;
  if (n > ds.count) throw new Error(`${field}: ${n} exceeds the ${ds.count} samples of ${ds.name}`);
  return { ...ds, x: ds.x.slice(0, n * ds.dim), y: ds.y.slice(0, n), count: n, source: `${ds.source}; first ${n}` };
}

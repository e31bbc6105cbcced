// Access to the shared float64 PyTorch reference fixtures and the USPS files used by the tests.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadUsps } from '../../src/main/engine/data/usps';
import type { DataSplit } from '../../src/main/engine/data/dataset';
import { gatherBatch } from '../../src/main/engine/data/sampler';

/** The repository root and the steering repository's shared folder: beside it, or beside the folder of worktrees. */
export const ROOT = path.resolve(__dirname, '../..');
export const SHARED =
  ['../shared', '../../shared'].map((p) => path.resolve(ROOT, p)).find((p) => existsSync(path.join(p, 'fixtures'))) ?? path.resolve(ROOT, '../shared');
export const USPS_DIR = path.join(SHARED, 'data/usps');

export interface CgdRef {
  proj_grad_norm: number;
  n_kept: number;
  n_pruned: number;
}
export interface Fixture {
  model: 'mlp' | 'cnn';
  n_params: number;
  lr: number;
  params_init: number[];
  batch_idx: number[];
  batch_labels: number[];
  init: {
    loss: number;
    grad_norm: number;
    trace: number;
    fro: number;
    eigvals: number[];
    'cnt_neg_lt_-1e-6': number;
    'cnt_pos_gt_1e-6': number;
    'cnt_zero_abs_le_1e-6': number;
    'cnt_chaotic_(1-lr w)^2>1': number;
    cgd: Record<string, CgdRef>;
  };
}

export function fixture(name: 'mlp_init' | 'cnn_init'): Fixture {
  return JSON.parse(readFileSync(path.join(SHARED, 'fixtures', `${name}.json`), 'utf8')) as Fixture;
}

let usps: DataSplit | null = null;
export function uspsData(): DataSplit {
  usps ??= loadUsps(USPS_DIR);
  return usps;
}

export function fixtureBatch(f: Fixture) {
  return gatherBatch(uspsData().train, Int32Array.from(f.batch_idx));
}

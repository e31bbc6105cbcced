// The float64 PyTorch reference fixture of the CNN (cnn_init.json) and its USPS batch, read directly from
// zip.train.gz (line = label then 256 values in [−1, 1]; x = ((v+1)/2 − mean)/std, DESIGN §3).
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SHARED } from './fixtures';

export interface CnnFixture {
  params_init: number[];
  lr: number;
  batch_idx: number[];
  batch_labels: number[];
  meta: { data: { mean: number; std: number } };
  init: Record<string, unknown> & { loss: number; grad_norm: number; trace: number; fro: number; eigvals: number[] };
}

export function loadFixture(): CnnFixture {
  return JSON.parse(readFileSync(`${SHARED}/fixtures/cnn_init.json`, 'utf8')) as CnnFixture;
}

let lines: string[] | null = null;

/** Normalised images (idx.length×256) and labels of the given 0-based lines of zip.train.gz. */
export function uspsRows(idx: number[], mean: number, std: number): { x: Float64Array; y: Uint8Array } {
  lines ??= gunzipSync(readFileSync(`${SHARED}/data/usps/zip.train.gz`))
    .toString('utf8')
    .trim()
    .split('\n');
  const x = new Float64Array(idx.length * 256);
  const y = new Uint8Array(idx.length);
  idx.forEach((row, b) => {
    const v = lines![row].trim().split(/\s+/).map(Number);
    if (v.length !== 257) throw new Error(`zip.train.gz line ${row + 1}: ${v.length} fields, expected 257`);
    y[b] = v[0];
    for (let k = 0; k < 256; k++) x[b * 256 + k] = ((v[k + 1] + 1) / 2 - mean) / std;
  });
  return { x, y };
}

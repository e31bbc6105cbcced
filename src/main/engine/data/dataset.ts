// The in-memory form every loader produces: N×dim float64 inputs (row-major) with uint8 labels 0..9.

export interface Dataset {
  name: string;
  /** N×dim, row-major, already normalised with the training set's global mean/std. */
  x: Float64Array;
  y: Uint8Array;
  count: number;
  dim: number;
  /** Where the samples came from (file paths, package, cache), for the run record. */
  source: string;
}

export interface DataSplit {
  train: Dataset;
  test: Dataset;
  /** Global mean and unbiased std of the training inputs (in [0, 1] units) used to normalise both sets. */
  mean: number;
  std: number;
}

/** Global mean and unbiased (N − 1) standard deviation of all entries: two passes, each a compensated
 *  (Neumaier) sum, because plain summation over millions of repeated pixel values drifts by ~1e-12. */
function globalMeanStd(x: Float64Array): { mean: number; std: number } {
  const n = x.length;
  if (n < 2) throw new Error(`cannot normalise: the training set has ${n} value(s)`);
  const mean = compensatedSum(x, 0, false) / n;
  const std = Math.sqrt(compensatedSum(x, mean, true) / (n - 1));
  if (!(std > 0)) throw new Error('cannot normalise: the training inputs are constant (std = 0)');
  return { mean, std };
}

/** Σ (x_i − c), or Σ (x_i − c)² when `square`; Neumaier-compensated. */
function compensatedSum(x: Float64Array, c: number, square: boolean): number {
  let sum = 0;
  let comp = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i] - c;
    const v = square ? d * d : d;
    const t = sum + v;
    comp += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + comp;
}

/** x ← (x − mean) / std, in place. */
function normaliseInPlace(x: Float64Array, mean: number, std: number): void {
  for (let i = 0; i < x.length; i++) x[i] = (x[i] - mean) / std;
}

/** Normalise train and test with the train statistics and wrap them as a DataSplit. */
export function makeSplit(train: Omit<Dataset, 'count'>, test: Omit<Dataset, 'count'>): DataSplit {
  const { mean, std } = globalMeanStd(train.x);
  normaliseInPlace(train.x, mean, std);
  normaliseInPlace(test.x, mean, std);
  return { train: { ...train, count: train.y.length }, test: { ...test, count: test.y.length }, mean, std };
}

/** Message of any thrown value (some libraries throw strings). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

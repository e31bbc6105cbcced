// Exponential moving average for chart smoothing, debiased as in Adam / TensorBoard:
// m_k = α·m_{k−1} + (1 − α)·v_k, m_0 = 0, shown as m_k / (1 − α^k) (k counts finite values so far).
// Non-finite values pass through as NaN and do not enter the average.
export function ema(values: ArrayLike<number>, length: number, alpha: number): Float64Array {
  const out = new Float64Array(length);
  let m = 0;
  let weight = 1;
  for (let i = 0; i < length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = NaN;
      continue;
    }
    m = alpha * m + (1 - alpha) * v;
    weight *= alpha;
    out[i] = m / (1 - weight);
  }
  return out;
}

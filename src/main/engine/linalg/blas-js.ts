// Portable float64 fallbacks of the two BLAS-3 products the engine uses (same semantics as the addon).

/** C = AᵀA (cols×cols, both triangles) for row-major A (rows×cols): a sum of row outer products. */
export function gramAtAJs(a: Float64Array, rows: number, cols: number): Float64Array {
  const c = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const ar = r * cols;
    for (let i = 0; i < cols; i++) {
      const ai = a[ar + i];
      if (ai === 0) continue;
      const ci = i * cols;
      for (let j = i; j < cols; j++) c[ci + j] += ai * a[ar + j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) c[i * cols + j] = c[j * cols + i];
  return c;
}

/** C = A·B for row-major A (m×k) and B (k×n); i-k-j order keeps the inner loop contiguous. */
export function matmulJs(a: Float64Array, b: Float64Array, m: number, k: number, n: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
    }
  }
  return c;
}

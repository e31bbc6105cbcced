// Replica divergence fit (DESIGN §2): d(t)² = a·t + b·t² + d₀², linear least squares in (a, b, d₀²).
export interface DivergenceFit {
  a: number;
  b: number;
  d0sq: number;
}

export function fitDivergence(t: ArrayLike<number>, d: ArrayLike<number>): DivergenceFit | null {
  // Normal equations A·p = r for the basis (s, s², 1) with s = t/T (scaled for conditioning).
  let T = 0;
  for (let i = 0; i < t.length; i++) T = Math.max(T, Math.abs(t[i]));
  if (T === 0) return null;
  const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
  const r = [0, 0, 0];
  let count = 0;
  for (let i = 0; i < t.length; i++) {
    if (!Number.isFinite(d[i])) continue;
    const s = t[i] / T;
    const row = [s, s * s, 1];
    const y = d[i] * d[i];
    for (let j = 0; j < 3; j++) {
      r[j] += row[j] * y;
      for (let k = 0; k < 3; k++) A[j * 3 + k] += row[j] * row[k];
    }
    count++;
  }
  if (count < 3) return null;
  const p = solve3(A, r);
  return p ? { a: p[0] / T, b: p[1] / (T * T), d0sq: p[2] } : null;
}

export function fittedDistance(f: DivergenceFit, t: number): number {
  return Math.sqrt(Math.max(0, f.a * t + f.b * t * t + f.d0sq));
}

/** Gaussian elimination with partial pivoting; null when singular. */
function solve3(A: number[], r: number[]): number[] | null {
  const m = [0, 1, 2].map((i) => [A[i * 3], A[i * 3 + 1], A[i * 3 + 2], r[i]]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let i = c + 1; i < 3; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
    if (Math.abs(m[p][c]) < 1e-300) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let i = c + 1; i < 3; i++) {
      const f = m[i][c] / m[c][c];
      for (let k = c; k < 4; k++) m[i][k] -= f * m[c][k];
    }
  }
  const x = [0, 0, 0];
  for (let i = 2; i >= 0; i--) {
    let s = m[i][3];
    for (let k = i + 1; k < 3; k++) s -= m[i][k] * x[k];
    x[i] = s / m[i][i];
  }
  return x;
}

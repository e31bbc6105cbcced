// Fits to replica divergence curves d(t) = ‖θ_i(t) − θ_0(t)‖ (DESIGN §2) and group statistics over replicas.
// Points whose value is unusable (non-finite; non-positive where a log is taken) are skipped and counted in `skipped`.
// Standard errors are the textbook OLS ones (independent residuals). Consecutive points of one divergence curve
// are strongly autocorrelated, so for a single replica they are lower bounds; the spread over replicas
// (groupMean) is the honest uncertainty.

export interface Estimate {
  value: number;
  se: number;
}

export interface DivergenceFit {
  /** d² = a·t + b·t² + d0sq (random walk + linear drift). */
  a: number;
  b: number;
  d0sq: number;
  se: { a: number; b: number; d0sq: number };
  r2: number;
  n: number;
  skipped: number;
}

export interface LineFit {
  slope: number;
  intercept: number;
  se: { slope: number; intercept: number };
  r2: number;
  n: number;
  skipped: number;
}

export interface Crossover {
  /** First step of the power-law regime (the exponential regime covers the valid points before it). */
  step: number;
  /** Index of that step in the input arrays. */
  index: number;
  /** ln d = intercept + rate·t before the crossover. */
  early: { rate: number; intercept: number };
  /** ln d = intercept + exponent·ln t from the crossover on. */
  late: { exponent: number; intercept: number };
  /** Total squared residual of ln d over both segments. */
  sse: number;
  n: number;
  skipped: number;
}

export interface GroupStats {
  mean: Float64Array;
  /** 95 % t-interval mean ± t_{0.975,n−1}·s/√n (NaN where fewer than 2 finite values). */
  lo: Float64Array;
  hi: Float64Array;
  min: Float64Array;
  max: Float64Array;
  /** Number of finite values at each index. */
  count: Float64Array;
}

function checkPair(t: ArrayLike<number>, d: ArrayLike<number>): void {
  if (t.length !== d.length) throw new Error(`t has length ${t.length} but d has length ${d.length}; they must match`);
}

/**
 * Ordinary least squares y ≈ X·β for p columns (each column given as an array). Columns are scaled to unit
 * max-abs before forming XᵀX so that t, t² and 1 stay well conditioned; β and its covariance are scaled back.
 * cov(β) = σ²(XᵀX)⁻¹ with σ² = SSE/(n − p).
 */
function leastSquares(cols: Float64Array[], y: Float64Array, what: string): { beta: number[]; se: number[]; r2: number; sse: number } {
  const p = cols.length;
  const n = y.length;
  if (n <= p) throw new Error(`${what}: need more than ${p} usable points, got ${n}`);
  const scale = cols.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1);
  const xtx = new Float64Array(p * p);
  const xty = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = cols[a][i] / scale[a];
      xty[a] += xa * y[i];
      for (let b = 0; b <= a; b++) xtx[a * p + b] += xa * (cols[b][i] / scale[b]);
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) xtx[b * p + a] = xtx[a * p + b];
  const inv = invert(xtx, p, what);
  const betaScaled = Array.from({ length: p }, (_, a) => {
    let s = 0;
    for (let b = 0; b < p; b++) s += inv[a * p + b] * xty[b];
    return s;
  });
  let sse = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += (betaScaled[a] * cols[a][i]) / scale[a];
    sse += (y[i] - f) ** 2;
    sst += (y[i] - mean) ** 2;
  }
  const sigma2 = sse / (n - p);
  return {
    beta: betaScaled.map((b, a) => b / scale[a]),
    se: betaScaled.map((_, a) => Math.sqrt(sigma2 * inv[a * p + a]) / scale[a]),
    r2: sst > 0 ? 1 - sse / sst : NaN,
    sse,
  };
}

/** Inverse of a small dense p×p matrix by Gauss–Jordan elimination with partial pivoting. */
function invert(m: Float64Array, p: number, what: string): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(p * p);
  for (let i = 0; i < p; i++) inv[i * p + i] = 1;
  for (let c = 0; c < p; c++) {
    let piv = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r * p + c]) > Math.abs(a[piv * p + c])) piv = r;
    if (!(Math.abs(a[piv * p + c]) > 1e-13)) throw new Error(`${what}: the design is singular (too few distinct t values)`);
    for (let j = 0; j < p; j++) {
      [a[c * p + j], a[piv * p + j]] = [a[piv * p + j], a[c * p + j]];
      [inv[c * p + j], inv[piv * p + j]] = [inv[piv * p + j], inv[c * p + j]];
    }
    const d = a[c * p + c];
    for (let j = 0; j < p; j++) {
      a[c * p + j] /= d;
      inv[c * p + j] /= d;
    }
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r * p + c];
      if (f === 0) continue;
      for (let j = 0; j < p; j++) {
        a[r * p + j] -= f * a[c * p + j];
        inv[r * p + j] -= f * inv[c * p + j];
      }
    }
  }
  return inv;
}

/** Least squares d² = a·t + b·t² + d0² (DESIGN §2); points with non-finite t or d are skipped. */
export function fitDivergence(t: ArrayLike<number>, d: ArrayLike<number>): DivergenceFit {
  checkPair(t, d);
  const ts: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (Number.isFinite(t[i]) && Number.isFinite(d[i])) {
      ts.push(t[i]);
      y.push(d[i] * d[i]);
    }
  }
  const tt = Float64Array.from(ts);
  const fit = leastSquares([tt, tt.map((v) => v * v), new Float64Array(tt.length).fill(1)], Float64Array.from(y), 'fitDivergence');
  const [a, b, d0sq] = fit.beta;
  return { a, b, d0sq, se: { a: fit.se[0], b: fit.se[1], d0sq: fit.se[2] }, r2: fit.r2, n: tt.length, skipped: t.length - tt.length };
}

/** Valid (x, ln d) pairs with from ≤ t ≤ to, d > 0 finite, and x = f(t) finite. */
function logPoints(t: ArrayLike<number>, d: ArrayLike<number>, from: number, to: number, x: (t: number) => number) {
  checkPair(t, d);
  const xs: number[] = [];
  const ys: number[] = [];
  let skipped = 0;
  for (let i = 0; i < t.length; i++) {
    if (!(t[i] >= from && t[i] <= to)) continue;
    const xv = x(t[i]);
    if (Number.isFinite(xv) && Number.isFinite(d[i]) && d[i] > 0) {
      xs.push(xv);
      ys.push(Math.log(d[i]));
    } else skipped++;
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys), skipped };
}

function line(x: Float64Array, y: Float64Array, skipped: number, what: string): LineFit {
  const fit = leastSquares([x, new Float64Array(x.length).fill(1)], y, what);
  return { slope: fit.beta[0], intercept: fit.beta[1], se: { slope: fit.se[0], intercept: fit.se[1] }, r2: fit.r2, n: x.length, skipped };
}

/** Early exponential regime: slope of ln d against t over from ≤ t ≤ to (per-step rate). */
export function exponentialRate(t: ArrayLike<number>, d: ArrayLike<number>, from = -Infinity, to = Infinity): LineFit {
  const p = logPoints(t, d, from, to, (v) => v);
  return line(p.x, p.y, p.skipped, 'exponentialRate');
}

/** Late power law: slope of ln d against ln t over from ≤ t ≤ to (points with t ≤ 0 are skipped). */
export function powerLaw(t: ArrayLike<number>, d: ArrayLike<number>, from = -Infinity, to = Infinity): LineFit {
  const p = logPoints(t, d, from, to, (v) => (v > 0 ? Math.log(v) : NaN));
  return line(p.x, p.y, p.skipped, 'powerLaw');
}

/** Running sums for O(1) simple-regression SSE over any prefix or suffix. */
class Sums {
  n = 0;
  sx = 0;
  sy = 0;
  sxx = 0;
  sxy = 0;
  syy = 0;
  add(x: number, y: number): void {
    this.n++;
    this.sx += x;
    this.sy += y;
    this.sxx += x * x;
    this.sxy += x * y;
    this.syy += y * y;
  }
  remove(x: number, y: number): void {
    this.n--;
    this.sx -= x;
    this.sy -= y;
    this.sxx -= x * x;
    this.sxy -= x * y;
    this.syy -= y * y;
  }
  fit(): { slope: number; intercept: number; sse: number } {
    const cxx = this.sxx - (this.sx * this.sx) / this.n;
    const cxy = this.sxy - (this.sx * this.sy) / this.n;
    const cyy = this.syy - (this.sy * this.sy) / this.n;
    const slope = cxx > 0 ? cxy / cxx : 0;
    return { slope, intercept: (this.sy - slope * this.sx) / this.n, sse: Math.max(0, cyy - slope * cxy) };
  }
}

/**
 * Where the early exponential regime ends. Among the valid points (t > 0, d > 0, both finite, t increasing),
 * every breakpoint m with at least `minSegment` points on each side is tried: ln d is fitted by a line in t on
 * the points before m and by a line in ln t from m on (the two fits are independent, no continuity imposed);
 * the breakpoint with the smallest total SSE wins. O(n) with running sums; t is scaled by max t so the sums
 * stay well conditioned.
 */
export function detectCrossover(t: ArrayLike<number>, d: ArrayLike<number>, minSegment = 3): Crossover {
  checkPair(t, d);
  if (!Number.isInteger(minSegment) || minSegment < 2) throw new Error(`detectCrossover: minSegment must be an integer ≥ 2, got ${minSegment}`);
  const idx: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (Number.isFinite(t[i]) && t[i] > 0 && Number.isFinite(d[i]) && d[i] > 0) {
      if (idx.length && t[i] <= t[idx[idx.length - 1]]) throw new Error(`detectCrossover: t must increase (t[${i}] = ${t[i]})`);
      idx.push(i);
    }
  }
  const n = idx.length;
  if (n < 2 * minSegment) throw new Error(`detectCrossover: need at least ${2 * minSegment} points with t > 0 and d > 0, got ${n}`);
  const tMax = t[idx[n - 1]];
  const xe = idx.map((i) => t[i] / tMax);
  const xl = idx.map((i) => Math.log(t[i] / tMax));
  const y = idx.map((i) => Math.log(d[i]));
  const early = new Sums();
  const late = new Sums();
  for (let j = 0; j < n; j++) late.add(xl[j], y[j]);
  let best: { m: number; sse: number; e: ReturnType<Sums['fit']>; l: ReturnType<Sums['fit']> } | null = null;
  for (let m = 0; m <= n - minSegment; m++) {
    if (m >= minSegment) {
      const e = early.fit();
      const l = late.fit();
      if (!best || e.sse + l.sse < best.sse) best = { m, sse: e.sse + l.sse, e, l };
    }
    early.add(xe[m], y[m]);
    late.remove(xl[m], y[m]);
  }
  if (!best) throw new Error('detectCrossover: no candidate breakpoint');
  // Undo the scaling: ln d = c + r·(t/T) → rate r/T; ln d = c + α·ln(t/T) → intercept c − α·ln T.
  return {
    step: t[idx[best.m]],
    index: idx[best.m],
    early: { rate: best.e.slope / tMax, intercept: best.e.intercept },
    late: { exponent: best.l.slope, intercept: best.l.intercept - best.l.slope * Math.log(tMax) },
    sse: best.sse,
    n,
    skipped: t.length - n,
  };
}

/** Per-index mean, 95 % t-interval, min and max over series of possibly different lengths (non-finite values skipped). */
export function groupMean(series: ArrayLike<number>[]): GroupStats {
  const len = series.reduce((m, s) => Math.max(m, s.length), 0);
  const out: GroupStats = {
    mean: new Float64Array(len),
    lo: new Float64Array(len),
    hi: new Float64Array(len),
    min: new Float64Array(len),
    max: new Float64Array(len),
    count: new Float64Array(len),
  };
  const tq = new Map<number, number>();
  for (let i = 0; i < len; i++) {
    let n = 0;
    let sum = 0;
    let mn = Infinity;
    let mx = -Infinity;
    for (const s of series) {
      const v = i < s.length ? s[i] : NaN;
      if (!Number.isFinite(v)) continue;
      n++;
      sum += v;
      mn = Math.min(mn, v);
      mx = Math.max(mx, v);
    }
    const mean = n ? sum / n : NaN;
    let ss = 0;
    for (const s of series) {
      const v = i < s.length ? s[i] : NaN;
      if (Number.isFinite(v)) ss += (v - mean) ** 2;
    }
    let half = NaN;
    if (n >= 2) {
      if (!tq.has(n)) tq.set(n, studentTQuantile(0.975, n - 1));
      half = (tq.get(n) as number) * Math.sqrt(ss / (n - 1) / n);
    }
    out.mean[i] = mean;
    out.lo[i] = mean - half;
    out.hi[i] = mean + half;
    out.min[i] = n ? mn : NaN;
    out.max[i] = n ? mx : NaN;
    out.count[i] = n;
  }
  return out;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; ~1e-15 relative). */
function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  x -= 1;
  let a = c[0];
  const tt = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(tt) - tt + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(a, b, x)) / a : 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** Student t CDF with ν degrees of freedom: for t ≥ 0, F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½). */
export function studentTCdf(t: number, nu: number): number {
  const tail = 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile t_{p,ν} of Student's t (bisection on the CDF to full double precision). */
export function studentTQuantile(p: number, nu: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(nu > 0)) throw new Error(`studentTQuantile: degrees of freedom must be > 0, got ${nu}`);
  if (p < 0.5) return -studentTQuantile(1 - p, nu);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, nu) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, nu) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

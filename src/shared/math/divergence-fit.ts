// Fits to replica divergence curves d(t) = ‖θ_i(t) − θ_0(t)‖ (DESIGN §2), the one implementation the engine,
// the app, the CLI and reports use: d(t)² = a·t + b·t² + d₀² with the constraints the model implies (a, b ≥ 0:
// a random walk plus a linear drift; d₀ the measured initial distance), the early exponential rate, the late
// power law and the crossover between them. Points whose value is unusable (non-finite; non-positive where a log
// is taken) are skipped and counted in `skipped`. Standard errors are the textbook OLS ones (independent
// residuals); consecutive points of one curve are autocorrelated, so for one replica they are lower bounds and
// the spread over replicas is the honest uncertainty.
import { leastSquares } from './least-squares';

export interface DivergenceFit {
  /** d² = a·t′ + b·t′² + d0sq with t′ = t − t0 (t0 = 0 for replica runs, whose first point is the perturbation). */
  a: number;
  b: number;
  /** The measured d(t0)², not fitted. */
  d0sq: number;
  t0: number;
  /** Standard errors; NaN for a coefficient held at its bound 0, 0 for d0sq (measured). */
  se: { a: number; b: number; d0sq: number };
  /** Coefficients the constraint a, b ≥ 0 holds at 0 (the unconstrained least squares would make them negative). */
  atBound: ('a' | 'b')[];
  /** 1 − SSE/SST of d². */
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

function checkPair(t: ArrayLike<number>, d: ArrayLike<number>): void {
  if (t.length !== d.length) throw new Error(`t has length ${t.length} but d has length ${d.length}; they must match`);
}

/**
 * d² − d₀² = a·t′ + b·t′² with a, b ≥ 0 (DESIGN §2), t′ = t − t0, d₀ = d(t0) at the first usable point. Exact
 * non-negative least squares for two coefficients: the unconstrained fit when it is feasible, else the best of
 * the one-coefficient fits on the boundary (KKT).
 */
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
  const n = ts.length;
  if (n < 4) throw new Error(`fitDivergence: need at least 4 usable points, got ${n}`);
  const t0 = ts[0];
  const d0sq = y[0];
  const s = Float64Array.from(ts, (v) => v - t0);
  const s2 = s.map((v) => v * v);
  const r = Float64Array.from(y, (v) => v - d0sq);
  const candidates: { a: number; b: number; se: { a: number; b: number }; atBound: ('a' | 'b')[] }[] = [];
  const both = leastSquares([s, s2], r, 'fitDivergence');
  if (both.beta[0] >= 0 && both.beta[1] >= 0) candidates.push({ a: both.beta[0], b: both.beta[1], se: { a: both.se[0], b: both.se[1] }, atBound: [] });
  else {
    const onlyA = leastSquares([s], r, 'fitDivergence');
    const onlyB = leastSquares([s2], r, 'fitDivergence');
    if (onlyA.beta[0] >= 0) candidates.push({ a: onlyA.beta[0], b: 0, se: { a: onlyA.se[0], b: NaN }, atBound: ['b'] });
    if (onlyB.beta[0] >= 0) candidates.push({ a: 0, b: onlyB.beta[0], se: { a: NaN, b: onlyB.se[0] }, atBound: ['a'] });
    candidates.push({ a: 0, b: 0, se: { a: NaN, b: NaN }, atBound: ['a', 'b'] });
  }
  const sse = (c: { a: number; b: number }): number => r.reduce((acc, v, i) => acc + (v - c.a * s[i] - c.b * s2[i]) ** 2, 0);
  const best = candidates.reduce((p, c) => (sse(c) < sse(p) ? c : p));
  const mean = y.reduce((acc, v) => acc + v, 0) / n;
  const sst = y.reduce((acc, v) => acc + (v - mean) ** 2, 0);
  return {
    a: best.a,
    b: best.b,
    d0sq,
    t0,
    se: { ...best.se, d0sq: 0 },
    atBound: best.atBound,
    r2: sst > 0 ? 1 - sse(best) / sst : NaN,
    n,
    skipped: t.length - n,
  };
}

/** d(t) of a fit: √(d₀² + a·t′ + b·t′²). */
export function fittedDistance(f: Pick<DivergenceFit, 'a' | 'b' | 'd0sq' | 't0'>, t: number): number {
  const s = t - f.t0;
  return Math.sqrt(Math.max(0, f.a * s + f.b * s * s + f.d0sq));
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

const sci = (v: number): string => (Number.isFinite(v) ? v.toExponential(2) : String(v));
const pm = (v: number, se: number): string => (Number.isNaN(se) ? `${sci(v)} (at bound)` : `${sci(v)} ± ${sci(se)}`);

/** The fit in one line, as the app, the CLI and reports print it. */
export function fitText(f: DivergenceFit): string {
  return `d² = a·t + b·t² + d₀²: a = ${pm(f.a, f.se.a)}, b = ${pm(f.b, f.se.b)}, d₀² = ${sci(f.d0sq)} (measured), R² = ${f.r2.toFixed(3)}, n = ${f.n}`;
}

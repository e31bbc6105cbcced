// The parameters of a replica divergence analysis (DESIGN §2) as one table the app, the CLI and reports show:
// the early exponential rate, the late power-law exponent, the crossover step between them, and the quadratic
// model's a, b (constrained ≥ 0: "at bound" where the constraint holds) and measured d₀, each with its standard
// error where one exists, the R² of the fit it comes from and the points it used.
import { readoutNumber } from '../charts/format';
import type { CurveAnalysis } from './divergence';

export interface DivergenceParam {
  key: 'rate' | 'exponent' | 'crossover' | 'a' | 'b' | 'd0';
  name: string;
  unit: string;
  value: number;
  /** Standard error; null where the quantity has none (a breakpoint, a measured value), NaN at a bound. */
  se: number | null;
  r2: number | null;
  n: number | null;
  note: string;
}

export function divergenceTable(a: CurveAnalysis): { rows: DivergenceParam[]; notes: string[] } {
  const rows: DivergenceParam[] = [];
  const { crossover: c, early, late, quad } = a;
  if (c && early && late) {
    const at = `t× = ${c.step}`;
    rows.push(
      {
        key: 'rate',
        name: 'early rate r',
        unit: '1/step',
        value: early.slope,
        se: early.se.slope,
        r2: early.r2,
        n: early.n,
        note: `ln d = c + r·t before ${at}`,
      },
      { key: 'exponent', name: 'late exponent α', unit: '', value: late.slope, se: late.se.slope, r2: late.r2, n: late.n, note: `d ∝ t^α from ${at} on` },
      {
        key: 'crossover',
        name: 'crossover t×',
        unit: 'step',
        value: c.step,
        se: null,
        r2: null,
        n: c.n,
        note: 'breakpoint of least squared error of ln d (no SE)',
      },
    );
  }
  if (quad) {
    const bound = (k: 'a' | 'b'): string => (quad.atBound.includes(k) ? `at bound: ${k} ≥ 0 holds` : 'd² = a·t + b·t² + d₀²');
    rows.push(
      { key: 'a', name: 'a (random walk)', unit: 'd²/step', value: quad.a, se: quad.se.a, r2: quad.r2, n: quad.n, note: bound('a') },
      { key: 'b', name: 'b (drift)', unit: 'd²/step²', value: quad.b, se: quad.se.b, r2: quad.r2, n: quad.n, note: bound('b') },
      { key: 'd0', name: 'd₀ (initial distance)', unit: 'L2', value: Math.sqrt(quad.d0sq), se: null, r2: null, n: null, note: `measured at t = ${quad.t0}` },
    );
  }
  return { rows, notes: a.regimes ? [a.regimes] : [] };
}

/** A parameter's cells as text: value, "± SE" (— where there is none), R², n. */
export function paramCells(p: DivergenceParam): { value: string; se: string; r2: string; n: string } {
  return {
    value: p.key === 'crossover' ? String(p.value) : readoutNumber(p.value),
    se: p.se === null || Number.isNaN(p.se) ? '—' : `± ${readoutNumber(p.se)}`,
    r2: p.r2 === null ? '—' : p.r2.toFixed(3),
    n: p.n === null ? '—' : String(p.n),
  };
}

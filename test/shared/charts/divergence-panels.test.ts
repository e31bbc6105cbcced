// The divergence panels (ln d vs t with the early exponential, log d vs log t with the late power law and the
// quadratic model, the crossover on both) and their parameter table, on a curve with a known crossover.
import { describe, expect, it } from 'vitest';
import { divergencePanels } from '../../../src/shared/charts/divergence-panels';
import { layoutFigure } from '../../../src/shared/charts/layout';
import type { LineMark, Panel, RuleMark } from '../../../src/shared/charts/spec';
import { svgDocument } from '../../../src/shared/charts/svg';
import { analyseCurve, groupDivergence } from '../../../src/shared/math/divergence';
import { fittedDistance } from '../../../src/shared/math/divergence-fit';
import { divergenceTable, paramCells } from '../../../src/shared/math/divergence-table';
import { findAll, parseXml, textOf } from '../../helpers/xml';

// d = 0.1·e^{0.01 t} up to t = 300, then d(300)·(t/300)^0.4: a continuous curve whose regimes are known exactly.
const T = Float64Array.from({ length: 2001 }, (_, i) => i);
const D = T.map((t) => (t < 300 ? 0.1 * Math.exp(0.01 * t) : 0.1 * Math.exp(3) * (t / 300) ** 0.4));
const band = { steps: T, mean: D, lo: D.map((v) => 0.9 * v), hi: D.map((v) => 1.1 * v), n: 5, kind: 'ci95' as const };
const analysis = analyseCurve(T, D);
const lines = (p: Panel): LineMark[] => p.marks.filter((m): m is LineMark => m.type === 'line');
const rules = (p: Panel): RuleMark[] => p.marks.filter((m): m is RuleMark => m.type === 'rule');

describe('divergencePanels', () => {
  it('draws the early exponential on a linear t axis and the late power law on log–log, the crossover on both', () => {
    const [early, late] = divergencePanels([{ label: 'run a', color: '#0072B2', band, analysis }]);
    expect(analysis.crossover!.step).toBeGreaterThanOrEqual(299);
    expect(analysis.crossover!.step).toBeLessThanOrEqual(301);
    expect([early.x.scale, early.y.scale, late.x.scale, late.y.scale]).toEqual(['linear', 'log', 'log', 'log']);
    for (const p of [early, late])
      expect(rules(p).map((r) => [r.axis, r.value, r.text])).toEqual([['x', analysis.crossover!.step, `crossover t = ${analysis.crossover!.step}`]]);
    // The exponential fit ends at the crossover; its points are e^{c + r·t} of the analysis (to 1e-12).
    const exp = lines(early).find((m) => m.label?.startsWith('exponential'))!;
    expect(exp.label).toBe(`exponential: r = 0.01/step`);
    expect(exp.data.x[exp.data.length - 1]).toBe(analysis.crossover!.step);
    for (let i = 0; i < exp.data.length; i++) {
      const t = exp.data.x[i];
      expect(exp.data.y[i]).toBeCloseTo(Math.exp(analysis.early!.intercept + analysis.early!.slope * t), 12);
      if (t < 299) expect(exp.data.y[i] / (0.1 * Math.exp(0.01 * t))).toBeCloseTo(1, 9);
    }
    const pow = lines(late).find((m) => m.label?.startsWith('power law'))!;
    expect(pow.label).toBe('power law: d ∝ t^0.4');
    for (let i = 0; i < pow.data.length; i++) expect(pow.data.y[i] / D[Math.round(pow.data.x[i])]).toBeCloseTo(1, pow.data.x[i] % 1 === 0 ? 9 : 3);
    const quad = lines(late).find((m) => m.label === 'd² = a·t + b·t² + d₀²')!;
    expect(quad.data.x[0]).toBe(1);
    for (let i = 0; i < quad.data.length; i++) expect(quad.data.y[i]).toBe(fittedDistance(analysis.quad!, quad.data.x[i]));
    // The mean with its band, labelled with what the band is.
    expect(early.marks.filter((m) => m.type === 'band').length).toBe(1);
    expect(lines(early)[0].label).toBe('run a: mean ± 95 % CI (n = 5)');
  });

  it('keeps a zoom inside what a log axis can show, and renders as SVG with titles, units and the crossover', () => {
    const [, late] = divergencePanels([{ label: 'a', color: '#0072B2', band, analysis }], [-50, 800]);
    expect(late.x.domain).toEqual([1, 800]);
    const [early] = divergencePanels([{ label: 'a', color: '#0072B2', band, analysis }], [-50, 800]);
    expect(early.x.domain).toEqual([-50, 800]);
    const svg = svgDocument(
      layoutFigure({
        width: 504,
        height: 200,
        fontSize: 8,
        unit: 'pt',
        columns: 2,
        panels: divergencePanels([{ label: 'a', color: '#0072B2', band, analysis }]),
      }),
    );
    const texts = findAll(parseXml(svg), (e) => e.name === 'text').map(textOf);
    expect(texts).toEqual(
      expect.arrayContaining([
        'ln d against t: early exponential',
        'log d against log t: late power law',
        'step',
        'step (log)',
        '‖θᵢ − θ₀‖ (L2)',
        `crossover t = ${analysis.crossover!.step}`,
        'not drawn on log axes: 1 with step ≤ 0',
      ]),
    );
  });

  it('labels each group, and marks its crossover in its colour, when several share the panels; a curve too short for regimes has no rule', () => {
    const short = analyseCurve(T.subarray(0, 4), D.subarray(0, 4));
    expect(short.crossover).toBeNull();
    const g = (label: string, a = analysis) => ({ label, color: '#000000', band, analysis: a });
    const [early] = divergencePanels([g('sgd'), g('cgd', short)]);
    expect(rules(early).map((r) => [r.text, r.color])).toEqual([[`t = ${analysis.crossover!.step}`, '#000000']]);
    expect(lines(early).map((m) => m.label)).toEqual(['sgd: mean ± 95 % CI (n = 5)', 'sgd: exponential: r = 0.01/step', 'cgd: mean ± 95 % CI (n = 5)']);
  });
});

describe('divergenceTable', () => {
  it('lists rate, exponent, crossover, a, b and d₀ from the analysis, each with its SE, R² and n', () => {
    const { rows, notes } = divergenceTable(analysis);
    expect(notes).toEqual([]);
    const by = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect(rows.map((r) => r.key)).toEqual(['rate', 'exponent', 'crossover', 'a', 'b', 'd0']);
    expect(by.rate.value).toBe(analysis.early!.slope);
    expect(by.rate.value).toBeCloseTo(0.01, 9);
    expect(by.rate.se).toBe(analysis.early!.se.slope);
    expect(by.exponent.value).toBeCloseTo(0.4, 6);
    expect([by.crossover.value, by.crossover.se]).toEqual([analysis.crossover!.step, null]);
    expect([by.a.value, by.b.value, by.a.r2, by.a.n]).toEqual([analysis.quad!.a, analysis.quad!.b, analysis.quad!.r2, analysis.quad!.n]);
    expect(by.d0).toMatchObject({ value: 0.1, se: null, note: 'measured at t = 0' });
    expect(paramCells(by.rate).value).toBe('0.01');
    expect(paramCells(by.crossover)).toMatchObject({ value: String(analysis.crossover!.step), se: '—' });
  });

  it('marks a coefficient held at its bound, and says why the regimes are missing', () => {
    // A saturating d² (concave): b would be negative unconstrained and is held at 0.
    const t = T.subarray(0, 500);
    const d = t.map((s) => Math.sqrt(0.01 + 4e-3 * s - 4e-6 * s * s));
    const g = groupDivergence([{ steps: t, values: d }]);
    const b = divergenceTable(g.analysis).rows.find((r) => r.key === 'b')!;
    expect(b).toMatchObject({ value: 0, note: 'at bound: b ≥ 0 holds' });
    expect(paramCells(b).se).toBe('—');
    const short = divergenceTable(analyseCurve(T.subarray(0, 5), D.subarray(0, 5)));
    expect(short.rows.map((r) => r.key)).toEqual(['a', 'b', 'd0']);
    expect(short.notes[0]).toMatch(/^regimes not fitted: detectCrossover: need at least 6 points/);
  });
});

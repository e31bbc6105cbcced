// `npm run bench -- --only charts`: the chart core in Node, as the CLI's reports will use it. A double-column
// figure of 10 runs × 36,480 steps (the paper's run length) to SVG, with lines decimated per output column
// (lod.ts), against the in-run baseline of the same figure with every point in its paths; and a spectrogram of
// 4000 spectra to vector cells; each rasterised to PNG at 300 dpi by resvg.
import { performance } from 'node:perf_hooks';
import { rasterize } from '../src/main/charts/rasterize';
import { layoutFigure } from '../src/shared/charts/layout';
import { linePanel } from '../src/shared/charts/line-panel';
import { RUN_PALETTES } from '../src/shared/charts/palette';
import type { Figure } from '../src/shared/charts/spec';
import { binSpectrum } from '../src/shared/charts/spectrum-bins';
import { spectrogramPanel } from '../src/shared/charts/spectrum-panels';
import { svgDocument } from '../src/shared/charts/svg';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1];
function time<T>(f: () => T, reps = 5): { ms: number; out: T } {
  let out = f();
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    out = f();
    ms.push(performance.now() - t0);
  }
  return { ms: median(ms), out };
}

/** The same path data without decimation: every sample a vertex. */
function fullPaths(fig: Figure): string {
  const l = layoutFigure(fig);
  let s = '';
  for (const p of l.panels)
    for (const m of p.panel.marks)
      if (m.type === 'line') for (let i = 0; i < m.data.length; i++) s += `${i ? 'L' : 'M'}${p.x(m.data.x[i]).toFixed(2)},${p.y(m.data.y[i]).toFixed(2)}`;
  return svgDocument(l) + s;
}

export function benchCharts(): Record<string, number> {
  const n = 36_480;
  const x = Float64Array.from({ length: n }, (_, i) => i);
  const series = [...RUN_PALETTES['tol-muted'], '#000000'].map((color, k) => ({
    label: `run ${k}`,
    color,
    data: { x, y: x.map((t) => 2 * Math.exp(-t / (3000 + 500 * k)) + 0.05 * Math.sin(t * (0.3 + k / 10)) + 0.1), length: n },
  }));
  const fig: Figure = {
    width: 504,
    height: 311,
    fontSize: 8,
    unit: 'pt',
    panels: [linePanel(series, { title: 'loss', x: { title: 'step', scale: 'linear' }, y: { title: 'loss (nats)', scale: 'log' } })],
  };
  const lod = time(() => svgDocument(layoutFigure(fig)));
  const full = time(() => fullPaths(fig));
  const png = time(() => rasterize(lod.out, 300), 3);
  const spectra = Array.from({ length: 4000 }, (_, t) =>
    binSpectrum(
      {
        step: t * 9,
        n: 5350,
        nullCount: 5100,
        nullTol: 1e-9,
        eigenvalues: Float64Array.from({ length: 250 }, (_, i) => (i - 20) * 0.02 * (1 + Math.sin(t / 300))),
      },
      0.01,
    ),
  );
  const spec = time(() => svgDocument(layoutFigure({ width: 504, height: 200, fontSize: 8, unit: 'pt', panels: [spectrogramPanel(spectra, { lr: 0.01 })] })));
  const specPng = time(() => rasterize(spec.out, 300), 3);
  const out = {
    line_svg_ms: lod.ms,
    line_svg_kb: lod.out.length / 1000,
    full_svg_ms: full.ms,
    full_svg_kb: full.out.length / 1000,
    line_png_300dpi_ms: png.ms,
    spectrogram_svg_ms: spec.ms,
    spectrogram_svg_kb: spec.out.length / 1000,
    spectrogram_png_300dpi_ms: specPng.ms,
  };
  console.log(
    `10 runs × ${n} steps, double column: SVG ${out.line_svg_ms.toFixed(0)} ms, ${out.line_svg_kb.toFixed(0)} kB (every point: ${out.full_svg_ms.toFixed(0)} ms, ` +
      `${out.full_svg_kb.toFixed(0)} kB → ${(out.full_svg_kb / out.line_svg_kb).toFixed(1)}× smaller); PNG 300 dpi ${out.line_png_300dpi_ms.toFixed(0)} ms`,
  );
  console.log(
    `spectrogram of 4000 spectra: SVG ${out.spectrogram_svg_ms.toFixed(0)} ms, ${out.spectrogram_svg_kb.toFixed(0)} kB of vector cells; PNG 300 dpi ${out.spectrogram_png_300dpi_ms.toFixed(0)} ms`,
  );
  return out;
}

// Figures as PNG in Node (CLI reports): the chart core's SVG document rasterised by resvg at a chosen resolution,
// with the charts' font (Liberation Sans, else the system's sans-serif) so that text matches the layout's metrics.
import { Resvg } from '@resvg/resvg-js';

/** PNG bytes of an SVG document at `dpi` (the document's size in pt or px: 1 pt = 1/72 in, 1 px = 1/96 in). */
export function rasterize(svg: string, dpi = 300): Buffer {
  const root = /<svg\b[^>]*\bwidth="([\d.]+)(pt|px)?"/.exec(svg);
  if (!root) throw new Error('rasterize: the document has no width on its root <svg>');
  const inches = Number(root[1]) / (root[2] === 'pt' ? 72 : 96);
  const r = new Resvg(svg, {
    fitTo: { mode: 'width', value: Math.max(1, Math.round(inches * dpi)) },
    font: { loadSystemFonts: true, defaultFontFamily: 'Liberation Sans', sansSerifFamily: 'Liberation Sans' },
    background: '#ffffff',
  });
  return r.render().asPng();
}

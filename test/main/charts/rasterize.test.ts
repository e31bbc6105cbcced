// The chart core in Node, as the CLI's reports use it: a figure to SVG, rasterised by resvg to a PNG of the size
// the resolution asks for, which decodes (zlib, PNG filters) to an image with the figure drawn on white.
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { rasterize } from '../../../src/main/charts/rasterize';
import { layoutFigure } from '../../../src/shared/charts/layout';
import { linePanel } from '../../../src/shared/charts/line-panel';
import { SEMANTIC } from '../../../src/shared/charts/palette';
import { svgDocument } from '../../../src/shared/charts/svg';

/** Decodes an 8-bit RGBA, non-interlaced PNG: width, height and pixels. */
function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const len = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    } else if (type === 'IDAT') idat.push(data);
    at += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  expect(raw.length).toBe(height * (stride + 1));
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x];
      const a = x >= 4 ? out[y * stride + x - 4] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= 4 && y > 0 ? out[(y - 1) * stride + x - 4] : 0;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const pred = [0, a, b, (a + b) >> 1, pa <= pb && pa <= pc ? a : pb <= pc ? b : c][f];
      out[y * stride + x] = (v + pred) & 255;
    }
  }
  return { width, height, rgba: out };
}

describe('figures rasterised in Node', () => {
  it('renders a single-column figure at 300 dpi to a PNG of 3.5 in × 300 px that decodes to the drawn chart', () => {
    const n = 1000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const panel = linePanel([{ label: 'train', color: SEMANTIC.train, data: { x, y: x.map((t) => Math.exp(-t / 300)), length: n } }], {
      title: 'Loss',
      x: { title: 'step', scale: 'linear' },
      y: { title: 'loss (nats)', scale: 'log' },
    });
    const svg = svgDocument(layoutFigure({ width: 252, height: 180, fontSize: 8, unit: 'pt', panels: [panel] }));
    const img = decodePng(rasterize(svg, 300));
    expect({ width: img.width, height: img.height }).toEqual({ width: 1050, height: 750 });
    // White background, and dark ink (axes, text, the black train line) on a good part of it.
    expect([...img.rgba.subarray(0, 4)]).toEqual([255, 255, 255, 255]);
    let dark = 0;
    for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i] < 80 && img.rgba[i + 1] < 80 && img.rgba[i + 2] < 80) dark++;
    expect(dark / (img.width * img.height)).toBeGreaterThan(0.005);
    expect(dark / (img.width * img.height)).toBeLessThan(0.2);
    expect(decodePng(rasterize(svg, 150)).width).toBe(525);
  });

  it('refuses a document without a size', () => {
    expect(() => rasterize('<svg xmlns="http://www.w3.org/2000/svg"/>')).toThrow(/no width/);
  });
});

// The dense marks of an interactive chart on canvas: lines (decimated per device pixel column), dots, bands and
// heatmaps, from the same geometry (shared/charts/marks.ts) that the SVG export draws.
import type { PanelLayout } from '../../../../shared/charts/layout';
import { bandOutline, dotPoints, heatCells, linePoints } from '../../../../shared/charts/marks';
import * as d3 from 'd3';

function stroke(ctx: CanvasRenderingContext2D, pts: Float64Array): void {
  ctx.beginPath();
  let pen = false;
  for (let i = 0; i < pts.length; i += 2) {
    if (!Number.isFinite(pts[i]) || !Number.isFinite(pts[i + 1])) {
      pen = false;
      continue;
    }
    if (pen) ctx.lineTo(pts[i], pts[i + 1]);
    else ctx.moveTo(pts[i], pts[i + 1]);
    pen = true;
  }
  if (pts.length === 2) ctx.fillRect(pts[0] - 1, pts[1] - 1, 2, 2);
  ctx.stroke();
}

/** Draws the panel's canvas marks into `canvas` sized to the plot at device resolution. */
export function drawCanvasMarks(canvas: HTMLCanvasElement, p: PanelLayout): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(p.plot.w * dpr));
  const h = Math.max(1, Math.round(p.plot.h * dpr));
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, p.plot.w, p.plot.h);
  for (const m of p.panel.marks) {
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    if (m.type === 'line' && !m.off) {
      ctx.strokeStyle = ctx.fillStyle = m.color;
      ctx.globalAlpha = m.opacity ?? 1;
      ctx.lineWidth = m.width ?? 1.25;
      ctx.setLineDash(m.dash ? [5, 4] : []);
      stroke(ctx, linePoints(m, p.x, p.y, dpr));
    } else if (m.type === 'dot' && !m.off) {
      ctx.fillStyle = m.color;
      ctx.globalAlpha = m.opacity ?? 1;
      const pts = dotPoints(m, p.x, p.y);
      for (let i = 0; i < pts.length; i += 2) ctx.fillRect(pts[i] - 1, pts[i + 1] - 1, 2, 2);
    } else if (m.type === 'band' && !m.off) {
      const pts = bandOutline(m, p.x, p.y, p.plot.w);
      if (!pts.length) continue;
      ctx.fillStyle = m.color;
      ctx.globalAlpha = m.opacity ?? 0.2;
      ctx.beginPath();
      for (let i = 0; i < pts.length; i += 2) (i ? ctx.lineTo : ctx.moveTo).call(ctx, pts[i], pts[i + 1]);
      ctx.closePath();
      ctx.fill();
    } else if (m.type === 'heatmap') {
      // Cells painted into one image at device resolution: one blit however many columns.
      const img = ctx.getImageData(0, 0, w, h);
      const px = new Uint32Array(img.data.buffer);
      const rgba = new Map<string, number>();
      for (const c of heatCells(m, p.x, p.y)) {
        let v = rgba.get(c.color);
        if (v === undefined) {
          const { r, g, b } = d3.rgb(c.color);
          rgba.set(c.color, (v = (255 << 24) | (b << 16) | (g << 8) | r));
        }
        const x0 = Math.max(0, Math.round(c.x * dpr));
        const x1 = Math.min(w, Math.round((c.x + c.w) * dpr));
        const y0 = Math.max(0, Math.round(c.y * dpr));
        const y1 = Math.min(h, Math.max(y0 + 1, Math.round((c.y + c.h) * dpr)));
        const x2 = Math.min(w, Math.max(x0 + 1, x1));
        for (let y = y0; y < y1; y++) px.fill(v, y * w + x0, y * w + x2);
      }
      ctx.putImageData(img, 0, 0);
    }
  }
  ctx.globalAlpha = 1;
}

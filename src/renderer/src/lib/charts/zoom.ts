// Wheel zoom and drag pan on x over a chart's overlay (1× to 1000×, kept inside the data); double-click resets;
// the keyboard zooms through scaleBy and reset.
// The zoom is kept as an x domain in data units, so that it survives layout changes and can be linked between
// charts; `show` moves d3's transform to a domain set from outside without echoing it back. One zoom behaviour
// lives as long as its overlay: d3 keeps an active gesture (a wheel's, for 150 ms) on the element, and a
// programmatic transform is emitted through it, so a behaviour replaced on every redraw would echo through the
// old one's listener and set the domain from inside the chart's own effect (an update loop).
import * as d3 from 'd3';
import type { PositionScale } from '../../../../shared/charts/scales';

export interface ZoomHandle {
  /** The full-domain x scale of the plot area and the plot height, after a layout change. */
  rescale(base: PositionScale, height: number): void;
  /** Show `domain` (null: all) over the full-domain scale, without calling back. */
  show(domain: [number, number] | null): void;
  /** Zoom by factor k (> 1: in) around plot x `px`, or back to all of it; the chart hears of it as from the wheel. */
  scaleBy(k: number, px: number): void;
  reset(): void;
  detach(): void;
}

/** The zoom transform under which `base` shows `domain`. */
function transformFor(base: PositionScale, domain: [number, number]): d3.ZoomTransform {
  const [a, b] = domain.map((v) => base(v));
  const k = (base.range()[1] - base.range()[0]) / (b - a);
  return d3.zoomIdentity.translate(-k * a, 0).scale(k);
}

/** Attach zoom/pan to `overlay`; `onZoom` receives the visible x domain (null: all of it). */
export function attachZoom(overlay: SVGRectElement, onZoom: (domain: [number, number] | null) => void): ZoomHandle {
  let base: PositionScale | null = null;
  let quiet = false;
  const zoom = d3
    .zoom<SVGRectElement, unknown>()
    .scaleExtent([1, 1000])
    .on('zoom', (e: d3.D3ZoomEvent<SVGRectElement, unknown>) => {
      if (quiet || !base) return;
      const t = e.transform;
      onZoom(t.k === 1 && t.x === 0 ? null : (t.rescaleX(base).domain() as [number, number]));
    });
  const sel = d3
    .select(overlay)
    .call(zoom)
    .on('dblclick.zoom', () => sel.call(zoom.transform, d3.zoomIdentity));
  return {
    rescale(b, height) {
      base = b;
      const extent: [[number, number], [number, number]] = [
        [0, 0],
        [b.range()[1], height],
      ];
      zoom.extent(extent).translateExtent(extent);
    },
    show(domain) {
      if (!base) return;
      quiet = true;
      try {
        sel.call(zoom.transform, domain ? transformFor(base, domain) : d3.zoomIdentity);
      } finally {
        quiet = false;
      }
    },
    scaleBy: (k, px) => void sel.call(zoom.scaleBy, k, [px, 0]),
    reset: () => void sel.call(zoom.transform, d3.zoomIdentity),
    detach: () => void sel.on('.zoom', null),
  };
}

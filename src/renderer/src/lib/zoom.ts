// Wheel zoom and drag pan on a chart's overlay (1× to 1000×, kept inside the plot); double-click resets.
import * as d3 from 'd3';

/** Attach zoom/pan to `overlay`; returns the detach function (for a Svelte $effect cleanup). */
export function attachZoom(overlay: SVGRectElement, width: number, height: number, onZoom: (t: d3.ZoomTransform) => void): () => void {
  const extent: [[number, number], [number, number]] = [
    [0, 0],
    [width, height],
  ];
  const zoom = d3
    .zoom<SVGRectElement, unknown>()
    .scaleExtent([1, 1000])
    .translateExtent(extent)
    .extent(extent)
    .on('zoom', (e: d3.D3ZoomEvent<SVGRectElement, unknown>) => onZoom(e.transform));
  const sel = d3
    .select(overlay)
    .call(zoom)
    .on('dblclick.zoom', () => sel.call(zoom.transform, d3.zoomIdentity));
  return () => sel.on('.zoom', null);
}

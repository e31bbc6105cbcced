// Charts of a view register here (through Svelte context) so that the view can export all of them at once: each
// hands its current panel (same zoom, same visible series) and the CSV of what it plots.
import { getContext, setContext } from 'svelte';
import type { Panel } from '../../../../shared/charts/spec';
import type { CsvTable } from './export';

export interface ChartExporter {
  title: string;
  /** The chart's element: a view exports its charts in page order. */
  el: Element;
  panel(): Panel;
  csv(): CsvTable;
}
export interface ChartRegistry {
  add(e: ChartExporter): () => void;
}

const REGISTRY = Symbol('chart-registry');
export function provideChartRegistry(): ChartExporter[] {
  const charts: ChartExporter[] = [];
  setContext<ChartRegistry>(REGISTRY, {
    add(e) {
      charts.push(e);
      return () => charts.splice(charts.indexOf(e), 1);
    },
  });
  return charts;
}
/** Charts in the order they appear on the page. */
export const inPageOrder = (charts: ChartExporter[]): ChartExporter[] =>
  [...charts].sort((a, b) => (a.el.compareDocumentPosition(b.el) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
export const chartRegistry = (): ChartRegistry | undefined => getContext<ChartRegistry | undefined>(REGISTRY);

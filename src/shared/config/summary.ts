// A run's config in words, from the field table: the Live view's run panel lists it by section, the Library's
// runs table names the optimiser variant in one cell.
import type { Leaf } from './leaves';
import { GROUPS, readAt } from './leaves';
import { defaultOf } from './field';
import { showValue } from './display';
import type { ConfigPath, RunConfig } from './types';

/** What the experiment is: shown whatever their value. Other fields are shown where they differ from the default. */
const ALWAYS = new Set<ConfigPath>([
  'seed',
  'data.dataset',
  'model.kind',
  'model.hidden',
  'model.baseChannels',
  'model.blocks',
  'model.activation',
  'train.steps',
  'train.batchSize',
  'train.lr',
  'spectrum.every',
  'cgd.prune',
  'lyapunov.k',
  'replicas.strategy',
  'replicas.eps',
  'replicas.seeds',
  'replicas.lyapunovSource',
]);

export interface SummaryItem {
  path: ConfigPath;
  label: string;
  value: string;
}

/** The sections that are on, each with its defining fields and the fields set away from their defaults (bookkeeping left out). */
export function configSummary(c: RunConfig): { title: string; items: SummaryItem[] }[] {
  return GROUPS.flatMap((g) => {
    if (g.optional && c[g.key as keyof RunConfig] === null) return [];
    const items = g.leaves.flatMap((l: Leaf) => {
      const v = readAt(c, l.path);
      if (l.bookkeeping || v === undefined) return [];
      if (!ALWAYS.has(l.path) && JSON.stringify(v) === JSON.stringify(defaultOf(l))) return [];
      return [{ path: l.path, label: l.label, value: showValue(l, v) }];
    });
    return items.length ? [{ title: g.title, items }] : [];
  });
}

/** The optimiser in one cell: "SGD", "SGD, momentum 0.9", "CGD neg", "CGD chaotic, k = 10 random, from step 2000". */
export function optimizerLabel(c: RunConfig): string {
  const parts: string[] = [];
  const g = c.cgd;
  if (!g) parts.push('SGD');
  else {
    parts.push(g.basisFile ? `CGD ${g.prune}, fixed basis` : `CGD ${g.prune}`);
    if (g.k !== null) parts.push(`k = ${g.k}${g.select === 'random' ? ' random' : ''}`);
    if (g.start > 0) parts.push(`from step ${g.start}`);
    if (g.noise > 0) parts.push(`noise ${g.noise}`);
    if (g.mix !== 1) parts.push(`mix ${g.mix}`);
  }
  if (c.train.momentum > 0) parts.push(`momentum ${c.train.momentum}`);
  return parts.join(', ');
}

// Config values and field types in words, as a researcher reads them (the Compare view's config table, the
// form's tooltips, `npm run lab -- fields`): no quoted JSON, null as what it means.
import type { Leaf } from './leaves';

/** A value of the field: numbers and words plain, lists comma-separated, null as what it means ('all', 'latest'). */
export function showValue(leaf: Leaf, v: unknown): string {
  if (v === null) return leaf.none ?? 'none';
  if (Array.isArray(v)) return v.length ? v.join(', ') : 'none';
  if (v === '') return '—';
  return String(v);
}

function bounds(f: { min?: number; gt?: number; max?: number }): string {
  if (f.min !== undefined && f.max !== undefined) return `in [${f.min}, ${f.max}]`;
  return [f.min !== undefined && `≥ ${f.min}`, f.gt !== undefined && `> ${f.gt}`, f.max !== undefined && `≤ ${f.max}`].filter(Boolean).join(', ');
}

/** The values a field takes: 'integer ≥ 1, or null (all)', 'number in [0, 1]', 'one of neg | pos | chaotic', 'path to a file, or null'. */
export function describeType(leaf: Leaf): string {
  const orNull = leaf.none !== undefined ? `, or null (${leaf.none})` : '';
  switch (leaf.type) {
    case 'number':
      return `${[leaf.integer ? 'integer' : 'number', bounds(leaf)].filter(Boolean).join(' ')}${leaf.word ? `, or "${leaf.word}"` : ''}${orNull}`;
    case 'choice':
      return `one of ${leaf.options.join(' | ')}${leaf.names ? `, or a path to a ${leaf.names}` : ''}`;
    case 'text':
      return `${leaf.names ? `path to a ${leaf.names}` : 'text'}${leaf.maxLength !== undefined ? ` of ≤ ${leaf.maxLength} characters` : ''}${orNull}`;
    case 'numbers':
      return `${leaf.nonEmpty ? 'non-empty ' : ''}list of ${[leaf.integer ? 'integers' : 'numbers', bounds(leaf)].filter(Boolean).join(' ')}`;
    case 'texts':
      return `list of ≤ ${leaf.maxItems} texts of ≤ ${leaf.maxLength} characters`;
  }
}

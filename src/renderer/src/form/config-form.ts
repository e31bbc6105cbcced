// The New-run form's model, derived from the config field table: the input for each field, and the
// conversions between a RunConfig and the form's raw strings. Unparseable input is passed through unchanged,
// so that validateConfig names the field.
import type { Leaf, OptionalSection, RunConfig } from '../../../shared/config';
import { LEAVES, OPTIONAL_SECTIONS, readAt } from '../../../shared/config';

export type InputKind = 'text' | 'number' | 'select' | 'list' | 'tags' | 'textarea';
export function inputKind(leaf: Leaf): InputKind {
  switch (leaf.type) {
    case 'number':
      return 'number';
    case 'choice':
      // A choice that may also name a file (lyapunov.start): typed or browsed, its words offered as suggestions.
      return leaf.names ? 'text' : 'select';
    case 'text':
      return leaf.multiline ? 'textarea' : 'text';
    case 'numbers':
      return 'list';
    case 'texts':
      return 'tags';
  }
}

export interface FormState {
  /** Field path → the text in its input. */
  raw: Record<string, string>;
  enabled: Record<OptionalSection, boolean>;
}

const isOptional = (group: string): group is OptionalSection => (OPTIONAL_SECTIONS as readonly string[]).includes(group);
/** Shown for the model kind chosen (model.hidden only for an MLP). */
export const visible = (leaf: Leaf, raw: Record<string, string>): boolean => !leaf.variant || raw[leaf.variant.tag] === leaf.variant.value;

export function toForm(config: RunConfig): FormState {
  const raw: Record<string, string> = {};
  for (const leaf of LEAVES) {
    // Fields of a section that is off, or of another model kind, start from what the table suggests; a field set to
    // null ("none", e.g. spectrum.probes) stays empty.
    const at = readAt(config, leaf.path);
    const v = at !== undefined ? at : (leaf.suggest ?? leaf.default);
    raw[leaf.path] = v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v);
  }
  const enabled = Object.fromEntries(OPTIONAL_SECTIONS.map((s) => [s, config[s] !== null])) as FormState['enabled'];
  return { raw, enabled };
}

const parts = (s: string): string[] =>
  s
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');

function parse(leaf: Leaf, s: string): unknown {
  const t = s.trim();
  const empty = leaf.none !== undefined && t === '' ? null : s;
  switch (inputKind(leaf)) {
    case 'number':
      if (t === '') return empty;
      if (leaf.type === 'number' && t === leaf.word) return t;
      return Number.isNaN(Number(t)) ? s : Number(t);
    case 'list':
      return parts(s).every((p) => !Number.isNaN(Number(p))) ? parts(s).map(Number) : s;
    case 'tags':
      return parts(s);
    default:
      return empty;
  }
}

type Obj = Record<string, unknown>;
/** The config object the form describes (not yet validated). */
export function fromForm(form: FormState): Obj {
  const out: Obj = Object.fromEntries(OPTIONAL_SECTIONS.map((s) => [s, null]));
  for (const leaf of LEAVES) {
    if ((isOptional(leaf.group) && !form.enabled[leaf.group]) || !visible(leaf, form.raw)) continue;
    const keys = leaf.path.split('.');
    let target = out;
    for (const k of keys.slice(0, -1)) target = (target[k] ??= {}) as Obj;
    target[keys[keys.length - 1]] = parse(leaf, form.raw[leaf.path] ?? '');
  }
  return out;
}

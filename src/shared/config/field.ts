// The kinds of entry in the config field table (table.ts): a field (type, default, bounds or options, label,
// help, whether it names a file), a section of fields (possibly switched off: null), and a section whose fields
// depend on a tag (model.kind). Also the check of one untrusted value against its field. No Node or DOM imports.

/** What a path field names: main's chooser picks one of these, and the store treats the value as a path. */
export type Names = 'file' | 'directory';

interface Described<T> {
  readonly kind: 'field';
  readonly label: string;
  /** One line in a researcher's words: the form's tooltip and `npm run lab -- fields`. */
  readonly help: string;
  /** The value an omitted key takes. */
  readonly default: T;
  /** What the New-run form offers when its section is switched on, where that differs from the default. */
  readonly suggest?: T;
  /** Bookkeeping: does not change what is computed (runs that differ only here form one seed group). */
  readonly bookkeeping?: boolean;
  /** Nullable: what null means ('all', 'latest', …). */
  readonly none?: string;
}
export interface NumberField<T = unknown> extends Described<T> {
  readonly type: 'number';
  readonly integer: boolean;
  readonly min?: number;
  readonly gt?: number;
  readonly max?: number;
  /** A word accepted instead of a number (lyapunov.k: 'all'). */
  readonly word?: string;
}
export interface ChoiceField<T = unknown> extends Described<T> {
  readonly type: 'choice';
  readonly options: readonly string[];
  /** Also a path to one of these (lyapunov.start: 'random', 'identity' or a file): any other non-empty string is one. */
  readonly names?: Names;
}
export interface TextField<T = unknown> extends Described<T> {
  readonly type: 'text';
  readonly maxLength?: number;
  /** Must hold more than white space. */
  readonly nonBlank?: boolean;
  /** Free text over several lines (the form shows a text area). */
  readonly multiline?: boolean;
  readonly names?: Names;
}
export interface NumberListField<T = unknown> extends Described<T> {
  readonly type: 'numbers';
  readonly integer: boolean;
  readonly min?: number;
  readonly nonEmpty?: boolean;
}
export interface TextListField<T = unknown> extends Described<T> {
  readonly type: 'texts';
  readonly maxItems: number;
  readonly maxLength: number;
}
export type Field<T = unknown> = NumberField<T> | ChoiceField<T> | TextField<T> | NumberListField<T> | TextListField<T>;

export type Entries = { readonly [key: string]: Entry };
export type Fields = { readonly [key: string]: Field };
export interface SectionSpec<F extends Entries = Entries, O extends boolean = boolean> {
  readonly kind: 'section';
  readonly title: string;
  /** May be null (switched off): cgd, lyapunov, replicas. */
  readonly optional: O;
  readonly fields: F;
}
/** A section whose fields depend on its tag field (model.kind): one field set per tag value, plus common fields. */
export interface VariantsSpec<
  Tag extends string = string,
  V extends { readonly [name: string]: Fields } = { readonly [name: string]: Fields },
  C extends Fields = Fields,
> {
  readonly kind: 'variants';
  readonly title: string;
  readonly tag: Tag;
  /** The tag's own field; its options are the variant names. */
  readonly tagField: ChoiceField<string>;
  readonly variants: V;
  readonly common: C;
}
export type Entry = Field | SectionSpec | VariantsSpec;

type Doc = { label: string; help: string; bookkeeping?: boolean };
type NumberBounds = Doc & { min?: number; gt?: number; max?: number };

function number(integer: boolean, o: NumberBounds & { default: unknown; none?: string; word?: string }): NumberField<never> {
  return { kind: 'field', type: 'number', integer, ...o } as NumberField<never>;
}
/** An integer; with `none`, also null; with `word`, also that word. */
export function int(o: NumberBounds & { default: number | null; none: string }): NumberField<number | null>;
export function int<const W extends string>(o: NumberBounds & { default: number | W; word: W }): NumberField<number | W>;
export function int(o: NumberBounds & { default: number }): NumberField<number>;
export function int(o: NumberBounds & { default: unknown; none?: string; word?: string }): NumberField<never> {
  return number(true, o);
}
/** A finite number; with `none`, also null. */
export function real(o: NumberBounds & { default: number | null; none: string }): NumberField<number | null>;
export function real(o: NumberBounds & { default: number }): NumberField<number>;
export function real(o: NumberBounds & { default: unknown; none?: string }): NumberField<never> {
  return number(false, o);
}
/** One of the options; with `names`, also a path to a file or directory (any other non-empty string). */
export function choice<const T extends string, const N extends Names>(
  o: Doc & { options: readonly T[]; default: NoInfer<T>; names: N },
): ChoiceField<T | (string & {})> & { readonly names: N };
export function choice<const T extends string>(o: Doc & { options: readonly T[]; default: NoInfer<T> }): ChoiceField<T>;
export function choice(o: Doc & { options: readonly string[]; default: string; names?: Names }): ChoiceField<string> {
  return { kind: 'field', type: 'choice', ...o };
}
export const text = (o: Doc & { default: string; maxLength?: number; nonBlank?: boolean; multiline?: boolean }): TextField<string> => ({
  kind: 'field',
  type: 'text',
  ...o,
});
/** A file or directory path (or, for replicas.lyapunovSource, a run id); null when not given. */
export const path = <const N extends Names>(names: N, o: Doc): TextField<string | null> & { readonly names: N } => ({
  kind: 'field',
  type: 'text',
  names,
  default: null,
  none: 'none',
  ...o,
});
export const numbers = (
  o: Doc & { default: number[]; suggest?: number[]; integer?: boolean; min?: number; nonEmpty?: boolean },
): NumberListField<number[]> => ({
  kind: 'field',
  type: 'numbers',
  integer: false,
  ...o,
});
export const texts = (o: Doc & { default: string[]; maxItems: number; maxLength: number }): TextListField<string[]> => ({ kind: 'field', type: 'texts', ...o });

/** The whole table: top-level fields and sections. */
export const table = <const F extends Entries>(title: string, entries: F): SectionSpec<F, false> => ({
  kind: 'section',
  title,
  optional: false,
  fields: entries,
});
/** A section of fields (sections nest one level: the table holds fields and sections). */
export const section = <const F extends Fields>(title: string, fields: F): SectionSpec<F, false> => ({ kind: 'section', title, optional: false, fields });
export const optionalSection = <const F extends Fields>(title: string, fields: F): SectionSpec<F, true> => ({ kind: 'section', title, optional: true, fields });
export const variants = <const Tag extends string, const V extends { readonly [name: string]: Fields }, const C extends Fields>(
  title: string,
  tag: Tag,
  tagDoc: Doc & { default: NoInfer<keyof V & string> },
  variantFields: V,
  common: C,
): VariantsSpec<Tag, V, C> => ({
  kind: 'variants',
  title,
  tag,
  tagField: choice({ ...tagDoc, options: Object.keys(variantFields) as (keyof V & string)[] }),
  variants: variantFields,
  common,
});

export type Checked = { ok: true; value: unknown } | { ok: false; message: string };
const bad = (message: string): Checked => ({ ok: false, message });
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function checkNumber(f: NumberField, v: unknown): Checked {
  if (v === null && f.none !== undefined) return { ok: true, value: null };
  if (f.word !== undefined && v === f.word) return { ok: true, value: v };
  if (!isNumber(v)) return bad('must be a finite number');
  if (f.integer && !Number.isInteger(v)) return bad('must be an integer');
  if (f.min !== undefined && v < f.min) return bad(`must be ≥ ${f.min}`);
  if (f.gt !== undefined && v <= f.gt) return bad(`must be > ${f.gt}`);
  if (f.max !== undefined && v > f.max) return bad(`must be ≤ ${f.max}`);
  return { ok: true, value: v };
}
function checkText(f: TextField, v: unknown): Checked {
  if (f.none !== undefined) {
    if (v === null) return { ok: true, value: null };
    if (typeof v !== 'string' || v.length === 0) return bad('must be a non-empty string or null');
  } else if (typeof v !== 'string') return bad('must be a string');
  if (f.maxLength !== undefined && v.length > f.maxLength) return bad(`must be at most ${f.maxLength} characters`);
  if (f.nonBlank && v.trim() === '') return bad('must not be empty');
  return { ok: true, value: v };
}
function checkNumbers(f: NumberListField, v: unknown): Checked {
  if (!Array.isArray(v)) return bad('must be an array of numbers');
  if (f.nonEmpty && v.length === 0) return bad('must not be empty');
  for (const x of v) {
    if (!isNumber(x)) return bad('must be an array of finite numbers');
    if (f.integer && !Number.isInteger(x)) return bad('must be an array of integers');
    if (f.min !== undefined && x < f.min) return bad(`entries must be ≥ ${f.min}`);
  }
  return { ok: true, value: [...v] };
}
function checkTexts(f: TextListField, v: unknown): Checked {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return bad('must be an array of strings');
  if (v.length > f.maxItems) return bad(`must have at most ${f.maxItems} entries`);
  if (v.some((x: string) => x.length > f.maxLength)) return bad(`entries must be at most ${f.maxLength} characters`);
  return { ok: true, value: [...v] };
}

/** Check one untrusted value against its field; the message completes "<path>: …". Arrays are copied. */
export function checkValue(f: Field, v: unknown): Checked {
  switch (f.type) {
    case 'number':
      return checkNumber(f, v);
    case 'choice':
      if (typeof v === 'string' && (f.options.includes(v) || (f.names !== undefined && v.trim() !== ''))) return { ok: true, value: v };
      return bad(`must be one of ${f.options.join(', ')}${f.names ? ` or a path to a ${f.names}` : ''}`);
    case 'text':
      return checkText(f, v);
    case 'numbers':
      return checkNumbers(f, v);
    case 'texts':
      return checkTexts(f, v);
  }
}

/** What a field names when it holds a path: a path field's, or a choice field's besides its options. */
export const namesOf = (f: Field): Names | undefined => (f.type === 'text' || f.type === 'choice' ? f.names : undefined);
/** The path `v` names in field `f`, or null (not a path field, unset, or one of a choice field's options). */
export const pathIn = (f: Field, v: unknown): string | null =>
  namesOf(f) !== undefined && typeof v === 'string' && !(f.type === 'choice' && f.options.includes(v)) ? v : null;

/** A fresh copy of a field's default (arrays are not shared between configs). */
export const defaultOf = (f: Field): unknown => (Array.isArray(f.default) ? [...f.default] : f.default);

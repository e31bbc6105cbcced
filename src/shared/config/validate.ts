// Validation of untrusted input (a parsed JSON file, an IPC payload, a sweep value) against the field table,
// and the defaults, which are what validation makes of an empty object. Errors name the field (a dotted path).
import type { Entries, Entry, SectionSpec, VariantsSpec } from './field';
import { checkValue, defaultOf } from './field';
import { fieldAt, isObj } from './leaves';
import { RULES } from './rules';
import { didYouMean } from './suggest';
import { CONFIG_TABLE } from './table';
import type { ConfigPath, FieldError, OptionalSection, RunConfig, ValidationResult } from './types';

type Obj = Record<string, unknown>;
const join = (prefix: string, key: string): string => (prefix ? `${prefix}.${key}` : key);

function unknownKeys(src: Obj, known: readonly string[], prefix: string, errors: FieldError[], otherVariant?: (key: string) => string | null): void {
  for (const key of Object.keys(src)) {
    if (known.includes(key)) continue;
    const field = join(prefix, key);
    const elsewhere = otherVariant?.(key);
    const near = elsewhere ? null : didYouMean(field);
    errors.push({ field, message: elsewhere ?? (near ? `unknown field (did you mean ${near}?)` : 'unknown field') });
  }
}

function readFields(entries: Entries, src: Obj, prefix: string, errors: FieldError[]): Obj {
  const out: Obj = {};
  for (const [key, e] of Object.entries(entries)) out[key] = readEntry(e, src[key], join(prefix, key), errors);
  return out;
}

function readVariant(e: VariantsSpec, src: Obj, path: string, errors: FieldError[]): Obj {
  const tagPath = join(path, e.tag);
  const tag = readEntry(e.tagField, src[e.tag], tagPath, errors) as string;
  const own = e.variants[tag];
  const otherVariant = (key: string): string | null => {
    const owner = Object.keys(e.variants).find((v) => v !== tag && key in e.variants[v]);
    return owner === undefined ? null : `unknown field for ${tagPath} '${tag}' (it belongs to '${owner}')`;
  };
  unknownKeys(src, [e.tag, ...Object.keys(own), ...Object.keys(e.common)], path, errors, otherVariant);
  return { [e.tag]: tag, ...readFields(own, src, path, errors), ...readFields(e.common, src, path, errors) };
}

function readSection(e: SectionSpec | VariantsSpec, src: Obj, path: string, errors: FieldError[]): Obj {
  if (e.kind === 'variants') return readVariant(e, src, path, errors);
  unknownKeys(src, Object.keys(e.fields), path, errors);
  return readFields(e.fields, src, path, errors);
}

/** One entry's value: an omitted field takes its default, an omitted section its fields' defaults (or null if it is optional). */
function readEntry(e: Entry, v: unknown, path: string, errors: FieldError[]): unknown {
  if (e.kind === 'field') {
    if (v === undefined) return defaultOf(e);
    const c = checkValue(e, v);
    if (c.ok) return c.value;
    errors.push({ field: path, message: c.message });
    return defaultOf(e);
  }
  const optional = e.kind === 'section' && e.optional;
  if (v === undefined || (v === null && optional)) return optional ? null : readSection(e, {}, path, errors);
  if (isObj(v)) return readSection(e, v, path, errors);
  errors.push({ field: path, message: 'must be an object' });
  return optional ? null : readSection(e, {}, path, errors);
}

/** Validate untrusted input into a complete RunConfig, or name every bad field. */
export function validateConfig(input: unknown): ValidationResult {
  if (!isObj(input)) return { ok: false, errors: [{ field: '(config)', message: 'must be a JSON object' }] };
  const errors: FieldError[] = [];
  const config = readSection(CONFIG_TABLE, input, '', errors) as RunConfig;
  for (const rule of RULES) {
    const message = rule.check(config);
    if (message !== null) errors.push({ field: rule.field, message });
  }
  return errors.length ? { ok: false, errors } : { ok: true, config };
}

/** Every field at its default; the optional sections off. */
export const DEFAULT_CONFIG: RunConfig = readSection(CONFIG_TABLE, {}, '', []) as RunConfig;

/** A fresh optional section with every field at its default (what switching it on starts from). */
export function defaultSection<S extends OptionalSection>(key: S): NonNullable<RunConfig[S]> {
  return readSection(CONFIG_TABLE.fields[key], {}, key, []) as NonNullable<RunConfig[S]>;
}

/**
 * The config with one field set to an untrusted value: the value is checked against its field (the error names
 * the path), a section that was off is switched on from its defaults, a new model.kind starts from that model's
 * defaults, and the result is validated as a whole (cross-field rules included).
 */
export function setAt(config: RunConfig, path: ConfigPath, value: unknown): ValidationResult {
  const leaf = fieldAt(path);
  const checked = checkValue(leaf, value);
  if (!checked.ok) return { ok: false, errors: [{ field: path, message: checked.message }] };
  const out = JSON.parse(JSON.stringify(config)) as Obj;
  const keys = path.split('.');
  let target = out;
  if (keys.length > 1) {
    const [section] = keys;
    const current = out[section] as Obj | null;
    if (leaf.variant && current && current[lastOf(leaf.variant.tag)] !== leaf.variant.value)
      return {
        ok: false,
        errors: [{ field: path, message: `belongs to ${leaf.variant.tag} '${leaf.variant.value}', not '${String(current[lastOf(leaf.variant.tag)])}'` }],
      };
    const entry: Entry = CONFIG_TABLE.fields[section as keyof typeof CONFIG_TABLE.fields];
    const tagChange = entry.kind === 'variants' && keys[1] === entry.tag && current?.[entry.tag] !== checked.value;
    // A new variant keeps the common fields and starts the others from their defaults.
    if (tagChange) out[section] = readVariant(entry, pick({ ...current, [entry.tag]: checked.value }, entry), section, []);
    else if (current === null) out[section] = readEntry(entry, {}, section, []);
    target = out[section] as Obj;
  }
  target[keys[keys.length - 1]] = checked.value;
  return validateConfig(out);
}
const lastOf = (path: string): string => path.slice(path.lastIndexOf('.') + 1);
const pick = (src: Obj, e: VariantsSpec): Obj =>
  Object.fromEntries(
    Object.keys(src)
      .filter((k) => k === e.tag || k in e.common)
      .map((k) => [k, src[k]]),
  );

export function formatErrors(errors: FieldError[]): string {
  return errors.map((e) => `  ${e.field}: ${e.message}`).join('\n');
}

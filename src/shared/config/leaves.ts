// The field table flattened: every field with its dotted path, grouped by section in table order, and what
// follows from it alone (typed lookup, reading a value at a path, the path fields).
import { namesOf, pathIn, type Entries, type Entry, type Field, type Names } from './field';
import { CONFIG_TABLE } from './table';
import type { ConfigPath, FieldAt, OptionalSection, PathField, RunConfig, ValueAt } from './types';

export type Leaf<F extends Field = Field> = F & {
  readonly path: ConfigPath;
  /** The section the field belongs to: its key ('' for the top level). */
  readonly group: string;
  /** A variant's field (model.hidden): the tag's path and the tag value it belongs to. */
  readonly variant: { readonly tag: ConfigPath; readonly value: string } | null;
};
export interface Group {
  /** The section's key ('' for the top-level fields). */
  readonly key: string;
  readonly title: string;
  /** May be switched off (null). */
  readonly optional: boolean;
  readonly leaves: readonly Leaf[];
}

const join = (prefix: string, key: string): string => (prefix ? `${prefix}.${key}` : key);

function collect(entries: Entries, prefix: string, group: Group & { leaves: Leaf[] }, groups: Group[]): void {
  const add = (f: Field, path: string, variant: Leaf['variant'] = null): void => {
    group.leaves.push({ ...f, path: path as ConfigPath, group: group.key, variant });
  };
  for (const [key, e] of Object.entries(entries) as [string, Entry][]) {
    const path = join(prefix, key);
    if (e.kind === 'field') {
      add(e, path);
      continue;
    }
    const sub = { key: path, title: e.title, optional: e.kind === 'section' && e.optional, leaves: [] as Leaf[] };
    groups.push(sub);
    if (e.kind === 'section') collect(e.fields, path, sub, groups);
    else {
      const tag = join(path, e.tag) as ConfigPath;
      sub.leaves.push({ ...e.tagField, path: tag, group: path, variant: null });
      for (const [value, fields] of Object.entries(e.variants))
        for (const [k, f] of Object.entries(fields)) sub.leaves.push({ ...f, path: join(path, k) as ConfigPath, group: path, variant: { tag, value } });
      collect(e.common, path, sub, groups);
    }
  }
}
function groupsOf(): Group[] {
  const root = { key: '', title: CONFIG_TABLE.title, optional: false, leaves: [] as Leaf[] };
  const groups: Group[] = [root];
  collect(CONFIG_TABLE.fields, '', root, groups);
  return groups;
}

/** The sections in table order, the top-level fields first (as the New-run form shows them). */
export const GROUPS: readonly Group[] = groupsOf();
/** Every field, in table order. */
export const LEAVES: readonly Leaf[] = GROUPS.flatMap((g) => g.leaves);
/** Every field's path (a sweep axis can be any of them). */
export const CONFIG_PATHS: readonly ConfigPath[] = LEAVES.map((l) => l.path);
const BY_PATH = new Map<string, Leaf>(LEAVES.map((l) => [l.path, l]));
export const OPTIONAL_SECTIONS = GROUPS.filter((g) => g.optional).map((g) => g.key as OptionalSection);

export const isConfigPath = (v: unknown): v is ConfigPath => typeof v === 'string' && BY_PATH.has(v);
/** The table entry at a path, typed by the path. */
export function fieldAt<P extends ConfigPath>(path: P): Leaf<FieldAt<P> & Field> {
  const leaf = BY_PATH.get(path);
  if (!leaf) throw new Error(`no config field ${path}`);
  return leaf as Leaf<FieldAt<P> & Field>;
}

type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The value at a path; undefined when its section is off or the field belongs to another variant. */
export function readAt<P extends ConfigPath>(config: RunConfig, path: P): ValueAt<P> | undefined {
  let v: unknown = config;
  for (const k of path.split('.')) v = isObj(v) ? v[k] : undefined;
  return v as ValueAt<P> | undefined;
}

/** The fields that name a file or directory, and which: what main's chooser picks for each. */
export const PATH_FIELDS = Object.fromEntries(LEAVES.flatMap((l) => (namesOf(l) ? [[l.path, namesOf(l)]] : []))) as Record<PathField, Names>;
export const isPathField = (v: unknown): v is PathField => typeof v === 'string' && Object.hasOwn(PATH_FIELDS, v);
/** The path a path field of `config` names, or null: unset, its section off, or a word (lyapunov.start 'random'). */
export const pathAt = (config: RunConfig, field: PathField): string | null => pathIn(fieldAt(field), readAt(config, field));

// Dotted config paths ('cgd.prune'): reading and setting them on plain JSON objects, and the paths a sweep axis
// may name. Paths come from untrusted specs: only plain identifiers, never __proto__ and friends.
// No Node or DOM imports here.
import { DEFAULT_CONFIG, validateConfig } from '../config';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const SEGMENT = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** A path of plain identifiers separated by dots (at most 8 deep). */
export function isConfigPath(path: string): boolean {
  const parts = path.split('.');
  return parts.length <= 8 && parts.every((p) => SEGMENT.test(p) && !RESERVED.has(p));
}

export function getPath(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) {
    if (!isObj(cur) || !Object.hasOwn(cur, k)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Sets `path` in `o`, replacing null or non-object intermediates by new objects. The path must pass isConfigPath. */
export function setPath(o: Obj, path: string, value: unknown): void {
  if (!isConfigPath(path)) throw new Error(`not a config path: ${JSON.stringify(path)}`);
  const keys = path.split('.');
  let cur = o;
  for (const k of keys.slice(0, -1)) {
    const next = Object.hasOwn(cur, k) ? cur[k] : undefined;
    cur = isObj(next) ? next : (cur[k] = {});
  }
  cur[keys[keys.length - 1]] = value;
}

function leaves(o: unknown, prefix: string, out: Set<string>): void {
  if (!isObj(o)) {
    out.add(prefix);
    return;
  }
  for (const [k, v] of Object.entries(o)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
}

/**
 * Every field a sweep axis can name: the leaf paths of a complete config with every optional section on, for both
 * model kinds, plus the optional sections and the model as wholes. (To be replaced by the config field table.)
 */
export function configFieldPaths(): string[] {
  const out = new Set<string>();
  for (const model of [{ kind: 'mlp' }, { kind: 'cnn' }]) {
    const v = validateConfig({ model, cgd: {}, lyapunov: {}, replicas: {} });
    if (v.ok) leaves(v.config, '', out);
  }
  for (const [k, v] of Object.entries(DEFAULT_CONFIG)) if (v === null) out.add(k);
  out.add('model');
  out.delete('name');
  return [...out].sort();
}

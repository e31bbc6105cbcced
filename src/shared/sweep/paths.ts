// Dotted config paths ('cgd.prune'): reading and setting them on the plain JSON of a spec (a partial config that
// validateConfig completes afterwards), and the paths a sweep axis may name (from the config field table). Paths
// come from untrusted specs: only plain identifiers, never __proto__ and friends. No Node or DOM imports here.
import { CONFIG_PATHS, OPTIONAL_SECTIONS } from '../config';

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

/**
 * Every field a sweep axis can name: every leaf of the config field table but the run's name, plus the optional
 * sections (null switches one off) and the model as a whole.
 */
export function configFieldPaths(): string[] {
  return [...CONFIG_PATHS.filter((p) => p !== 'name'), ...OPTIONAL_SECTIONS, 'model'].sort();
}

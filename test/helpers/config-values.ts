// Values for every field of the config table, derived from its entries: raw configs holding a value at a
// field's path, configs hosting a field (its section on, its model kind chosen), values each field must refuse
// (with the message) and a valid value other than its default. Shared by the table and form tests.
import type { Leaf, RunConfig } from '../../src/shared/config';
import { setAt, validateConfig } from '../../src/shared/config';

export type Obj = Record<string, unknown>;
const section = (leaf: Leaf): string | null => (leaf.path.includes('.') ? leaf.path.slice(0, leaf.path.indexOf('.')) : null);
export const lastKey = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

/** A raw config object holding `value` at the leaf's path (with the model kind the leaf belongs to). */
export function withValue(leaf: Leaf, value: unknown, key = lastKey(leaf.path)): Obj {
  const s = section(leaf);
  if (!s) return { [key]: value };
  const inner: Obj = leaf.variant ? { [lastKey(leaf.variant.tag)]: leaf.variant.value } : {};
  return { [s]: { ...inner, [key]: value } };
}
/** The config with the leaf's section switched on and its model kind chosen, every field at its default. */
export function hosting(leaf: Leaf): RunConfig {
  const v = validateConfig(withValue(leaf, leaf.default));
  if (!v.ok) throw new Error(`${leaf.path}: ${JSON.stringify(v.errors)}`);
  return v.config;
}
/** As `hosting`, with the fields that rules require set (data.dir, the replica sources, GD for its subset), so any valid value of the leaf passes. */
export function permissive(leaf: Leaf): RunConfig {
  const raw = withValue(leaf, leaf.default);
  const required: Obj = {
    data: { dir: '/data/usps' },
    replicas: { lyapunovSource: 'run-1', directionFile: '/data/u.json' },
    ...(leaf.path === 'train.subset' ? { train: { mode: 'gd' } } : {}),
  };
  for (const [k, v] of Object.entries(required)) raw[k] = { ...(v as Obj), ...(raw[k] as Obj | undefined) };
  const v = validateConfig(raw);
  if (!v.ok) throw new Error(`${leaf.path}: ${JSON.stringify(v.errors)}`);
  return v.config;
}
export const errorsOf = (input: unknown): { field: string; message: string }[] => {
  const v = validateConfig(input);
  return v.ok ? [] : v.errors;
};

/** Values the field must refuse, each with the message that names why. */
export function refusals(leaf: Leaf): [unknown, string][] {
  const out: [unknown, string][] = [];
  switch (leaf.type) {
    case 'number':
      out.push(['12', 'must be a finite number'], [Infinity, 'must be a finite number'], [[1], 'must be a finite number']);
      if (leaf.none === undefined) out.push([null, 'must be a finite number']);
      if (leaf.integer) out.push([(leaf.min ?? 0) + 1.5, 'must be an integer']);
      if (leaf.min !== undefined) out.push([leaf.min - 1, `must be ≥ ${leaf.min}`]);
      if (leaf.gt !== undefined) out.push([leaf.gt, `must be > ${leaf.gt}`]);
      if (leaf.max !== undefined) out.push([leaf.max + 1, `must be ≤ ${leaf.max}`]);
      if (leaf.word !== undefined) out.push([leaf.word.toUpperCase(), 'must be a finite number']);
      break;
    case 'choice': {
      // A choice that may name a file takes any other non-empty string as its path.
      const msg = `must be one of ${leaf.options.join(', ')}${leaf.names ? ` or a path to a ${leaf.names}` : ''}`;
      out.push(
        [3, msg],
        [null, msg],
        ...(leaf.names ? [['', msg] as [unknown, string], [' ', msg] as [unknown, string]] : [['nonsense', msg] as [unknown, string]]),
      );
      break;
    }
    case 'text':
      if (leaf.none !== undefined) out.push(['', 'must be a non-empty string or null'], [7, 'must be a non-empty string or null']);
      else out.push([7, 'must be a string'], [null, 'must be a string']);
      if (leaf.maxLength !== undefined) out.push(['x'.repeat(leaf.maxLength + 1), `must be at most ${leaf.maxLength} characters`]);
      if (leaf.nonBlank) out.push(['  ', 'must not be empty']);
      break;
    case 'numbers':
      out.push([5, 'must be an array of numbers'], [['1'], 'must be an array of finite numbers']);
      if (leaf.nonEmpty) out.push([[], 'must not be empty']);
      if (leaf.integer) out.push([[1.5], 'must be an array of integers']);
      if (leaf.min !== undefined) out.push([[leaf.min - 1], `entries must be ≥ ${leaf.min}`]);
      break;
    case 'texts':
      out.push(['a', 'must be an array of strings'], [[1], 'must be an array of strings']);
      out.push([Array.from({ length: leaf.maxItems + 1 }, (_, i) => `t${i}`), `must have at most ${leaf.maxItems} entries`]);
      out.push([['x'.repeat(leaf.maxLength + 1)], `entries must be at most ${leaf.maxLength} characters`]);
      break;
  }
  return out;
}

/** A valid value other than the default (for the diff and setAt). */
export function another(leaf: Leaf): unknown {
  switch (leaf.type) {
    case 'number': {
      const d = typeof leaf.default === 'number' ? leaf.default : 1;
      return [d + 1, d / 2, leaf.min, leaf.max].find((x) => x !== undefined && x !== leaf.default && setAt(permissive(leaf), leaf.path, x).ok);
    }
    case 'choice':
      return leaf.options.find((o) => o !== leaf.default);
    case 'text':
      return leaf.names ? `/data/${leaf.path}.json` : `${leaf.default}x`;
    case 'numbers':
      return [7];
    case 'texts':
      return ['t'];
  }
}

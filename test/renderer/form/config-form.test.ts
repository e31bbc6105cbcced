// The New-run form's model, for every field of the config table: a config survives the trip through the
// form's strings, unparseable text reaches the validator (which names the field), empty means null where the
// field allows it, and switched-off sections or another model kind's fields stay out of the config.
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../../../src/shared/config';
import { DEFAULT_CONFIG, GROUPS, LEAVES, OPTIONAL_SECTIONS, defaultSection, setAt, validateConfig } from '../../../src/shared/config';
import { PRESETS } from '../../../src/shared/presets';
import { fromForm, inputKind, toForm, visible } from '../../../src/renderer/src/form/config-form';
import { another, errorsOf, permissive } from '../../helpers/config-values';

const roundTrip = (c: RunConfig): unknown => validateConfig(fromForm(toForm(c)));

describe('the New-run form model', () => {
  it('gives every field of the table an input, in the sections of the table', () => {
    const kinds = LEAVES.map(inputKind);
    expect(kinds.every((k) => ['text', 'number', 'select', 'list', 'tags', 'textarea'].includes(k))).toBe(true);
    expect(toForm(DEFAULT_CONFIG).raw).toEqual(Object.fromEntries(LEAVES.map((l) => [l.path, expect.any(String)])));
    expect(GROUPS.map((g) => g.key)).toEqual(['', 'data', 'model', 'train', 'spectrum', 'cgd', 'lyapunov', 'replicas']);
    expect(GROUPS.filter((g) => g.optional).map((g) => g.key)).toEqual([...OPTIONAL_SECTIONS]);
  });

  it('carries every config through the form unchanged: defaults, presets, and each field at another value', () => {
    const configs: RunConfig[] = [DEFAULT_CONFIG, ...PRESETS.flatMap((p) => [p.config, ...(p.followUp ? [p.followUp] : [])])];
    for (const leaf of LEAVES) {
      const r = setAt(permissive(leaf), leaf.path, another(leaf));
      if (!r.ok) throw new Error(leaf.path);
      configs.push(r.config);
    }
    for (const c of configs) expect(roundTrip(c)).toEqual({ ok: true, config: c });
  });

  it('passes text it cannot parse to the validator, which names the field', () => {
    for (const leaf of LEAVES) {
      const form = toForm(permissive(leaf));
      const kind = inputKind(leaf);
      if (kind === 'number' || kind === 'list' || kind === 'select') {
        form.raw[leaf.path] = 'twelve';
        expect(
          errorsOf(fromForm(form)).map((e) => e.field),
          leaf.path,
        ).toEqual([leaf.path]);
      }
      // Empty input: null where the field allows it, else the validator's message.
      form.raw[leaf.path] = '';
      const errors = errorsOf(fromForm(form));
      if (leaf.none !== undefined) expect(errors, leaf.path).toEqual([]);
      else if (kind === 'number' || kind === 'select')
        expect(
          errors.map((e) => e.field),
          leaf.path,
        ).toEqual([leaf.path]);
    }
  });

  it('starts a section switched on from the table, and leaves out sections that are off and other model kinds', () => {
    const form = toForm(DEFAULT_CONFIG);
    expect(fromForm(form)).toMatchObject({ cgd: null, lyapunov: null, replicas: null, model: { kind: 'mlp', hidden: 20 } });
    expect(fromForm(form).model).not.toHaveProperty('blocks');
    for (const s of OPTIONAL_SECTIONS) form.enabled[s] = true;
    form.raw['model.kind'] = 'cnn';
    expect(LEAVES.filter((l) => visible(l, form.raw)).map((l) => l.path)).not.toContain('model.hidden');
    const v = validateConfig(fromForm(form));
    expect(v).toEqual({
      ok: true,
      config: {
        ...DEFAULT_CONFIG,
        model: { kind: 'cnn', baseChannels: 4, blocks: 1, activation: 'relu' },
        cgd: defaultSection('cgd'),
        lyapunov: defaultSection('lyapunov'),
        // The form suggests five replica seeds, for a band over replicas.
        replicas: { ...defaultSection('replicas'), seeds: [0, 1, 2, 3, 4] },
      },
    });
  });
});

// The Sweep form's model: axis rows as typed, turned into a sweep spec (src/shared/sweep/spec.ts) that both the
// form and main validate. Values are typed as a JSON list without brackets (`0, 1, 2`, `null, "neg"`) or as bare
// words (`neg, pos`).
export type AxisKind = 'grid' | 'zip';
export interface AxisRow {
  kind: AxisKind;
  path: string;
  values: string;
}

export function parseValues(text: string): unknown[] {
  const t = text.trim();
  if (t === '') return [];
  try {
    return JSON.parse(`[${t}]`) as unknown[];
  } catch {
    return t.split(',').map((word) => {
      const w = word.trim();
      try {
        return JSON.parse(w) as unknown;
      } catch {
        return w;
      }
    });
  }
}

export function buildSpec(f: { title: string; name: string; base: unknown; axes: AxisRow[] }): Record<string, unknown> {
  const spec: Record<string, unknown> = { base: f.base };
  if (f.title.trim()) spec.title = f.title.trim();
  if (f.name.trim()) spec.name = f.name.trim();
  for (const a of f.axes) if (a.path) ((spec[a.kind] ??= {}) as Record<string, unknown>)[a.path] = parseValues(a.values);
  return spec;
}

// `fields`: the config field table as a reference (the one place config fields are described).
import { GROUPS, describeType } from '../../shared/config';
import { parseFlags } from './input';

/** The config field table as a reference: by section, each field's path, values, default and help. */
export function cmdFields(args: string[]): number {
  const { values } = parseFlags('fields', args, { json: { type: 'boolean' } });
  if (values.json) {
    const rows = GROUPS.flatMap((g) => g.leaves.map((l) => ({ path: l.path, label: l.label, type: describeType(l), default: l.default, help: l.help })));
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  for (const g of GROUPS) {
    console.log(`${g.title}: ${g.key ? `${g.key}.*${g.optional ? ' (or null, the default: off)' : ''}` : 'top-level fields'}`);
    for (const l of g.leaves) {
      const only = l.variant ? ` (${l.variant.tag} ${l.variant.value})` : '';
      console.log(`  ${l.path}${only}: ${describeType(l)}; default ${JSON.stringify(l.default)}\n      ${l.help}`);
    }
  }
  return 0;
}

// `runs`: list, show, delete, export and import stored runs. Names, tags and notes come from the database (or an
// imported file): control characters and bidi overrides are escaped before they reach the terminal.
import { RUN_STATUSES } from '../../shared/frames';
import { printable } from '../../shared/printable';
import { RunStore, type RunRecord } from '../store/run-store';
import { UsageError, oneOf, parseFlags } from './input';
import { describeRun, headline } from './summary';

const SUBCOMMANDS = ['list', 'show', 'delete', 'export', 'import'] as const;
/** Subcommands of `runs` that only read the database: they open it read-only (and never create it). */
const READING: readonly string[] = ['list', 'show', 'export'];

/** `runs show` without --json: who the run is, what it ran, what came out. */
function showText(store: RunStore, rec: RunRecord): string {
  const total = rec.env.totalSteps;
  return [
    `${rec.name}  (${rec.id})`,
    `status ${rec.status}${rec.error ? ` — ${rec.error}` : ''}; ${rec.lastStep + 1}${total === null ? '' : ` of ${total}`} steps; created ${rec.createdAt}`,
    describeRun(rec.config, rec.env.nParams),
    ...headline(store, rec),
    ...(rec.tags.length ? [`tags: ${rec.tags.join(', ')}`] : []),
    ...(rec.notes ? [`notes: ${rec.notes}`] : []),
    `everything: npm run lab -- runs show ${rec.id.slice(0, 8)} --json`,
  ]
    .map((l) => printable(l))
    .join('\n');
}

export function cmdRuns(args: string[]): number {
  const { values, positionals } = parseFlags(
    'runs',
    args,
    {
      db: { type: 'string' },
      search: { type: 'string' },
      tag: { type: 'string' },
      status: { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    true,
  );
  const [subIn, id, file] = positionals;
  if (subIn === undefined) throw new UsageError(`runs needs a subcommand: ${SUBCOMMANDS.join(', ')}`);
  const sub = oneOf(subIn, SUBCOMMANDS, 'runs');
  const status = values.status === undefined ? undefined : oneOf(values.status, RUN_STATUSES, '--status');
  const need = (v: string | undefined, what: string): string => {
    if (!v) throw new UsageError(`runs ${sub} needs ${what}`);
    return v;
  };
  const store = RunStore.open(values.db ?? RunStore.defaultPath(), { readonly: READING.includes(sub) });
  try {
    switch (sub) {
      case 'list': {
        const runs = store.list({ search: values.search, tag: values.tag, status });
        for (const r of runs)
          console.log(
            printable(
              `${r.id.slice(0, 8)}  ${r.status.padEnd(11)} ${r.createdAt}  ${r.model.padEnd(4)} ${r.dataset.padEnd(13)} last step ${String(r.lastStep).padStart(6)}  ${r.name}${r.tags.length ? `  [${r.tags.join(', ')}]` : ''}`,
            ),
          );
        if (!runs.length) console.log('(no runs)');
        return 0;
      }
      case 'show': {
        const rec = store.get(need(id, 'RUN_ID'));
        if (!values.json) console.log(showText(store, rec));
        // Line by line: the escapes keep the JSON valid (JSON.stringify leaves bidi overrides raw).
        else
          console.log(
            JSON.stringify(rec, null, 2)
              .split('\n')
              .map((l) => printable(l))
              .join('\n'),
          );
        return 0;
      }
      case 'delete': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.delete(rec.id);
        console.log(printable(`deleted ${rec.id} (${rec.name})`));
        return 0;
      }
      case 'export': {
        const rec = store.get(need(id, 'RUN_ID'));
        store.exportRun(rec.id, need(file, 'FILE.chaoslab'), { overwrite: values.force });
        console.log(`exported ${rec.id} to ${file}`);
        return 0;
      }
      case 'import': {
        const r = store.importRun(need(id, 'FILE.chaoslab'));
        console.log(r.duplicate ? `run ${r.id} is already in the database` : `imported run ${r.id}`);
        return 0;
      }
    }
  } finally {
    store.close();
  }
}

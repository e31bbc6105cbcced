// The Library's runs table as data: its columns (what each shows, how it sorts, which can filter by value), the
// text and field filters, sorting, and rows in groups. A group is a head row with member rows under it: today a
// Lyapunov source run heads the replica runs perturbed along its vectors; another grouping (a sweep and its
// runs) is another `parentOf`. Pure functions, tested in Node.
import { readoutNumber } from '../../../../shared/charts/format';
import type { RunTableRow } from '../../../../shared/records';
import { duration } from '../format';

export type ColumnId =
  | 'status'
  | 'name'
  | 'dataset'
  | 'model'
  | 'optimizer'
  | 'seed'
  | 'steps'
  | 'duration'
  | 'finalTestAcc'
  | 'bestTestAcc'
  | 'finalLoss'
  | 'meanNegative'
  | 'topLyapunov'
  | 'tags'
  | 'created';

export interface Column {
  id: ColumnId;
  label: string;
  /** What the column holds, with its unit (the header's tooltip). */
  title: string;
  numeric: boolean;
  /** Offered under "filter by field", with the values that occur. */
  categorical: boolean;
  /** Shown until the user chooses otherwise. */
  shown: boolean;
  /** The sort key; null sorts last in either direction. */
  value(r: RunTableRow): string | number | null;
  text(r: RunTableRow): string;
}

const num = (v: number | null, f: (v: number) => string = readoutNumber): string => (v === null ? '—' : f(v));
const percent = (v: number): string => `${(100 * v).toFixed(1)} %`;
const col = (c: Omit<Column, 'numeric' | 'categorical' | 'shown'> & Partial<Column>): Column => ({ numeric: false, categorical: false, shown: true, ...c });
const numeric = (id: ColumnId, label: string, title: string, get: (r: RunTableRow) => number | null, f?: (v: number) => string): Column =>
  col({ id, label, title, numeric: true, value: get, text: (r) => num(get(r), f) });

export const COLUMNS: readonly Column[] = [
  col({
    id: 'status',
    label: 'Status',
    title: 'running, paused, finished, cancelled, failed, diverged or interrupted',
    categorical: true,
    value: (r) => r.status,
    text: (r) => r.status,
  }),
  col({ id: 'name', label: 'Name', title: 'the run’s name', value: (r) => r.name.toLowerCase(), text: (r) => r.name }),
  col({ id: 'dataset', label: 'Dataset', title: 'data.dataset', categorical: true, value: (r) => r.dataset, text: (r) => r.dataset }),
  col({ id: 'model', label: 'Model', title: 'model, width and activation', categorical: true, value: (r) => r.model, text: (r) => r.model }),
  col({
    id: 'optimizer',
    label: 'Optimizer',
    title: 'SGD or the CGD variant (what it prunes, k, from which step)',
    categorical: true,
    value: (r) => r.optimizer,
    text: (r) => r.optimizer,
  }),
  numeric('seed', 'Seed', 'seed', (r) => r.seed, String),
  col({
    id: 'steps',
    label: 'Steps',
    title: 'steps recorded (of those planned)',
    numeric: true,
    value: (r) => r.steps,
    text: (r) =>
      r.totalSteps !== null && r.steps < r.totalSteps ? `${r.steps.toLocaleString('en')} / ${r.totalSteps.toLocaleString('en')}` : r.steps.toLocaleString('en'),
  }),
  numeric('duration', 'Duration', 'training time (the last logged wall time)', (r) => r.durationSec, duration),
  numeric('finalTestAcc', 'Test acc.', 'test accuracy at the last test', (r) => r.finalTestAcc, percent),
  numeric('bestTestAcc', 'Best test acc.', 'best test accuracy of the run', (r) => r.bestTestAcc, percent),
  numeric('finalLoss', 'Loss', 'batch loss at the last step (nats)', (r) => r.finalLoss),
  numeric(
    'meanNegative',
    'Mean # λ < 0',
    'mean number of negative Hessian eigenvalues over the steps with a spectrum',
    (r) => r.meanNegative,
    (v) => v.toFixed(1),
  ),
  numeric('topLyapunov', 'λ₁', 'top Lyapunov exponent at the last step (1/step)', (r) => r.topLyapunov),
  col({ id: 'tags', label: 'Tags', title: 'tags', shown: true, value: (r) => r.tags.join(', ') || null, text: (r) => r.tags.join(', ') }),
  col({
    id: 'created',
    label: 'Created',
    title: 'when the run was created (UTC)',
    shown: false,
    value: (r) => r.createdAt,
    text: (r) => r.createdAt.slice(0, 16).replace('T', ' '),
  }),
];
export const column = (id: ColumnId): Column => COLUMNS.find((c) => c.id === id)!;
export const isColumnId = (v: unknown): v is ColumnId => COLUMNS.some((c) => c.id === v);

export interface FieldFilter {
  column: ColumnId;
  value: string;
}
export interface Filters {
  /** Case-insensitive; matches name, notes, tags, id (prefix), model, dataset, optimizer and status. */
  text: string;
  /** Every one must hold: the column's cell text equals the value (tags: one of the tags is it). */
  fields: FieldFilter[];
}

export function matches(r: RunTableRow, f: Filters): boolean {
  const t = f.text.trim().toLowerCase();
  if (
    t &&
    !r.id.toLowerCase().startsWith(t) &&
    ![r.name, r.notes, r.model, r.dataset, r.optimizer, r.status, ...r.tags].some((s) => s.toLowerCase().includes(t))
  )
    return false;
  return f.fields.every((ff) => (ff.column === 'tags' ? r.tags.includes(ff.value) : column(ff.column).text(r) === ff.value));
}

/** The values a column takes in `rows`, for "filter by field" (tags one by one). */
export function valuesOf(rows: RunTableRow[], id: ColumnId): string[] {
  const all = id === 'tags' ? rows.flatMap((r) => r.tags) : rows.map((r) => column(id).text(r));
  return [...new Set(all)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

export interface Sort {
  column: ColumnId;
  /** 1 ascending, −1 descending. */
  dir: 1 | -1;
}

/** Rows sorted by a column (stable; empty cells last either way). */
export function sortRows(rows: RunTableRow[], s: Sort): RunTableRow[] {
  const key = column(s.column).value;
  return rows
    .map((r, i) => ({ r, i, k: key(r) }))
    .sort((a, b) => {
      if (a.k === null || b.k === null) return a.k === b.k ? a.i - b.i : a.k === null ? 1 : -1;
      const c = typeof a.k === 'number' && typeof b.k === 'number' ? a.k - b.k : String(a.k).localeCompare(String(b.k), 'en', { numeric: true });
      return c !== 0 ? s.dir * c : a.i - b.i;
    })
    .map((x) => x.r);
}

export interface RowGroup {
  key: string;
  head: RunTableRow;
  /** Rows listed under the head (in the order of `rows`). */
  members: RunTableRow[];
}

/**
 * Rows in groups, in the order of `rows`: a row whose parent (parentOf) is among the rows goes under it; every
 * other row heads a group of its own. One level: a member's own members go under the same head.
 */
export function groupRows(rows: RunTableRow[], parentOf: (r: RunTableRow) => string | null): RowGroup[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  /** The top of r's chain of parents among the rows (r itself if it has none there, or if the chain loops). */
  const headOf = (r: RunTableRow): string => {
    const seen = new Set([r.id]);
    for (let cur = r; ;) {
      const p = parentOf(cur);
      if (p === null || !byId.has(p)) return cur.id;
      if (seen.has(p)) return r.id;
      seen.add(p);
      cur = byId.get(p)!;
    }
  };
  const groups = new Map<string, RowGroup>();
  const member: [RunTableRow, string][] = [];
  for (const r of rows) {
    const h = headOf(r);
    if (h === r.id) groups.set(r.id, { key: r.id, head: r, members: [] });
    else member.push([r, h]);
  }
  for (const [r, h] of member) {
    const g = groups.get(h);
    if (g) g.members.push(r);
    else groups.set(r.id, { key: r.id, head: r, members: [] });
  }
  return [...groups.values()];
}

/** The grouping of the Library today: replica runs under the run whose Lyapunov vectors they perturb along. */
export const lyapunovParent = (r: RunTableRow): string | null => r.lyapunovSource;

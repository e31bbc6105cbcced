// The Library's runs table as data: cell texts, text and field filters, sorting with empty cells last, and rows
// grouped under their Lyapunov source (one level, loops and missing parents tolerated).
import { describe, expect, it } from 'vitest';
import type { RunTableRow } from '../../../../src/shared/records';
import { COLUMNS, column, groupRows, lyapunovParent, matches, sortRows, valuesOf } from '../../../../src/renderer/src/lib/library/runs-table';

function row(id: string, over: Partial<RunTableRow> = {}): RunTableRow {
  return {
    id,
    name: `run ${id}`,
    status: 'finished',
    createdAt: '2024-05-01T10:20:30.000Z',
    finishedAt: null,
    model: 'mlp-20-relu',
    dataset: 'usps',
    seed: 0,
    tags: [],
    notes: '',
    lastStep: 2999,
    error: null,
    optimizer: 'SGD',
    steps: 3000,
    totalSteps: 3000,
    durationSec: 95,
    finalTestAcc: 0.922,
    bestTestAcc: 0.93,
    finalLoss: 0.0123,
    meanNegative: 12.25,
    topLyapunov: null,
    lyapunovSource: null,
    replicaRuns: [],
    ...over,
  };
}
const ids = (rows: RunTableRow[]): string[] => rows.map((r) => r.id);

describe('columns', () => {
  it('write each cell as a researcher reads it, — where there is nothing', () => {
    const r = row('a', { steps: 1200, totalSteps: 3000 });
    const cells = Object.fromEntries(COLUMNS.map((c) => [c.id, c.text(r)]));
    expect(cells).toMatchObject({
      status: 'finished',
      optimizer: 'SGD',
      steps: '1,200 / 3,000',
      duration: '1 min 35 s',
      finalTestAcc: '92.2 %',
      bestTestAcc: '93.0 %',
      finalLoss: '0.0123',
      meanNegative: '12.3',
      topLyapunov: '—',
      created: '2024-05-01 10:20',
    });
    expect(column('steps').text(row('b'))).toBe('3,000');
    expect(COLUMNS.filter((c) => c.categorical).map((c) => c.id)).toEqual(['status', 'dataset', 'model', 'optimizer']);
  });
});

describe('filters', () => {
  const rows = [
    row('a1', { name: 'SGD baseline', tags: ['fig1'] }),
    row('b2', { name: 'cgd', optimizer: 'CGD neg', notes: 'Pruned negative curvature', status: 'cancelled' }),
    row('c3', { name: 'other', dataset: 'fashion-mnist', tags: ['fig1', 'x'] }),
  ];
  it('match text in name, notes, tags, optimizer and status (any case), and ids by prefix', () => {
    const find = (text: string): string[] => ids(rows.filter((r) => matches(r, { text, fields: [] })));
    expect(find('baseline')).toEqual(['a1']);
    expect(find('NEGATIVE')).toEqual(['b2']);
    expect(find('cgd neg')).toEqual(['b2']);
    expect(find('fig1')).toEqual(['a1', 'c3']);
    expect(find('c3')).toEqual(['c3']);
    expect(find('3')).toEqual([]);
    expect(find('cancelled')).toEqual(['b2']);
  });
  it('match fields by their cell text, tags one by one, all of them together', () => {
    const by = (fields: { column: 'dataset' | 'tags' | 'status'; value: string }[]): string[] => ids(rows.filter((r) => matches(r, { text: '', fields })));
    expect(by([{ column: 'dataset', value: 'usps' }])).toEqual(['a1', 'b2']);
    expect(by([{ column: 'tags', value: 'fig1' }])).toEqual(['a1', 'c3']);
    expect(
      by([
        { column: 'tags', value: 'fig1' },
        { column: 'dataset', value: 'usps' },
      ]),
    ).toEqual(['a1']);
    expect(valuesOf(rows, 'tags')).toEqual(['fig1', 'x']);
    expect(valuesOf(rows, 'status')).toEqual(['cancelled', 'finished']);
  });
});

describe('sortRows', () => {
  const rows = [
    row('a', { finalTestAcc: 0.5, name: 'b10' }),
    row('b', { finalTestAcc: null, name: 'B2' }),
    row('c', { finalTestAcc: 0.9, name: 'a' }),
    row('d', { finalTestAcc: 0.5, name: 'x' }),
  ];
  it('sorts numbers by value and names naturally, empty cells last both ways, ties in their order', () => {
    expect(ids(sortRows(rows, { column: 'finalTestAcc', dir: 1 }))).toEqual(['a', 'd', 'c', 'b']);
    expect(ids(sortRows(rows, { column: 'finalTestAcc', dir: -1 }))).toEqual(['c', 'a', 'd', 'b']);
    expect(ids(sortRows(rows, { column: 'name', dir: 1 }))).toEqual(['c', 'b', 'a', 'd']);
  });
});

describe('groupRows', () => {
  it('puts replica runs under their Lyapunov source, in the order given; a missing source leaves a run on its own', () => {
    const rows = [row('r1', { lyapunovSource: 's' }), row('x'), row('s'), row('r2', { lyapunovSource: 's' }), row('r3', { lyapunovSource: 'gone' })];
    const g = groupRows(rows, lyapunovParent);
    expect(g.map((x) => [x.head.id, ids(x.members)])).toEqual([
      ['x', []],
      ['s', ['r1', 'r2']],
      ['r3', []],
    ]);
  });
  it('keeps one level (a member of a member goes under the top) and survives a loop', () => {
    const chain = groupRows([row('a', { lyapunovSource: 'b' }), row('b', { lyapunovSource: 'c' }), row('c')], lyapunovParent);
    expect(chain.map((x) => [x.head.id, ids(x.members)])).toEqual([['c', ['a', 'b']]]);
    const loop = groupRows([row('a', { lyapunovSource: 'b' }), row('b', { lyapunovSource: 'a' })], lyapunovParent);
    expect(loop.flatMap((x) => [x.head.id, ...ids(x.members)]).sort()).toEqual(['a', 'b']);
  });
});

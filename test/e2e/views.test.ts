// End to end, issue 12's views in the built renderer in headless Chromium over a real SQLite file of runs made by
// the real engine: the Library as a runs table (numbers from the stored series, sort, filters, columns, bulk
// compare/export/tag/delete, clone, Lyapunov source ↔ replica links, the empty state), Compare (test metrics
// first, runs added and removed in place, one x axis and smoothing for all, tooltip, linked zoom, band choice,
// spectrum slider, divergence panels and table, config diff collapsed, saved views), Live (run panel first,
// machinery behind a disclosure, divergence of a replica run), the spectrum histogram's chaotic eigenvalues,
// keyboard (views, shortcuts dialog, Escape, charts) and dark mode. Screenshots of every view at 1440 px, light
// and dark, go to test-output/screenshots/views-*.png.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readoutNumber } from '../../src/shared/charts/format';
import { DARK_THEME, readable } from '../../src/shared/charts/theme';
import { SEMANTIC } from '../../src/shared/charts/palette';
import type { RunConfig } from '../../src/shared/config';
import { validateConfig } from '../../src/shared/config';
import { isChaotic } from '../../src/shared/math/chaos';
import { byGroup, groupDivergence, replicaLabels } from '../../src/shared/math/divergence';
import { divergenceTable, paramCells } from '../../src/shared/math/divergence-table';
import { groupBand } from '../../src/shared/math/group';
import { runExperiment } from '../../src/main/engine/runner';
import { StoreLibrary } from '../../src/main/store/run-library';
import { RunStore } from '../../src/main/store/run-store';
import { USPS_DIR } from '../helpers/fixtures';
import { exportedFile, parseCsv } from './exports';
import type { Workbench } from './harness';
import { buildApp, openWorkbench, screenshot } from './harness';

let wb: Workbench;
let page: Page;
const exportDir = mkdtempSync(join(tmpdir(), 'chaoslab-views-'));
let asked = 0;
const ids = { s1: '', s2: '', s3: '', cgd: '', lyap: '', replicas: '', junk1: '', junk2: '' };

function config(over: Record<string, unknown>): RunConfig {
  const v = validateConfig({
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 400, testEvery: 25, testLimit: 200 },
    model: { kind: 'mlp', hidden: 20, activation: 'relu' },
    train: { steps: 120, batchSize: 8, lr: 0.05, momentum: 0 },
    spectrum: { every: 5 },
    checkpointEvery: 0,
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}
const make = async (c: RunConfig): Promise<string> => (await runExperiment(c, { library: StoreLibrary.open(wb.dbFile) })).runId;
const stored = <T>(f: (s: RunStore) => T): T => {
  const s = RunStore.open(wb.dbFile, { readonly: true });
  try {
    return f(s);
  } finally {
    s.close();
  }
};
const last = (v: ArrayLike<number>): number => v[v.length - 1];
const rowOf = (id: string): Locator => page.locator(`[data-run-row="${id}"]`);
const cell = (id: string, col: string): Promise<string | null> => rowOf(id).locator(`td[data-cell="${col}"]`).textContent();
const rowIds = (): Promise<string[]> => page.locator('[data-run-row]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-row')!));
/** Light and dark screenshots of what is on the page now. */
async function shots(name: string): Promise<void> {
  await screenshot(page, `views-${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(300);
  await screenshot(page, `views-${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.waitForTimeout(100);
}
/** Set a range input as a user would drag it (Playwright cannot fill ranges). */
async function setRange(l: Locator, value: string): Promise<void> {
  await l.evaluate((el, v) => {
    (el as unknown as { value: string }).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}
/** Whether the element of `a` comes before the first element matching `selector` in the page. */
const precedes = (a: Locator, selector: string): Promise<boolean> =>
  a.evaluate((el, sel) => {
    const e = el as unknown as { ownerDocument: { querySelector(s: string): unknown }; compareDocumentPosition(o: unknown): number };
    // Node.DOCUMENT_POSITION_FOLLOWING: the other element follows this one.
    return (e.compareDocumentPosition(e.ownerDocument.querySelector(sel)) & 4) !== 0;
  }, selector);
const draws = async (chart: Locator): Promise<number> => Number((await chart.locator('canvas').first().getAttribute('data-draws')) ?? 0);

beforeAll(async () => {
  buildApp();
  wb = await openWorkbench({ dialogs: { saveFile: async (name) => join(exportDir, `${++asked}-${name}`) } });
  page = wb.page;
}, 180_000);
afterAll(async () => {
  await wb?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

describe('views in headless Chromium', () => {
  it('opens on the Library, which says what to do first when there are no runs', async () => {
    const empty = page.getByTestId('library-empty');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/No runs yet.*New run.*preset.*Run/s);
    await shots('library-empty');
    await page.getByTestId('empty-new-run').click();
    await page.getByTestId('view-new-run').waitFor();
  });

  it('records the runs the views show (real engine, real SQLite file)', async () => {
    const replicas = { strategy: 'randn', eps: [0.05], seeds: [0, 1] };
    ids.s1 = await make(config({ name: 'sgd seed 1', seed: 1, replicas, tags: ['fig1'] }));
    ids.s2 = await make(config({ name: 'sgd seed 2', seed: 2, replicas, tags: ['fig1'] }));
    ids.s3 = await make(config({ name: 'sgd seed 3', seed: 3, replicas }));
    ids.cgd = await make(config({ name: 'cgd neg', seed: 1, cgd: { prune: 'neg' }, spectrum: { every: 1 } }));
    // Figure 3 in small: a Lyapunov run at γ = 0.2 (λ > 2/γ = 10 happens), then replicas along its top vector.
    const fig3 = { train: { steps: 80, batchSize: 8, lr: 0.2, momentum: 0 }, spectrum: { every: 1 } };
    ids.lyap = await make(config({ name: 'lyapunov source', seed: 5, ...fig3, lyapunov: { k: 4 } }));
    ids.replicas = await make(
      config({
        name: 'replicas max_chaos',
        seed: 5,
        ...fig3,
        spectrum: { every: 0 },
        replicas: { strategy: 'max_chaos', eps: [0.1], seeds: [0, 1, 2], lyapunovSource: ids.lyap },
      }),
    );
    const tiny = config({ name: 'throwaway', train: { steps: 5, batchSize: 8, lr: 0.05, momentum: 0 }, spectrum: { every: 0 } });
    ids.junk1 = await make(tiny);
    ids.junk2 = await make({ ...tiny, name: 'throwaway 2' });
    expect(stored((s) => s.list().length)).toBe(8);
  }, 300_000);

  it('lists every run with numbers read from the stored series, sortable and with the columns chosen', async () => {
    await page.keyboard.press('Control+3');
    await expect.poll(() => page.locator('[data-run-row]').count()).toBe(8);
    expect(await page.locator('th[data-column]').evaluateAll((t) => t.map((e) => e.getAttribute('data-column')))).toEqual([
      'status',
      'name',
      'dataset',
      'model',
      'optimizer',
      'seed',
      'steps',
      'duration',
      'finalTestAcc',
      'bestTestAcc',
      'finalLoss',
      'meanNegative',
      'topLyapunov',
      'tags',
    ]);
    const s1 = stored((s) => ({
      test: s.readSeries(ids.s1, 'test_acc').values,
      loss: s.readSeries(ids.s1, 'loss').values,
      neg: s.readSeries(ids.s1, 'n_neg').values,
    }));
    expect(await cell(ids.s1, 'finalTestAcc')).toBe(`${(100 * last(s1.test)).toFixed(1)} %`);
    expect(await cell(ids.s1, 'bestTestAcc')).toBe(`${(100 * Math.max(...s1.test)).toFixed(1)} %`);
    expect(await cell(ids.s1, 'finalLoss')).toBe(readoutNumber(last(s1.loss)));
    expect(await cell(ids.s1, 'meanNegative')).toBe((s1.neg.reduce((a, b) => a + b) / s1.neg.length).toFixed(1));
    expect(await cell(ids.s1, 'steps')).toBe('120');
    expect(await cell(ids.cgd, 'optimizer')).toBe('CGD neg');
    expect(await cell(ids.lyap, 'topLyapunov')).toBe(readoutNumber(last(stored((s) => s.readSeries(ids.lyap, 'lyap_max').values))));
    expect(await cell(ids.s1, 'topLyapunov')).toBe('—');

    // Sorted by final test accuracy, best first, runs without a test value last; the replica run stays under its source.
    await page.locator('th[data-column="finalTestAcc"] button').click();
    const acc = new Map(
      stored((s) => s.list().map((r) => [r.id, s.readSeries(r.id, 'test_acc').values] as const)).map(([id, v]) => [id, v.length ? last(v) : -1]),
    );
    const order = await rowIds();
    const heads = order.filter((id) => id !== ids.replicas);
    for (let i = 1; i < heads.length; i++) expect(acc.get(heads[i - 1])!).toBeGreaterThanOrEqual(acc.get(heads[i])!);
    expect(order[order.indexOf(ids.lyap) + 1]).toBe(ids.replicas);
    expect(await page.locator('th[data-column="finalTestAcc"]').getAttribute('aria-sort')).toBe('descending');

    // The column chooser hides a column and remembers it in this profile.
    await page.getByTestId('columns').locator('summary').click();
    await page.locator('[data-column-toggle="finalLoss"]').uncheck();
    expect(await page.locator('th[data-column="finalLoss"]').count()).toBe(0);
    expect(JSON.parse((await page.evaluate("localStorage.getItem('chaoslab.libraryColumns')")) as string)).not.toContain('finalLoss');
    await page.locator('[data-column-toggle="finalLoss"]').check();
    await page.getByTestId('columns').locator('summary').click();
    await shots('library');
  });

  it('filters by text and by field, and links a replica run and its Lyapunov source both ways', async () => {
    await page.getByTestId('search').fill('seed');
    await expect.poll(rowIds).toEqual(expect.arrayContaining([ids.s1, ids.s2, ids.s3]));
    expect((await rowIds()).length).toBe(3);
    expect(await page.getByTestId('row-count').textContent()).toBe('3 of 8 runs');
    await page.getByTestId('search').fill('');
    await page.getByTestId('filter-field').selectOption('optimizer');
    await page.getByTestId('filter-value').selectOption('CGD neg');
    await expect.poll(rowIds).toEqual([ids.cgd]);
    await page.getByTestId('filter-field').selectOption('tags');
    await page.getByTestId('filter-value').selectOption('fig1');
    await expect.poll(() => page.getByTestId('no-match').count()).toBe(1);
    await page.getByTestId('no-match').getByRole('button').click();
    await expect.poll(() => page.locator('[data-run-row]').count()).toBe(8);

    const replicaRow = rowOf(ids.replicas);
    expect(await replicaRow.getAttribute('class')).toContain('member');
    expect(await replicaRow.getByTestId('source-link').textContent()).toBe('↳ along the Lyapunov vectors of lyapunov source');
    expect(await rowOf(ids.lyap).getByTestId('replica-links').textContent()).toBe('replica runs: replicas max_chaos');
    // With the source filtered away, the link brings it back into view.
    await page.getByTestId('search').fill('max_chaos');
    await expect.poll(rowIds).toEqual([ids.replicas]);
    await replicaRow.locator(`[data-link-run="${ids.lyap}"]`).click();
    await expect.poll(() => rowOf(ids.lyap).getAttribute('class')).toContain('flash');
    expect(await page.getByTestId('search').inputValue()).toBe('');
  });

  it('tags, exports and deletes several runs at once; Escape keeps them', async () => {
    for (const id of [ids.junk1, ids.junk2]) await rowOf(id).getByTestId('pick').check();
    expect(await page.getByTestId('bulk').locator('b').textContent()).toBe('2 selected');
    await page.getByTestId('bulk-tag').click();
    await page.getByTestId('tag-input').fill('scratch');
    await page.getByTestId('tag-add').click();
    await expect.poll(() => stored((s) => [s.get(ids.junk1).tags, s.get(ids.junk2).tags])).toEqual([['scratch'], ['scratch']]);

    await page.getByTestId('bulk-export').click();
    await expect.poll(() => page.getByTestId('library-message').textContent()).toMatch(/^Exported 2 runs to .* \(one \.chaoslab file each\)\.$/);
    const dir = (await page.getByTestId('library-message').textContent())!.replace(/^Exported 2 runs to (.*) \(one.*$/, '$1');
    expect(readdirSync(dir).length).toBe(2);
    for (const f of readdirSync(dir)) {
      const s = RunStore.open(join(dir, f), { readonly: true });
      expect([ids.junk1, ids.junk2]).toContain(s.list()[0].id);
      s.close();
    }

    await page.getByTestId('bulk-delete').click();
    const dialog = page.getByTestId('confirm-delete');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('these 2 runs');
    // Focus starts on Keep; Escape closes the dialog and deletes nothing.
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Keep');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(stored((s) => s.list().length)).toBe(8);
    await page.getByTestId('bulk-delete').click();
    await page.getByTestId('confirm').click();
    await expect.poll(() => page.locator('[data-run-row]').count()).toBe(6);
    expect(stored((s) => s.list().map((r) => r.id))).not.toContain(ids.junk1);
  });

  it('clones a run into New run with its config, to change and start', async () => {
    await rowOf(ids.cgd).getByTestId('clone').click();
    await page.getByTestId('view-new-run').waitFor();
    expect(await page.getByTestId('cloned-from').textContent()).toContain('“cgd neg”');
    expect(await page.locator('[name="name"]').inputValue()).toBe('cgd neg (copy)');
    expect(await page.locator('[name="train.lr"]').inputValue()).toBe('0.05');
    expect(await page.locator('[name="cgd.prune"]').inputValue()).toBe('neg');
    expect(await page.locator('[name="data.trainLimit"]').inputValue()).toBe('400');
    await shots('new-run-cloned');
  });

  it('compares runs with the test metrics first, one x axis and smoothing for all charts, and a tooltip of every run', async () => {
    await page.keyboard.press('Control+3');
    for (const id of [ids.s1, ids.s2, ids.cgd]) await rowOf(id).getByTestId('pick').check();
    await page.getByTestId('compare-selected').click();
    const view = page.getByTestId('view-compare');
    await expect.poll(() => view.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await view.getAttribute('data-loads')).toBe('3');
    const metricCharts = view.locator('.grid.two').first().locator('figure.chart');
    const charts = await metricCharts.evaluateAll((f) => f.map((e) => e.getAttribute('data-testid')));
    expect(charts.slice(0, 2)).toEqual(['compare-test_acc', 'compare-test_loss']);
    expect(await page.getByTestId('link-zoom').isChecked()).toBe(true);
    expect(await page.getByTestId('config-diff-box').getAttribute('open')).toBeNull();

    await setRange(page.getByTestId('compare-smoothing'), '0.5');
    await expect.poll(() => metricCharts.evaluateAll((f) => f.map((e) => e.getAttribute('data-smoothing')))).toEqual(charts.map(() => '0.5'));
    await page.getByTestId('compare-x').selectOption('wall');
    await expect.poll(() => page.getByTestId('compare-loss').getAttribute('data-x')).toBe('wall');
    await page.getByTestId('compare-x').selectOption('step');
    await setRange(page.getByTestId('compare-smoothing'), '0');

    const loss = page.getByTestId('compare-loss');
    await loss.locator('rect.overlay').hover({ position: { x: 200, y: 40 } });
    const tip = loss.getByTestId('tooltip');
    await tip.waitFor();
    expect(await tip.locator('[data-tip-row]').evaluateAll((r) => r.map((e) => e.getAttribute('data-tip-row')))).toEqual([
      'sgd seed 1',
      'sgd seed 2',
      'cgd neg',
    ]);
    const step = Number((await tip.locator('.tip-title').textContent())!.replace('step ', ''));
    const want = stored((s) => s.readSeries(ids.s2, 'loss'));
    expect(await tip.locator('[data-tip-row="sgd seed 2"] b').textContent()).toBe(readoutNumber(want.values[Array.from(want.steps).indexOf(step)]));
    await shots('compare');
  });

  it('adds and removes runs in place: the charts stay, only the new run is read', async () => {
    const view = page.getByTestId('view-compare');
    const loss = page.getByTestId('compare-loss');
    await loss.evaluate((el) => el.setAttribute('data-kept', 'yes'));
    await page.getByTestId('add-run').selectOption(ids.s3);
    await expect.poll(() => loss.locator('.legend-entry').allTextContents()).toContain('sgd seed 3');
    expect(await view.getAttribute('data-loads')).toBe('4');
    expect(await loss.getAttribute('data-kept')).toBe('yes');
    await page.locator(`[data-remove-run="${ids.cgd}"]`).click();
    await expect.poll(() => loss.locator('.legend-entry').allTextContents()).toEqual(['sgd seed 1', 'sgd seed 2', 'sgd seed 3']);
    expect(await view.getAttribute('data-loads')).toBe('4');
    expect(await loss.getAttribute('data-kept')).toBe('yes');
    await page.getByTestId('add-run').selectOption(ids.cgd);
    await expect.poll(() => view.getAttribute('data-loads')).toBe('5');
  });

  it('groups seeds with a band of the chosen kind, and shows the divergence panels and parameters of the group', async () => {
    await page.getByTestId('group-seeds').check();
    await page.getByTestId('band').selectOption('se');
    const loss = page.getByTestId('compare-loss');
    await expect.poll(() => loss.locator('.legend-entry').allTextContents()).toContain('sgd seed 1 ×3: mean ± SE (n = 3)');
    const csv = parseCsv(await exportedFile(loss, loss.locator('[data-export="csv"]'), exportDir));
    const series = stored((s) => [ids.s1, ids.s2, ids.s3].map((id) => s.readSeries(id, 'loss')));
    const b = groupBand(series, { kind: 'se', domain: 'nonneg' });
    const rows = csv.rows.filter((r) => r[0] === 'sgd seed 1 ×3: mean ± SE (n = 3)');
    expect(rows.length).toBe(120);
    rows.forEach((r, i) => {
      expect(Number(r[2])).toBeCloseTo(b.mean[i], 12);
      expect(Number(r[3])).toBeCloseTo(b.lo[i], 12);
      expect(Number(r[4])).toBeCloseTo(b.hi[i], 12);
    });

    // The group's divergence: 6 replica curves (3 runs × 2 seeds of ε = 0.05), analysed as in Node.
    const early = page.getByTestId('compare-divergence-early');
    const late = page.getByTestId('compare-divergence-late');
    await expect.poll(() => draws(early), { timeout: 20_000 }).toBeGreaterThan(0);
    const curves = stored((s) =>
      [ids.s1, ids.s2, ids.s3].flatMap((id) => {
        const frames = s.readReplicas(id);
        const steps = Int32Array.from(frames, (f) => f.step);
        return byGroup(replicaLabels(s.get(id).config.replicas!), (k) => ({ steps, values: Float64Array.from(frames, (f) => f.distances[k]) }))[0].curves;
      }),
    );
    const g = groupDivergence(curves, 'se');
    const table = page.locator('[data-testid="divergence-table"][data-group="sgd seed 1 ×3"]');
    for (const r of divergenceTable(g.analysis).rows) {
      const c = paramCells(r);
      expect(await table.locator(`tr[data-param="${r.key}"] td`).allTextContents()).toEqual([
        `${r.name}${r.unit ? ` (${r.unit})` : ''}`,
        c.value,
        c.se,
        c.r2,
        c.n,
        r.note,
      ]);
    }
    const crossover = `crossover t = ${g.analysis.crossover!.step}`;
    for (const p of [early, late]) expect(await p.locator('.guide-label').allTextContents()).toContain(crossover);
    expect(await early.locator('.axis-title').allTextContents()).toEqual(['step', '‖θᵢ − θ₀‖ (L2)']);
    expect(await late.locator('.axis-title').allTextContents()).toEqual(['step (log)', '‖θᵢ − θ₀‖ (L2)']);
    await shots('compare-grouped');
  });

  it('zooms every chart together, visibly, and resets them; the spectrum slider picks a step every run has', async () => {
    const loss = page.getByTestId('compare-loss');
    await loss.locator('rect.overlay').hover({ position: { x: 200, y: 60 } });
    await page.mouse.wheel(0, -600);
    await expect.poll(() => page.getByTestId('zoom-range').count()).toBe(1);
    await expect.poll(() => page.getByTestId('compare-test_acc').getAttribute('data-zoomed')).toBe('true');
    await page.getByTestId('zoom-reset').click();
    await expect.poll(() => page.getByTestId('compare-test_acc').getAttribute('data-zoomed')).toBe('false');

    const slider = page.getByTestId('spectrum-slider');
    expect(await slider.getAttribute('step')).toBe('5');
    await setRange(slider, '60');
    await expect.poll(() => page.getByTestId('compare-spectra').locator('.title').textContent()).toBe('Spectrum at step 60');
    const counts = parseCsv(
      await exportedFile(page.getByTestId('compare-spectra'), page.getByTestId('compare-spectra').locator('[data-export="csv"]'), exportDir),
    );
    const total = counts.rows.filter((r) => r[0] === 'cgd neg').reduce((t, r) => t + Number(r[2]), 0);
    expect(total).toBe(stored((s) => s.readSpectra(ids.cgd, { from: 60, to: 60 })[0].eigenvalues.length));
  });

  it('saves the compare view by name and reopens it, state and all', async () => {
    await setRange(page.getByTestId('compare-smoothing'), '0.3');
    await page.getByTestId('compare-x').selectOption('epoch');
    await page.getByTestId('compare-loss').locator('[data-control="y-scale"]').selectOption('linear');
    await page.getByTestId('view-save').click();
    await page.getByTestId('view-name').fill('seeds with SE');
    await page.getByTestId('view-save-go').click();
    await expect.poll(() => stored((s) => s.listCompareViews().map((v) => v.name))).toEqual(['seeds with SE']);
    const saved = JSON.parse(stored((s) => s.listCompareViews()[0].state));
    expect(saved).toMatchObject({ smoothing: 0.3, x: 'epoch', band: 'se', grouped: true, yScales: { loss: 'linear' } });
    expect(new Set(saved.runIds)).toEqual(new Set([ids.s1, ids.s2, ids.s3, ids.cgd]));

    await page.reload();
    await page.keyboard.press('Control+4');
    await expect.poll(() => page.getByTestId('compare-empty').count()).toBe(1);
    await page.getByTestId('view-choice').selectOption('seeds with SE');
    await page.getByTestId('view-open').click();
    await expect.poll(() => page.getByTestId('view-compare').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('group-seeds').isChecked()).toBe(true);
    expect(await page.getByTestId('band').inputValue()).toBe('se');
    expect(await page.getByTestId('compare-x').inputValue()).toBe('epoch');
    await expect.poll(() => page.getByTestId('compare-loss').getAttribute('data-scale')).toBe('linear');
    await expect.poll(() => page.getByTestId('compare-loss').getAttribute('data-smoothing')).toBe('0.3');
    expect(await page.locator('[data-run-chip]').count()).toBe(4);
  });

  it('shows a run with its panel first and its machinery behind a disclosure', async () => {
    await page.keyboard.press('Control+3');
    await rowOf(ids.lyap).getByTestId('open').click();
    const live = page.getByTestId('view-live');
    await expect.poll(() => live.getAttribute('data-last-step')).toBe('79');
    const panel = page.getByTestId('run-panel');
    // The run panel comes before the first chart.
    expect(await precedes(panel, 'figure.chart')).toBe(true);
    const want = stored((s) => ({ loss: s.readSeries(ids.lyap, 'loss'), lyap: s.readSeries(ids.lyap, 'lyap_max'), neg: s.readSeries(ids.lyap, 'n_neg') }));
    expect(await panel.locator('[data-headline="loss"] b').textContent()).toBe(readoutNumber(last(want.loss.values)));
    expect(await panel.locator('[data-headline="lyap_max"] b').textContent()).toBe(readoutNumber(last(want.lyap.values)));
    expect(await panel.locator('[data-headline="n_neg"] b').textContent()).toBe(String(last(want.neg.values)));
    expect(await panel.locator('[data-config="train.lr"]').textContent()).toBe('Learning rate γ 0.2');
    expect(await panel.locator('[data-config="lyapunov.k"]').textContent()).toBe('Exponents k 4');
    expect(await page.getByTestId('lyapunov-links').textContent()).toContain('Replica runs along this run');
    const machinery = page.getByTestId('machinery');
    expect(await machinery.getAttribute('open')).toBeNull();
    expect(await machinery.getByTestId('backend').isVisible()).toBe(false);
    await machinery.locator('summary').click();
    expect(await machinery.getByTestId('backend').textContent()).toMatch(/TF\.js backend\s*\S+\s*LAPACK/);
    await machinery.locator('summary').click();

    // Tags and notes edited in place reach the store.
    await page.getByTestId('live-edit').click();
    await page.getByTestId('live-tags').fill('fig3, source');
    await page.getByTestId('live-notes').fill('k = 4 exponents');
    await page.getByTestId('live-save').click();
    await expect.poll(() => stored((s) => s.get(ids.lyap))).toMatchObject({ tags: ['fig3', 'source'], notes: 'k = 4 exponents' });
    await shots('live');
  });

  it('colours the chaotic eigenvalues of the histogram one by one by the shared rule', async () => {
    const density = page.getByTestId('density');
    const spectrogram = page.getByTestId('spectrogram');
    const chaoticAt = stored(
      (s) => new Map(s.readSpectra(ids.lyap).map((f) => [f.step, f.eigenvalues.filter((l) => l > 0 && isChaotic(l, 0.2, f.nullTol)).length])),
    );
    // Pick a step with chaotic eigenvalues on the spectrogram.
    const box = (await spectrogram.locator('rect.overlay').boundingBox())!;
    let picked = -1;
    for (let px = box.width - 2; px > 0 && picked < 0; px -= 4) {
      await spectrogram.locator('rect.overlay').hover({ position: { x: px, y: 20 } });
      const step = Number(/^step (\d+)/.exec((await spectrogram.locator('.readout').textContent()) ?? '')?.[1] ?? -1);
      if ((chaoticAt.get(step) ?? 0) > 0) {
        await spectrogram.locator('rect.overlay').click({ position: { x: px, y: 20 } });
        picked = step;
      }
    }
    expect(picked).toBeGreaterThanOrEqual(0);
    await expect.poll(() => density.locator('.title').textContent()).toBe(`Spectrum at step ${picked}`);
    const f = stored((s) => s.readSpectra(ids.lyap, { from: picked, to: picked })[0]);
    const neg = f.eigenvalues.filter((l) => l < -f.nullTol).length;
    const chaotic = chaoticAt.get(picked)!;
    expect(await density.locator('.legend-entry').allTextContents()).toEqual(
      expect.arrayContaining([
        `negative λ < −τ (chaotic): ${neg}`,
        `chaotic λ > 2/γ: ${chaotic}`,
        `positive, (1 − γλ)² ≤ 1: ${f.eigenvalues.length - neg - chaotic}`,
      ]),
    );
    expect(await density.locator(`rect.bar[fill="${SEMANTIC.chaotic}"]`).count()).toBeGreaterThan(0);
  });

  it('shows a replica run’s divergence first: two linked panels with the crossover, and the table of parameters', async () => {
    await page.locator(`[data-link-run="${ids.replicas}"]`).first().click();
    const live = page.getByTestId('view-live');
    await expect.poll(() => live.getAttribute('data-run-id')).toBe(ids.replicas);
    const early = page.getByTestId('live-divergence-early');
    await expect.poll(() => draws(early), { timeout: 20_000 }).toBeGreaterThan(0);
    // Before the loss chart.
    expect(await precedes(early, '[data-testid="chart-loss"]')).toBe(true);
    const frames = stored((s) => s.readReplicas(ids.replicas));
    const steps = Int32Array.from(frames, (f) => f.step);
    const g = groupDivergence([0, 1, 2].map((k) => ({ steps, values: Float64Array.from(frames, (f) => f.distances[k]) })));
    const table = page.getByTestId('divergence-table');
    for (const r of divergenceTable(g.analysis).rows)
      expect(await table.locator(`tr[data-param="${r.key}"] td`).nth(1).textContent()).toBe(paramCells(r).value);
    const late = page.getByTestId('live-divergence-late');
    if (g.analysis.crossover)
      for (const p of [early, late]) expect(await p.locator('.guide-label').allTextContents()).toContain(`crossover t = ${g.analysis.crossover.step}`);
    // Linked: the cursor over one panel is drawn in the other; zooming one zooms the other.
    await early.locator('rect.overlay').hover({ position: { x: 150, y: 40 } });
    await expect.poll(() => late.locator('line.cursor.linked').count()).toBe(1);
    await early.locator('rect.overlay').hover({ position: { x: 150, y: 40 } });
    await page.mouse.wheel(0, -400);
    await expect.poll(() => late.getAttribute('data-zoomed')).toBe('true');
    await early.locator('rect.overlay').dblclick({ position: { x: 150, y: 40 } });
    await expect.poll(() => late.getAttribute('data-zoomed')).toBe('false');
    expect(await page.getByTestId('lyapunov-links').textContent()).toContain('Perturbed along the Lyapunov vectors of lyapunov source');
    await shots('live-replicas');
  });

  it('moves between views and charts from the keyboard; ? lists the shortcuts and Escape closes them', async () => {
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    const help = page.getByTestId('shortcuts');
    await help.waitFor();
    expect(await help.locator('tbody tr').count()).toBeGreaterThanOrEqual(8);
    expect(await help.textContent()).toContain('Ctrl+1 … Ctrl+6');
    await page.keyboard.press('Escape');
    await expect.poll(() => help.count()).toBe(0);
    await page.keyboard.press('Control+1');
    await page.getByTestId('view-new-run').waitFor();
    await page.keyboard.press('Control+2');
    await page.getByTestId('view-live').waitFor();

    const loss = page.getByTestId('chart-loss');
    await loss.focus();
    await page.keyboard.press('ArrowRight');
    await loss.getByTestId('tooltip').waitFor();
    expect(await loss.getByTestId('tooltip').textContent()).toMatch(/^step \d+\s*train/);
    await page.keyboard.press('+');
    await expect.poll(() => loss.getAttribute('data-zoomed')).toBe('true');
    await page.keyboard.press('0');
    await expect.poll(() => loss.getAttribute('data-zoomed')).toBe('false');
    await page.keyboard.press(']');
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('chart-acc');
    await page.keyboard.press('[');
    expect(await page.evaluate('document.activeElement.dataset.testid')).toBe('chart-loss');
    // Escape closes the About box too.
    await page.getByTestId('nav-about').click();
    await page.getByTestId('about').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('about').count()).toBe(0);
  });

  it('follows the system dark mode: dark page, charts in the dark theme, every colour readable', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const loss = page.getByTestId('chart-loss');
    await expect
      .poll(() =>
        loss.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor),
      )
      .toBe('rgb(27, 32, 39)');
    expect(DARK_THEME.background).toBe('#1b2027');
    expect(await page.evaluate('getComputedStyle(document.body).color')).toBe('rgb(227, 231, 236)');
    // The train loss is drawn in the theme's ink, not black; axes too.
    await expect.poll(() => loss.locator('.legend-entry[data-label="train"] line').getAttribute('stroke')).toBe(readable(SEMANTIC.train, DARK_THEME));
    expect(await loss.locator('.x-axis .tick line').first().getAttribute('stroke')).toBe(DARK_THEME.ink);
    // Exports stay light (for paper).
    const svg = await exportedFile(loss, loss.locator('[data-export="svg"]'), exportDir);
    const text = readFileSync(svg, 'utf8');
    expect(text).toContain('fill="#ffffff"');
    expect(text).toContain(`stroke="${SEMANTIC.train}"`);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => loss.locator('.legend-entry[data-label="train"] line').getAttribute('stroke')).toBe(SEMANTIC.train);
  });
});

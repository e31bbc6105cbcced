// End to end: the Reproduce view in headless Chromium (built renderer), main's handlers and WorkbenchService with real
// worker threads, real USPS data and a real SQLite file. A typed USPS folder, an unknown field and a report folder
// holding other files are refused, naming them, with nothing recorded or written. A tiny reproduction (Figure 1,
// quick, cut to 20 steps as `lab reproduce --steps 20`) runs as a sweep with the sweep id the CLI gives the same
// settings, shows the claims and the four variants' accuracies, writes the report folder the CLI writes (its
// summary.json evidence is what the view shows), and `lab reproduce` on the same database reuses every run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reproduceArgs } from '../../src/main/reproduce/command';
import { planReproduction } from '../../src/main/reproduce/plan';
import type { Summary } from '../../src/shared/reproduce';
import { ACCURACY_COLUMNS } from '../../src/shared/reproduce';
import { USPS_DIR } from '../helpers/fixtures';
import { cli, readDb, until } from '../helpers/sweep-runs';
import type { Workbench } from './harness';
import { buildApp, contextFor, ORIGIN, openWorkbench, screenshot } from './harness';

let wb: Workbench;
let page: Page;
/** Where main's save dialog points (the test's stand-in for the user's choice). */
let reportTarget = '';
const CLI_ARGS = ['fig1', '--quick', '--seeds', '1', '--steps', '20', '--usps', USPS_DIR];
const request = { figures: [1], dataset: 'usps', dir: USPS_DIR, model: 'mlp', seeds: 1, quick: true, steps: 20 };
const ctx = () => contextFor(`${ORIGIN}/index.html`, () => {});
const text = async (testid: string): Promise<string> => (await page.getByTestId(testid).first().textContent()) ?? '';

beforeAll(async () => {
  buildApp();
  wb = await openWorkbench({
    dialogs: { choosePath: async (kind) => (kind === 'directory' ? USPS_DIR : null), saveFile: async () => reportTarget },
  });
  page = wb.page;
}, 240_000);
afterAll(async () => {
  await wb?.close();
});

async function fillRequest(): Promise<void> {
  await page.getByTestId('nav-reproduce').click();
  await page.getByTestId('view-reproduce').waitFor();
  await page.locator('[name="figures"]').selectOption('fig1');
  await page.locator('[name="quick"]').selectOption({ index: 1 });
  await page.locator('[name="seeds"]').fill('1');
  await page.locator('[name="jobs"]').fill('2');
  await page.getByTestId('smoke-test').click();
  await page.locator('[name="steps"]').fill('20');
}

describe('the Reproduce view', () => {
  it('refuses a typed USPS folder and unknown fields, naming them, before anything is recorded', async () => {
    await fillRequest();
    await page.locator('[name="data.dir"]').fill('/etc');
    await expect.poll(() => text('reproduce-error')).toContain('data.dir: was not chosen in this app');
    expect(await page.locator('[data-error-for="data.dir"]').textContent()).toContain('was not chosen in this app');
    expect(await page.getByTestId('reproduce-start').isDisabled()).toBe(true);
    await screenshot(page, 'reproduce-typed-path');
    // Main refuses the same request whatever the renderer does, and a path in a field the channel does not have.
    const typed = await wb.handlers['reproduce.start']({ request: { ...request, dir: '/etc' }, jobs: 1 }, ctx());
    expect(typed).toMatchObject({ ok: false, fields: [{ field: 'data.dir' }] });
    const extra = await wb.handlers['reproduce.start']({ request, jobs: 1, out: '/tmp/report' }, ctx());
    expect(extra).toMatchObject({ ok: false, fields: [{ field: 'out', message: 'is not a known field' }] });
    const sweepId = planReproduction(reproduceArgs(CLI_ARGS).request).sweep.id;
    const report = await wb.handlers['reproduce.writeReport']({ sweepId, dir: '/tmp/report' }, ctx());
    expect(report).toMatchObject({ ok: false, fields: [{ field: 'dir', message: 'is not a known field' }] });
    expect(readDb(wb.dbFile, (s) => s.sweeps.list().length)).toBe(0);
  });

  it('runs a tiny reproduction as a sweep, shows the claims and the accuracies, and writes the CLI’s report', async () => {
    await fillRequest();
    await page.locator('[data-browse="data.dir"]').click();
    await expect.poll(() => page.locator('[name="data.dir"]').inputValue()).toBe(USPS_DIR);
    await expect.poll(() => text('reproduce-count')).toBe('4 runs');
    await expect.poll(() => text('reproduce-disk'), { timeout: 120_000 }).toMatch(/\d (kB|MB)$/);
    expect(await text('reproduce-steps')).toBe('80');
    await screenshot(page, 'reproduce-plan');
    await page.getByTestId('reproduce-start').click();

    // The sweep the CLI makes of the same settings: the same id, so either continues the other.
    const cliSweep = planReproduction(reproduceArgs(CLI_ARGS).request).sweep;
    await until('the sweep recorded', () => readDb(wb.dbFile, (s) => s.sweeps.list().length) === 1, 60_000);
    expect(readDb(wb.dbFile, (s) => s.sweeps.list()[0].id)).toBe(cliSweep.id);
    await expect.poll(() => text('reproduce-done'), { timeout: 60_000 }).toMatch(/^[0-4]\/4 runs done$/);
    expect(await text('reproduce-cut')).toContain('Every run was cut to 20 steps');
    await screenshot(page, 'reproduce-running');

    const claims = page.getByTestId('claims');
    await claims.waitFor({ timeout: 600_000 });
    expect(await claims.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-claim')))).toEqual([
      'curvature',
      'pruning-start',
      'divergence',
      'lyapunov',
    ]);
    expect(['agrees', 'disagrees', 'inconclusive']).toContain(await claims.locator('[data-claim="curvature"] [data-testid="verdict"]').textContent());
    expect(await claims.locator('[data-claim="divergence"] [data-testid="verdict"]').textContent()).toBe('not run');
    const rows = page.getByTestId('accuracy-fig1').locator('tbody tr');
    expect(await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-variant')))).toEqual(['sgd', 'cgd-neg', 'cgd-pos', 'cgd-chaotic']);
    const shown = await rows.evaluateAll((r) => r.map((x) => Array.from(x.querySelectorAll('td'), (td) => (td as { textContent: string }).textContent)));
    for (const cells of shown) expect(cells[1]).toMatch(/^\d{1,3}\.\d\d %$/);
    expect(await page.locator('[data-figure="fig1"] img').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    await screenshot(page, 'reproduce-results');

    // Write report…: the folder main's dialog returns gets what `lab reproduce --out` writes.
    reportTarget = join(wb.dir, 'report');
    await page.getByTestId('write-report').click();
    await expect.poll(() => text('report-written'), { timeout: 60_000 }).toContain(`to ${reportTarget}`);
    for (const f of ['report.html', 'summary.json', 'fig1.svg', 'fig1.png', 'fig1.csv']) expect(existsSync(join(reportTarget, f)), f).toBe(true);
    expect(readFileSync(join(reportTarget, 'fig1.svg'), 'utf8')).toMatch(/<svg[^>]+width="504pt"/);
    expect(readFileSync(join(reportTarget, 'report.html'), 'utf8')).toContain('Every run was shortened to 20 steps');
    const summary = JSON.parse(readFileSync(join(reportTarget, 'summary.json'), 'utf8')) as Summary;
    expect(summary.sweep).toBe(cliSweep.id);
    expect(summary.steps).toBe(20);
    // Its evidence is what the view shows: the accuracy table cell by cell, and every claim's evidence line.
    expect(summary.evidence.fig1!.variants.map((v) => ACCURACY_COLUMNS.map((c) => c.cell(v)))).toEqual(shown);
    for (const c of summary.claims) expect(await claims.locator(`[data-claim="${c.id}"] .evidence li`).allTextContents(), c.id).toEqual(c.evidence);

    // Writing again where a report is: the dialog confirmed the replacement. A folder holding other files is refused.
    await page.getByTestId('write-report').click();
    await expect.poll(() => text('report-written')).toContain(`Wrote 5 files to ${reportTarget}`);
    reportTarget = join(wb.dir, 'mine');
    mkdirSync(reportTarget);
    writeFileSync(join(reportTarget, 'notes.txt'), 'mine');
    await page.getByTestId('write-report').click();
    await expect.poll(() => text('report-written')).toContain(`${reportTarget} holds other files (notes.txt)`);
    expect(existsSync(join(reportTarget, 'summary.json'))).toBe(false);

    // `lab reproduce` with the same settings on the same database reuses every run (starts none) and reports the same runs.
    const out = join(wb.dir, 'cli-report');
    const r = cli(['reproduce', ...CLI_ARGS, '--db', wb.dbFile, '--out', out, '--jobs', '1']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/^\s+(start|resume) /m);
    const viaCli = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
    expect(viaCli.runs.map((x) => x.runId)).toEqual(summary.runs.map((x) => x.runId));
    expect(viaCli.evidence).toEqual(summary.evidence);
    expect(viaCli.claims).toEqual(summary.claims);

    // The reproduction is one of the Library's sweeps.
    await page.getByTestId('nav-library').click();
    const row = page.locator('[data-sweep-row]');
    await until('the sweep row', async () => (await row.count()) === 1, 30_000);
    expect(await row.textContent()).toContain('reproduce fig1 (quick mlp on usps, 1 seed, 20 steps)');
    expect(await row.getByTestId('sweep-done').textContent()).toBe('4/4');
  }, 900_000);

  it('stops a running reproduction and continues it to the end, resuming its runs; lists both and opens either', async () => {
    await fillRequest();
    await page.locator('[data-browse="data.dir"]').click();
    await page.locator('[name="steps"]').fill('400');
    await expect.poll(() => text('reproduce-count')).toBe('4 runs');
    await page.getByTestId('reproduce-start').click();
    const sweep = () => readDb(wb.dbFile, (s) => s.sweeps.list().find((x) => x.title.includes('400 steps')));
    await until('a run to progress', () => sweep()?.runs.some((r) => r.lastStep >= 50) ?? false, 300_000);
    // The time to go, measured from the steps the runs make.
    await expect.poll(() => text('reproduce-eta'), { timeout: 60_000 }).toMatch(/^about .+ to go$/);
    await screenshot(page, 'reproduce-progress');
    await page.getByTestId('reproduce-stop').click();
    await until('its runs to stop', () => sweep()!.runs.every((r) => r.status !== 'running'), 120_000);
    const stopped = sweep()!.runs;
    expect(stopped.some((r) => r.status === 'cancelled')).toBe(true);
    await expect.poll(() => page.getByTestId('reproduce-continue').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('reproduce-continue').click();
    await page.getByTestId('claims').waitFor({ timeout: 600_000 });
    const done = sweep()!.runs;
    expect(done.every((r) => r.status === 'finished')).toBe(true);
    // Runs that had started went on as the same runs, to every step.
    for (const r of stopped) if (r.runId) expect(done[r.index].runId).toBe(r.runId);
    expect(readDb(wb.dbFile, (s) => s.readSeries(done[0].runId!, 'loss').steps.length)).toBe(400);

    // Both reproductions are listed; the other one opens with its own results.
    const list = page.getByTestId('reproductions').locator('li');
    expect(await list.count()).toBe(2);
    await list.filter({ hasText: 'cut to 20 steps' }).getByRole('button').click();
    await expect.poll(() => text('reproduce-cut')).toContain('cut to 20 steps');
    await page.getByTestId('claims').waitFor();
  }, 1_200_000);
});

// End to end: the Sweep form in headless Chromium (built renderer), main's handlers and WorkbenchService with real
// worker threads and a real SQLite file. The form names bad axes inline and main refuses them again; a started sweep
// runs in workers, shows as one Library row that expands to its runs, equals bitwise the same sweep run by the CLI,
// and can be stopped and continued from the Library.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USPS_DIR } from '../helpers/fixtures';
import { cli, expectSameRun, onlySweep, readDb, until, writeJson } from '../helpers/sweep-runs';
import type { Workbench } from './harness';
import { buildApp, openWorkbench, screenshot } from './harness';

let wb: Workbench;
let page: Page;
const base = (steps: number) => ({
  name: 'e2e',
  data: { dataset: 'usps', testEvery: 0 },
  train: { steps },
  spectrum: { every: 0 },
  checkpointEvery: 20,
});
const axis = (i: number) => page.locator(`[data-axis="${i}"]`);
const text = async (testid: string): Promise<string> => (await page.getByTestId(testid).first().textContent()) ?? '';

beforeAll(async () => {
  buildApp();
  wb = await openWorkbench({ dialogs: { choosePath: async (kind) => (kind === 'directory' ? USPS_DIR : null) } });
  page = wb.page;
}, 240_000);
afterAll(async () => {
  await wb?.close();
});

describe('sweeps in the workbench', () => {
  it('plans a sweep from axes over config fields, naming bad values inline and in main, runs it, and groups its runs in the Library', async () => {
    await page.getByTestId('nav-sweep').click();
    // A path typed into the base JSON is refused by main (it reads only what its dialogs chose): named, nothing started.
    await page.locator('[name="base"]').fill(JSON.stringify({ ...base(60), data: { ...base(60).data, dir: '/etc' } }));
    await page.locator('[name="title"]').fill('typed path');
    await page.getByTestId('sweep-start').click();
    await expect.poll(() => text('sweep-submit-error')).toContain('data.dir: was not chosen in this app');
    expect(readDb(wb.dbFile, (s) => s.sweeps.list().length)).toBe(0);
    await page.locator('[name="base"]').fill(JSON.stringify(base(60)));
    await page.locator('[data-browse="data.dir"]').click();
    await expect.poll(async () => JSON.parse(await page.locator('[name="base"]').inputValue()).data.dir).toBe(USPS_DIR);
    await page.locator('[name="title"]').fill('e2e sweep');
    await page.locator('[name="name"]').fill('e2e-lr{train.lr}-s{seed}');
    await axis(0).getByTestId('axis-values').fill('0, 1');
    await expect.poll(() => text('sweep-count')).toBe('2 runs');

    // A second axis, with a value the validator refuses: named at the row, and Start stays off.
    await page.getByTestId('add-axis').click();
    await axis(1).getByTestId('axis-field').selectOption('train.lr');
    await axis(1).getByTestId('axis-values').fill('0.01, -1');
    await expect.poll(() => page.locator('[data-axis-error="grid.train.lr"]').textContent()).toBe('grid.train.lr: must be > 0 (value -1)');
    expect(await page.getByTestId('sweep-start').isDisabled()).toBe(true);
    await screenshot(page, 'sweep-invalid');
    // Main refuses the same spec, naming the same field, whatever the renderer does.
    const spec = JSON.parse(await text('sweep-spec')) as Record<string, unknown>;
    const refused = await wb.handlers['sweeps.start']({ spec, jobs: 2 }, { senderId: 1, senderUrl: 'http://chaoslab.test/index.html', send: () => {} });
    expect(refused).toMatchObject({ ok: false, fields: [{ field: 'grid.train.lr', message: 'must be > 0 (value -1)' }] });
    // A sweep larger than the disk is refused before anything runs, also when its runs are given in epochs (priced
    // at their counted steps: 10⁸ epochs of USPS with a spectrum each step are some 300,000 TB).
    const huge = {
      title: 'huge',
      name: 'h{seed}',
      base: { ...base(60), data: { ...base(60).data, dir: USPS_DIR }, train: { epochs: 100_000_000 }, spectrum: { every: 1 } },
      grid: { seed: [0] },
    };
    const tooBig = await wb.handlers['sweeps.start']({ spec: huge, jobs: 1 }, { senderId: 1, senderUrl: 'http://chaoslab.test/index.html', send: () => {} });
    expect(tooBig).toMatchObject({ ok: false, fields: [{ field: 'base.train.epochs', message: expect.stringMatching(/^the runs need [\d.]+ TB of disk/) }] });
    expect(readDb(wb.dbFile, (s) => s.sweeps.list().length)).toBe(0);

    await axis(1).getByTestId('axis-values').fill('0.01, 0.02');
    await expect.poll(() => text('sweep-count')).toBe('4 runs');
    expect(await page.getByTestId('sweep-runs').locator('li').allTextContents()).toEqual(['e2e-lr0.01-s0', 'e2e-lr0.02-s0', 'e2e-lr0.01-s1', 'e2e-lr0.02-s1']);
    await expect.poll(() => text('sweep-disk'), { timeout: 60_000 }).toMatch(/kB|MB/);
    await screenshot(page, 'sweep-form');
    const finalSpec = JSON.parse(await text('sweep-spec')) as Record<string, unknown>;
    await page.getByTestId('sweep-start').click();

    // The Library: one sweep row, finished when its four runs are.
    await page.getByTestId('view-library').waitFor();
    const row = page.locator('[data-sweep-row]');
    await until('the sweep row', async () => (await row.count()) === 1, 30_000);
    await until('all four runs finished', async () => (await row.getByTestId('sweep-done').textContent()) === '4/4', 240_000);
    expect(await row.getByTestId('sweep-counts').textContent()).toBe('4 finished');
    // The run list below follows the sweep's runs as they appear.
    await until('the runs in the list', async () => (await page.locator('[data-run-row]').count()) === 4, 10_000);
    await row.getByTestId('sweep-toggle').click();
    expect(await page.locator('[data-sweep-run] a').allTextContents()).toEqual(['e2e-lr0.01-s0', 'e2e-lr0.02-s0', 'e2e-lr0.01-s1', 'e2e-lr0.02-s1']);
    await screenshot(page, 'library-sweep');

    // The same spec from the CLI gives the same sweep, bitwise.
    const inApp = onlySweep(wb.dbFile);
    expect(inApp.runs.every((r) => r.status === 'finished' && r.runId)).toBe(true);
    const db = join(mkdtempSync(join(tmpdir(), 'chaoslab-e2e-sweep-')), 'cli.db');
    const r = cli(['sweep', 'run', writeJson(wb.dir, 'spec.json', finalSpec), '--db', db, '--jobs', '2']);
    expect(r.status).toBe(0);
    const viaCli = onlySweep(db);
    expect(viaCli.id).toBe(inApp.id);
    for (const [i, run] of inApp.runs.entries()) expectSameRun(wb.dbFile, run.runId!, db, viaCli.runs[i].runId!);

    // Opening a run from the sweep shows it.
    await page.locator('[data-sweep-run="2"] a').click();
    await until('the run view', async () => (await page.getByTestId('view-live').getAttribute('data-run-id')) === inApp.runs[2].runId);
  });

  it('stops a running sweep and continues it from the Library to the end', async () => {
    await page.getByTestId('nav-sweep').click();
    await page.locator('[name="base"]').fill(JSON.stringify(base(3000)));
    await page.locator('[data-browse="data.dir"]').click();
    await expect.poll(async () => JSON.parse(await page.locator('[name="base"]').inputValue()).data.dir).toBe(USPS_DIR);
    await page.locator('[name="title"]').fill('e2e long');
    await page.locator('[name="name"]').fill('long-s{seed}');
    await axis(0).getByTestId('axis-values').fill('7');
    await expect.poll(() => text('sweep-count')).toBe('1 runs');
    await page.getByTestId('sweep-start').click();
    await page.getByTestId('view-library').waitFor();
    const row = page.locator('[data-sweep-row]').filter({ hasText: 'e2e long' });
    const sweep = () => readDb(wb.dbFile, (s) => s.sweeps.list().find((x) => x.title === 'e2e long'));
    await until('the run to progress', () => (sweep()?.runs[0].lastStep ?? -1) >= 100);
    await row.getByTestId('sweep-stop').click();
    await until('the run to stop', () => sweep()?.runs[0].status === 'cancelled', 60_000);
    await until('the Continue button', async () => (await row.getByTestId('sweep-continue').count()) === 1, 10_000);
    const stoppedAt = sweep()!.runs[0].lastStep;
    expect(stoppedAt).toBeLessThan(2999);
    await row.getByTestId('sweep-continue').click();
    await until('the sweep to finish', async () => (await row.getByTestId('sweep-done').textContent()) === '1/1', 240_000);
    const done = sweep()!.runs[0];
    expect(done.status).toBe('finished');
    expect(readDb(wb.dbFile, (s) => s.list().filter((x) => x.name === 'long-s7').length)).toBe(1);
    expect(readDb(wb.dbFile, (s) => Array.from(s.readSeries(done.runId!, 'loss').steps))).toEqual(Array.from({ length: 3000 }, (_, i) => i));
  });
});

// End to end: the built renderer in headless Chromium, the real engine in worker threads, a real SQLite file.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { LEAVES, OPTIONAL_SECTIONS, isPathField } from '../../src/shared/config';
import { RunStore } from '../../src/main/store/run-store';
import { USPS_DIR } from '../helpers/fixtures';
import { startMirror } from '../helpers/usps-mirror';
import type { Workbench } from './harness';
import { SMALL_RUN, buildApp, fillForm, openWorkbench, screenshot } from './harness';
import { exportedFile, figureSize, parseCsv, pngSize } from './exports';

let wb: Workbench;
let page: Page;
let finishedRun = '';
let cancelledRun = '';
let parallelRun = '';
const QR_START = '/chosen/qr-start.json';

const live = (): ReturnType<Page['locator']> => page.getByTestId('view-live');
const attr = async (name: string): Promise<number> => Number(await live().getAttribute(name));
const draws = async (testid: string): Promise<number> => Number((await page.getByTestId(testid).locator('canvas').getAttribute('data-draws')) ?? 0);
async function until(what: string, cond: () => Promise<boolean>, timeoutMs = 90_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const readStore = <T>(f: (s: RunStore) => T): T => {
  const s = RunStore.open(wb.dbFile, { readonly: true });
  try {
    return f(s);
  } finally {
    s.close();
  }
};

beforeAll(async () => {
  buildApp();
  // Main's chooser: USPS for a directory, a QR start file for lyapunov.start; cancelled for other files.
  wb = await openWorkbench({
    dialogs: { choosePath: async (kind, field) => (kind === 'directory' ? USPS_DIR : field === 'lyapunov.start' ? QR_START : null) },
  });
  page = wb.page;
}, 180_000);
afterAll(async () => {
  await wb?.close();
});

describe('workbench in headless Chromium', () => {
  it('runs the built renderer under its Content-Security-Policy, with no Node and only the bridge', async () => {
    // Another origin that would answer (CORS open) if the policy let the page connect to it.
    await wb.context.route('http://elsewhere.test/**', (r) => r.fulfill({ status: 200, body: 'ok', headers: { 'access-control-allow-origin': '*' } }));
    // Page-side code as a string: it runs in the page (DOM), which this Node-side file does not type.
    const probe = await page.evaluate(`(async () => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
      const inline = document.createElement('script');
      inline.textContent = 'window.__inlineRan = true';
      document.body.appendChild(inline);
      const data = document.createElement('script');
      data.src = 'data:text/javascript,window.__dataRan=true';
      document.body.appendChild(data);
      setTimeout('window.__stringTimerRan = true', 0);
      let fetched = 'blocked';
      try {
        fetched = await (await fetch('http://elsewhere.test/x')).text();
      } catch {}
      await new Promise((r) => setTimeout(r, 200));
      return {
        ran: ['__inlineRan', '__dataRan', '__stringTimerRan'].filter((k) => window[k] === true),
        fetched,
        violations: [...new Set(violations)].sort(),
        node: typeof window.require + typeof window.process,
        bridge: Object.keys(window).filter((k) => k.startsWith('chaoslab')),
      };
    })()`);
    expect(probe).toEqual({
      ran: [],
      fetched: 'blocked',
      violations: expect.arrayContaining(['connect-src', 'script-src-elem']),
      node: 'undefinedundefined',
      bridge: ['chaoslabBridge'],
    });
  });

  it('rejects an invalid form, naming the field, inline and again in main', async () => {
    await page.getByTestId('nav-new').click();
    await page.locator('[data-preset="fig1-sgd"]').click();
    await expect.poll(() => page.getByTestId('est-params').textContent(), { timeout: 60_000 }).toBe('5,350');
    await screenshot(page, 'new-run');

    await fillForm(page, { 'train.lr': '-0.5', 'data.trainLimit': 'many' });
    await expect.poll(() => page.locator('[data-error-for="train.lr"]').textContent()).toBe('train.lr: must be > 0');
    expect(await page.locator('[data-error-for="data.trainLimit"]').textContent()).toBe('data.trainLimit: must be a finite number');
    await page.getByTestId('start').click();
    // Main validated the same payload and named the same fields.
    const submitError = await page.getByTestId('submit-error').textContent();
    expect(submitError).toContain('train.lr: must be > 0');
    expect(submitError).toContain('data.trainLimit: must be a finite number');
    await screenshot(page, 'new-run-invalid');
    expect(readStore((s) => s.list())).toEqual([]);
    await fillForm(page, { 'train.lr': '0.01', 'data.trainLimit': '' });
    expect(await page.locator('[data-error-for]').count()).toBe(0);

    // USPS from a directory the user picks in main's chooser; a cancelled chooser leaves the field alone.
    await fillForm(page, { 'data.dataset': 'usps' });
    await page.locator('[data-browse="data.dir"]').click();
    await expect.poll(() => page.locator('[name="data.dir"]').inputValue()).toBe(USPS_DIR);
    await page.locator('[data-section="cgd"]').check();
    await fillForm(page, { 'cgd.basisFile': 'keep.json' });
    await page.locator('[data-browse="cgd.basisFile"]').click();
    // A later chooser's answer has arrived, so the cancelled one's has too.
    await fillForm(page, { 'data.dir': '' });
    await page.locator('[data-browse="data.dir"]').click();
    await expect.poll(() => page.locator('[name="data.dir"]').inputValue()).toBe(USPS_DIR);
    expect(await page.locator('[name="cgd.basisFile"]').inputValue()).toBe('keep.json');
    expect(await page.locator('[data-browse="data.trainLimit"]').count()).toBe(0);

    // Download USPS from the form (here from a local mirror): into usps/ beside the database, and data.dir points there.
    const usps = (f: string) => readFileSync(join(USPS_DIR, f));
    const mirror = await startMirror({ '/usps/zip.train.gz': usps('zip.train.gz'), '/usps/zip.test.gz': usps('zip.test.gz') });
    try {
      process.env.CHAOSLAB_USPS_URL = mirror.url;
      await page.getByTestId('fetch-usps').click();
      await expect.poll(() => page.locator('[name="data.dir"]').inputValue()).toBe(join(wb.dir, 'usps'));
      expect(readdirSync(join(wb.dir, 'usps')).sort()).toEqual(['zip.test.gz', 'zip.train.gz']);
      await mirror.close();
      // Offline: the message says where to put the files.
      await page.getByTestId('fetch-usps').click();
      await expect
        .poll(() => page.getByTestId('fetch-usps-status').textContent())
        .toMatch(/^Could not download .*zip\.train\.gz: fetch failed.*Put zip\.train\.gz and zip\.test\.gz/);
    } finally {
      delete process.env.CHAOSLAB_USPS_URL;
      await mirror.close();
    }
  });

  it('renders every field of the config table, with its help as a tooltip, its options and Browse… for paths', async () => {
    await page.locator('[data-preset="fig1-sgd"]').click();
    for (const s of OPTIONAL_SECTIONS) await page.locator(`[data-section="${s}"]`).check();
    for (const kind of ['cnn', 'mlp']) {
      await fillForm(page, { 'model.kind': kind });
      for (const leaf of LEAVES) {
        const input = page.locator(`[name="${leaf.path}"]`);
        const shown = !leaf.variant || leaf.variant.value === kind;
        expect(await input.count(), leaf.path).toBe(shown ? 1 : 0);
        if (!shown) continue;
        expect(await page.locator('label.field', { has: input }).getAttribute('title'), leaf.path).toContain(leaf.help);
        expect(await page.locator(`[data-help-for="${leaf.path}"]`).count(), leaf.path).toBe(1);
        // A choice offers its words: in a select, or (one that may also name a file) as the suggestions of a text input.
        if (leaf.type === 'choice' && !leaf.names) expect(await input.locator('option').allTextContents(), leaf.path).toEqual(leaf.options);
        if (leaf.type === 'choice' && leaf.names) {
          expect(await input.evaluate((e) => e.tagName), leaf.path).toBe('INPUT');
          const words = page.locator(`[id="${await input.getAttribute('list')}"] option`);
          expect(await words.evaluateAll((os) => os.map((o) => o.getAttribute('value'))), leaf.path).toEqual(leaf.options);
        }
        expect(await page.locator(`[data-browse="${leaf.path}"]`).count(), leaf.path).toBe(isPathField(leaf.path) ? 1 : 0);
      }
    }
    // lyapunov.start: a word, or a file from main's chooser; empty is named as an error.
    const start = page.locator('[name="lyapunov.start"]');
    expect(await start.inputValue()).toBe('random');
    await page.locator('[data-browse="lyapunov.start"]').click();
    await expect.poll(() => start.inputValue()).toBe(QR_START);
    await fillForm(page, { 'lyapunov.start': '' });
    await expect
      .poll(() => page.locator('[data-error-for="lyapunov.start"]').textContent())
      .toBe('lyapunov.start: must be one of random, identity or a path to a file');
    for (const word of ['identity', 'random']) {
      await fillForm(page, { 'lyapunov.start': word });
      await expect.poll(() => page.locator('[data-error-for="lyapunov.start"]').count()).toBe(0);
    }
    // Every section on at its defaults is a valid config.
    expect(await page.locator('[data-error-for]').count()).toBe(0);
    for (const s of OPTIONAL_SECTIONS) await page.locator(`[data-section="${s}"]`).uncheck();
  });

  it('starts a preset run, streams frames into the charts, pauses, resumes and finishes', async () => {
    await page.locator('[data-preset="fig1-cgd-neg"]').click();
    await fillForm(page, { ...SMALL_RUN, name: 'e2e cgd neg', 'train.steps': '600' });
    await page.getByTestId('start').click();
    await live().waitFor();
    await until('frames', async () => (await attr('data-last-step')) >= 30);
    finishedRun = (await live().getAttribute('data-run-id'))!;
    expect(await attr('data-batches')).toBeGreaterThan(1);
    const loss0 = await draws('chart-loss');
    await until('the charts to redraw', async () => (await draws('chart-loss')) > loss0 && (await draws('spectrogram')) > 1);
    expect(await attr('data-columns')).toBeGreaterThan(0);
    expect(await page.getByTestId('backend').textContent()).toMatch(/TF\.js backend\s*\S+\s*LAPACK/);

    await page.getByTestId('pause').click();
    await until('paused', async () => (await page.getByTestId('status').textContent()) === 'paused');
    expect(readStore((s) => s.get(finishedRun).status)).toBe('paused');
    await new Promise((r) => setTimeout(r, 500));
    const held = await attr('data-last-step');
    await new Promise((r) => setTimeout(r, 1500));
    expect(await attr('data-last-step')).toBe(held);
    await screenshot(page, 'live-run-paused');

    await page.getByTestId('resume').click();
    await until('running again', async () => (await attr('data-last-step')) > held);
    await until('finished', async () => (await page.getByTestId('status').textContent()) === 'finished');
    await until('the final redraw from the store', async () => (await attr('data-last-step')) === 599);
    await screenshot(page, 'live-run');

    const { status, loss, spectra, pruned } = readStore((s) => ({
      status: s.get(finishedRun).status,
      loss: s.readSeries(finishedRun, 'loss'),
      spectra: s.readSpectra(finishedRun),
      pruned: s.readSeries(finishedRun, 'pruned'),
    }));
    expect(status).toBe('finished');
    expect(loss.steps.length).toBe(600);
    expect(spectra.length).toBe(600);
    expect(pruned.values.some((v) => v > 0)).toBe(true);
  });

  it('runs two experiments at once, reattaches to one from the library, cancels both; each keeps what it recorded', async () => {
    const startRun = async (name: string): Promise<string> => {
      await page.getByTestId('nav-new').click();
      await page.locator('[data-preset="fig1-sgd"]').click();
      await fillForm(page, { ...SMALL_RUN, name, 'train.steps': '20000' });
      await page.getByTestId('start').click();
      await until(
        `${name} to stream`,
        async () =>
          (await live().getAttribute('data-run-id')) !== null &&
          (await page.getByTestId('status').textContent()) === 'running' &&
          (await attr('data-last-step')) >= 10,
      );
      return (await live().getAttribute('data-run-id'))!;
    };
    cancelledRun = await startRun('e2e cancelled');
    parallelRun = await startRun('e2e parallel');
    expect(parallelRun).not.toBe(cancelledRun);
    expect(
      wb.service
        .listRuns({ status: 'running' })
        .map((r) => r.id)
        .sort(),
    ).toEqual([cancelledRun, parallelRun].sort());
    // The Live view names the other run writing now, to switch to it.
    await expect
      .poll(() =>
        page
          .getByTestId('other-live')
          .locator('[data-live-run]')
          .evaluateAll((b) => b.map((e) => e.getAttribute('data-live-run'))),
      )
      .toEqual([cancelledRun]);

    await page.getByTestId('cancel').click();
    await until('cancelled', async () => (await page.getByTestId('status').textContent()) === 'cancelled');

    // The first run is still going: open it from the library, which subscribes to its live frames again.
    await page.getByTestId('nav-library').click();
    await page.locator(`[data-run-row="${cancelledRun}"]`).getByTestId('open').click();
    await until('the reopened live run', async () => (await live().getAttribute('data-run-id')) === cancelledRun && (await attr('data-last-step')) > 0);
    const reopenedAt = await attr('data-last-step');
    await until('live frames after reopening', async () => (await attr('data-batches')) > 1 && (await attr('data-last-step')) > reopenedAt);
    await page.getByTestId('cancel').click();
    await until('cancelled', async () => (await page.getByTestId('status').textContent()) === 'cancelled');

    await until('no other live run listed', async () => (await page.getByTestId('other-live').count()) === 0);
    for (const id of [cancelledRun, parallelRun]) {
      const rec = readStore((s) => s.get(id));
      expect(rec.status).toBe('cancelled');
      expect(rec.lastStep).toBeGreaterThanOrEqual(10);
      expect(rec.lastStep).toBeLessThan(19999);
      expect(readStore((s) => s.readSeries(id, 'loss').steps.length)).toBeGreaterThanOrEqual(10);
    }
  });

  it('continues a cancelled run from its last checkpoint to the end', async () => {
    await page.getByTestId('nav-new').click();
    await page.locator('[data-preset="fig1-sgd"]').click();
    await fillForm(page, { ...SMALL_RUN, name: 'e2e continued', 'train.steps': '300', checkpointEvery: '25' });
    await page.getByTestId('start').click();
    await until('streaming', async () => (await live().getAttribute('data-run-id')) !== null && (await attr('data-last-step')) >= 30);
    const id = (await live().getAttribute('data-run-id'))!;
    await page.getByTestId('cancel').click();
    await until('cancelled', async () => (await page.getByTestId('status').textContent()) === 'cancelled');
    const stoppedAt = readStore((s) => s.get(id).lastStep);
    expect(stoppedAt).toBeLessThan(299);

    await page.getByTestId('continue').click();
    await until('finished', async () => (await page.getByTestId('status').textContent()) === 'finished');
    await until('the final redraw', async () => (await attr('data-last-step')) === 299);
    expect(readStore((s) => Array.from(s.readSeries(id, 'loss').steps))).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(readStore((s) => s.get(id))).toMatchObject({ status: 'finished', lastStep: 299 });
    expect(await page.getByTestId('continue').count()).toBe(0);
    // A finished run offers no Continue in the library either; main refuses it by name anyway.
    await page.getByTestId('nav-library').click();
    await until('the row', async () => (await page.locator(`[data-run-row="${id}"]`).count()) === 1);
    expect(await page.locator(`[data-run-row="${id}"]`).getByTestId('continue').count()).toBe(0);
    expect(await page.locator(`[data-run-row="${cancelledRun}"]`).getByTestId('continue').count()).toBe(1);
    await expect(wb.service.continueRun(id)).rejects.toThrow(/is finished/);
    await page.locator(`[data-run-row="${id}"]`).getByTestId('delete').click();
    await page.getByTestId('confirm').click();
    await until('the row to go', async () => (await page.locator(`[data-run-row="${id}"]`).count()) === 0);
  });

  it('reopens a run from the library, edits its tags and notes, deletes another after confirming', async () => {
    await page.getByTestId('nav-library').click();
    await until('all three runs listed', async () => (await page.locator('[data-run-row]').count()) === 3);
    await page.getByTestId('search').fill('cgd neg');
    await until('the search to filter', async () => (await page.locator('[data-run-row]').count()) === 1);
    const row = page.locator(`[data-run-row="${finishedRun}"]`);
    await row.getByTestId('edit').click();
    await page.getByTestId('edit-tags').fill('fig1, e2e, checked');
    await page.getByTestId('edit-notes').fill('pruned negative curvature; loss went down');
    await page.getByTestId('save').click();
    await until('saved', async () => (await row.textContent())!.includes('loss went down'));
    expect(readStore((s) => s.get(finishedRun))).toMatchObject({ tags: ['fig1', 'e2e', 'checked'], notes: 'pruned negative curvature; loss went down' });
    await page.getByTestId('search').fill('');
    await until('all three runs listed', async () => (await page.locator('[data-run-row]').count()) === 3);
    await screenshot(page, 'library');

    await page.locator(`[data-run-row="${cancelledRun}"]`).getByTestId('delete').click();
    await page.getByTestId('confirm-delete').waitFor();
    await screenshot(page, 'library-confirm-delete');
    await page.getByTestId('confirm').click();
    await until('the row to go', async () => (await page.locator('[data-run-row]').count()) === 2);
    expect(readStore((s) => s.list().map((r) => r.id)).sort()).toEqual([finishedRun, parallelRun].sort());

    await row.getByTestId('open').click();
    await live().waitFor();
    await until('the stored run to load', async () => (await attr('data-last-step')) === 599 && (await attr('data-columns')) === 600);
    expect(await page.getByTestId('status').textContent()).toBe('finished');
    await until('charts drawn', async () => (await draws('chart-loss')) > 0 && (await draws('spectrogram')) > 0 && (await draws('chart-counts')) > 0);
    expect(await page.getByTestId('density-caption').textContent()).toMatch(/^n = 5350 · non-null \d+ · null \d+/);
    // The Live view's spectrum charts export too: the density's CSV holds exactly the drawn bars, and they count
    // every stored non-null eigenvalue of that step in its λ interval.
    const density = page.getByTestId('density');
    const step = Number((await density.locator('.title').textContent())!.replace('Spectrum at step ', ''));
    const bars = parseCsv(await exportedFile(density, density.locator('[data-export="csv"]'), wb.dir));
    expect(bars.header).toEqual(['lambda_lo', 'lambda_hi', 'count']);
    const eigs = readStore((s) => s.readSpectra(finishedRun, { from: step, to: step }))[0].eigenvalues;
    for (const [lo, hi, count] of bars.rows.map((r) => r.map(Number))) expect(count).toBe(eigs.filter((l) => l >= lo && l < hi).length);
    expect(bars.rows.reduce((t, r) => t + Number(r[2]), 0)).toBe(eigs.length);
    // Bars labelled with their counts, in the semantic colours the counts chart uses for the same classes.
    const labels = (await density.locator('.bar-label').allTextContents()).map(Number);
    const drawn = bars.rows.map((r) => Number(r[2])).filter((c) => c > 0);
    expect(labels.length).toBeGreaterThan(0);
    for (const c of labels) expect(drawn).toContain(c);
    const negativeFill = await density.locator('.legend-entry', { hasText: 'negative' }).locator('rect').getAttribute('fill');
    expect(await page.getByTestId('chart-counts').locator('.legend-entry[data-label="negative"] line').getAttribute('stroke')).toBe(negativeFill);
    const nullColor = await page.getByTestId('chart-counts').locator('.legend-entry[data-label="null"] line').getAttribute('stroke');
    const chaoticColor = await page.getByTestId('chart-counts').locator('.legend-entry[data-label="chaotic"] line').getAttribute('stroke');
    expect(new Set([negativeFill, nullColor, chaoticColor]).size).toBe(3);
    // Axis titles with units; the spectrogram's colour bar.
    expect(await page.getByTestId('chart-loss').locator('.axis-title').allTextContents()).toEqual(['step', 'loss (nats)']);
    expect(await density.locator('.axis-title').allTextContents()).toEqual(['Hessian eigenvalue λ', 'eigenvalues per bin']);
    expect(await page.getByTestId('spectrogram').locator('.colorbar-title').textContent()).toBe('eigenvalues per bin');
    expect(await page.getByTestId('spectrogram').locator('.colorbar .tick').count()).toBeGreaterThanOrEqual(2);
    const densitySize = await figureSize(density);
    expect(pngSize(await exportedFile(density, density.locator('[data-export="png"]'), wb.dir))).toEqual({
      width: 2 * densitySize.w,
      height: 2 * densitySize.h,
    });
    const spectrogram = page.getByTestId('spectrogram');
    const counts = parseCsv(await exportedFile(spectrogram, spectrogram.locator('[data-export="csv"]'), wb.dir));
    expect(new Set(counts.rows.map((r) => Number(r[0]))).size).toBe(600);
    // Zoom into the loss chart with the wheel: the x axis shows a narrower step range; double-click resets it.
    const lossChart = page.getByTestId('chart-loss');
    const xTicks = (): Promise<string[]> => lossChart.locator('.x-axis .tick text').allTextContents();
    const before = await xTicks();
    await lossChart.locator('rect.overlay').hover({ position: { x: 200, y: 60 } });
    await page.mouse.wheel(0, -600);
    await expect.poll(async () => (await xTicks()).join()).not.toBe(before.join());
    await lossChart.locator('rect.overlay').dblclick({ position: { x: 200, y: 60 } });
    await expect.poll(async () => (await xTicks()).join()).toBe(before.join());
    await lossChart.locator('rect.overlay').hover({ position: { x: 200, y: 60 } });
    await expect.poll(() => lossChart.locator('.readout').textContent()).toMatch(/^step \d+ · train \S+/);
    await page
      .getByTestId('spectrogram')
      .locator('rect.overlay')
      .hover({ position: { x: 100, y: 60 } });
    await expect.poll(() => page.getByTestId('spectrogram').locator('.readout').textContent()).toMatch(/^step \d+ · λ ≈/);
    await screenshot(page, 'reopened-run');

    // Menu File → Export…: the open run as a .chaoslab file through the save dialog, with feedback.
    wb.push('menu.command', { command: 'export' });
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain(`Exported the run to ${join(wb.dir, 'e2e_cgd_neg.chaoslab')}.`);
    const exported = RunStore.open(join(wb.dir, 'e2e_cgd_neg.chaoslab'), { readonly: true });
    expect(exported.list().map((r) => r.id)).toEqual([finishedRun]);
    exported.close();
    await page.getByTestId('notice').getByRole('button').click();
    expect(await page.getByTestId('notice').count()).toBe(0);
  });

  it('runs Figure 3: a Lyapunov run, then the replica stage it seeds, with the divergence fit', async () => {
    await page.getByTestId('nav-new').click();
    await page.locator('[data-preset="fig3-lyapunov-replicas"]').click();
    // γ = 0.05: over 60 steps the leading initial-frame vectors separate (at the paper's γ = 0.001 they crowd).
    await fillForm(page, { ...SMALL_RUN, 'train.steps': '60', 'train.lr': '0.05', 'lyapunov.k': '8' });
    // The paper's perturb_strat=all: the four Lyapunov strategies for each of 5 seeds.
    expect(await page.getByTestId('follow-up').textContent()).toMatch(/20 replicas perturbed by\s+ε =\s*0\.1 \(all\)/);
    await page.getByTestId('start').click();
    await live().waitFor();
    const lyapRun = (await live().getAttribute('data-run-id'))!;
    await page.getByTestId('chart-lyapunov').waitFor({ timeout: 120_000 });
    await until('finished', async () => (await page.getByTestId('status').textContent()) === 'finished');
    await until('the Lyapunov chart drawn', async () => (await draws('chart-lyapunov')) > 0);
    await screenshot(page, 'live-run-lyapunov');
    // k exponents in a sequential map with a colour bar from 1 to k, not a legend of k entries.
    const lyap = page.getByTestId('chart-lyapunov');
    expect(await lyap.locator('.legend-entry').count()).toBe(0);
    expect(await lyap.locator('.colorbar-title').textContent()).toBe('exponent index i');
    const idx = await lyap.locator('.colorbar .tick').allTextContents();
    expect([idx[0], idx.at(-1)]).toEqual(['1', '8']);
    expect(readStore((s) => s.readLyapunov(lyapRun).at(-1)!.exponents.length)).toBe(8);

    let replicaRun = '';
    await until('the replica stage to start', async () => {
      replicaRun = readStore((s) => s.list().find((r) => r.name === 'fig3 replicas all')?.id ?? '');
      return replicaRun !== '';
    });
    expect(readStore((s) => s.get(replicaRun).config.replicas?.lyapunovSource)).toBe(lyapRun);
    // The replica run is in the store as soon as its worker created it, possibly before the service saw it start.
    await until('the replica stage to finish', async () => readStore((s) => s.get(replicaRun).status) === 'finished');
    await page.getByTestId('nav-library').click();
    await page.locator(`[data-run-row="${replicaRun}"]`).getByTestId('open').click();
    await until('the replica chart', async () => (await page.getByTestId('chart-replicas').count()) === 1 && (await draws('chart-replicas')) > 0);
    expect(await page.getByTestId('status').textContent()).toBe('finished');
    // The divergence first: its two panels and the fitted parameters (a, b ≥ 0, d₀ measured) of the replica groups.
    // One table per group: max_chaos, randn_chaos, max_convergence, randn_convergence at ε = 0.1.
    const table = page.getByTestId('divergence-table').first();
    await table.waitFor();
    expect(await page.getByTestId('divergence-table').count()).toBe(4);
    expect(await table.locator('tr[data-param]').evaluateAll((r) => r.map((e) => e.getAttribute('data-param')))).toEqual(
      expect.arrayContaining(['a', 'b', 'd0']),
    );
    expect(await table.locator('tr[data-param="d0"] td').nth(5).textContent()).toBe('measured at t = 0');
    expect(await page.getByTestId('live-divergence-early').count()).toBe(1);
    // The 20 replica curves in their group's colour: one legend entry per group; the CSV still names every replica.
    const replicaChart = page.getByTestId('chart-replicas');
    expect(await replicaChart.locator('.legend-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-label')))).toEqual(
      ['max_chaos', 'randn_chaos', 'max_convergence', 'randn_convergence'].map((s) => `${s}, ε = 0.1: 5 replicas`),
    );
    const curves = parseCsv(await exportedFile(replicaChart, replicaChart.locator('[data-export="csv"]'), wb.dir)).rows;
    expect(new Set(curves.map((r) => r[0])).size).toBe(20);
    expect(curves[0][0]).toBe('replica 1 (max_chaos, ε = 0.1, seed 0)');
    // The offset's components: its CSV holds the RMS over the 20 replicas of the stored distances and projections.
    const parts = page.getByTestId('chart-replica-parts');
    await until('the components chart', async () => (await draws('chart-replica-parts')) > 0);
    const rows = parseCsv(await exportedFile(parts, parts.locator('[data-export="csv"]'), wb.dir)).rows;
    const frames = readStore((s) => s.readReplicas(replicaRun));
    const rms = (v: Float64Array): number => Math.sqrt(v.reduce((t, x) => t + x * x, 0) / v.length);
    const column = (label: string): number[] => rows.filter((r) => r[0].startsWith(label)).map((r) => Number(r[2]));
    expect(column('distance')).toEqual(frames.map((f) => rms(f.distances)));
    expect(column('along the gradient')).toEqual(frames.map((f) => rms(f.alongGrad)));
    expect(column('along the top Hessian eigenvector')).toEqual(frames.map((f) => rms(f.alongTop)));
    await screenshot(page, 'live-run-replicas');
  });

  it('shows the About box with versions and backends', async () => {
    await page.getByTestId('nav-about').click();
    const about = page.getByTestId('about');
    await about.waitFor();
    expect(await about.textContent()).toMatch(/linear algebra: .*TF\.js: \S+ \(latest run\)/s);
    // The app icon (resources/icon.svg) is shown, loaded under the CSP.
    // (The Node-side type-check has no DOM types: the element is read structurally.)
    const iconWidth = (): Promise<number> =>
      about.getByTestId('about-icon').evaluate((el) => {
        const img = el as unknown as { complete: boolean; naturalWidth: number };
        return img.complete ? img.naturalWidth : 0;
      });
    await expect.poll(iconWidth).toBeGreaterThan(0);
    await screenshot(page, 'about');
    await about.getByRole('button', { name: 'Close' }).click();
  });
});

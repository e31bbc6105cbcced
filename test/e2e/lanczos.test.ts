// End to end in headless Chromium: a spectrum.method 'lanczos' run started from the New-run form (its fields shown
// once the method is chosen, the cost estimate's method advice) and watched in the Live view: the spectrum at a
// step is the SLQ density with its ± SE band and the Lanczos extremes, the spectrogram and the counts are labelled
// estimates (counts ± SE), and the note says what CGD prunes under Lanczos. Real engine, real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { RunStore } from '../../src/main/store/run-store';
import type { Workbench } from './harness';
import { SMALL_RUN, buildApp, fillForm, openWorkbench, screenshot } from './harness';
import { exportedFile, parseCsv } from './exports';

let wb: Workbench;
let page: Page;
const LABEL = 'estimate (SLQ, 4 probes × 30 steps)';

beforeAll(async () => {
  buildApp();
  wb = await openWorkbench();
  page = wb.page;
}, 180_000);
afterAll(async () => {
  await wb?.close();
});

describe('a Lanczos run in the workbench', () => {
  it('shows the density with its band, the estimate labels and the counts ± SE', async () => {
    await page.getByTestId('nav-new').click();
    await page.locator('[data-preset="fig1-cgd-neg"]').click();
    expect(await page.locator('[name="spectrum.k"]').count()).toBe(0);
    await fillForm(page, { ...SMALL_RUN, name: 'e2e lanczos', 'train.steps': '25', 'spectrum.method': 'lanczos' });
    await fillForm(page, { 'spectrum.k': '5', 'spectrum.lanczosSteps': '200', 'spectrum.probes': '4', 'spectrum.slqSteps': '30' });
    // The estimate prices both methods; on the paper's MLP it names what exact would cost.
    await expect.poll(() => page.getByTestId('est-method').getAttribute('data-recommended'), { timeout: 60_000 }).toMatch(/^(exact|lanczos)$/);
    expect(await page.getByTestId('est-method-note').textContent()).toMatch(/exact \d.* Lanczos ≤ \d|Lanczos ≤ \d.* exact \d/);
    await page.getByTestId('start').click();
    const live = page.getByTestId('view-live');
    await live.waitFor();
    const runId = (await live.getAttribute('data-run-id'))!;
    await expect.poll(() => page.getByTestId('status').textContent(), { timeout: 240_000 }).toBe('finished');
    await expect.poll(async () => Number(await live.getAttribute('data-columns')), { timeout: 60_000 }).toBe(25);

    const density = page.getByTestId('density');
    expect(await density.getAttribute('data-estimate')).toBe(LABEL);
    expect(await density.locator('.title').textContent()).toMatch(new RegExp(`^Spectrum at step \\d+ — ${LABEL.replace(/[()×]/g, '.')}$`));
    expect(await density.locator('.legend-entry', { hasText: `${LABEL} ± SE` }).count()).toBe(1);
    expect(await density.locator('.legend-entry', { hasText: 'Lanczos λ < 0' }).count()).toBe(1);
    expect(await page.getByTestId('density-caption').textContent()).toMatch(
      /^n = 5350 · estimate \(SLQ, 4 probes × 30 steps\) · null \(\|λ\| ≤ τ_c = \S+\) ≈ \S+ ± \S+ · λ ∈/,
    );
    expect(await density.locator('.axis-title').allTextContents()).toEqual(['Hessian eigenvalue λ', `eigenvalues per bin (${LABEL})`]);
    // The band is the drawn bins' standard errors: the CSV holds each bin's count and SE.
    const bins = parseCsv(await exportedFile(density, density.locator('[data-export="csv"]'), wb.dir));
    expect(bins.header).toEqual(['lambda_lo', 'lambda_hi', 'count', 'se']);
    expect(bins.rows.some((r) => Number(r[3]) > 0 && Number(r[2]) > 0)).toBe(true);
    const svg = await exportedFile(density, density.locator('[data-export="svg"]'), wb.dir);
    expect(svg).toMatch(/\.svg$/);

    const spectrogram = page.getByTestId('spectrogram');
    expect(await spectrogram.getAttribute('data-estimate')).toBe(LABEL);
    expect(await spectrogram.locator('.colorbar-title').textContent()).toBe('eigenvalues per bin (SLQ estimate)');
    const counts = page.getByTestId('chart-counts');
    expect(await counts.locator('.title').textContent()).toBe('Eigenvalue counts — estimate (SLQ) ± SE');
    const entries = await counts.locator('.legend-entry').evaluateAll((es) => es.map((e) => e.getAttribute('data-label')));
    expect(entries).toEqual(['negative (estimate ± SE)', 'chaotic (estimate ± SE)', 'pruned (CGD, among the bottom/top-k)']);
    const rows = parseCsv(await exportedFile(counts, counts.locator('[data-export="csv"]'), wb.dir));
    expect(rows.header).toEqual(['series', 'step', 'value', 'ci_lo', 'ci_hi']);
    const neg = rows.rows.filter((r) => r[0] === 'negative (estimate ± SE)');
    const stored = (() => {
      const s = RunStore.open(wb.dbFile, { readonly: true });
      try {
        return { v: s.readSeries(runId, 'n_neg_est').values, se: s.readSeries(runId, 'n_neg_est_se').values, n: s.readEstimatedSpectra(runId).length };
      } finally {
        s.close();
      }
    })();
    expect(stored.n).toBe(25);
    expect(neg.map((r) => Number(r[2]))).toEqual(Array.from(stored.v));
    expect(neg.map((r) => Number(r[4]) - Number(r[2]))).toEqual(Array.from(stored.se, (e, i) => stored.v[i] + e - stored.v[i]));
    // The run panel's headline: the last estimate with its SE, labelled as an estimate; no exact count.
    const headline = page.getByTestId('headlines');
    expect(await headline.locator('[data-headline="n_neg_est"]').textContent()).toContain('negative eigenvalues (SLQ estimate)');
    expect(await headline.locator('[data-headline="n_neg_est"] b').textContent()).toBe(`${stored.v[24].toFixed(0)} ± ${stored.se[24].toFixed(0)}`);
    expect(await headline.locator('[data-headline="n_neg"]').count()).toBe(0);
    expect(await page.getByTestId('cgd-lanczos-note').textContent()).toMatch(/CGD under Lanczos prunes only among the 5 bottom and 5 top eigenpairs/);
    expect(await page.locator('[data-testid="chart-extremes"] .title').textContent()).toBe('Extreme eigenvalues (Lanczos)');
    await screenshot(page, 'live-run-lanczos');
  }, 300_000);
});

// End to end: three runs made by the real engine into a real SQLite file (two SGD seeds, one CGD), compared
// in the built renderer in headless Chromium: overlay, config differences, cursor table, seed group with its
// band and divergence fit, smoothing, log axes, x = wall time, and export of charts and of the whole view
// through the handler table's save-target chooser (here: a function that answers with a path in a temp dir).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../../src/shared/config';
import { validateConfig } from '../../src/shared/config';
import { runExperiment } from '../../src/main/engine/runner';
import { RunStore } from '../../src/main/store/run-store';
import { USPS_DIR } from '../helpers/fixtures';
import type { Workbench } from './harness';
import { OUTPUT, buildApp, openWorkbench, screenshot } from './harness';
import { exportedFile, figureSize, parseCsv, pngSize } from './exports';
import { StoreLibrary } from '../../src/main/store/run-library';

const STEPS = 150;
let wb: Workbench;
let page: Page;
const exportDir = mkdtempSync(join(tmpdir(), 'chaoslab-export-'));
const asked: { name: string; extensions: string[] }[] = [];
const ids = { sgd1: '', sgd2: '', cgd: '' };

function config(over: Record<string, unknown>): RunConfig {
  const v = validateConfig({
    data: { dataset: 'usps', dir: USPS_DIR, trainLimit: 400, testEvery: 25, testLimit: 200 },
    model: { kind: 'mlp', hidden: 20, activation: 'relu' },
    train: { steps: STEPS, batchSize: 8, lr: 0.05, momentum: 0 },
    spectrum: { every: 5 },
    checkpointEvery: 0,
    ...over,
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.config;
}
const stored = <T>(f: (s: RunStore) => T): T => {
  const s = RunStore.open(wb.dbFile, { readonly: true });
  try {
    return f(s);
  } finally {
    s.close();
  }
};

/** Parsed in the page with DOMParser: parse errors, all text content. */
async function parseSvg(file: string): Promise<{ error: string; texts: string[]; root: string; width: number; height: number }> {
  return page.evaluate(
    (text) => {
      const doc = new (globalThis as unknown as { DOMParser: new () => { parseFromString(t: string, m: string): XmlDoc } }).DOMParser().parseFromString(
        text,
        'image/svg+xml',
      );
      const err = doc.querySelector('parsererror');
      const root = doc.documentElement;
      return {
        error: err ? (err.textContent ?? 'parse error') : '',
        texts: [...doc.querySelectorAll('text')].map((t) => t.textContent ?? ''),
        root: root.nodeName,
        width: Number(root.getAttribute('width')),
        height: Number(root.getAttribute('height')),
      };
    },
    readFileSync(file, 'utf8'),
  );
}
/** The little of the DOM's Document that parseSvg reads (the Node type-check has no DOM lib). */
interface XmlNode {
  nodeName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
}
interface XmlDoc {
  documentElement: XmlNode;
  querySelector(s: string): XmlNode | null;
  querySelectorAll(s: string): Iterable<XmlNode>;
}
/** Click an export button and wait for the chart (or view) to report the written file, in exportDir. */
const exportFrom = (holder: Locator, button: Locator): Promise<string> => exportedFile(holder, button, exportDir);
async function setRange(l: Locator, value: string): Promise<void> {
  await l.evaluate((el, v) => {
    (el as unknown as { value: string }).value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}
const draws = async (chart: Locator): Promise<number> => Number((await chart.locator('canvas').getAttribute('data-draws')) ?? 0);
/** Debiased EMA, as the chart documents it (lib/ema.ts). */
function ema(v: number[], a: number): number[] {
  let m = 0;
  let w = 1;
  return v.map((x) => ((m = a * m + (1 - a) * x), (w *= a), m / (1 - w)));
}

beforeAll(async () => {
  buildApp();
  wb = await openWorkbench({
    dialogs: {
      saveFile: async (name, filter) => {
        asked.push({ name, extensions: filter?.extensions ?? [] });
        return join(exportDir, `${asked.length}-${name}`);
      },
    },
  });
  page = wb.page;
  const replicas = { strategy: 'randn', eps: [0.01], seeds: [0, 1] };
  ids.sgd1 = (await runExperiment(config({ name: 'sgd seed 1', seed: 1, replicas }), { library: StoreLibrary.open(wb.dbFile) })).runId;
  ids.sgd2 = (await runExperiment(config({ name: 'sgd seed 2', seed: 2, replicas }), { library: StoreLibrary.open(wb.dbFile) })).runId;
  ids.cgd = (
    await runExperiment(config({ name: 'cgd neg', seed: 1, cgd: { prune: 'neg' }, spectrum: { every: 1 } }), { library: StoreLibrary.open(wb.dbFile) })
  ).runId;
}, 180_000);
afterAll(async () => {
  await wb?.close();
  rmSync(exportDir, { recursive: true, force: true });
});

describe('compare view in headless Chromium', () => {
  const view = (): Locator => page.getByTestId('view-compare');
  const loss = (): Locator => page.getByTestId('compare-loss');

  it('opens three stored runs from the library, overlaid, with the config fields that differ', async () => {
    await page.getByTestId('nav-library').click();
    await expect.poll(() => page.locator('[data-run-row]').count()).toBe(3);
    for (const id of Object.values(ids)) await page.locator(`[data-run-row="${id}"]`).getByTestId('pick').check();
    await page.getByTestId('compare-selected').click();
    await expect.poll(() => view().getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    await expect.poll(() => draws(loss())).toBeGreaterThan(0);
    expect(await loss().locator('.legend-entry').allTextContents()).toEqual(expect.arrayContaining(['sgd seed 1', 'sgd seed 2', 'cgd neg']));
    // Stable colours: the run chip and the legend entry of a run share one colour.
    const chip = await page.locator(`[data-run-chip="${ids.cgd}"] i`).getAttribute('style');
    const legend = await loss().locator('.legend-entry[data-label="cgd neg"] line').getAttribute('stroke');
    expect(legend).toMatch(/^#[0-9a-fA-F]{6}$/);
    const hex = (css: string): string =>
      '#' +
      css
        .match(/\d+/g)!
        .map((v) => Number(v).toString(16).padStart(2, '0'))
        .join('');
    expect(hex(chip!)).toBe(legend!.toLowerCase());

    const fields = await page.locator('[data-testid="config-diff"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')));
    expect(fields).toEqual(expect.arrayContaining(['seed', 'name', 'cgd.prune', 'spectrum.every']));
    expect(fields).not.toContain('train.lr');
    expect(fields).not.toContain('model.hidden');

    await loss()
      .locator('rect.overlay')
      .hover({ position: { x: 150, y: 50 } });
    await expect.poll(() => loss().getByTestId('tooltip').locator('[data-tip-row]').count()).toBe(3);
    expect(await loss().getByTestId('tooltip').locator('.tip-title').textContent()).toMatch(/^step \d+$/);
    // Spectrogram small multiples and the spectra of all runs at one common step.
    await expect.poll(() => page.locator('[data-spectrogram]').count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => page.getByTestId('compare-spectra').locator('.legend-entry').count(), { timeout: 20_000 }).toBe(3);
    expect(Number(await page.getByTestId('spectrum-step').inputValue()) % 5).toBe(0);
    await screenshot(page, 'compare');
  });

  it('exports a chart as PNG at 2×, SVG with axes and legend, and CSV equal to the stored values', async () => {
    const size = await figureSize(loss());
    const svgFile = await exportFrom(loss(), loss().locator('[data-export="svg"]'));
    const svg = await parseSvg(svgFile);
    expect(svg.error).toBe('');
    expect(svg.root).toBe('svg');
    expect({ w: svg.width, h: svg.height }).toEqual(size);
    expect(svg.texts).toEqual(expect.arrayContaining(['loss', 'step', 'loss (nats)', 'sgd seed 1', 'sgd seed 2', 'cgd neg']));

    const png = await exportFrom(loss(), loss().locator('[data-export="png"]'));
    expect(pngSize(png)).toEqual({ width: 2 * size.w, height: 2 * size.h });
    expect(asked.at(-1)).toEqual({ name: 'loss.png', extensions: ['png'] });

    const csv = parseCsv(await exportFrom(loss(), loss().locator('[data-export="csv"]')));
    expect(csv.header).toEqual(['series', 'step', 'value']);
    const want = stored((s) => s.readSeries(ids.sgd2, 'loss'));
    const rows = csv.rows.filter((r) => r[0] === 'sgd seed 2');
    expect(rows.length).toBe(STEPS);
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from(want.steps));
    expect(rows.map((r) => Number(r[2]))).toEqual(Array.from(want.values));
    expect(csv.rows.length).toBe(3 * STEPS);
  });

  it('smooths with EMA and switches to log x, flagging the step-0 points instead of moving them', async () => {
    await setRange(loss().locator('[data-control="smoothing"]'), '0.6');
    await loss().locator('[data-control="log-x"]').check();
    await expect.poll(() => loss().getByTestId('chart-note').textContent()).toBe('not drawn on log axes: 3 with step ≤ 0');
    expect(await loss().getAttribute('data-smoothing')).toBe('0.6');
    await screenshot(page, 'compare-smoothed-log');

    const csv = parseCsv(await exportFrom(loss(), loss().locator('[data-export="csv"]')));
    expect(csv.header).toEqual(['series', 'step', 'value', 'ema_0.6']);
    const want = stored((s) => s.readSeries(ids.cgd, 'loss'));
    const rows = csv.rows.filter((r) => r[0] === 'cgd neg');
    // Step 0 is not on a log axis, so it is not plotted and not exported; the smoothing still started there.
    expect(rows.map((r) => Number(r[1]))).toEqual(Array.from(want.steps).slice(1));
    expect(rows.map((r) => Number(r[2]))).toEqual(Array.from(want.values).slice(1));
    const smooth = ema(Array.from(want.values), 0.6).slice(1);
    rows.forEach((r, i) => expect(Number(r[3])).toBeCloseTo(smooth[i], 12));

    const svg = await parseSvg(await exportFrom(loss(), loss().locator('[data-export="svg"]')));
    expect(svg.texts).toEqual(expect.arrayContaining(['loss (EMA α = 0.6)', 'step', 'loss (nats)', 'not drawn on log axes: 3 with step ≤ 0']));
    await loss().locator('[data-control="log-x"]').uncheck();
    await setRange(loss().locator('[data-control="smoothing"]'), '0');
  });

  it('plots against wall time and against another metric, joined on step', async () => {
    const acc = page.getByTestId('compare-acc');
    await acc.locator('[data-control="x"]').selectOption('wall');
    await acc.locator('rect.overlay').hover({ position: { x: 120, y: 40 } });
    await expect.poll(() => acc.locator('.readout').textContent()).toMatch(/^step \d+ · wall \S+ · /);
    const csv = parseCsv(await exportFrom(acc, acc.locator('[data-export="csv"]')));
    expect(csv.header).toEqual(['series', 'step', 'wall', 'value']);
    const { wall, value } = stored((s) => ({ wall: s.readSeries(ids.sgd1, 'wall'), value: s.readSeries(ids.sgd1, 'acc') }));
    const rows = csv.rows.filter((r) => r[0] === 'sgd seed 1');
    expect(rows.map((r) => Number(r[2]))).toEqual(Array.from(wall.values));
    expect(rows.map((r) => Number(r[3]))).toEqual(Array.from(value.values));

    // x = loss is not monotonic in step: points sorted by x, drawn as dots, each still its stored (loss, acc).
    await acc.locator('[data-control="x"]').selectOption('loss');
    const scatter = parseCsv(await exportFrom(acc, acc.locator('[data-export="csv"]')));
    expect(scatter.header).toEqual(['series', 'step', 'loss', 'value']);
    const lossAt = new Map(Array.from(stored((s) => s.readSeries(ids.sgd1, 'loss')).steps, (st, i) => [st, i]));
    const lossValues = stored((s) => s.readSeries(ids.sgd1, 'loss').values);
    const pts = scatter.rows.filter((r) => r[0] === 'sgd seed 1').map((r) => r.map(Number));
    expect(pts.length).toBe(STEPS);
    pts.forEach(([, step, x, v], i) => {
      expect(x).toBe(lossValues[lossAt.get(step)!]);
      expect(v).toBe(value.values[step]);
      if (i) expect(x).toBeGreaterThanOrEqual(pts[i - 1][2]);
    });
    await screenshot(page, 'compare-x-scalar');
    await acc.locator('[data-control="x"]').selectOption('step');
  });

  it('groups the two seeds as mean with their min–max band (n = 2, labelled), with the divergence fit of the group', async () => {
    await page.getByTestId('group-seeds').check();
    await expect.poll(() => view().getAttribute('data-groups')).toBe('1');
    await expect.poll(() => loss().locator('.legend-entry').allTextContents()).toEqual(['sgd seed 1 ×2: mean, min–max (n = 2)', 'cgd neg']);
    // The group's divergence: 4 replica curves (2 runs × 2 seeds), their mean with a 95 % CI, and the fitted parameters.
    const table = page.locator('[data-testid="divergence-table"][data-group="sgd seed 1 ×2"]');
    await expect.poll(() => table.locator('tr[data-param="d0"] td').nth(5).textContent()).toBe('measured at t = 0');
    expect(await page.getByTestId('compare-divergence-early').locator('.legend-entry').first().textContent()).toBe('sgd seed 1 ×2: mean ± 95 % CI (n = 4)');
    await screenshot(page, 'compare-grouped');

    const csv = parseCsv(await exportFrom(loss(), loss().locator('[data-export="csv"]')));
    expect(csv.header).toEqual(['series', 'step', 'value', 'ci_lo', 'ci_hi']);
    const [a, b] = stored((s) => [s.readSeries(ids.sgd1, 'loss'), s.readSeries(ids.sgd2, 'loss')]);
    const mean = csv.rows.filter((r) => r[0] === 'sgd seed 1 ×2: mean, min–max (n = 2)');
    expect(mean.length).toBe(STEPS);
    mean.forEach((r, i) => {
      expect(Number(r[2])).toBeCloseTo((a.values[i] + b.values[i]) / 2, 12);
      // Two members: the band is their min–max, not a ±12.7·SE t-band.
      expect(Number(r[3])).toBe(Math.min(a.values[i], b.values[i]));
      expect(Number(r[4])).toBe(Math.max(a.values[i], b.values[i]));
    });
  });

  it('exports a spectrogram small multiple: PNG at 2×, SVG with the heat map as vector cells and axes, CSV of the binned counts', async () => {
    const panel = page.locator('[data-spectrogram="Spectrogram cgd neg"] figure');
    const size = await figureSize(panel);
    expect(pngSize(await exportFrom(panel, panel.locator('[data-export="png"]')))).toEqual({ width: 2 * size.w, height: 2 * size.h });
    const svg = await parseSvg(await exportFrom(panel, panel.locator('[data-export="svg"]')));
    expect(svg.error).toBe('');
    expect(svg.texts).toEqual(expect.arrayContaining(['Spectrogram cgd neg', 'λ = 0', 'step', 'Hessian eigenvalue λ', 'eigenvalues per bin']));
    const text = readFileSync((await panel.getAttribute('data-exported'))!, 'utf8');
    expect(text).not.toMatch(/<image/);
    expect(text.match(/<g class="heatmap">(.*?)<\/g>/)![1].match(/<rect /g)!.length).toBeGreaterThan(100);
    const csv = parseCsv(await exportFrom(panel, panel.locator('[data-export="csv"]')));
    expect(csv.header).toEqual(['step', 'lambda_lo', 'lambda_hi', 'count']);
    // Every stored non-null eigenvalue of every step is counted in exactly one bin.
    const spectra = stored((s) => s.readSpectra(ids.cgd));
    const perStep = new Map<number, number>();
    for (const r of csv.rows) perStep.set(Number(r[0]), (perStep.get(Number(r[0])) ?? 0) + Number(r[3]));
    expect([...perStep.keys()]).toEqual(spectra.map((f) => f.step));
    expect([...perStep.values()]).toEqual(spectra.map((f) => f.eigenvalues.length));
  });

  it('titles every axis with its unit, writes step ticks as 0, 2k, 4k, and keeps one colour per run', async () => {
    expect(await loss().locator('.axis-title').allTextContents()).toEqual(['step', 'loss (nats)']);
    expect(await page.getByTestId('compare-acc').locator('.axis-title').allTextContents()).toEqual(['step', 'accuracy (fraction)']);
    expect(await page.getByTestId('compare-spectra').locator('.axis-title').allTextContents()).toEqual(['Hessian eigenvalue λ', 'eigenvalues per bin']);
    const ticks = await loss().locator('.x-axis .tick text').allTextContents();
    expect(ticks[0]).toBe('0');
    for (const t of ticks) expect(t).toMatch(/^(\d{1,3}|\d+(\.\d)?k)$/);
    // A run's colour picked in the chips: chip, legend and spectrogram edge follow, and it is kept for next time.
    await page.locator(`[data-run-color="${ids.cgd}"]`).evaluate((el) => {
      (el as unknown as { value: string }).value = '#123456';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await expect.poll(() => loss().locator('.legend-entry[data-label="cgd neg"] line').getAttribute('stroke')).toBe('#123456');
    expect(await page.locator(`[data-run-chip="${ids.cgd}"] i`).getAttribute('style')).toMatch(/rgb\(18, 52, 86\)/);
    expect(await page.evaluate("localStorage.getItem('chaoslab.runColors')")).toBe(JSON.stringify({ [ids.cgd]: '#123456' }));
    // The palette setting recolours the other runs from a colour-blind-safe palette.
    await page.getByTestId('run-palette').selectOption('tol-muted');
    const muted = ['#CC6677', '#332288', '#DDCC77', '#117733', '#88CCEE', '#882255', '#44AA99', '#999933', '#AA4499'];
    await expect.poll(async () => muted.includes((await loss().locator('.legend-entry[data-label="cgd neg"] line').getAttribute('stroke'))!)).toBe(false);
    await expect.poll(async () => muted.includes((await loss().locator('.legend-entry').first().locator('line').getAttribute('stroke'))!)).toBe(true);
    await page.getByTestId('run-palette').selectOption('okabe-ito');
  });

  it('colours spectrograms on one shared scale or one per panel, each with its colour bar', async () => {
    const panels = page.locator('[data-spectrogram] figure');
    const his = async (): Promise<number[]> => (await panels.locator('.colorbar').evaluateAll((b) => b.map((e) => e.getAttribute('data-hi')))).map(Number);
    expect(await panels.locator('.colorbar-title').allTextContents()).toEqual(Array(3).fill('eigenvalues per bin'));
    const own: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = panels.nth(i);
      const counts = parseCsv(await exportFrom(p, p.locator('[data-export="csv"]'))).rows.map((r) => Number(r[3]));
      own.push(Math.max(...counts));
    }
    await expect.poll(his).toEqual(Array(3).fill(Math.max(...own)));
    await page.getByTestId('color-scale').selectOption('false');
    await expect.poll(his).toEqual(own.map((m) => Math.max(2, m)));
    await screenshot(page, 'compare-per-panel-scale');
    await page.getByTestId('color-scale').selectOption('true');
  });

  it('exports a print figure of a chart at the chosen width and font: SVG in pt, PNG at the dpi, PDF of that page size', async () => {
    const chooseAndExport = async (fields: Record<string, string>): Promise<string> => {
      await loss().locator('[data-export="figure"]').click();
      const dialog = loss().getByTestId('export-dialog');
      for (const [name, value] of Object.entries(fields)) {
        const el = dialog.locator(`[name="${name}"]`);
        if ((await el.evaluate((e) => e.tagName)) === 'SELECT') await el.selectOption(value);
        else await el.fill(value);
      }
      return exportFrom(loss(), dialog.getByTestId('export-go'));
    };
    const svgFile = await chooseAndExport({ format: 'svg', width: 'double', fontSize: '9', height: '300' });
    const text = readFileSync(svgFile, 'utf8');
    expect(text).toMatch(/^<svg [^>]*width="504pt" height="300pt" viewBox="0 0 504 300"/);
    expect(text).toMatch(/<text [^>]*font-size="9" class="axis-title"[^>]*>step<\/text>/);
    const parsed = await parseSvg(svgFile);
    expect(parsed.error).toBe('');
    expect(parsed.texts).toEqual(expect.arrayContaining(['loss', 'step', 'loss (nats)', 'sgd seed 1 ×2: mean, min–max (n = 2)', 'cgd neg']));
    const png = await chooseAndExport({ format: 'png', width: 'single', fontSize: '8', height: '160', dpi: '300' });
    expect(pngSize(png)).toEqual({ width: 1050, height: 667 });
    const pdf = readFileSync(await chooseAndExport({ format: 'pdf', width: 'custom', customWidth: '400', height: '250' })).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf)!;
    expect([Math.round(Number(box[1])), Math.round(Number(box[2]))]).toEqual([400, 250]);
    mkdirSync(join(OUTPUT, 'figures'), { recursive: true });
    copyFileSync(png, join(OUTPUT, 'figures', 'loss-single-column-300dpi.png'));
    copyFileSync(svgFile, join(OUTPUT, 'figures', 'loss-double-column.svg'));
  });

  it('exports the compare view as a figure set: one file per chart at the chosen width, and the CSV behind each', async () => {
    await view().locator('[data-export-view="figure"]').click();
    const dialog = view().getByTestId('export-dialog');
    await dialog.locator('[name="format"]').selectOption('svg');
    await dialog.locator('[name="set"]').selectOption('true');
    const dir = await exportFrom(view(), dialog.getByTestId('export-go'));
    const files = readdirSync(dir).sort();
    const charts = await view().locator('figure.chart').count();
    expect(files.filter((f) => f.endsWith('.svg')).length).toBe(charts);
    expect(files.filter((f) => f.endsWith('.csv')).length).toBe(charts);
    expect(files).toEqual(expect.arrayContaining(['loss.svg', 'loss.csv', 'Spectrogram cgd neg.svg']));
    for (const f of files.filter((x) => x.endsWith('.svg'))) {
      const t = readFileSync(join(dir, f), 'utf8');
      expect(t).toMatch(/^<svg [^>]*width="252pt" height="156pt"/);
      expect((await parseSvg(join(dir, f))).error).toBe('');
    }
    expect(readFileSync(join(dir, 'loss.csv'), 'utf8').split('\n')[0]).toBe('series,step,value,ci_lo,ci_hi');
    // The view as one print figure: each run once in the legend, one colour bar for the shared scale.
    await view().locator('[data-export-view="figure"]').click();
    await view().getByTestId('export-dialog').locator('[name="format"]').selectOption('svg');
    const one = readFileSync(await exportFrom(view(), view().getByTestId('export-dialog').getByTestId('export-go')), 'utf8');
    const entries = [...one.matchAll(/class="legend-entry" data-label="([^"]*)"/g)].map((m) => m[1]);
    expect(entries.length).toBe(new Set(entries).size);
    expect(entries).toEqual(expect.arrayContaining(['sgd seed 1 ×2: mean, min–max (n = 2)', 'cgd neg']));
    expect(one.match(/class="colorbar"/g)!.length).toBe(1);
  });

  it('exports the whole compare view as one PNG, SVG and CSV', async () => {
    const charts = await view().locator('figure.chart:has(.chart-controls)').count();
    const svgFile = await exportFrom(view(), view().locator('[data-export-view="svg"]'));
    expect(basename(svgFile)).toMatch(/^\d+-Compare sgd seed 1 vs sgd seed 2 vs cgd neg\.svg$/);
    const svg = await parseSvg(svgFile);
    expect(svg.error).toBe('');
    expect(svg.texts).toEqual(expect.arrayContaining(['loss', 'acc', 'test_acc', 'sgd seed 1 ×2: mean, min–max (n = 2)', 'cgd neg']));
    expect(svg.texts.filter((t) => t === 'step').length).toBeGreaterThanOrEqual(charts - 1);
    const pngFile = await exportFrom(view(), view().locator('[data-export-view="png"]'));
    expect(pngSize(pngFile)).toEqual({ width: 2 * svg.width, height: 2 * svg.height });
    mkdirSync(OUTPUT, { recursive: true });
    copyFileSync(pngFile, join(OUTPUT, 'compare-export-view.png'));
    copyFileSync(svgFile, join(OUTPUT, 'compare-export-view.svg'));
    const csv = parseCsv(await exportFrom(view(), view().locator('[data-export-view="csv"]')));
    expect(csv.header.slice(0, 4)).toEqual(['chart', 'series', 'step', 'value']);
    expect(new Set(csv.rows.map((r) => r[0]))).toEqual(
      new Set([
        ...['loss', 'acc', 'test_loss', 'test_acc', 'n_neg', 'lambda_max', 'ln d against t (early exponential)', 'log d against log t (late power law)'],
        `Spectrum at step ${await page.getByTestId('spectrum-step').inputValue()}`,
        ...['Spectrogram sgd seed 1', 'Spectrogram sgd seed 2', 'Spectrogram cgd neg'],
      ]),
    );
    await screenshot(page, 'compare-exported');
  });
});

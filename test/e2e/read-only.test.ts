// End to end: a database on a read-only mount opens read-only in the app. The header and the About box say so, the
// Library, Live and Compare views browse it, a run exports through the save dialog, every write action is disabled,
// and main refuses a write that reaches it anyway, by name. The file is not changed.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/shared/config';
import { RunStore } from '../../src/main/store/run-store';
import { RunWriter } from '../../src/main/store/run-writer';
import type { Workbench } from './harness';
import { buildApp, openWorkbench, screenshot } from './harness';

const ENV = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 200 };
let root: string;
let mnt: string;
let mounted = false;
let wb: Workbench;
let page: Page;
let ids: string[] = [];
let before: Buffer;

/** Two runs: one finished, one cancelled half-way (continuable), each with a loss series and spectra. */
function seed(file: string): string[] {
  const store = RunStore.open(file);
  const out = ['finished run', 'cancelled run'].map((name, k) => {
    const id = store.createRun({ ...DEFAULT_CONFIG, name, seed: k }, ENV);
    const w = new RunWriter(store, id);
    for (let s = 0; s < (k ? 100 : 200); s++)
      w.step({
        metrics: { step: s, epoch: 0, wall: s / 50, values: { loss: 2 / (1 + s / 20) + k * 0.1, acc: s / 250 } },
        spectrum: { step: s, n: 5350, eigenvalues: Float64Array.from({ length: 20 }, (_, i) => i - 4 + s / 100), nullCount: 5330, nullTol: 1e-9 },
      });
    w.checkpoint({ step: k ? 100 : 200, state: {}, blobs: { theta: new Float64Array(5350) } });
    w.finish(k ? 'cancelled' : 'finished', null);
    return id;
  });
  store.close();
  return out;
}

beforeAll(async () => {
  buildApp();
  root = mkdtempSync(join(tmpdir(), 'chaoslab-e2e-ro-'));
  const src = join(root, 'src');
  mnt = join(root, 'ro');
  mkdirSync(src);
  mkdirSync(mnt);
  ids = seed(join(src, 'lab.db'));
  before = readFileSync(join(src, 'lab.db'));
  // Fails loudly where mounting is not allowed: this test must not be skipped silently.
  execFileSync('mount', ['--bind', src, mnt]);
  mounted = true;
  execFileSync('mount', ['-o', 'remount,ro,bind', mnt]);
  wb = await openWorkbench({ dbFile: join(mnt, 'lab.db') });
  page = wb.page;
}, 180_000);
afterAll(async () => {
  await wb?.close();
  if (mounted) execFileSync('umount', [mnt]);
  if (root) {
    expect(readFileSync(join(root, 'src', 'lab.db')).equals(before)).toBe(true);
    rmSync(root, { recursive: true, force: true });
  }
});

describe('a read-only database in the app', () => {
  it('says so in the header and the About box', async () => {
    const badge = page.getByTestId('readonly');
    await badge.waitFor();
    expect(await badge.textContent()).toBe('read-only');
    expect(await badge.getAttribute('title')).toContain('its file system is mounted read-only');
    await page.getByTestId('nav-about').click();
    expect(await page.getByTestId('about-readonly').textContent()).toBe('(read-only: its file system is mounted read-only)');
    await page.getByTestId('about').getByRole('button', { name: 'Close' }).click();
    // New run: nothing can be started.
    await page.getByTestId('nav-new').click();
    expect(await page.getByTestId('start').isDisabled()).toBe(true);
    expect(await page.getByTestId('start-readonly').textContent()).toMatch(/open read-only/);
  });

  it('browses, compares and exports; every write action is disabled', async () => {
    await page.getByTestId('nav-library').click();
    await expect.poll(() => page.locator('[data-run-row]').count()).toBe(2);
    for (const id of ids) {
      const row = page.locator(`[data-run-row="${id}"]`);
      expect(await row.getByTestId('edit').isDisabled()).toBe(true);
      expect(await row.getByTestId('delete').isDisabled()).toBe(true);
    }
    expect(await page.locator(`[data-run-row="${ids[1]}"]`).getByTestId('continue').isDisabled()).toBe(true);
    await screenshot(page, 'library-read-only');

    await page.locator(`[data-run-row="${ids[0]}"]`).getByTestId('export').click();
    await expect.poll(() => page.locator('.info').textContent()).toBe(`Exported “finished run” to ${join(wb.dir, 'finished_run.chaoslab')}.`);
    const exported = RunStore.open(join(wb.dir, 'finished_run.chaoslab'), { readonly: true });
    expect(exported.readSeries(ids[0], 'loss').steps.length).toBe(200);
    exported.close();

    for (const id of ids) await page.locator(`[data-run-row="${id}"]`).getByTestId('pick').check();
    await page.getByTestId('compare-selected').click();
    await page.getByTestId('view-compare').waitFor();
    expect(await page.getByTestId('compare-error').count()).toBe(0);

    await page.getByTestId('nav-library').click();
    await page.locator(`[data-run-row="${ids[1]}"]`).getByTestId('open').click();
    await expect.poll(async () => Number(await page.getByTestId('view-live').getAttribute('data-last-step'))).toBe(99);
    expect(await page.getByTestId('continue').isDisabled()).toBe(true);
  });

  it('main refuses a write that reaches it anyway, by name', async () => {
    const invoke = (channel: string, payload: unknown): Promise<{ ok: boolean; error?: string }> =>
      page.evaluate(([c, p]) => (globalThis as unknown as { chaoslabBridge: { invoke(c: string, p: unknown): Promise<never> } }).chaoslabBridge.invoke(c, p), [
        channel,
        payload,
      ] as const);
    const file = join(mnt, 'lab.db');
    const refusal = `${file} is open read-only (its file system is mounted read-only), so`;
    expect(await invoke('runs.delete', { runId: ids[0] })).toMatchObject({
      ok: false,
      error: `${refusal} deleting run ${ids[0]} is refused. Nothing was changed.`,
    });
    expect((await invoke('runs.update', { runId: ids[0], name: 'renamed' })).error).toContain(`${refusal} updating run ${ids[0]} is refused`);
    expect((await invoke('runs.start', { config: DEFAULT_CONFIG })).error).toContain(`${refusal} starting a run is refused`);
    expect((await invoke('runs.continue', { runId: ids[1] })).error).toContain(`${refusal} claiming run ${ids[1]} is refused`);
    expect(await invoke('runs.list', null)).toMatchObject({ ok: true });
  });
});

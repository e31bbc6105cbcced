// Main's side of the Compare view through the real handler table and a real SQLite file: figure export
// (validated payloads, the save-target chooser asked with the format's filter, the file written) and seed
// group statistics aligned by step, with the replica divergence fit of the group.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPrinter } from '../../e2e/harness';
import { DEFAULT_CONFIG, defaultSection } from '../../../src/shared/config';
import type { GroupResult, Reply } from '../../../src/shared/ipc';
import type { IpcContext } from '../../../src/main/ipc/handlers';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { SenderPolicy } from '../../../src/main/ipc/sender-policy';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { studentTQuantile } from '../../../src/shared/math/student-t';

const dir = mkdtempSync(join(tmpdir(), 'chaoslab-compare-'));
const service = new WorkbenchService(join(dir, 'lab.db'));
const asked: { name: string; extensions: string[] }[] = [];
let answer: string | null = null;
const policy = new SenderPolicy((url) => url.startsWith('app://'));
policy.allow(1);
let browser: BrowserContext;
const dialogs = {
  saveFile: async (name: string, filter?: { extensions: string[] }) => (asked.push({ name, extensions: filter?.extensions ?? [] }), answer),
  openFile: async () => null,
  choosePath: async () => null,
};
const handlers = createHandlers({ service, policy, dialogs, versions: {}, printPdf: chromiumPrinter(() => browser) });
const noPrinter = createHandlers({ service, policy, dialogs, versions: {} });
const ctx: IpcContext = { senderId: 1, senderUrl: 'app://index.html', send: () => {} };
const call = (channel: 'export.save' | 'export.saveSet' | 'compare.group', payload: unknown): Promise<Reply<unknown>> => handlers[channel](payload, ctx);
// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

beforeAll(async () => {
  browser = await (await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox'] })).newContext();
});
afterAll(async () => {
  await browser?.browser()?.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export.save', () => {
  it('asks the chooser with the format filter and writes exactly the content', async () => {
    answer = join(dir, 'chosen.svg');
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>α</text></svg>';
    expect(await call('export.save', { format: 'svg', name: 'loss (log).svg', data: svg })).toEqual({ ok: true, value: { file: answer } });
    expect(asked.at(-1)).toEqual({ name: 'loss (log).svg', extensions: ['svg'] });
    expect(readFileSync(answer, 'utf8')).toBe(svg);

    answer = join(dir, 'no-extension');
    expect(await call('export.save', { format: 'png', name: 'a.png', data: PNG })).toEqual({ ok: true, value: { file: `${answer}.png` } });
    expect(readFileSync(`${answer}.png`)).toEqual(Buffer.from(PNG, 'base64'));

    answer = null;
    expect(await call('export.save', { format: 'csv', name: 'a.csv', data: 'step,loss\n0,1\n' })).toEqual({ ok: true, value: { file: null } });
  });

  it('refuses bad payloads before asking, naming the field', async () => {
    const n = asked.length;
    const refuse = async (payload: unknown, field: string, text: RegExp): Promise<void> => {
      const r = await call('export.save', payload);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.fields.map((f) => f.field)).toEqual([field]);
        expect(r.error).toMatch(text);
      }
    };
    await refuse({ format: 'gif', name: 'a.gif', data: 'x' }, 'format', /must be one of png, svg, pdf, csv/);
    await refuse({ format: 'pdf', name: 'a.pdf', data: '%PDF-1.4 from the renderer' }, 'data', /not an SVG document/);
    await refuse({ format: 'pdf', name: 'a.pdf', data: '<svg xmlns="http://www.w3.org/2000/svg"></svg>' }, 'data', /no page size/);
    await refuse({ format: 'csv', name: '../../etc/passwd.csv', data: 'x' }, 'name', /plain file name/);
    await refuse({ format: 'csv', name: 'figure.svg', data: 'x' }, 'name', /ending in \.csv/);
    await refuse({ format: 'csv', name: '.csv', data: 'x' }, 'name', /plain file name/);
    await refuse({ format: 'png', name: 'a.png', data: Buffer.from('GIF89a not a png at all, really not').toString('base64') }, 'data', /not a base64 PNG/);
    await refuse({ format: 'svg', name: 'a.svg', data: '<html></html>' }, 'data', /not an SVG document/);
    await refuse({ format: 'csv', name: 'a.csv', data: 'x'.repeat(64 * 1024 * 1024 + 1) }, 'data', /larger than/);
    await refuse({ format: 'csv', name: 'a.csv', data: 'x', path: '/tmp/x' }, 'path', /not a known field/);
    expect(asked.length).toBe(n);
  });
});

describe('PDF and figure sets', () => {
  const svg = (w: number, h: number): string =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}pt" height="${h}pt" viewBox="0 0 ${w} ${h}"><rect width="${w}" height="${h}" fill="#fff"/><text x="10" y="20">λ = 2/γ</text></svg>`;

  it('prints a figure to a one-page PDF of the SVG size, with its text as text', async () => {
    answer = join(dir, 'figure.pdf');
    expect(await call('export.save', { format: 'pdf', name: 'f.pdf', data: svg(504, 311) })).toEqual({ ok: true, value: { file: answer } });
    const pdf = readFileSync(answer).toString('latin1');
    expect(pdf.startsWith('%PDF-')).toBe(true);
    expect(pdf.match(/\/Type\s*\/Page\b/g)?.length).toBe(1);
    const box = /\/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]/.exec(pdf)!;
    expect(Number(box[1])).toBeCloseTo(504, 0);
    expect(Number(box[2])).toBeCloseTo(311, 0);
    // Text stays text (an embedded font), not outlines or pixels.
    expect(pdf).toMatch(/\/FontFile2?\b/);
    expect(asked.at(-1)).toEqual({ name: 'f.pdf', extensions: ['pdf'] });
    // Without a printer (the forked e2e host), PDF is refused by name, other formats still work.
    const r = await noPrinter['export.save']({ format: 'pdf', name: 'f.pdf', data: svg(100, 100) }, ctx);
    expect(r).toMatchObject({ ok: false, error: 'export.save: PDF export is not available here (no printer)' });
  });

  it('writes a figure set into a new folder, refusing an existing one and bad files before asking', async () => {
    answer = join(dir, 'set');
    const files = [
      { name: 'loss.svg', format: 'svg', data: svg(252, 156) },
      { name: 'loss.csv', format: 'csv', data: 'step,loss\n0,1\n' },
      { name: 'loss.pdf', format: 'pdf', data: svg(252, 156) },
    ];
    expect(await call('export.saveSet', { name: 'Compare a vs b', files })).toEqual({ ok: true, value: { dir: answer } });
    expect(readdirSync(answer).sort()).toEqual(['loss.csv', 'loss.pdf', 'loss.svg']);
    expect(readFileSync(join(answer, 'loss.svg'), 'utf8')).toBe(files[0].data);
    expect(asked.at(-1)).toEqual({ name: 'Compare a vs b', extensions: [] });
    const again = await call('export.saveSet', { name: 'x', files });
    expect(again).toMatchObject({ ok: false, error: `export.saveSet: ${answer} exists; choose a new folder name` });
    mkdirSync(join(dir, 'untouched'));
    const n = asked.length;
    const bad = async (payload: unknown, field: string): Promise<void> => {
      const r = await call('export.saveSet', payload);
      expect(r.ok ? [] : r.fields.map((f) => f.field)).toEqual([field]);
    };
    await bad({ name: '../up', files }, 'name');
    await bad({ name: 'x', files: [] }, 'files');
    await bad({ name: 'x', files: [files[0], files[0]] }, 'files');
    await bad({ name: 'x', files: [files[0], { ...files[1], name: '../x.csv' }] }, 'files[1].name');
    expect((await call('export.saveSet', { name: 'x', files: [{ ...files[0], data: '<html/>' }] })).ok).toBe(false);
    expect(asked.length).toBe(n);
  });
});

describe('compare.group', () => {
  const env = { appVersion: 't', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 't', nParams: 3, totalSteps: 100 };
  /** A stored run with loss points and replica distances, one column per (seed, ε) of `eps` × `seeds` (replicaLabels order). */
  function run(seed: number, loss: [number, number][], replicas: number[][], eps = [0.1], seeds = [0, 1]): string {
    const config = { ...DEFAULT_CONFIG, seed, name: `seed ${seed}`, replicas: { ...defaultSection('replicas'), eps, seeds } };
    const id = service.store.createRun(config, env);
    service.store.appendMetrics(
      id,
      loss.map(([step, v]) => ({ step, epoch: 0, wall: step / 10, values: { loss: v } })),
    );
    service.store.appendReplicas(
      id,
      replicas.map((d, step) => ({ step, distances: Float64Array.from(d), alongGrad: new Float64Array(d.length), alongTop: new Float64Array(d.length) })),
    );
    service.store.setStatus(id, 'finished');
    return id;
  }

  it('gives mean, a band (min–max for two runs), min and max per step, and fits the divergence of all replica curves', async () => {
    // d(t)² = 0.01·t + 0.001·t² + 0.0001 for both replicas of both runs, ± a small spread.
    const d = (t: number, k: number): number => Math.sqrt(0.01 * t + 0.001 * t * t + 1e-4) * (1 + 0.01 * k);
    const curves = (k0: number): number[][] => Array.from({ length: 40 }, (_, t) => [d(t, k0), d(t, k0 + 1)]);
    const a = run(
      1,
      [
        [0, 2],
        [1, 1.5],
        [2, 1],
      ],
      curves(-1),
    );
    const b = run(
      2,
      [
        [0, 4],
        [2, 3],
      ],
      curves(0),
    );
    const r = await call('compare.group', { runIds: [a, b], metrics: ['loss', 'wall'] });
    if (!r.ok) throw new Error(r.error);
    const g = r.value as GroupResult;
    const loss = g.series.loss;
    expect(Array.from(loss.steps)).toEqual([0, 1, 2]);
    expect(Array.from(loss.mean)).toEqual([3, 1.5, 2]);
    expect(Array.from(loss.count)).toEqual([2, 1, 2]);
    expect(Array.from(loss.min)).toEqual([2, 1.5, 1]);
    expect(Array.from(loss.max)).toEqual([4, 1.5, 3]);
    // Two runs: the band is their min–max (a 95 % t-band from two values would be ±12.7·SE), whatever is asked.
    expect([loss.kind, loss.n]).toEqual(['minmax', 2]);
    expect(Array.from(loss.lo)).toEqual([2, 1.5, 1]);
    expect(Array.from(loss.hi)).toEqual([4, 1.5, 3]);
    expect(Array.from(g.series.wall.mean)).toEqual([0, 0.1, 0.2]);

    expect(g.divergence.length).toBe(1);
    const div = g.divergence[0];
    expect([div.eps, div.curves]).toEqual([0.1, 4]);
    // Four replica curves: a 95 % t-interval of their mean.
    const t = studentTQuantile(0.975, 3);
    const at = (k: number): number => d(5, k);
    const vals = [at(-1), at(0), at(0), at(1)];
    const mean = vals.reduce((x, y) => x + y) / 4;
    const sd = Math.sqrt(vals.reduce((acc, v) => acc + (v - mean) ** 2, 0) / 3);
    expect([div.band.kind, div.band.n]).toEqual(['ci95', 4]);
    expect(div.band.hi[5] - div.band.mean[5]).toBeCloseTo((t * sd) / 2, 12);
    const quad = div.analysis.quad!;
    expect(quad.n).toBe(40);
    // Mean over the four curves: d(t)·(1 + 0.01·(−1 + 0 + 0 + 1)/4) = d(t): the fit recovers the coefficients.
    expect(quad.a).toBeCloseTo(0.01, 8);
    expect(quad.b).toBeCloseTo(0.001, 9);
    expect(quad.d0sq).toBeCloseTo(1e-4, 12);
    const se = await call('compare.group', { runIds: [a, b], metrics: ['loss'], band: 'se' });
    if (!se.ok) throw new Error(se.error);
    expect((se.value as GroupResult).divergence[0].band.kind).toBe('se');
    const bad = await call('compare.group', { runIds: [a, b], metrics: ['loss'], band: 'sd' });
    expect(bad.ok).toBe(false);
  });

  it('keeps each ε its own divergence group: replicas perturbed by different ε are not pooled', async () => {
    // One seed, ε = 0.1 and 0.2 (replicaLabels order: seed 0 × [0.1, 0.2]); the 0.2 curve is twice the 0.1 curve.
    const d = (t: number): number => Math.sqrt(0.01 * t + 0.001 * t * t + 1e-4);
    const id = run(
      3,
      [[0, 1]],
      Array.from({ length: 40 }, (_, t) => [d(t), 2 * d(t)]),
      [0.1, 0.2],
      [0],
    );
    const r = await call('compare.group', { runIds: [id], metrics: [] });
    if (!r.ok) throw new Error(r.error);
    const div = (r.value as GroupResult).divergence;
    expect(div.map((g) => [g.eps, g.curves])).toEqual([
      [0.1, 1],
      [0.2, 1],
    ]);
    expect(div[0].analysis.quad!.a).toBeCloseTo(0.01, 8);
    // d → 2d multiplies d² by 4.
    expect(div[1].analysis.quad!.a).toBeCloseTo(0.04, 8);
    expect(div[1].analysis.quad!.b).toBeCloseTo(0.004, 9);
  });

  it('names a bad run id or metric', async () => {
    const r = await call('compare.group', { runIds: ['nope'], metrics: ['loss'] });
    expect(r.ok).toBe(false);
    const m = await call('compare.group', { runIds: ['abc'], metrics: ['lose'] });
    expect(m).toMatchObject({ ok: false, fields: [{ field: 'metrics' }] });
    const e = await call('compare.group', { runIds: [], metrics: [] });
    expect(e).toMatchObject({ ok: false, fields: [{ field: 'runIds' }] });
  });
});

// The IPC handler table: sender checks and payload validation on every channel, against a real WorkbenchService
// (real SQLite file, real worker threads for the cost estimate).
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultSection, validateConfig } from '../../../src/shared/config';
import type { RunEnvironment } from '../../../src/shared/frames';
import { NAME_MAX, NOTES_MAX, TAGS_MAX, TAG_MAX } from '../../../src/shared/limits';
import type { Channel, EventName, Events, Reply } from '../../../src/shared/ipc';
import { CHANNELS, validators } from '../../../src/shared/ipc';
import { PRESETS } from '../../../src/shared/presets';
import type { HandlerTable, IpcContext } from '../../../src/main/ipc/handlers';
import { createHandlers } from '../../../src/main/ipc/handlers';
import { SenderPolicy, appUrlMatcher } from '../../../src/main/ipc/sender-policy';
import { WorkbenchService } from '../../../src/main/service/workbench-service';

const APP_FILE = '/opt/chaoslab/out/renderer/index.html';
const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 1 };
/** A valid Compare view state. */
const VIEW = { runIds: ['abc'], metrics: ['loss'], x: 'step', yScales: {}, smoothing: 0, band: 'ci95', grouped: false };
let dir: string;
let service: WorkbenchService;
let handlers: HandlerTable;
const sent: { event: EventName; payload: unknown }[] = [];
const ctx = (over: Partial<IpcContext> = {}): IpcContext => ({
  senderId: 7,
  senderUrl: `file://${APP_FILE}`,
  send: <E extends EventName>(event: E, payload: Events[E]) => void sent.push({ event, payload }),
  ...over,
});
const call = (channel: Channel, payload: unknown, c = ctx()): Promise<Reply<unknown>> => handlers[channel](payload, c);
function refused(r: Reply<unknown>): { error: string; fields: string[] } {
  if (r.ok) throw new Error(`expected a refusal, got ${JSON.stringify(r.value).slice(0, 200)}`);
  return { error: r.error, fields: r.fields.map((f) => f.field) };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaoslab-ipc-'));
  service = new WorkbenchService(join(dir, 'lab.db'));
  const policy = new SenderPolicy(appUrlMatcher(APP_FILE, undefined));
  policy.allow(7);
  handlers = createHandlers({
    service,
    policy,
    versions: { node: process.versions.node },
    dialogs: { saveFile: async () => null, openFile: async () => null, choosePath: async (kind, title) => `/chosen/${kind}/${title}` },
  });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('sender check', () => {
  it('refuses an unknown webContents on every channel, before looking at the payload', async () => {
    for (const channel of CHANNELS) {
      const r = refused(await call(channel, null, ctx({ senderId: 99 })));
      expect(r.error).toContain(`${channel}: refused, unknown sender 99`);
    }
  });
  it('refuses a known webContents that navigated to a foreign page', async () => {
    const r = refused(await call('runs.list', null, ctx({ senderUrl: 'https://evil.example/index.html' })));
    expect(r.error).toMatch(/foreign page \(https:\/\/evil\.example/);
  });
  it('accepts the app page, also with a hash route', async () => {
    expect(await call('runs.list', null, ctx({ senderUrl: `file://${APP_FILE}#/library` }))).toEqual({ ok: true, value: [] });
  });
  it('forgets a closed window', async () => {
    const policy = new SenderPolicy(() => true);
    policy.allow(3);
    policy.forget(3);
    expect(policy.check(ctx({ senderId: 3 }))).toBe('unknown sender 3');
  });
});

describe('payload validation', () => {
  const REPRODUCE = { figures: [1], dataset: 'usps', dir: '/data/usps', model: 'mlp', seeds: 1, quick: true, steps: 20 };
  const cases: [Channel, unknown, string][] = [
    ['app.info', { x: 1 }, '(payload)'],
    ['presets.list', 'all', '(payload)'],
    ['runs.get', {}, 'runId'],
    ['runs.get', 'abc', '(payload)'],
    ['runs.get', { runId: 42 }, 'runId'],
    ['runs.get', { runId: '../../etc/passwd' }, 'runId'],
    ['runs.get', { runId: 'abc', extra: true }, 'extra'],
    ['runs.pause', [1, 2], '(payload)'],
    ['runs.start', {}, 'config'],
    ['runs.start', { config: {}, followUp: {}, x: 1 }, 'x'],
    ['runs.list', { status: 'exploded' }, 'status'],
    ['runs.list', { search: 5 }, 'search'],
    ['runs.update', { runId: 'abc', name: '  ' }, 'name'],
    ['runs.update', { runId: 'abc', tags: ['ok', 3] }, 'tags'],
    ['runs.update', { runId: 'abc', notes: null }, 'notes'],
    ['frames.ack', { runId: 'abc' }, 'seq'],
    ['frames.ack', { runId: 'abc', seq: -1 }, 'seq'],
    ['frames.ack', { runId: 'abc', seq: 1.5 }, 'seq'],
    ['series.read', { runId: 'abc', metrics: [] }, 'metrics'],
    ['series.read', { runId: 'abc', metrics: ['loss', 'rm -rf'] }, 'metrics'],
    ['series.read', { runId: 'abc', metrics: ['loss'], from: 'start' }, 'from'],
    ['spectra.read', { runId: 'abc', stride: 0 }, 'stride'],
    ['estimated.read', { runId: 'abc', from: -1 }, 'from'],
    ['estimated.read', { runId: '../x' }, 'runId'],
    ['runs.import', { file: '/etc/passwd' }, '(payload)'],
    ['sweeps.list', { all: true }, '(payload)'],
    ['sweeps.start', { spec: [], jobs: 2 }, 'spec'],
    ['sweeps.start', { spec: {}, jobs: 0 }, 'jobs'],
    ['sweeps.start', { spec: {}, jobs: 99 }, 'jobs'],
    ['sweeps.start', { spec: {}, jobs: 2, db: '/tmp/x.db' }, 'db'],
    ['sweeps.continue', { sweepId: '../x', jobs: 2, retryFailed: false }, 'sweepId'],
    ['sweeps.continue', { sweepId: '0123456789abcdef', jobs: 2, retryFailed: 'yes' }, 'retryFailed'],
    ['sweeps.stop', { sweepId: 'abc' }, 'sweepId'],
    ['reproduce.plan', { ...REPRODUCE, figures: [2, 1] }, 'figures'],
    ['reproduce.plan', { ...REPRODUCE, figures: [] }, 'figures'],
    ['reproduce.plan', { ...REPRODUCE, dataset: 'mnist' }, 'dataset'],
    ['reproduce.plan', { ...REPRODUCE, dir: null }, 'dir'],
    ['reproduce.plan', { ...REPRODUCE, dataset: 'fashion-mnist' }, 'dir'],
    ['reproduce.plan', { ...REPRODUCE, model: 'vit' }, 'model'],
    ['reproduce.plan', { ...REPRODUCE, seeds: 0 }, 'seeds'],
    ['reproduce.plan', { ...REPRODUCE, quick: 'yes' }, 'quick'],
    ['reproduce.plan', { ...REPRODUCE, steps: 1.5 }, 'steps'],
    ['reproduce.plan', { ...REPRODUCE, out: '/tmp/report' }, 'out'],
    ['reproduce.start', { request: REPRODUCE, jobs: 0 }, 'jobs'],
    ['reproduce.start', { request: 'fig1', jobs: 1 }, 'request'],
    ['reproduce.start', { request: { ...REPRODUCE, seeds: -1 }, jobs: 1 }, 'request.seeds'],
    ['reproduce.list', { all: true }, '(payload)'],
    ['reproduce.results', { sweepId: '../etc' }, 'sweepId'],
    ['reproduce.writeReport', { sweepId: '0123456789abcdef', dir: '/tmp' }, 'dir'],
    ['runs.table', { all: true }, '(payload)'],
    ['runs.exportMany', { runIds: [] }, 'runIds'],
    ['runs.exportMany', { runIds: ['abc', '../../x'] }, 'runIds'],
    ['runs.exportMany', { runIds: ['abc'], dir: '/tmp' }, 'dir'],
    ['compareViews.save', { name: ' ', state: VIEW }, 'name'],
    ['compareViews.save', { name: 'bell\u0007', state: VIEW }, 'name'],
    ['compareViews.save', { name: 'x'.repeat(81), state: VIEW }, 'name'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, smoothing: 1 } }, 'state.smoothing'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, metrics: ['loss', 'rm -rf'] } }, 'state.metrics'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, yScales: { loss: 'cubic' } } }, 'state.yScales'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, runIds: [] } }, 'state.runIds'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, band: 'sd' } }, 'state.band'],
    ['compareViews.save', { name: 'v', state: { ...VIEW, path: '/etc' } }, 'state.path'],
    ['compareViews.delete', { name: 5 }, 'name'],
  ];
  it.each(cases)('%s rejects %j naming %s', async (channel, payload, field) => {
    const r = refused(await call(channel, payload));
    expect(r.fields).toEqual([field]);
    expect(r.error).toContain(channel);
    expect(r.error).toContain(field);
  });

  it('has a validator for every channel', () => {
    expect(Object.keys(validators).sort()).toEqual([...CHANNELS].sort());
  });

  it('dialog.choosePath opens the chooser only for a config field that holds a path', async () => {
    expect(await call('dialog.choosePath', { field: 'data.dir' })).toEqual({ ok: true, value: { path: '/chosen/directory/data.dir' } });
    expect(await call('dialog.choosePath', { field: 'train.initParamsFile' })).toEqual({ ok: true, value: { path: '/chosen/file/train.initParamsFile' } });
    for (const field of ['name', 'toString', '__proto__', 7, '/etc/passwd'])
      expect(refused(await call('dialog.choosePath', { field })).fields).toEqual(['field']);
    expect(refused(await call('dialog.choosePath', { field: 'data.dir', path: '/tmp' })).fields).toEqual(['path']);
    // The USPS download picks its own directory (beside the database): a renderer cannot name one.
    expect(refused(await call('data.fetchUsps', { dir: '/etc' })).fields).toEqual(['(payload)']);
  });

  it('runs.start validates the config in main and names every bad field', async () => {
    const r = refused(await call('runs.start', { config: { name: '', train: { lr: -1, batchSize: 2.5 }, model: { kind: 'rnn' }, bogus: 1 } }));
    expect(r.fields).toEqual(expect.arrayContaining(['name', 'train.lr', 'train.batchSize', 'model.kind', 'bogus']));
    expect(r.error).toMatch(/train\.lr: must be > 0/);
  });

  it('runs.start names bad Lyapunov save points and vector choices', async () => {
    const r = refused(await call('runs.start', { config: { lyapunov: { saveAt: [0], saveAtEpochs: [1.5] }, replicas: { lyapunovStep: -1 } } }));
    expect(r.fields).toEqual(['lyapunov.saveAt', 'lyapunov.saveAtEpochs', 'replicas.lyapunovStep']);
    expect(r.error).toContain('lyapunov.saveAt: entries must be ≥ 1');
    expect(r.error).toContain('lyapunov.saveAtEpochs: must be an array of integers');
  });

  it('runs.start rejects an invalid follow-up config, naming its field, without starting anything', async () => {
    const r = refused(await call('runs.start', { config: PRESETS[0].config, followUp: { train: { momentum: 2 } } }));
    expect(r.error).toContain('Invalid follow-up config');
    expect(r.fields).toEqual(['train.momentum']);
    expect(await call('runs.list', null)).toEqual({ ok: true, value: [] });
  });

  it('sweeps.start validates the spec in main, naming the spec field of every bad value, and starts nothing', async () => {
    const r = refused(await call('sweeps.start', { spec: { base: { train: { lr: 0 } }, grid: { 'train.lrate': [1], seed: [] } }, jobs: 2 }));
    expect(r.error).toMatch(/^Invalid sweep:/);
    expect(r.fields).toEqual(['grid.seed']);
    const b = refused(await call('sweeps.start', { spec: { base: { train: { lr: 0 } }, grid: { 'train.lrate': [1] } }, jobs: 2 }));
    expect(b.fields).toEqual(['grid.train.lrate', 'base.train.lr']);
    expect(refused(await call('sweeps.stop', { sweepId: '0123456789abcdef' })).fields).toEqual(['sweepId']);
    expect(refused(await call('sweeps.continue', { sweepId: '0123456789abcdef', jobs: 1, retryFailed: false })).error).toMatch(/No sweep '0123456789abcdef'/);
    expect(await call('sweeps.list', null)).toEqual({ ok: true, value: [] });
    expect(await call('runs.list', null)).toEqual({ ok: true, value: [] });
  });

  it('a well-formed request for a run that does not exist is an error that names the run, not a crash', async () => {
    const r = refused(await call('runs.get', { runId: 'nosuchrun' }));
    expect(r.error).toMatch(/nosuchrun|No such run/i);
    const c = refused(await call('runs.cancel', { runId: 'nosuchrun' }));
    expect(c.fields).toEqual(['runId']);
  });
});

describe('valid requests', () => {
  it('presets.list returns valid configs for Figures 1–3', async () => {
    const r = await call('presets.list', null);
    if (!r.ok) throw new Error(r.error);
    const presets = r.value as typeof PRESETS;
    // The paper's settings first (the MLP): batch 8, γ = 0.001, 40 epochs, no momentum, the whole test set.
    const paper = presets.filter((p) => /^fig/.test(p.id));
    for (const p of paper) expect(p.config.train).toMatchObject({ batchSize: 8, lr: 0.001, steps: null, epochs: 40, momentum: 0 });
    for (const p of paper) expect(p.config.data.testLimit).toBeNull();
    expect(paper.filter((p) => p.group === 'Figure 1').map((p) => p.config.cgd?.prune ?? 'sgd')).toEqual(['sgd', 'neg', 'pos', 'chaotic']);
    expect(paper.filter((p) => p.group === 'Figure 2').map((p) => p.config.cgd?.start ?? 'sgd')).toEqual(['sgd', 2000, 5000, 10000]);
    const fig3 = presets.find((p) => p.id === 'fig3-lyapunov-replicas')!;
    expect(fig3.config.lyapunov).toMatchObject({ k: 32, frame: 'initial' });
    expect(fig3.config.seed).toBe(42);
    expect(fig3.followUp?.replicas).toMatchObject({ strategy: 'all', eps: [0.1], seeds: [0, 1, 2, 3, 4] });
    // The CNN at 4 base channels and 1 block, and the quick variants, clearly named.
    expect(presets.filter((p) => p.id.startsWith('cnn-')).every((p) => p.config.model.kind === 'cnn' && p.group.endsWith('(CNN)'))).toBe(true);
    const quick = presets.filter((p) => p.id.startsWith('quick-'));
    expect(quick.length).toBe(paper.length);
    expect(quick.every((p) => p.group.endsWith('(quick)') && p.config.train.steps !== null)).toBe(true);
    for (const p of presets) {
      expect(validateConfig(p.config)).toMatchObject({ ok: true });
      if (p.followUp) expect(validateConfig(p.followUp)).toMatchObject({ ok: true });
    }
  });

  it('runs.estimate measures the MLP in a worker: n = 5350 parameters', async () => {
    const r = await call('runs.estimate', { config: PRESETS.find((p) => p.id === 'quick-fig1-sgd')!.config });
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toMatchObject({ nParams: 5350, steps: 3000 });
    const e = r.value as { msPerStep: number; rankBound: number; diskBytes: number };
    expect(e.msPerStep).toBeGreaterThan(0);
    expect(e.rankBound).toBeGreaterThan(0);
    expect(e.diskBytes).toBeGreaterThan(0);
  });

  it('a run whose data cannot be read fails to start with an error naming the directory, and leaves no run behind', async () => {
    expect(await call('dialog.choosePath', { field: 'data.dir' })).toEqual({ ok: true, value: { path: '/chosen/directory/data.dir' } });
    const config = { ...PRESETS[0].config, data: { ...PRESETS[0].config.data, dataset: 'usps', dir: '/chosen/directory/data.dir' } };
    const r = refused(await call('runs.start', { config }));
    expect(r.error).toMatch(/^The run could not start: .*\/chosen\/directory\/data\.dir/);
    expect(await call('runs.list', null)).toEqual({ ok: true, value: [] });
  });

  it('app.info reports versions, the database and the linear-algebra path', async () => {
    const r = await call('app.info', null);
    if (!r.ok) throw new Error(r.error);
    expect(r.value).toMatchObject({ versions: { node: process.versions.node }, dbFile: join(dir, 'lab.db') });
    expect((r.value as { backends: string[] }).backends[0]).toMatch(/^linear algebra: /);
  });
});

describe('paths, limits and files a renderer cannot choose', () => {
  it('refuses a config path main did not hand out, naming the field, without touching the file', async () => {
    const file = join(dir, 'params.json');
    writeFileSync(file, '[1, 2, 3]');
    // atime older than mtime: under relatime (and strictatime) any read moves it, so it tells whether main read the file.
    const untouched = (): number => (utimesSync(file, 0, new Date()), statSync(file).atimeMs);
    const atime = untouched();
    readFileSync(file);
    expect(statSync(file).atimeMs).not.toBe(atime);
    const before = untouched();
    for (const train of [{ initParamsFile: file }, { initParamsFile: '/etc/passwd' }, { batchOrderFile: file }]) {
      const r = refused(await call('runs.start', { config: { ...PRESETS[0].config, train: { ...PRESETS[0].config.train, ...train } } }));
      expect(r.fields).toEqual([Object.keys(train)[0] === 'initParamsFile' ? 'train.initParamsFile' : 'train.batchOrderFile']);
      expect(r.error).toMatch(/was not chosen in this app: pick it with Browse…/);
    }
    const followUp = { ...PRESETS[0].config, replicas: { strategy: 'file', eps: [0.1], seeds: [0], directionFile: file } };
    expect(refused(await call('runs.start', { config: PRESETS[0].config, followUp })).fields).toEqual(['replicas.directionFile']);
    const typed = { ...PRESETS[0].config, data: { ...PRESETS[0].config.data, dataset: 'usps', dir: 'usps' } };
    expect(refused(await call('runs.start', { config: typed })).fields).toEqual(['data.dir']);
    // lyapunov.start names a file unless it is one of its words: only the file needs Browse….
    const lyapunov = (start: string) => ({ ...PRESETS[0].config, lyapunov: { ...defaultSection('lyapunov'), start } });
    expect(refused(await call('runs.start', { config: lyapunov(file) })).fields).toEqual(['lyapunov.start']);
    const withWord = { ...lyapunov('identity'), train: { ...PRESETS[0].config.train, initParamsFile: file } };
    expect(refused(await call('runs.start', { config: withWord })).fields).toEqual(['train.initParamsFile']);
    // A sweep names paths too: in its base or on an axis, refused before anything is recorded or read.
    const sweep = refused(
      await call('sweeps.start', {
        spec: { base: { ...PRESETS[0].config, train: { ...PRESETS[0].config.train, initParamsFile: file } }, grid: { seed: [0, 1] } },
        jobs: 1,
      }),
    );
    expect(sweep.fields).toEqual(['train.initParamsFile']);
    const axis = refused(await call('sweeps.start', { spec: { base: PRESETS[0].config, grid: { 'train.initParamsFile': ['/etc/passwd'] } }, jobs: 1 }));
    expect(axis.fields).toEqual(['train.initParamsFile']);
    const starts = { base: lyapunov('random'), grid: { 'lyapunov.start': ['random', 'identity', file] } };
    expect(refused(await call('sweeps.start', { spec: starts, jobs: 1 })).fields).toEqual(['lyapunov.start']);
    expect(await call('sweeps.list', null)).toEqual({ ok: true, value: [] });
    expect(statSync(file).atimeMs).toBe(before);
    expect(await call('runs.list', null)).toEqual({ ok: true, value: [] });
  });

  it('accepts a path its own dialog returned (the run then fails on the file, naming it)', async () => {
    const chosen = await call('dialog.choosePath', { field: 'train.initParamsFile' });
    expect(chosen).toEqual({ ok: true, value: { path: '/chosen/file/train.initParamsFile' } });
    const config = { ...PRESETS[0].config, train: { ...PRESETS[0].config.train, initParamsFile: '/chosen/file/train.initParamsFile' } };
    expect(refused(await call('runs.start', { config })).error).toMatch(/^The run could not start: (Error: )?train\.initParamsFile: file not found/);
    const start = '/chosen/file/lyapunov.start';
    expect(await call('dialog.choosePath', { field: 'lyapunov.start' })).toEqual({ ok: true, value: { path: start } });
    const fromFile = { ...PRESETS[0].config, lyapunov: { ...defaultSection('lyapunov'), start } };
    expect(refused(await call('runs.start', { config: fromFile })).error).toMatch(/^The run could not start: (Error: )?lyapunov\.start: file not found/);
  });

  it('runs.update applies the same name, notes and tag limits as the CLI and the store', async () => {
    const id = service.store.createRun({ ...PRESETS[0].config, name: 'limits' }, ENV);
    for (const [patch, field] of [
      [{ name: 'x'.repeat(NAME_MAX + 1) }, 'name'],
      [{ notes: 'x'.repeat(NOTES_MAX + 1) }, 'notes'],
      [{ tags: Array.from({ length: TAGS_MAX + 1 }, (_, i) => `t${i}`) }, 'tags'],
      [{ tags: ['x'.repeat(TAG_MAX + 1)] }, 'tags'],
    ] as const)
      expect(refused(await call('runs.update', { runId: id, ...patch })).fields).toEqual([field]);
    expect(await call('runs.update', { runId: id, name: 'x'.repeat(NAME_MAX), notes: 'y'.repeat(NOTES_MAX) })).toMatchObject({ ok: true });
    expect(() => service.store.update(id, { notes: 'y'.repeat(NOTES_MAX + 1) })).toThrow(/notes must be a string of at most 10000 characters/);
    service.store.setStatus(id, 'finished');
  });

  it('runs.export never writes the open database; a confirmed existing file is replaced whole', async () => {
    const id = service.store.list()[0].id;
    let target = join(dir, 'lab.db');
    const exporting = createHandlers({
      service,
      policy: (() => {
        const p = new SenderPolicy(appUrlMatcher(APP_FILE, undefined));
        p.allow(7);
        return p;
      })(),
      versions: {},
      dialogs: { saveFile: async () => target, openFile: async () => null, choosePath: async () => null },
    });
    const runs = service.store.list().length;
    for (const t of [join(dir, 'lab.db'), join(dir, 'lab.db-wal'), join(dir, 'lab.db-shm')]) {
      target = t;
      expect(refused(await exporting['runs.export']({ runId: id }, ctx())).error).toContain(`is the open database ${join(dir, 'lab.db')}`);
    }
    expect(service.store.list().length).toBe(runs);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    target = join(dir, 'existing.chaoslab');
    writeFileSync(target, 'old');
    expect(await exporting['runs.export']({ runId: id }, ctx())).toEqual({ ok: true, value: { file: target } });
    expect(readFileSync(target).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
  });
});

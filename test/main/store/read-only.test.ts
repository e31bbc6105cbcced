// A database whose file, folder or mount cannot be written opens read-only by itself (store, CLI and app): browsing
// and export work, every write is refused by name, and not a byte changes. The tests run as root, whom file modes do
// not stop: they run the store and the CLI as the unprivileged user `nobody` (setpriv), and use a read-only bind
// mount. Nothing is skipped silently: when neither works on a machine, the first test fails.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { RunEnvironment } from '../../../src/shared/frames';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { RunStore, StoreError } from '../../../src/main/store/run-store';
import { RunWriter } from '../../../src/main/store/run-writer';
import { ROOT } from '../../helpers/fixtures';

const ENV: RunEnvironment = { appVersion: '0.1.0', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 5350, totalSteps: 50 };
const AS_NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

function works(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
/** setpriv exists, `nobody` exists, and `nobody` can run Node on the checkout. */
const NOBODY = works('setpriv', [...AS_NOBODY, process.execPath, '-e', `require(${JSON.stringify(join(ROOT, 'package.json'))})`]);
/** Mounting needs CAP_SYS_ADMIN. */
const MOUNT = (() => {
  const probe = mkdtempSync(join(tmpdir(), 'chaoslab-mount-probe-'));
  const ok = works('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe]) && works('umount', [probe]);
  rmSync(probe, { recursive: true, force: true });
  return ok;
})();

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chaoslab-ro-'));
  chmodSync(dir, 0o755);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A database with one finished run (50 steps, a checkpoint) and a .chaoslab export of another run to import. */
function seed(folder: string): { file: string; id: string; other: string } {
  mkdirSync(folder, { recursive: true });
  const file = join(folder, 'lab.db');
  const store = RunStore.open(file);
  const id = store.createRun({ ...DEFAULT_CONFIG, name: 'precious' }, ENV);
  const w = new RunWriter(store, id);
  for (let s = 0; s < 50; s++) w.step({ metrics: { step: s, epoch: 0, wall: s, values: { loss: 1 / (s + 1) } } });
  w.checkpoint({ step: 50, state: { s: 50 }, blobs: { theta: new Float64Array(5350).fill(0.5) } });
  w.finish('finished', null);
  const otherId = store.createRun({ ...DEFAULT_CONFIG, name: 'to import' }, ENV);
  store.setStatus(otherId, 'finished');
  const other = `${folder}-other.chaoslab`;
  store.exportRun(otherId, other);
  store.delete(otherId);
  store.close();
  chmodSync(other, 0o644);
  return { file, id, other };
}

/** Run as `nobody`: opens the store by itself, reads, exports, tries every write; prints what happened as JSON. */
const PROBE = `
import { RunStore } from ${JSON.stringify(join(ROOT, 'src/main/store/run-store'))};
import { DEFAULT_CONFIG } from ${JSON.stringify(join(ROOT, 'src/shared/config'))};
const [file, id, other, out] = process.argv.slice(2);
const store = RunStore.open(file);
const env = ${JSON.stringify(ENV)};
const result: Record<string, unknown> = {
  readonly: store.readonly,
  reason: store.readonlyReason,
  name: store.get(id).name,
  steps: store.readSeries(id, 'loss').steps.length,
  checkpoint: store.latestCheckpoint(id)!.step,
};
store.exportRun(id, out);
const writes: Record<string, () => unknown> = {
  createRun: () => store.createRun(DEFAULT_CONFIG, env),
  appendMetrics: () => store.appendMetrics(id, [{ step: 50, epoch: 0, wall: 0, values: { loss: 0 } }]),
  update: () => store.update(id, { name: 'renamed' }),
  setStatus: () => store.setStatus(id, 'failed'),
  claimRun: () => store.claimRun(id),
  delete: () => store.delete(id),
  importRun: () => store.importRun(other),
};
result.refusals = Object.fromEntries(
  Object.entries(writes).map(([k, f]) => {
    try {
      f();
      return [k, 'ALLOWED'];
    } catch (e) {
      return [k, { code: (e as { code?: string }).code, message: (e as Error).message }];
    }
  }),
);
try {
  RunStore.open(file.replace(/lab\\.db$/, 'new.db'));
  result.create = 'ALLOWED';
} catch (e) {
  result.create = { code: (e as { code?: string }).code, message: (e as Error).message };
}
store.close();
console.log(JSON.stringify(result));
`;

/** Runs Node as `nobody`; `stderr` without stack lines (a stack naming a temporary script confuses the test reporter). */
function asNobody(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('setpriv', [...AS_NOBODY, process.execPath, '--import', 'tsx', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.replace(/^\s+at .*$/gm, '') };
}

describe('read-only databases', () => {
  it('this machine can make a database read-only for the tests (as user nobody, or with a read-only mount)', () => {
    if (!NOBODY && !MOUNT) throw new Error('neither `setpriv --reuid=nobody` nor `mount` works here: the read-only tests cannot run');
  });

  it.runIf(NOBODY)('as an unprivileged user: a read-only file or folder opens read-only; reads and export work, every write is refused by name', () => {
    const outDir = join(dir, 'out');
    mkdirSync(outDir);
    chmodSync(outDir, 0o777);
    writeFileSync(join(dir, 'probe.ts'), PROBE);
    for (const [folder, fileMode, reason] of [
      ['file-ro', 0o644, 'the file is not writable (EACCES)'],
      ['folder-ro', 0o666, 'its folder is not writable (EACCES)'],
    ] as const) {
      const { file, id, other } = seed(join(dir, folder));
      chmodSync(file, fileMode);
      const before = readFileSync(file);
      const listing = readdirSync(join(dir, folder)).sort();
      const out = join(outDir, `${folder}.chaoslab`);
      const r = asNobody([join(dir, 'probe.ts'), file, id, other, out]);
      expect(r.status, r.stderr).toBe(0);
      const res = JSON.parse(r.stdout) as {
        readonly: boolean;
        reason: string;
        refusals: Record<string, { code: string; message: string }>;
        create: { code: string; message: string };
      };
      expect(res).toMatchObject({ readonly: true, reason, name: 'precious', steps: 50, checkpoint: 50 });
      for (const [what, refusal] of Object.entries(res.refusals)) {
        expect(refusal, what).toMatchObject({ code: 'readonly' });
        expect(refusal.message, what).toMatch(
          new RegExp(
            `^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is open read-only \\(${reason.replace(/[()]/g, '\\$&')}\\), so \\S+ .* is refused\\. Nothing was changed\\.$`,
          ),
        );
      }
      if (folder === 'folder-ro') expect(res.create).toMatchObject({ code: 'readonly' });
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(readdirSync(join(dir, folder)).sort()).toEqual(listing);
      const exported = RunStore.open(out, { readonly: true });
      expect(exported.list().map((x) => x.id)).toEqual([id]);
      exported.close();

      // The CLI as the same user: browsing and export work (exit 0), writes are refused by name (exit 2).
      const cli = (...args: string[]) => asNobody([join(ROOT, 'src/main/cli.ts'), ...args, '--db', file]);
      const list = cli('runs', 'list');
      expect(list.status, list.stderr).toBe(0);
      expect(list.stdout).toContain('precious');
      expect(cli('runs', 'export', id, join(outDir, `${folder}-cli.chaoslab`)).status).toBe(0);
      for (const [args, doing] of [
        [['runs', 'delete', id], `deleting run ${id}`],
        [['runs', 'import', other], `importing ${other}`],
        [['run', '--resume', id], `continuing run ${id}`],
      ] as const) {
        const w = cli(...args);
        expect(w.status, w.stderr).toBe(2);
        expect(w.stderr).toContain(`${file} is open read-only (${reason}), so ${doing} is refused. Nothing was changed.`);
      }
      expect(readFileSync(file).equals(before)).toBe(true);
    }
  });

  it.runIf(MOUNT)('on a read-only bind mount: the store and the app open it read-only, browse and export it, refuse writes', async () => {
    const src = join(dir, 'src');
    const mnt = join(dir, 'ro');
    mkdirSync(mnt);
    const { id } = seed(src);
    const before = readFileSync(join(src, 'lab.db'));
    execFileSync('mount', ['--bind', src, mnt]);
    try {
      execFileSync('mount', ['-o', 'remount,ro,bind', mnt]);
      const file = join(mnt, 'lab.db');
      const store = RunStore.open(file);
      expect(store.readonlyReason).toBe('its file system is mounted read-only');
      expect(store.readSeries(id, 'loss').steps.length).toBe(50);
      store.exportRun(id, join(dir, 'from-ro.chaoslab'));
      let err: unknown;
      try {
        store.delete(id);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).message).toBe(
        `${file} is open read-only (its file system is mounted read-only), so deleting run ${id} is refused. Nothing was changed.`,
      );
      store.close();

      const service = new WorkbenchService(file);
      try {
        expect(service.info({})).toMatchObject({ readonly: true, readonlyReason: 'its file system is mounted read-only' });
        expect(service.listRuns({}).map((r) => r.id)).toEqual([id]);
        await expect(service.start(DEFAULT_CONFIG)).rejects.toThrow(
          `${file} is open read-only (its file system is mounted read-only), so starting a run is refused`,
        );
        expect(() => service.updateRun(id, { name: 'x' })).toThrow(/is open read-only .* so updating run/);
        await expect(service.continueRun(id)).rejects.toThrow(/is finished/);
      } finally {
        await service.close();
      }
      expect(existsSync(join(mnt, 'lab.db-wal'))).toBe(false);
    } finally {
      execFileSync('umount', [mnt]);
    }
    expect(readFileSync(join(src, 'lab.db')).equals(before)).toBe(true);
  });

  it.runIf(MOUNT)('an immutable file (chattr +i) opens read-only as well', () => {
    const { file, id } = seed(join(dir, 'imm'));
    execFileSync('chattr', ['+i', file]);
    try {
      const store = RunStore.open(file);
      expect(store.readonlyReason).toBe('the file is not writable (EPERM)');
      expect(store.get(id).name).toBe('precious');
      expect(() => store.update(id, { notes: 'x' })).toThrow(/is open read-only \(the file is not writable \(EPERM\)\), so updating run/);
      store.close();
    } finally {
      execFileSync('chattr', ['-i', file]);
    }
  });
});

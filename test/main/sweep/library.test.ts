// SweepLibrary: a new run and its link to the sweep are one transaction (a refused link leaves no run behind), and
// saved vectors are found in a source store (another task's run file) when the run lives there.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/shared/config';
import type { RunEnvironment } from '../../../src/shared/frames';
import { RunStore } from '../../../src/main/store/run-store';
import { SweepLibrary } from '../../../src/main/sweep/library';

const ENV: RunEnvironment = { appVersion: 't', backend: 'cpu', backendNotes: [], lapack: 'none', machine: 'test', nParams: 3, totalSteps: 1 };
let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chaoslab-sweep-library-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('SweepLibrary', () => {
  it('creates and links a run in one transaction: a refused link leaves no run', () => {
    const store = RunStore.open(join(dir, 'lab.db'));
    const linked: string[] = [];
    const ok = new SweepLibrary(store, { link: (id) => void linked.push(id) }).create(DEFAULT_CONFIG, ENV);
    expect(linked).toEqual([ok.runId]);
    const refusing = new SweepLibrary(store, {
      link: () => {
        throw new Error('started by another process');
      },
    });
    expect(() => refusing.create(DEFAULT_CONFIG, ENV)).toThrow('started by another process');
    expect(store.list().map((r) => r.id)).toEqual([ok.runId]);
    store.close();
  });

  it('reads saved vectors of a run in a source store, and of its own runs otherwise', () => {
    const src = RunStore.open(join(dir, 'source.db'));
    const source = src.createRun(DEFAULT_CONFIG, ENV);
    src.saveVectors(source, 'lyapunov', 5, 1, 3, Float64Array.of(0.5), Float64Array.of(1, 2, 3));
    src.close();
    const own = RunStore.open(join(dir, 'own.db'));
    const mine = own.createRun(DEFAULT_CONFIG, ENV);
    own.saveVectors(mine, 'lyapunov', 2, 1, 3, Float64Array.of(-1), Float64Array.of(4, 5, 6));
    const lib = new SweepLibrary(own, { sources: [RunStore.open(join(dir, 'source.db'), { readonly: true })] });
    expect(lib.vectors(source, 'lyapunov', null)).toMatchObject({ runId: source, steps: [5], saved: { step: 5, data: Float64Array.of(1, 2, 3) } });
    expect(lib.vectors(mine, 'lyapunov', 2)).toMatchObject({ runId: mine, saved: { values: Float64Array.of(-1) } });
    expect(() => lib.vectors('nosuchrun', 'lyapunov', null)).toThrow(/No run 'nosuchrun'/);
    lib.close();
  });
});

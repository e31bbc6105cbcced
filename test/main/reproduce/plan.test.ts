// The sweep a reproduction request makes is built in one place for the CLI (`lab reproduce` flags) and the app
// (the Reproduce view's IPC payload, validated in main): the same settings give the same sweep id and the same runs,
// so a reproduction started in one continues in the other. Main refuses a data folder its dialogs did not hand out
// before anything reads it, and recognises a stored reproduction by its spec.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { reproduceArgs } from '../../../src/main/reproduce/command';
import { planReproduction, reproduceRequestOf } from '../../../src/main/reproduce/plan';
import { WorkbenchService } from '../../../src/main/service/workbench-service';
import { IpcError, validators } from '../../../src/shared/ipc';
import { USPS_DIR } from '../../helpers/fixtures';

const service = new WorkbenchService(join(mkdtempSync(join(tmpdir(), 'chaoslab-reproduce-plan-')), 'lab.db'));
afterAll(() => service.close());

const fromCli = (...args: string[]) => planReproduction(reproduceArgs(args).request);
const fromApp = (payload: unknown) => planReproduction(validators['reproduce.plan'](payload));

describe('one reproduction plan for the CLI and the app', () => {
  it('gives the same sweep id and runs for the same settings', () => {
    const cases: [string[], object][] = [
      [
        ['fig1', '--quick', '--steps', '20', '--seeds', '2', '--usps', USPS_DIR],
        { figures: [1], dataset: 'usps', dir: USPS_DIR, model: 'mlp', seeds: 2, quick: true, steps: 20 },
      ],
      // Figure 2's pruning starts scaled to the cut: counted on the same data.
      [
        ['all', '--quick', '--steps', '30', '--usps', USPS_DIR, '--model', 'cnn'],
        { figures: [1, 2, 3], dataset: 'usps', dir: USPS_DIR, model: 'cnn', seeds: 3, quick: true, steps: 30 },
      ],
      [
        ['fig3', '--dataset', 'fashion-mnist', '--seeds', '5'],
        { figures: [3], dataset: 'fashion-mnist', dir: null, model: 'mlp', seeds: 5, quick: false, steps: null },
      ],
    ];
    const ids = new Set<string>();
    for (const [args, payload] of cases) {
      const cli = fromCli(...args);
      const app = fromApp(payload);
      expect(app.sweep.id).toBe(cli.sweep.id);
      expect(app.sweep.plan).toEqual(cli.sweep.plan);
      expect(app.sweep.spec).toEqual(cli.sweep.spec);
      expect(app.runs).toEqual(cli.runs);
      ids.add(cli.sweep.id);
    }
    expect(ids.size).toBe(3);
    const all = fromCli('all', '--quick', '--steps', '30', '--usps', USPS_DIR, '--model', 'cnn');
    expect(all.sweep.plan.entries.filter((e) => e.config.cgd?.start).map((e) => e.config.cgd!.start)).toEqual([4, 10, 20, 4, 10, 20, 4, 10, 20]);
    // A setting that differs makes another sweep.
    expect(fromCli('fig1', '--quick', '--steps', '20', '--seeds', '3', '--usps', USPS_DIR).sweep.id).not.toBe(
      fromCli('fig1', '--quick', '--steps', '20', '--seeds', '2', '--usps', USPS_DIR).sweep.id,
    );
  });

  it('reads the request back from the stored spec', () => {
    const { request } = reproduceArgs(['fig2', '--quick', '--seeds', '2', '--usps', USPS_DIR, '--steps', '40']);
    expect(reproduceRequestOf(planReproduction(request).sweep.spec)).toEqual(request);
    expect(reproduceRequestOf({ title: 'a sweep', base: {}, grid: {} })).toBeNull();
    // A damaged spec (an edited database) is no reproduction rather than an error.
    expect(reproduceRequestOf({ reproduce: [1], settings: { model: 'mlp' }, steps: null })).toBeNull();
    expect(reproduceRequestOf(null)).toBeNull();
  });

  it('in main: refuses a folder its dialogs did not hand out, naming the field, then plans with the epochs counted', () => {
    const payload = { figures: [1], dataset: 'usps', dir: USPS_DIR, model: 'mlp', seeds: 1, quick: false, steps: null };
    let refused: unknown;
    try {
      service.reproducePlan(validators['reproduce.plan'](payload));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(IpcError);
    expect((refused as IpcError).fields[0].field).toBe('data.dir');
    service.grantPath(USPS_DIR);
    const view = service.reproducePlan(validators['reproduce.plan'](payload));
    expect(view.sweepId).toBe(fromCli('fig1', '--seeds', '1', '--usps', USPS_DIR).sweep.id);
    expect(view.runs.map((r) => r.variant)).toEqual(['sgd', 'cgd-neg', 'cgd-pos', 'cgd-chaotic']);
    // 40 epochs of the 7291 USPS training images in batches of 8 (the last partial batch dropped): 40 × 911.
    expect(view.runs.map((r) => r.plannedSteps)).toEqual([36_440, 36_440, 36_440, 36_440]);
  });
});

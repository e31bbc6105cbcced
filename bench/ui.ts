// UI benchmark: the built renderer in headless Chromium, wired to the real WorkbenchService as in the e2e tests.
// 1. A fast run (no spectrum, up to 40,000 steps) streams into the Live view: metric frames/s the renderer
//    applies, batches/s, chart redraws/s and the page's animation frames/s while the series grow to 40k points.
// 2. A CNN run with the exact spectrum every step, watched live: the largest event-loop delay of the process
//    hosting the WorkbenchService and the handler table (a process of its own, as Electron's main), target ≤ 50 ms.
import type { Page } from 'playwright-core';
import { RunStore } from '../src/main/store/run-store';
import { buildApp, fillForm, openForkedWorkbench } from '../test/e2e/harness';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts requestAnimationFrame callbacks in the page for `ms` milliseconds (plain JS text: no transpiler helpers). */
function animationFps(page: Page, ms: number): Promise<number> {
  return page
    .evaluate(
      `new Promise((resolve) => {
    let n = 0;
    const t0 = performance.now();
    const tick = () => {
      n++;
      if (performance.now() - t0 < ${ms}) requestAnimationFrame(tick);
      else resolve((n * 1000) / (performance.now() - t0));
    };
    requestAnimationFrame(tick);
  })`,
    )
    .then((v) => {
      if (typeof v !== 'number') throw new Error(`animation frame counter returned ${String(v)}`);
      return v;
    });
}

async function startFromForm(page: Page, preset: string, fields: Record<string, string>): Promise<void> {
  await page.getByTestId('nav-new').click();
  await page.locator(`[data-preset="${preset}"]`).click();
  await fillForm(page, fields);
  await page.getByTestId('start').click();
  await page.getByTestId('view-live').waitFor();
}

/** Waits for the run shown in the Live view to end; throws unless it finished. */
async function untilFinished(page: Page): Promise<void> {
  for (;;) {
    const status = await page.getByTestId('status').textContent();
    if (status === 'finished') return;
    if (status !== 'running' && status !== 'paused')
      throw new Error(
        `run ended ${status}: ${await page
          .getByTestId('live-error')
          .textContent()
          .catch(() => '')}`,
      );
    await sleep(100);
  }
}

export async function benchUi(opts: { fastSteps?: number; cnnSteps?: number } = {}): Promise<Record<string, number>> {
  const fastSteps = opts.fastSteps ?? 40_000;
  const cnnSteps = opts.cnnSteps ?? 60;
  buildApp();
  const wb = await openForkedWorkbench();
  const page = wb.page;
  try {
    // 1. Fast run.
    await startFromForm(page, 'fig1-sgd', {
      name: 'bench fast',
      'train.steps': String(fastSteps),
      'data.trainLimit': '2000',
      'data.testEvery': '0',
      'spectrum.every': '0',
      checkpointEvery: '0',
    });
    await page.getByTestId('chart-loss').locator('canvas[data-draws]').waitFor();
    // Counters of the Live view, read in one go while the run streams (they restart when it reloads from the store
    // at the end, so only samples taken while it was still running count).
    const sample = async (): Promise<{ t: number; running: boolean; frames: number; batches: number; draws: number }> => {
      const [status, frames, batches, draws] = (await page.evaluate(`(() => {
        const v = document.querySelector('[data-testid="view-live"]');
        const c = document.querySelector('[data-testid="chart-loss"] canvas');
        return [document.querySelector('[data-testid="status"]').textContent, v.dataset.frames, v.dataset.batches, c.dataset.draws];
      })()`)) as [string, string, string, string];
      return { t: performance.now(), running: status === 'running', frames: Number(frames), batches: Number(batches), draws: Number(draws) };
    };
    const first = await sample();
    let last = first;
    const fps: number[] = [];
    for (;;) {
      fps.push(await animationFps(page, 1000));
      const s = await sample();
      if (!s.running) break;
      last = s;
    }
    await untilFinished(page);
    const seconds = (last.t - first.t) / 1000;
    const runId = (await page.getByTestId('view-live').getAttribute('data-run-id'))!;
    const store = RunStore.open(wb.dbFile, { readonly: true });
    const wall = store.readSeries(runId, 'wall');
    store.close();
    const n = wall.values.length;
    const out: Record<string, number> = {
      fast_steps: fastSteps,
      // From the wall clock the engine logged with every step.
      fast_engine_steps_per_s: (n - 1) / (wall.values[n - 1] - wall.values[0]),
      fast_renderer_frames_per_s: (last.frames - first.frames) / seconds,
      fast_batches_per_s: (last.batches - first.batches) / seconds,
      fast_chart_draws_per_s: (last.draws - first.draws) / seconds,
      fast_animation_fps: fps.length ? fps.reduce((a, b) => a + b, 0) / fps.length : NaN,
    };
    console.log(
      `fast run (${fastSteps} steps, no spectrum): engine ${out.fast_engine_steps_per_s.toFixed(0)} steps/s, renderer applied ` +
        `${out.fast_renderer_frames_per_s.toFixed(0)} metric frames/s in ${out.fast_batches_per_s.toFixed(1)} batches/s, ` +
        `loss chart ${out.fast_chart_draws_per_s.toFixed(1)} redraws/s, page ${out.fast_animation_fps.toFixed(1)} animation frames/s`,
    );

    // 2. CNN run, watched live.
    await startFromForm(page, 'fig1-sgd', {
      name: 'bench cnn',
      'model.kind': 'cnn',
      'train.steps': String(cnnSteps),
      'data.trainLimit': '400',
      'data.testEvery': '20',
      'data.testLimit': '200',
      'spectrum.every': '1',
    });
    await wb.monitor(true);
    const c0 = performance.now();
    await untilFinished(page);
    const cnnSeconds = (performance.now() - c0) / 1000;
    const delay = await wb.monitor(false);
    out.cnn_steps = cnnSteps;
    out.cnn_ms_per_step = (cnnSeconds * 1000) / cnnSteps;
    out.cnn_main_max_loop_delay_ms = delay.maxMs;
    out.cnn_main_p99_loop_delay_ms = delay.p99Ms;
    console.log(
      `CNN run (${cnnSteps} steps, spectrum every step, ${out.cnn_ms_per_step.toFixed(0)} ms/step incl. start-up): main event-loop delay ` +
        `max ${delay.maxMs.toFixed(1)} ms, p99 ${delay.p99Ms.toFixed(1)} ms, mean ${delay.meanMs.toFixed(1)} ms (target max ≤ 50 ms)`,
    );
    return out;
  } finally {
    await wb.close();
  }
}

if (require.main === module) {
  benchUi().then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}

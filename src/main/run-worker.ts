// Worker-thread entry: runs one experiment with the engine and streams its frames to the WorkbenchService, or
// measures a cost estimate. Bundled as its own entry by electron-vite; under plain Node it is loaded from
// source with `--import tsx`.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { RunControl, estimateCost, runExperiment } from './engine/runner';
import type { ControlMessage, WorkerInput, WorkerMessage } from './service/worker-protocol';
import { StoreLibrary } from './store/run-library';
import { RunStore } from './store/run-store';
import { SweepLibrary } from './sweep/library';

const port = parentPort;
if (!port) throw new Error('run-worker must be started as a worker thread');
// Compute yields to the UI: on Linux the nice value is per thread, so this lowers this worker (and the threads it
// starts) only, never the main process. Elsewhere it would apply to the whole process, so leave it.
if (process.platform === 'linux') setPriority(0, 10);
const input = workerData as WorkerInput;
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const errorText = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

if (input.task === 'estimate') {
  try {
    post({ type: 'estimate', estimate: estimateCost(input.config) });
  } catch (e) {
    post({ type: 'error', message: errorText(e) });
  }
  port.close();
} else {
  const control = new RunControl();
  port.on('message', (m: ControlMessage) => {
    if (m.type === 'pause') control.pause();
    else if (m.type === 'resume') control.resume();
    else control.cancel();
    post({ type: 'state', state: control.state });
  });
  const open = (): StoreLibrary => {
    const sweep = input.task === 'run' ? input.sweep : undefined;
    // The service checked the database (quick_check) when it opened it.
    if (!sweep) return StoreLibrary.open(input.dbFile, { verify: false });
    const store = RunStore.open(input.dbFile, { verify: false });
    return new SweepLibrary(store, { link: (runId) => store.sweeps.link(sweep.id, sweep.index, runId) });
  };
  // Opening the database may throw: inside then(), so that it reaches the service as an error message too.
  Promise.resolve()
    .then(() =>
      runExperiment(input.task === 'run' ? input.config : null, {
        library: open(),
        resumeId: input.task === 'continue' ? input.resumeId : undefined,
        control,
        hooks: {
          started: (info) => post({ type: 'started', ...info }),
          metrics: (frame) => post({ type: 'metrics', frame }),
          // Copies, so that transferring the buffer cannot detach an array the engine still holds.
          spectrum: (frame) => {
            const eigenvalues = frame.eigenvalues.slice();
            post({ type: 'spectrum', frame: { ...frame, eigenvalues } }, [eigenvalues.buffer]);
          },
          estimated: (frame) => post({ type: 'estimated', frame }),
          lyapunov: (frame) => post({ type: 'lyapunov', frame: { ...frame, exponents: frame.exponents.slice() } }),
          replicas: (frame) =>
            post({
              type: 'replicas',
              frame: { ...frame, distances: frame.distances.slice(), alongGrad: frame.alongGrad.slice(), alongTop: frame.alongTop.slice() },
            }),
          progress: (progress) => post({ type: 'progress', progress }),
          log: (line) => post({ type: 'log', line }),
        },
      }),
    )
    .then((r) => post({ type: 'done', ...r }))
    .catch((e: unknown) => post({ type: 'error', message: errorText(e) }))
    .finally(() => port.close());
}

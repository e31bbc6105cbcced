// The real run worker (real engine writing the real store) plus a fault: once the store holds 20 steps of the
// run, an uncaught exception escapes on the worker's event loop, outside the runner's own error handling, as a
// bug in a callback or a failed native call would. The thread dies with exit code 1 and no 'done' message.
import { workerData } from 'node:worker_threads';
import { RunStore } from '../../../src/main/store/run-store';
import type { WorkerInput } from '../../../src/main/service/worker-protocol';
import '../../../src/main/run-worker';

const { dbFile } = workerData as Extract<WorkerInput, { task: 'run' }>;
setInterval(() => {
  const store = RunStore.open(dbFile, { readonly: true });
  const steps = store.list()[0]?.lastStep ?? -1;
  store.close();
  if (steps >= 20) throw new Error('simulated crash in the run worker');
}, 50);

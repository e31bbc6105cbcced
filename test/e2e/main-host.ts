// Stand-in for Electron's main process, in a process of its own: the WorkbenchService and the handler table, reached
// over Node's IPC channel with structured-clone serialization, plus an event-loop delay monitor.
// Started by openForkedWorkbench() (harness.ts) with the database file and a scratch directory as arguments.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WorkbenchService } from '../../src/main/service/workbench-service';
import type { HostMessage, HostRequest } from './harness';
import { contextFor, testHandlers } from './harness';

const [dbFile, dir] = process.argv.slice(2);
const service = new WorkbenchService(dbFile);
const handlers = testHandlers(service, dir);
const delay = monitorEventLoopDelay({ resolution: 5 });
const send = (m: HostMessage): void => void process.send!(m);

service.on('status', (payload) => send({ type: 'event', event: 'run.status', payload }));
process.on('message', async (m: HostRequest) => {
  if (m.type === 'invoke') {
    const ctx = contextFor(m.url, (event, payload) => send({ type: 'event', event, payload }));
    send({ type: 'reply', id: m.id, reply: await handlers[m.channel](m.payload, ctx) });
  } else if (m.type === 'monitor') {
    if (m.on) {
      delay.reset();
      delay.enable();
      send({ type: 'monitoring', id: m.id });
    } else {
      delay.disable();
      send({ type: 'stats', id: m.id, stats: { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, meanMs: delay.mean / 1e6 } });
    }
  } else {
    await service.close();
    send({ type: 'closed', id: m.id });
  }
});
// The test process went away without closing: do not outlive it.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });

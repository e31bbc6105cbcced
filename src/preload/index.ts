// The renderer's one door: a bridge that forwards only the lab API's channels and events (shared/ipc.ts).
// Runs sandboxed with contextIsolation; the renderer gets no Node, no ipcRenderer, no file access.
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { Bridge, Channel, EventName, Reply } from '../shared/ipc';
import { CHANNELS, EVENTS } from '../shared/ipc';

const bridge: Bridge = {
  invoke(channel: Channel, payload: unknown): Promise<Reply<unknown>> {
    if (!CHANNELS.includes(channel)) return Promise.resolve({ ok: false, error: `unknown channel ${String(channel)}`, fields: [] });
    return ipcRenderer.invoke(channel, payload) as Promise<Reply<unknown>>;
  },
  on(event: EventName, listener: (payload: unknown) => void): () => void {
    if (!EVENTS.includes(event)) throw new Error(`unknown event ${String(event)}`);
    const handler = (_e: IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(event, handler);
    return () => ipcRenderer.removeListener(event, handler);
  },
};

contextBridge.exposeInMainWorld('chaoslabBridge', bridge);

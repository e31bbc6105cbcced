// The renderer's only door to main: the typed API over the bridge the preload script exposes.
import type { Bridge } from '../../../../shared/ipc';
import { createApi } from '../../../../shared/ipc';

declare global {
  interface Window {
    chaoslabBridge: Bridge;
  }
}

export const api = createApi(window.chaoslabBridge);

// electron-vite: main (with the run worker as a second entry), sandboxed preload, Svelte renderer.
import { resolve } from 'node:path';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: { index: resolve(__dirname, 'src/main/index.ts'), 'run-worker': resolve(__dirname, 'src/main/run-worker.ts') },
      },
    },
  },
  preload: {
    // A sandboxed preload cannot require local chunks: one self-contained file.
    build: { rollupOptions: { input: { index: resolve(__dirname, 'src/preload/index.ts') } }, isolatedEntries: true },
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    build: { rollupOptions: { input: resolve(__dirname, 'src/renderer/index.html') } },
    plugins: [svelte()],
  },
});

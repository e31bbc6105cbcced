// Lint: typescript-eslint and eslint-plugin-svelte recommended rules, plus the layers of the design
// (docs/design.md §1): the renderer never imports main; the engine never imports the store, the service,
// IPC or Electron; shared code imports neither Node nor the DOM-side packages (the chart core may use d3's pure
// modules: d3-array, d3-color, d3-format, d3-interpolate, d3-scale, d3-scale-chromatic).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

const forbid = (...patterns) => ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }];
const NODE = [['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'better-sqlite3'], 'Node modules are for the main process only.'];
const ELECTRON = [['electron'], 'Only the Electron glue (src/main/index.ts, window.ts, menu.ts, ipc/) imports Electron.'];

export default ts.config(
  { ignores: ['out/', 'native/build/', 'node_modules/', 'test-output/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `a && b()` and `c ? f() : g()` as statements are used deliberately for short side effects.
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] }, globals: { ...globals.browser } },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': forbid([['**/main/**', '**/preload/**'], 'The renderer talks to main only through the preload bridge.'], NODE, ELECTRON),
    },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/main/**', '**/renderer/**', '**/preload/**'], 'Shared code depends on nothing but itself (and the pure d3 modules of the chart core).'],
        [
          ['d3', 'd3-*', '!d3-array', '!d3-color', '!d3-format', '!d3-interpolate', '!d3-scale', '!d3-scale-chromatic'],
          'Shared code may use only the pure d3 modules (no DOM).',
        ],
        NODE,
        ELECTRON,
      ),
    },
  },
  {
    files: ['src/main/engine/**'],
    rules: {
      'no-restricted-imports': forbid(
        [
          ['**/store/**', '**/service/**', '**/ipc/**', '**/renderer/**', '**/cli', '**/cli/**', 'better-sqlite3'],
          'The engine writes to a RunSink (engine/sink.ts), never to the store, the service or IPC.',
        ],
        ELECTRON,
      ),
    },
  },
  {
    files: ['src/main/store/**'],
    rules: {
      'no-restricted-imports': forbid(
        [['**/service/**', '**/ipc/**', '**/renderer/**'], 'The store serves the engine, the service and the CLI; it imports none of them.'],
        ELECTRON,
      ),
    },
  },
  {
    files: ['src/main/service/**', 'src/main/sweep/**', 'src/main/cli.ts', 'src/main/cli/**', 'src/main/run-worker.ts'],
    rules: { 'no-restricted-imports': forbid(ELECTRON) },
  },
);

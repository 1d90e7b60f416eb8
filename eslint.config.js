// Lint rules, including the import rules of DESIGN.md written as data so they cannot drift.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads', 'crypto', 'http', 'url'];

/** One block per row of the DESIGN.md import table. */
function forbid(files, patterns, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
    },
  };
}

export default tseslint.config(
  {
    ignores: ['scratch/', 'node_modules/', 'build/', 'dist-renderer/', 'release/', 'test-results/', 'playwright-report/', '.electron-native/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No import cycles anywhere (type-only imports have no run-time effect and are not counted).
    files: ['**/*.ts', '**/*.js'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser }, globals: { ...globals.browser } },
  },
  {
    files: ['src-renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  forbid(['src-shared/**'], [...NODE_BUILTINS, 'electron', 'better-sqlite3', 'svelte', 'svelte/*', 'chart.js', 'chart.js/*', '../src-main/*', '../src-renderer/*'],
    'src-shared is imported by every process: plain TypeScript only.'),
  {
    files: ['src-main/engine/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          group: [...NODE_BUILTINS, 'electron', 'better-sqlite3', 'piscina', '../runner/*', '../store/*', '../api/*', '../../runner/*', '../../store/*', '../../api/*'],
          message: 'The engine is pure: no node:*, electron, sqlite or other src-main layers.',
        }],
      }],
      'no-restricted-properties': ['error',
        { object: 'Math', property: 'random', message: 'Use the simulation Rng.' },
        { object: 'Date', property: 'now', message: 'The engine has no wall clock.' },
        { object: 'performance', property: 'now', message: 'The engine has no wall clock.' },
      ],
      'no-restricted-globals': ['error', { name: 'Date', message: 'The engine has no wall clock.' }, { name: 'performance', message: 'The engine has no wall clock.' }],
    },
  },
  {
    files: ['src-main/engine/kvm/**'],
    rules: { camelcase: 'off' },
  },
  forbid(['src-main/formats/**', 'src-main/stats/**'], [...NODE_BUILTINS, 'electron', 'better-sqlite3', '../store/*', '../api/*', '../runner/*'],
    'Parsers, exporters and statistics are pure: callers read files and hold the database.'),
  forbid(['src-main/calibrate/**'], [...NODE_BUILTINS, 'electron', 'better-sqlite3', '../store/*', '../api/*', '../runner/*', '../engine/*', '!../engine/index.js'],
    'Calibration is pure: it reaches the engine through its public index and a Simulator the caller passes, and never the store.'),
  forbid(['src-main/runner/**'], ['electron', 'better-sqlite3', '../store/*', '../api/*'],
    'The runner talks to the engine only; storage belongs to the api layer.'),
  forbid(['src-main/store/**'], ['electron', '../engine/*', '../engine/**', '../runner/*', '../api/*'],
    'The store keeps plain data: no electron, no engine internals.'),
  forbid(['src-main/api/**'], ['electron'],
    'Transports wrap the api, not the reverse.'),
  forbid(['src-main/electron/**', 'src-main/web/**', 'src-main/cli/**'], ['../engine/*', '../engine/**'],
    'Front doors go through the api, never the engine directly.'),
  forbid(['src-renderer/**'], [...NODE_BUILTINS, 'electron', '../src-main/*', '../../src-main/*', '**/src-main/**'],
    'The renderer sees src-shared types and window.lab only.'),
);

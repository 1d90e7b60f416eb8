import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Unit tests run under plain Node (engine, runner, store, api, cli, formats); the reliability
// suite (tests/reliability: kill -9, concurrent writers, fuzzing, hostile web requests; bounded
// to a few minutes) runs after them, as its own group, so its load never slows the unit tests.
// End-to-end browser tests live in tests/e2e and run with Playwright, not here.
const RENDERER_STATE = 'tests/unit/renderer/state/**/*.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], exclude: [RENDERER_STATE], sequence: { groupOrder: 0 } } },
      // The renderer's state classes use runes, which the Svelte compiler turns into plain code.
      { extends: true, plugins: [svelte({ configFile: false })], test: { name: 'renderer-state', include: [RENDERER_STATE], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'reliability', include: ['tests/reliability/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});

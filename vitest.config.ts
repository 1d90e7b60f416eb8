import { defineConfig } from 'vitest/config';

// Unit tests run under plain Node (engine, runner, store, api, cli, formats); the reliability
// suite (tests/reliability: kill -9, concurrent writers, fuzzing, hostile web requests; bounded
// to a few minutes) runs after them, as its own group, so its load never slows the unit tests.
// End-to-end browser tests live in tests/e2e and run with Playwright, not here.
export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'reliability', include: ['tests/reliability/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});

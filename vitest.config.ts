import { defineConfig } from 'vitest/config';

// Unit tests run under plain Node (engine, runner, store, api, cli, formats), and so does the
// reliability suite (tests/reliability: kill -9, concurrent writers, fuzzing, hostile web
// requests; bounded to a few minutes). End-to-end browser tests live in tests/e2e and run with
// Playwright, not here.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

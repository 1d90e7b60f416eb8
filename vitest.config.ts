import { defineConfig } from 'vitest/config';

// Unit tests run under plain Node (engine, runner, store, api, cli, formats).
// End-to-end browser tests live in tests/e2e and run with Playwright, not here.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

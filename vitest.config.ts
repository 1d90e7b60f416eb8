import { defineConfig } from 'vitest/config';

// Unit tests run under plain Node (engine, runner, store, api, cli, formats), and so do the
// bounded reliability tests (tests/reliability: fuzzing and hostile input).
// End-to-end browser tests live in tests/e2e and run with Playwright, not here.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/reliability/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    // better-sqlite3 is a native addon: separate processes keep each test file's handles apart.
    pool: 'forks',
    testTimeout: 20_000,
    // A test stuck in a synchronous loop would otherwise hang the run past CI's limit.
    setupFiles: ['test/helpers/event-loop-watchdog.ts'],
  },
});

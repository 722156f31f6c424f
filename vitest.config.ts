import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/require-node.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: keep workers few so the embedded stacks do not starve each other.
    maxWorkers: 2,
  },
});

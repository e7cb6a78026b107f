import { defineConfig } from 'vitest/config';

/**
 * `npm run test:publiq` only (through scripts/test-publiq.ts): the publiq scenarios against publiq's test environment.
 * One file, one scenario at a time, with time for a real network.
 */
export default defineConfig({
  test: {
    name: 'publiq',
    environment: 'node',
    include: ['contract/**/*.live.test.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    env: { POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

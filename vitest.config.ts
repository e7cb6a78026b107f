import { defineConfig } from 'vitest/config';

/** Where tests live: beside the code they test. */
const roots = ['functions', 'lib', 'local', 'sandbox', 'test-support', 'scripts', 'deploy', 'contract'];

const shared = {
  environment: 'node',
  restoreMocks: true,
  env: {
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_DEV: 'false',
    // Metrics would print an EMF line per count; tests that count spy on them (lib/metrics.test.ts).
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  },
} as const;

/**
 * Two projects, both run by `npm test`: unit tests (`*.test.ts`: no server, milliseconds each) and integration tests
 * (`*.int.test.ts`: real dynalite and the sandbox over HTTP). `npx vitest --project unit` runs the fast half alone.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: 'unit',
          include: roots.map((root) => `${root}/**/*.test.ts`),
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.live.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          ...shared,
          name: 'integration',
          include: roots.map((root) => `${root}/**/*.int.test.ts`),
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});

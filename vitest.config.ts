import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vitest/config';

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
 * `import text from 'x' with { type: 'text' }` as esbuild bundles it (functions/api-docs.ts, Swagger UI's files): the
 * file's text. Vite would run the file as a module instead (and vitest empties a `.css`, `?raw` or not).
 */
const TEXT = 'text-import:';
const TEXT_IMPORT = /(from\s*)(['"])([^'"]+)\2\s*with\s*\{\s*type:\s*(['"])text\4\s*\}/g;
const textImports: Plugin = {
  name: 'text-imports',
  enforce: 'pre',
  // Vite calls each hook only for what its filter matches: other modules and imports never reach the plugin.
  transform: {
    filter: { code: /with\s*\{\s*type:\s*['"]text['"]\s*\}/ },
    handler(code) {
      const rewritten = code.replace(TEXT_IMPORT, `$1$2${TEXT}$3$2`);
      return rewritten === code ? undefined : rewritten;
    },
  },
  resolveId: {
    filter: { id: new RegExp(`^${TEXT}`) },
    async handler(source, importer) {
      const file = await this.resolve(source.slice(TEXT.length), importer, { skipSelf: true });
      // Named so that vitest neither empties it (a `.css`) nor leaves it to Node (a path in node_modules).
      return file && `\0${TEXT}${Buffer.from(file.id).toString('base64url')}`;
    },
  },
  load: {
    filter: { id: new RegExp(`^\0${TEXT}`) },
    handler(id) {
      const file = Buffer.from(id.slice(TEXT.length + 1), 'base64url').toString();
      return `export default ${JSON.stringify(readFileSync(file, 'utf8'))};`;
    },
  },
};

/**
 * The integration project's handler module (test-support/checked-handler.ts): every import of
 * lib/adapters/http/handler.ts resolves to it, but its own, so each answer of each HTTP handler is logged for the
 * setup file test-support/validate-responses.ts to check. A resolution, not a `vi.mock`: `vi.resetModules` keeps a
 * mocked module as first built (the handler of the first module graph, whose `instanceof AppError` knows none of the
 * next graph's errors), but evaluates this one again with the rest.
 */
const HANDLER_MODULE = fileURLToPath(new URL('./lib/adapters/http/handler.ts', import.meta.url));
const CHECKED_HANDLER = fileURLToPath(new URL('./test-support/checked-handler.ts', import.meta.url));
const checkedHandler: Plugin = {
  name: 'checked-handler',
  enforce: 'pre',
  resolveId: {
    filter: { id: /(^|\/)handler(\.[jt]s)?$/ },
    async handler(source, importer, options) {
      if (importer === CHECKED_HANDLER) return undefined;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === HANDLER_MODULE ? CHECKED_HANDLER : undefined;
    },
  },
};

/**
 * Two projects, both run by `npm test`: unit tests (`*.test.ts`: no server, milliseconds each) and integration tests
 * (`*.int.test.ts`: real dynalite and the sandbox over HTTP). `npx vitest --project unit` runs the fast half alone.
 */
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [textImports],
        test: {
          ...shared,
          name: 'unit',
          include: roots.map((root) => `${root}/**/*.test.ts`),
          exclude: ['**/node_modules/**', '**/*.int.test.ts', '**/*.live.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        plugins: [textImports, checkedHandler],
        test: {
          ...shared,
          name: 'integration',
          include: roots.map((root) => `${root}/**/*.int.test.ts`),
          // Every answer of every HTTP handler a test builds is held to the OpenAPI document.
          setupFiles: ['test-support/validate-responses.ts'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
    ],
  },
});

/**
 * apiDocs's composition root: the OpenAPI document, built once per container when it is first asked for, and Swagger
 * UI's script and style sheet, bundled into the zip as text by esbuild (`with { type: 'text' }`;
 * types/swagger-ui-dist.d.ts for tsc). They make this zip the largest (about 820 KiB), and only this one. What it
 * does: lib/handlers/api-docs.ts.
 *
 * The document's module (lib/api: every operation's schemas, zod's full build and zod-openapi) is imported
 * dynamically, which esbuild bundles as a module evaluated on that first ask: a cold start for the page or its files
 * does not evaluate it.
 */

import css from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/api-docs.js';

const config = loadConfig(['app', 'http']);
const content = {
  document: async () =>
    (await import('../lib/api/document.js')).openApiDocument({ version: config.app.version }),
  assets: {
    'swagger-ui-bundle.js': { contentType: 'text/javascript; charset=utf-8', body: bundle },
    'swagger-ui.css': { contentType: 'text/css; charset=utf-8', body: css },
  },
};

export const handler = createHandler(content, config.http);

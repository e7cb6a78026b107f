/**
 * apiDocs's composition root: the OpenAPI document, built once per container, and Swagger UI's script and style
 * sheet, bundled into the zip as text by esbuild (`with { type: 'text' }`; types/swagger-ui-dist.d.ts for tsc). They
 * make this zip the largest (about 820 KiB), and only this one. What it does: lib/handlers/api-docs.ts.
 */

import css from 'swagger-ui-dist/swagger-ui.css' with { type: 'text' };
import bundle from 'swagger-ui-dist/swagger-ui-bundle.js' with { type: 'text' };
import { openApiDocument } from '../lib/api/document.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/api-docs.js';

const config = loadConfig(['app', 'http']);
const content = {
  document: openApiDocument({ version: config.app.version }),
  assets: {
    'swagger-ui-bundle.js': { contentType: 'text/javascript; charset=utf-8', body: bundle },
    'swagger-ui.css': { contentType: 'text/css; charset=utf-8', body: css },
  },
};

export const handler = createHandler(content, config.http);

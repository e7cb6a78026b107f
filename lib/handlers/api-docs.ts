/**
 * apiDocs: the API's own description, public. `GET /v1/openapi.json` is the OpenAPI document (lib/api/document.ts),
 * `GET /v1/docs` a page that renders it with Swagger UI, and `GET /v1/docs/{asset}` the files that page loads: Swagger
 * UI's script and style sheet (given by the root, from the swagger-ui-dist package) and the page's own start script.
 * Everything comes from here, no CDN, so the page's Content-Security-Policy allows this origin alone and no inline
 * script or style. The files are answered gzipped to a browser that takes it (every browser does).
 */
import { gzipSync } from 'node:zlib';
import { type HttpOptions, httpRouter, okText, route } from '../adapters/http/handler.js';
import { AppError } from '../domain/errors.js';
import * as z from '../zod.js';

export interface DocsAsset {
  contentType: string;
  body: string;
}

export interface DocsContent {
  /**
   * The OpenAPI document, answered as JSON: built when it is first asked for, not at import, since the page and its
   * files (what a cold container is woken for when someone opens the docs) do not need it.
   */
  document: () => unknown;
  /** The files the page loads besides its own start script (`init.js`), by name: Swagger UI's bundle and CSS. */
  assets: Record<string, DocsAsset>;
}

/** The document and the page may change with any deploy; the files change only with Swagger UI's version. */
const SHORT_CACHE = 'public, max-age=300';
const LONG_CACHE = 'public, max-age=86400';

/**
 * Scripts, styles, the document and "Try it out" from this origin only. Images may also be `data:` URIs, as Swagger
 * UI's style sheet draws its icons with them. No eval (the bundle needs none), no inline code, no frames, no forms
 * elsewhere.
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>UiTPAS ticketing API</title>
  <link rel="stylesheet" href="/v1/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/v1/docs/swagger-ui-bundle.js"></script>
  <script src="/v1/docs/init.js"></script>
</body>
</html>
`;

/**
 * The page's start script. No validator badge (Swagger UI would send the document to validator.swagger.io) and no
 * remembered API key: a key typed into "Authorize" lives as long as the tab.
 */
const INIT_SCRIPT = `'use strict';
window.ui = SwaggerUIBundle({
  url: '/v1/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  persistAuthorization: false,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

const INIT_ASSET: DocsAsset = { contentType: 'text/javascript; charset=utf-8', body: INIT_SCRIPT };

/** Whether an Accept-Encoding takes gzip: named (or `*`, when gzip is not named) with a q above 0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  const weights = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [coding = '', ...params] = part.split(';').map((piece) => piece.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (coding) weights.set(coding, q === undefined ? 1 : Number(q.slice(2)));
  }
  const weight = weights.get('gzip') ?? weights.get('*') ?? 0;
  return weight > 0;
}

const assetPath = z.object({
  asset: z.string().check(
    z.meta({
      description: 'The file: `swagger-ui-bundle.js`, `swagger-ui.css` or `init.js`.',
      examples: ['swagger-ui.css'],
    }),
  ),
});

export function createHandler(content: DocsContent, options?: HttpOptions) {
  const assets: Record<string, DocsAsset> = { ...content.assets, 'init.js': INIT_ASSET };
  // Swagger UI's script is 1.7 MB of text and 0.46 MB gzipped, and API Gateway compresses nothing: each file is
  // gzipped on its first ask and kept for the container's life (tens of milliseconds, once).
  const gzipped = new Map<DocsAsset, string>();
  const gzippedBody = (asset: DocsAsset): string => {
    const body = gzipped.get(asset) ?? gzipSync(asset.body).toString('base64');
    gzipped.set(asset, body);
    return body;
  };
  // Some 300 KB of JSON: built and serialised once per container, not on every request (again after a failure).
  let documentJson: Promise<string> | undefined;
  const servedDocument = (): Promise<string> => {
    documentJson ??= Promise.resolve()
      .then(content.document)
      .then((document) => JSON.stringify(document));
    documentJson.catch(() => {
      documentJson = undefined;
    });
    return documentJson;
  };
  return httpRouter(
    {
      'GET /v1/openapi.json': route({ auth: 'public' }, async () =>
        okText('application/json', await servedDocument(), { 'Cache-Control': SHORT_CACHE }),
      ),
      'GET /v1/docs': route({ auth: 'public' }, async () =>
        okText('text/html; charset=utf-8', PAGE, {
          'Cache-Control': SHORT_CACHE,
          'Content-Security-Policy': DOCS_PAGE_CSP,
        }),
      ),
      'GET /v1/docs/{asset}': route({ auth: 'public', path: assetPath }, async ({ path, event }) => {
        // Own keys only: `constructor` or `__proto__` are names like any other, and unknown.
        const asset = Object.hasOwn(assets, path.asset) ? assets[path.asset] : undefined;
        if (!asset) {
          throw new AppError('asset-not-found', 404, 'No such file', {
            detail: `The docs page has no file ${JSON.stringify(path.asset)}; it loads ${Object.keys(assets).join(', ')}.`,
          });
        }
        const headers = { 'Cache-Control': LONG_CACHE, Vary: 'Accept-Encoding' };
        if (!acceptsGzip(event.headers?.['accept-encoding']))
          return okText(asset.contentType, asset.body, headers);
        return {
          status: 200,
          contentType: asset.contentType,
          body: gzippedBody(asset),
          base64: true,
          headers: { ...headers, 'Content-Encoding': 'gzip' },
        };
      }),
    },
    options,
  );
}

import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { apiEvent, BASKET, lambdaContext } from '../../test-support/api-event.js';
import { PROBLEM_CONTENT_TYPE } from '../adapters/http/problem.js';
import { acceptsGzip, createHandler, DOCS_PAGE_CSP } from './api-docs.js';

const document = { openapi: '3.1.0', info: { title: 'test', version: 't' }, paths: {} };
const handler = createHandler({
  document: () => document,
  assets: {
    'swagger-ui-bundle.js': {
      contentType: 'text/javascript; charset=utf-8',
      body: 'window.SwaggerUIBundle = 1;',
    },
    'swagger-ui.css': { contentType: 'text/css; charset=utf-8', body: '.swagger-ui{}' },
  },
});
const get = (route: string, pathParameters?: Record<string, string>) =>
  handler(apiEvent({ method: 'GET', route, ...(pathParameters ? { pathParameters } : {}) }), lambdaContext());
const asset = (name: string) => get('/v1/docs/{asset}', { asset: name });

describe('apiDocs', () => {
  it('declares its three routes, all public', () => {
    expect(Object.keys(handler.routes).sort()).toEqual([
      'GET /v1/docs',
      'GET /v1/docs/{asset}',
      'GET /v1/openapi.json',
    ]);
    expect(Object.values(handler.routes).map((route) => route.auth)).toEqual(['public', 'public', 'public']);
  });

  it('answers the document as JSON, without a key, cached briefly', async () => {
    const response = await get('/v1/openapi.json');
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('application/json');
    expect(response.headers?.['Cache-Control']).toBe('public, max-age=300');
    expect(JSON.parse(response.body ?? '')).toEqual(document);
  });

  it('builds the document on its first ask, once, and again after a build that failed', async () => {
    let builds = 0;
    const lazy = createHandler({
      document: async () => {
        builds += 1;
        if (builds === 1) throw new Error('build failed');
        return document;
      },
      assets: {},
    });
    const ask = (route: string) => lazy(apiEvent({ method: 'GET', route }), lambdaContext());

    expect((await ask('/v1/docs')).statusCode).toBe(200);
    expect(builds).toBe(0);
    expect((await ask('/v1/openapi.json')).statusCode).toBe(500);
    const [second, third] = await Promise.all([ask('/v1/openapi.json'), ask('/v1/openapi.json')]);
    expect(JSON.parse(second.body ?? '')).toEqual(document);
    expect(third.body).toBe(second.body);
    expect((await ask('/v1/openapi.json')).body).toBe(second.body);
    expect(builds).toBe(2);
  });

  it('answers the document to a caller with a key too', async () => {
    const response = await handler(
      apiEvent({ method: 'GET', route: '/v1/openapi.json', principal: BASKET }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
  });

  it('answers a page with no inline script that loads Swagger UI from here, under its own strict policy', async () => {
    const page = await get('/v1/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers?.['Cache-Control']).toBe('public, max-age=300');
    expect(page.headers?.['Content-Security-Policy']).toBe(DOCS_PAGE_CSP);
    expect(DOCS_PAGE_CSP).toContain("default-src 'none'");
    expect(DOCS_PAGE_CSP).not.toMatch(/unsafe|https?:|\*/);
    const html = page.body ?? '';
    expect(html).toContain('<link rel="stylesheet" href="/v1/docs/swagger-ui.css">');
    const scripts = [...html.matchAll(/<script([^>]*)>([^<]*)<\/script>/g)];
    expect(scripts.map(([, attributes]) => attributes)).toEqual([
      ' src="/v1/docs/swagger-ui-bundle.js"',
      ' src="/v1/docs/init.js"',
    ]);
    expect(scripts.every(([, , body]) => body === '')).toBe(true);
    expect(html).not.toMatch(/ style=| on\w+=/);
  });

  it('serves the given files and its start script, which points Swagger UI at the document', async () => {
    const bundle = await asset('swagger-ui-bundle.js');
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body).toBe('window.SwaggerUIBundle = 1;');
    expect(bundle.headers?.['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(bundle.headers?.['Cache-Control']).toBe('public, max-age=86400');
    expect((await asset('swagger-ui.css')).headers?.['Content-Type']).toBe('text/css; charset=utf-8');
    const init = await asset('init.js');
    expect(init.headers?.['Content-Type']).toBe('text/javascript; charset=utf-8');
    expect(init.body).toContain("url: '/v1/openapi.json'");
    expect(init.body).toContain("dom_id: '#swagger-ui'");
    expect(init.body).toContain('validatorUrl: null');
  });

  it('answers a file gzipped to a caller that takes gzip, the same bytes once unzipped', async () => {
    const event = apiEvent({
      method: 'GET',
      route: '/v1/docs/{asset}',
      pathParameters: { asset: 'swagger-ui-bundle.js' },
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    for (const response of [await handler(event, lambdaContext()), await handler(event, lambdaContext())]) {
      expect(response.statusCode).toBe(200);
      expect(response.isBase64Encoded).toBe(true);
      expect(response.headers).toMatchObject({
        'Content-Encoding': 'gzip',
        'Content-Type': 'text/javascript; charset=utf-8',
        Vary: 'Accept-Encoding',
      });
      expect(gunzipSync(Buffer.from(response.body ?? '', 'base64')).toString('utf8')).toBe(
        'window.SwaggerUIBundle = 1;',
      );
    }
    const plain = await asset('swagger-ui-bundle.js');
    expect(plain.headers?.['Content-Encoding']).toBeUndefined();
    expect(plain.headers?.Vary).toBe('Accept-Encoding');
  });

  it('reads Accept-Encoding as HTTP says: gzip or *, unless refused with q=0', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br;q=1.0, GZIP;q=0.5')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0')).toBe(false);
    expect(acceptsGzip('gzip;q=0, *')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip('br')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });

  it.each(['swagger-ui.js', 'constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'answers an unknown file (%s) with a problem+json 404',
    async (name) => {
      const response = await asset(name);
      expect(response.statusCode).toBe(404);
      expect(response.headers?.['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
      const problem = JSON.parse(response.body ?? '');
      expect(problem).toMatchObject({
        type: 'urn:uitpas-ticketing:problem:asset-not-found',
        status: 404,
        title: 'No such file',
      });
      expect(problem.detail).toContain(JSON.stringify(name));
      expect(problem.detail).toContain('swagger-ui.css');
    },
  );
});

/**
 * The apiDocs root as it starts: Swagger UI's files imported as text (vitest.config.ts loads them as esbuild bundles
 * them) and the document built once, with the build's version. local/start.int.test.ts checks the bundled zip too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiEvent, lambdaContext } from '../test-support/api-event.js';

let handler: typeof import('./api-docs.js')['handler'];
beforeAll(async () => {
  vi.resetModules();
  vi.stubEnv('APP_VERSION', '1.2.3-test');
  ({ handler } = await import('./api-docs.js'));
});
afterAll(() => vi.unstubAllEnvs());

const get = (route: string, pathParameters?: Record<string, string>) =>
  handler(
    apiEvent({ method: 'GET', route, ...(pathParameters ? { pathParameters } : {}) }),
    lambdaContext('apiDocs'),
  );

describe('the apiDocs root', () => {
  it("answers the document, built once, with the build's version", async () => {
    const [first, second] = await Promise.all([get('/v1/openapi.json'), get('/v1/openapi.json')]);
    const document = JSON.parse(first.body ?? '');
    expect(document).toMatchObject({ openapi: '3.1.0', info: { version: '1.2.3-test' } });
    expect(Object.keys(document.paths)).toContain('/v1/docs/{asset}');
    expect(second.body).toBe(first.body);
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
  ])("serves Swagger UI's %s as the package has it", async (file, contentType) => {
    const response = await get('/v1/docs/{asset}', { asset: file });
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe(contentType);
    const packaged = readFileSync(
      new URL(`../node_modules/swagger-ui-dist/${file}`, import.meta.url),
      'utf8',
    );
    expect(response.body === packaged).toBe(true);
  });
});

/**
 * lib/adapters/http/handler.ts as the integration project sees it: the same module, except that every handler
 * `httpRouter` and `httpHandler` build logs each answer it gives (test-support/response-log.ts), for the setup file
 * test-support/validate-responses.ts to hold to the OpenAPI document after each test. vitest.config.ts resolves
 * every import of the handler module to this one (this one's own import excepted), so it is an ordinary module of
 * each module graph: a `vi.resetModules` evaluates it again with the rest, over the new graph's handler module and
 * errors. For tests only; production code is untouched.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as original from '../lib/adapters/http/handler.js';
import { ORIGINAL_HANDLER, recordResponse } from './response-log.js';

export * from '../lib/adapters/http/handler.js';

type Handler = (event: APIGatewayProxyEventV2, ...rest: never[]) => Promise<unknown>;

/** The handler, answering as before, logging each answer for the check. */
function logged<H extends Handler>(built: H): H {
  const wrapped = async (event: APIGatewayProxyEventV2, ...rest: never[]) => {
    const [routeMethod, routePath] = (event?.routeKey ?? '').split(' ');
    const method = event?.requestContext?.http?.method ?? routeMethod ?? '';
    const path = event?.requestContext?.http?.path ?? event?.rawPath ?? routePath ?? '';
    const response = (await built(event, ...rest)) as APIGatewayProxyStructuredResultV2 | undefined;
    const body =
      response?.body !== undefined && response.isBase64Encoded
        ? Buffer.from(response.body, 'base64').toString('utf8')
        : response?.body;
    recordResponse({
      method,
      path,
      routeKey: event?.routeKey,
      status: response?.statusCode ?? 200,
      headers: Object.fromEntries(Object.entries(response?.headers ?? {}).map(([k, v]) => [k, String(v)])),
      body,
    });
    return response;
  };
  return Object.assign(wrapped, built, { [ORIGINAL_HANDLER]: built }) as unknown as H;
}

export const httpRouter: typeof original.httpRouter = (...args) => logged(original.httpRouter(...args));

export const httpHandler = ((...args: Parameters<typeof original.httpHandler>) =>
  logged(original.httpHandler(...args))) as typeof original.httpHandler;

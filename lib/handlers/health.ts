/**
 * health: `GET /v1/health`, public. Answers that the API is up, with the build's version; it touches nothing else,
 * so it stays green when UiTPAS is down (the routes that need UiTPAS say so themselves).
 * It also serves API Gateway's `$default` route: a path or method this API does not have gets a problem+json 404
 * naming it, instead of API Gateway's bare `{"message":"Not Found"}`.
 */
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';

export function createHandler(build: { version: string }, options?: HttpOptions) {
  return httpRouter(
    {
      'GET /v1/health': route({ auth: 'public' }, async () =>
        ok({ status: 'ok', service: 'uitpas-ticketing', version: build.version }),
      ),
    },
    options,
  );
}

/**
 * health: `GET /v1/health`, public. Answers that the API is up, with the build's version; it touches nothing else,
 * so it stays green when UiTPAS is down (the routes that need UiTPAS say so themselves).
 */
import { httpHandler, ok } from '../lib/http/handler.js';

export const handler = httpHandler({ auth: 'public' }, async () =>
  ok({ status: 'ok', service: 'uitpas-ticketing', version: process.env.APP_VERSION ?? 'dev' }),
);

import { describe, expect, it } from 'vitest';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../../../test-support/api-event.js';
import { AppError, UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import * as z from '../../zod.js';
import { httpHandler, httpRouter, noContent, ok, okText, route } from './handler.js';
import { PROBLEM_CONTENT_TYPE } from './problem.js';

const echo = httpHandler(
  {
    auth: { roles: ['basket'] },
    body: z.object({
      eventId: z.string().check(z.minLength(1)),
      regularPrice: z.number().check(z.positive()),
    }),
    query: z.object({ label: z.optional(z.union([z.array(z.string()), z.string()])) }),
    path: z.object({ id: z.string().check(z.regex(/^[a-z]+$/)) }),
    maxBodyBytes: 200,
  },
  async ({ body, query, path, principal }) => ok({ body, query, path, client: principal.clientName }),
);

const call = (handler: typeof echo, input: Parameters<typeof apiEvent>[0]) =>
  handler(apiEvent(input), lambdaContext());
const parse = (body: string | undefined) => JSON.parse(body ?? 'null');

const valid = {
  method: 'POST',
  route: '/v1/echo/{id}',
  pathParameters: { id: 'abc' },
  body: { eventId: 'e1', regularPrice: 10 },
  principal: BASKET,
};

describe('the HTTP stack', () => {
  it('passes parsed, validated input and the caller to the route', async () => {
    const response = await call(echo, { ...valid, query: { label: ['UiTPAS', 'uitDB'] } });
    expect(response.statusCode).toBe(200);
    expect(parse(response.body)).toEqual({
      body: { eventId: 'e1', regularPrice: 10 },
      query: { label: ['UiTPAS', 'uitDB'] },
      path: { id: 'abc' },
      client: 'box-office',
    });
    expect(response.headers?.['X-Correlation-Id']).toBeTruthy();
    expect(response.headers?.['X-Content-Type-Options']).toBe('nosniff');
  });

  it('refuses a request without an API key with a 401 problem', async () => {
    const response = await call(echo, { ...valid, principal: undefined });
    expect(response.statusCode).toBe(401);
    expect(response.headers?.['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(parse(response.body)).toMatchObject({
      type: 'urn:uitpas-ticketing:problem:unauthenticated',
      status: 401,
    });
  });

  it('refuses a key of the wrong role with a 403 problem', async () => {
    const response = await call(echo, { ...valid, principal: ADMIN });
    expect(response.statusCode).toBe(403);
    expect(parse(response.body).detail).toContain('role basket');
  });

  it('lists every invalid field with a JSON pointer', async () => {
    const response = await call(echo, { ...valid, body: { eventId: '', regularPrice: -1 } });
    expect(response.statusCode).toBe(400);
    const problem = parse(response.body);
    expect(problem.type).toBe('urn:uitpas-ticketing:problem:invalid-request');
    expect(problem.invalidParams.map((p: { pointer: string }) => p.pointer)).toEqual([
      '/eventId',
      '/regularPrice',
    ]);
  });

  it('validates path parameters before the route runs', async () => {
    const response = await call(echo, { ...valid, pathParameters: { id: 'ABC' } });
    expect(response.statusCode).toBe(400);
    expect(parse(response.body).invalidParams[0].pointer).toBe('path.id');
  });

  it.each([
    [
      'malformed JSON',
      { body: '{"eventId": ', headers: { 'content-type': 'application/json' } },
      400,
      'invalid-json',
    ],
    [
      'a body that is not JSON',
      { body: 'a=b', headers: { 'content-type': 'text/plain' } },
      415,
      'unsupported-media-type',
    ],
    ['a missing body', { body: undefined }, 400, 'body-missing'],
    ['an oversized body', { body: { eventId: 'x'.repeat(300), regularPrice: 1 } }, 413, 'body-too-large'],
  ])('answers %s with a problem', async (_name, change, status, slug) => {
    const response = await call(echo, { ...valid, ...change });
    expect(response.statusCode).toBe(status);
    expect(parse(response.body).type).toBe(`urn:uitpas-ticketing:problem:${slug}`);
  });

  it('keeps the caller’s correlation id when it is well-formed', async () => {
    const response = await call(echo, { ...valid, headers: { 'x-correlation-id': 'till-7-000123' } });
    expect(response.headers?.['X-Correlation-Id']).toBe('till-7-000123');
  });

  it('hides unexpected errors behind a generic 500', async () => {
    const failing = httpHandler({ auth: 'public' }, async () => {
      throw new Error('secret internal detail');
    });
    const response = await call(failing, { method: 'GET', route: '/x' });
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret internal detail');
    expect(parse(response.body)).toMatchObject({ status: 500, title: 'Internal Server Error' });
  });

  it('maps our own errors to their status and type', async () => {
    const failing = httpHandler({ auth: 'public' }, async () => {
      throw new AppError('event-not-found', 404, 'Unknown event', { detail: 'No event demo-x.' });
    });
    const response = await call(failing, { method: 'GET', route: '/x' });
    expect(response.statusCode).toBe(404);
    expect(parse(response.body)).toMatchObject({
      type: 'urn:uitpas-ticketing:problem:event-not-found',
      detail: 'No event demo-x.',
    });
  });

  it('passes the UiTPAS endUserMessage through on an upstream problem', async () => {
    const failing = httpHandler({ auth: 'public' }, async () => {
      throw new UpstreamProblem('uitpas', {
        type: 'https://api.publiq.be/probs/uitpas/social-tariff-expired',
        status: 400,
        endUserMessage: { nl: 'Je kansentarief is verlopen.' },
      });
    });
    const response = await call(failing, { method: 'GET', route: '/x' });
    expect(response.statusCode).toBe(422);
    expect(parse(response.body)).toMatchObject({
      type: 'urn:uitpas-ticketing:problem:social-tariff-expired',
      endUserMessage: { nl: 'Je kansentarief is verlopen.' },
      upstreamType: 'https://api.publiq.be/probs/uitpas/social-tariff-expired',
    });
  });

  it('answers 503 with a Dutch message when UiTPAS is unreachable', async () => {
    const failing = httpHandler({ auth: 'public' }, async () => {
      throw new UpstreamUnavailable('uitpas', 'timeout', false);
    });
    const response = await call(failing, { method: 'GET', route: '/x' });
    expect(response.statusCode).toBe(503);
    expect(response.headers?.['Retry-After']).toBe('5');
    expect(parse(response.body).endUserMessage.nl).toMatch(/^UiTPAS is tijdelijk niet bereikbaar/);
  });
});

describe('the router', () => {
  const router = httpRouter({
    'GET /v1/things/{id}': route(
      { auth: { roles: ['admin'] }, path: z.object({ id: z.string() }) },
      async ({ path }) => ok({ got: path.id }),
    ),
    'DELETE /v1/things/{id}': route({ auth: { roles: ['admin'] } }, async () => noContent()),
  });

  it('serves each route by its route key', async () => {
    const got = await router(
      apiEvent({ method: 'GET', route: '/v1/things/{id}', pathParameters: { id: 't1' }, principal: ADMIN }),
      lambdaContext(),
    );
    expect(parse(got.body)).toEqual({ got: 't1' });
    const deleted = await router(
      apiEvent({
        method: 'DELETE',
        route: '/v1/things/{id}',
        pathParameters: { id: 't1' },
        principal: ADMIN,
      }),
      lambdaContext(),
    );
    expect(deleted.statusCode).toBe(204);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await router(
      apiEvent({ method: 'PATCH', route: '/v1/things/{id}', principal: ADMIN }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(404);
    expect(parse(response.body).type).toBe('urn:uitpas-ticketing:problem:route-not-found');
  });
});

describe('a text answer', () => {
  const get = (route: string) => apiEvent({ method: 'GET', route });
  const router = httpRouter({
    'GET /page': route({ auth: 'public' }, async () =>
      okText('text/html; charset=utf-8', '<p>"hi"</p>', { 'Content-Security-Policy': "default-src 'self'" }),
    ),
    'GET /bare-page': route({ auth: 'public' }, async () => okText('text/html', '<p>hi</p>')),
    'GET /style': route({ auth: 'public' }, async () =>
      okText('text/css', 'p{}', { 'Cache-Control': 'max-age=60', 'Content-Type': 'application/json' }),
    ),
    'GET /json-string': route({ auth: 'public' }, async () => ok('<p>hi</p>')),
    'GET /not-text': route({ auth: 'public' }, async () => ({
      status: 200,
      contentType: 'text/plain',
      body: {},
    })),
  });

  it('is sent as it is, with its own Content-Type, the correlation id and the security headers', async () => {
    const page = await router(get('/page'), lambdaContext());
    expect(page.statusCode).toBe(200);
    expect(page.body).toBe('<p>"hi"</p>');
    expect(page.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    expect(page.headers?.['X-Correlation-Id']).toBeTruthy();
    expect(page.headers?.['X-Content-Type-Options']).toBe('nosniff');
    const style = await router(get('/style'), lambdaContext());
    expect(style.body).toBe('p{}');
    expect(style.headers).toMatchObject({ 'Content-Type': 'text/css', 'Cache-Control': 'max-age=60' });
  });

  it("keeps a page's own Content-Security-Policy; a page without one gets middy's", async () => {
    const page = await router(get('/page'), lambdaContext());
    expect(page.headers?.['Content-Security-Policy']).toBe("default-src 'self'");
    expect(page.headers?.['X-Frame-Options']).toBe('DENY');
    const bare = await router(get('/bare-page'), lambdaContext());
    expect(bare.headers?.['Content-Security-Policy']).toMatch(/^default-src 'none'/);
  });

  it('leaves every other answer JSON: a string body without contentType is a JSON string', async () => {
    const answer = await router(get('/json-string'), lambdaContext());
    expect(answer.headers?.['Content-Type']).toBe('application/json');
    expect(answer.body).toBe('"<p>hi</p>"');
    expect(answer.headers?.['Content-Security-Policy']).toBeUndefined();
  });

  it('is a 500 when its body is not text', async () => {
    const answer = await router(get('/not-text'), lambdaContext());
    expect(answer.statusCode).toBe(500);
    expect(answer.headers?.['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
  });
});

describe('the time a route has for its upstream calls', () => {
  const budget = (options?: { answerMarginMs?: number }) =>
    httpHandler(
      { auth: { roles: ['basket'] } },
      async ({ deadline, answerBy }) => ok({ keptBackMs: deadline - answerBy }),
      options,
    );
  const keptBack = async (handler: ReturnType<typeof budget>, remainingMs: number) =>
    parse(
      (
        await handler(apiEvent({ method: 'GET', route: '/v1/x', principal: BASKET }), {
          ...lambdaContext(),
          getRemainingTimeInMillis: () => remainingMs,
        })
      ).body,
    ).keptBackMs;

  it('keeps the configured margin back from the deadline for the answer, or a fifth of a short time left', async () => {
    expect(await keptBack(budget(), 10_000)).toBe(1000);
    expect(await keptBack(budget({ answerMarginMs: 2500 }), 20_000)).toBe(2500);
    expect(await keptBack(budget({ answerMarginMs: 2500 }), 5000)).toBe(1000);
  });
});

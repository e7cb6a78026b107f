import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  refusedPortUrl,
  startTestServer,
  type TestServer,
} from '../../../test-support/upstream-test-server.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import {
  type AccessTokens,
  buildUrl,
  createUpstream,
  parseRetryAfter,
  type UpstreamOptions,
  type UpstreamRequest,
} from './upstream.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.reset());

const fast: Partial<UpstreamOptions> = { backoff: { baseMs: 1, maxMs: 5, maxRetryAfterMs: 20 } };

function upstream(options: Partial<UpstreamOptions> = {}) {
  return createUpstream({ service: 'uitpas', timeoutMs: 300, retries: 2, ...fast, ...options });
}

const request = (method: UpstreamRequest['method'], retry: UpstreamRequest['retry'], base = server.url) => ({
  method,
  retry,
  url: buildUrl(base, '/thing'),
  ...(method === 'GET' || method === 'DELETE' ? {} : { json: { a: 1 } }),
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('retry policy', () => {
  it.each([429, 502, 503, 504])('retries a GET answered %i and returns the later success', async (status) => {
    server.on('GET /thing', [{ status }, { status }, { json: { ok: true } }]);

    const response = await upstream().send(request('GET', 'safe'));

    expect(response.body).toEqual({ ok: true });
    expect(server.count('GET /thing')).toBe(3);
  });

  it('gives up after the configured retries with reason status and the last status', async () => {
    server.on('GET /thing', { status: 503 });

    const error = await failure(upstream({ retries: 2 }).send(request('GET', 'safe')));

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ reason: 'status', status: 503, mayHaveApplied: false });
    expect(server.count('GET /thing')).toBe(3);
  });

  it('does not retry a GET answered 500', async () => {
    server.on('GET /thing', { status: 500, json: { type: 'about:blank', status: 500 } });

    const error = await failure(upstream().send(request('GET', 'safe')));

    expect(error).toMatchObject({ name: 'UpstreamUnavailable', reason: 'status', status: 500 });
    expect(server.count('GET /thing')).toBe(1);
  });

  it('retries a GET that timed out', async () => {
    server.on('GET /thing', [{ hang: true }, { json: { ok: 1 } }]);

    const response = await upstream({ timeoutMs: 100 }).send(request('GET', 'safe'));

    expect(response.body).toEqual({ ok: 1 });
    expect(server.count('GET /thing')).toBe(2);
  });

  it('times out when the body stalls after the headers', async () => {
    server.on('GET /thing', { stallBody: true, headers: { 'content-type': 'application/json' } });

    const error = await failure(upstream({ timeoutMs: 100, retries: 0 }).send(request('GET', 'safe')));

    expect(error).toMatchObject({ name: 'UpstreamUnavailable', reason: 'timeout', mayHaveApplied: false });
  });

  it('retries a GET whose connection was dropped', async () => {
    server.on('GET /thing', [{ destroy: true }, { json: [] }]);

    const response = await upstream().send(request('GET', 'safe'));

    expect(response.body).toEqual([]);
    expect(server.count('GET /thing')).toBe(2);
  });

  it.each([
    ['a timeout', { hang: true }, 'timeout'],
    ['a 500', { status: 500 }, 'status'],
    ['a 502', { status: 502 }, 'status'],
    ['a 503', { status: 503 }, 'status'],
    ['a dropped connection', { destroy: true }, 'network'],
  ] as const)(
    'never repeats a POST after %s, and says it may have been applied',
    async (_, reply, reason) => {
      server.on('POST /thing', reply);

      const error = await failure(upstream({ timeoutMs: 100 }).send(request('POST', 'never')));

      expect(error).toBeInstanceOf(UpstreamUnavailable);
      expect(error).toMatchObject({ reason, mayHaveApplied: true });
      expect(server.count('POST /thing')).toBe(1);
    },
  );

  it('reports a POST answered 429 as not applied, without retrying it', async () => {
    server.on('POST /thing', { status: 429 });

    const error = await failure(upstream().send(request('POST', 'never')));

    expect(error).toMatchObject({ reason: 'status', status: 429, mayHaveApplied: false });
    expect(server.count('POST /thing')).toBe(1);
  });

  it('reports a refused connection on a POST as not applied', async () => {
    const error = await failure(upstream().send(request('POST', 'never', await refusedPortUrl())));

    expect(error).toMatchObject({ name: 'UpstreamUnavailable', reason: 'network', mayHaveApplied: false });
  });

  it.each([429, 502, 503, 504])('retries a DELETE answered %i', async (status) => {
    server.on('DELETE /thing', [{ status }, { status: 204 }]);

    const response = await upstream().send(request('DELETE', 'idempotent'));

    expect(response.status).toBe(204);
    expect(server.count('DELETE /thing')).toBe(2);
  });

  it('does not retry a DELETE that timed out, and says it may have been applied', async () => {
    server.on('DELETE /thing', [{ hang: true }, { status: 204 }]);

    const error = await failure(upstream({ timeoutMs: 100 }).send(request('DELETE', 'idempotent')));

    expect(error).toMatchObject({ reason: 'timeout', mayHaveApplied: true });
    expect(server.count('DELETE /thing')).toBe(1);
  });

  it('retries a DELETE whose connection was refused, reporting it as not applied', async () => {
    const error = await failure(
      upstream({ retries: 2 }).send(request('DELETE', 'idempotent', await refusedPortUrl())),
    );

    expect(error).toMatchObject({ reason: 'network', mayHaveApplied: false });
  });

  it('keeps mayHaveApplied once any DELETE attempt may have been applied', async () => {
    server.on('DELETE /thing', [{ status: 502 }, { status: 429 }]);

    const error = await failure(upstream({ retries: 1 }).send(request('DELETE', 'idempotent')));

    expect(error).toMatchObject({ status: 429, mayHaveApplied: true });
    expect(server.count('DELETE /thing')).toBe(2);
  });

  it('honours Retry-After, capped by maxRetryAfterMs', async () => {
    server.on('GET /thing', [{ status: 429, headers: { 'retry-after': '3600' } }, { json: { ok: 1 } }]);

    const response = await upstream().send(request('GET', 'safe'));

    expect(response.body).toEqual({ ok: 1 });
    expect(server.count('GET /thing')).toBe(2);
  });

  it('stops retrying at the overall deadline', async () => {
    server.on('GET /thing', { status: 503 });

    const error = await failure(
      upstream({ retries: 5, deadlineMs: 200, backoff: { baseMs: 500, maxMs: 500 } }).send(
        request('GET', 'safe'),
      ),
    );

    expect(error).toMatchObject({ reason: 'status', status: 503 });
    expect(server.count('GET /thing')).toBeLessThan(6);
  });

  it('does not follow a redirect for a write', async () => {
    server.on('POST /thing', { status: 301, headers: { location: 'https://example.org/thing' } });

    const error = await failure(upstream().send(request('POST', 'never')));

    expect(error).toMatchObject({ name: 'UpstreamUnavailable', status: 301, mayHaveApplied: false });
    expect((error as Error).message).toContain('check the base URL');
  });
});

describe('problems', () => {
  it('turns a 4xx problem into UpstreamProblem with every field, status from the status line', async () => {
    server.on('GET /thing', {
      status: 400,
      json: {
        type: 'https://api.publiq.be/probs/uitpas/invalid-card-status',
        title: 'Invalid card status',
        status: '400',
        detail: 'card blocked',
        endUserMessage: { nl: 'Je kaart is geblokkeerd', en: 'Your card is blocked' },
        cardStatus: 'BLOCKED',
        passholderId: 'ph-1',
        passType: 'GROUP',
        groupPass: true,
        schemaErrors: [{ jsonPointer: '/0/tariff', error: 'required' }, { bad: true }],
      },
    });

    const error = await failure(upstream().send(request('GET', 'safe')));

    expect(error).toBeInstanceOf(UpstreamProblem);
    expect(error).toMatchObject({
      service: 'uitpas',
      type: 'https://api.publiq.be/probs/uitpas/invalid-card-status',
      status: 400,
      title: 'Invalid card status',
      detail: 'card blocked',
      endUserMessage: { nl: 'Je kaart is geblokkeerd', en: 'Your card is blocked' },
      cardStatus: 'BLOCKED',
      passholderId: 'ph-1',
      passType: 'GROUP',
      groupPass: true,
      schemaErrors: [{ jsonPointer: '/0/tariff', error: 'required' }],
    });
    expect(server.count('GET /thing')).toBe(1);
  });

  it('names the call a problem answers by method and path, never by the query or a pass number in the path', async () => {
    const forbidden = {
      status: 403,
      json: { type: 'https://api.publiq.be/probs/auth/forbidden', status: 403 },
    };
    server.on('GET /passes', forbidden);
    server.on('GET /passes/0900000067513', forbidden);
    const call = (path: string) =>
      failure(upstream().send({ method: 'GET', retry: 'safe', url: buildUrl(server.url, path) }));

    expect(await call('/passes?identifier=0900000067513')).toMatchObject({ endpoint: 'GET /passes' });
    expect(await call('/passes/0900000067513')).toMatchObject({ endpoint: 'GET /passes/{identifier}' });
  });

  it('makes a 4xx without a problem body an about:blank problem', async () => {
    server.on('GET /thing', {
      status: 404,
      body: '<html>nope</html>',
      headers: { 'content-type': 'text/html' },
    });

    const error = await failure(upstream().send(request('GET', 'safe')));

    expect(error).toMatchObject({ name: 'UpstreamProblem', type: 'about:blank', status: 404 });
  });

  it('returns a 4xx as a response when the request accepts them', async () => {
    server.on('POST /thing', { status: 401, json: { error: 'invalid_client' } });

    const response = await upstream().send({ ...request('POST', 'never'), accept4xx: true });

    expect(response).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  });

  it('reports a success body that is not JSON as an invalid response', async () => {
    server.on('GET /thing', { body: 'not json', headers: { 'content-type': 'application/json' } });

    const error = await failure(upstream().send(request('GET', 'safe')));

    expect(error).toMatchObject({
      name: 'UpstreamUnavailable',
      reason: 'invalid-response',
      mayHaveApplied: false,
    });
  });
});

describe('access tokens', () => {
  function tokens(): AccessTokens & { invalidated: string[]; issued: number } {
    let issued = 0;
    const invalidated: string[] = [];
    return {
      invalidated,
      get issued() {
        return issued;
      },
      async get() {
        issued += 1;
        return `token-${invalidated.length + 1}`;
      },
      invalidate(token) {
        invalidated.push(token);
      },
    };
  }

  it('sends the bearer token, and on a 401 invalidates it and retries once with a new one', async () => {
    const source = tokens();
    server.on('POST /thing', (req) =>
      req.headers.authorization === 'Bearer token-2' ? { json: { ok: 1 } } : { status: 401 },
    );

    const response = await upstream({ tokens: source }).send(request('POST', 'never'));

    expect(response.body).toEqual({ ok: 1 });
    expect(source.invalidated).toEqual(['token-1']);
    expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('gives up with the problem after a second 401', async () => {
    const source = tokens();
    server.on('GET /thing', {
      status: 401,
      json: { type: 'https://api.publiq.be/probs/auth/unauthorized', title: 'Unauthorized', status: 401 },
    });

    const error = await failure(upstream({ tokens: source }).send(request('GET', 'safe')));

    expect(error).toMatchObject({
      name: 'UpstreamProblem',
      status: 401,
      type: 'https://api.publiq.be/probs/auth/unauthorized',
    });
    expect(server.count('GET /thing')).toBe(2);
    expect(source.invalidated).toEqual(['token-1']);
  });

  it('sends no token when the request opts out', async () => {
    server.on('GET /thing', { json: {} });

    await upstream({ tokens: tokens() }).send({ ...request('GET', 'safe'), auth: false });

    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('parse', () => {
  it('names the failing path and not the data', async () => {
    const { z } = await import('zod');
    server.on('GET /thing', { json: { member: [{ id: 'ok' }, { id: 42, secret: '0900000095902' }] } });
    const client = upstream();
    const req = request('GET', 'safe');
    const response = await client.send(req);

    const error = await failure(
      Promise.resolve().then(() =>
        client.parse(z.object({ member: z.array(z.object({ id: z.string() })) }), response, req),
      ),
    );

    expect(error).toMatchObject({
      name: 'UpstreamUnavailable',
      reason: 'invalid-response',
      mayHaveApplied: false,
    });
    expect((error as Error).message).toContain('member.1.id');
    expect((error as Error).message).not.toContain('42');
    expect((error as Error).message).not.toContain('0900000095902');
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe("the call's own deadline", () => {
  it('cuts the attempts to it: three 5 s attempts end with the 400 ms the caller had', async () => {
    server.on('GET /thing', { hang: true });
    const deadline = Date.now() + 400;

    const error = await failure(upstream({ timeoutMs: 5000 }).send({ ...request('GET', 'safe'), deadline }));

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect((error as UpstreamUnavailable).reason).toBe('timeout');
    // The first attempt had all the time there was; no second one could start.
    expect(server.count('GET /thing')).toBe(1);
  });

  it('sends no POST when too little time is left for an answer, so nothing can have been applied', async () => {
    server.on('POST /thing', { json: [] });

    const error = await failure(upstream().send({ ...request('POST', 'never'), deadline: Date.now() + 50 }));

    expect(error).toMatchObject({ reason: 'timeout', mayHaveApplied: false });
    expect((error as Error).message).toContain('no time left');
    expect(server.count('POST /thing')).toBe(0);
  });
});

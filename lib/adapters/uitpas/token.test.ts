import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test-support/upstream-test-server.js';
import { UpstreamUnavailable } from '../../domain/errors.js';
import { createTokenProvider, type TokenProviderOptions } from './token.js';

const TOKEN_PATH = '/realms/uitid/protocol/openid-connect/token';
const SECRET = 's3cr3t-value';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

let issued = 0;
beforeEach(() => {
  server.reset();
  issued = 0;
  server.on(`POST ${TOKEN_PATH}`, () => {
    issued += 1;
    return { json: { access_token: `tok-${issued}`, expires_in: 3600, token_type: 'Bearer' } };
  });
});

function provider(options: Partial<TokenProviderOptions> = {}) {
  return createTokenProvider({
    tokenUrl: `${server.url}${TOKEN_PATH}`,
    clientId: 'client-1',
    getClientSecret: async () => SECRET,
    timeoutMs: 300,
    retries: 1,
    backoff: { baseMs: 1, maxMs: 2 },
    ...options,
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('token provider', () => {
  it('posts a form-encoded client-credentials grant', async () => {
    await provider().get();

    const request = server.requests[0];
    expect(request?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(request?.body))).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: SECRET,
    });
  });

  it('shares one token request between concurrent callers and caches the token', async () => {
    const tokens = provider();

    const results = await Promise.all(Array.from({ length: 10 }, () => tokens.get()));
    const later = await tokens.get();

    expect(new Set([...results, later])).toEqual(new Set(['tok-1']));
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(1);
  });

  it('renews two minutes before expires_in runs out', async () => {
    let now = 1_000_000;
    const tokens = provider({ now: () => now });

    expect(await tokens.get()).toBe('tok-1');
    now += 3600_000 - 120_000 - 1;
    expect(await tokens.get()).toBe('tok-1');
    now += 1;
    expect(await tokens.get()).toBe('tok-2');
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });

  it('uses at most half the lifetime as margin for short-lived tokens', async () => {
    server.on(`POST ${TOKEN_PATH}`, { json: { access_token: 'short', expires_in: 60 } });
    let now = 0;
    const tokens = provider({ now: () => now });

    await tokens.get();
    now = 29_000;
    await tokens.get();
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(1);
    now = 30_000;
    await tokens.get();
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });

  it('invalidates the cached token only when it is the one that failed', async () => {
    const tokens = provider();
    await tokens.get();

    tokens.invalidate('some-older-token');
    expect(await tokens.get()).toBe('tok-1');
    tokens.invalidate('tok-1');
    expect(await tokens.get()).toBe('tok-2');
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });

  it('tries again on the next call after a failed token request', async () => {
    server.on(`POST ${TOKEN_PATH}`, [{ status: 500 }, { json: { access_token: 'after', expires_in: 3600 } }]);
    const tokens = provider({ retries: 0 });

    await expect(tokens.get()).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(await tokens.get()).toBe('after');
  });

  it('explains a rejected secret without revealing it', async () => {
    server.on(`POST ${TOKEN_PATH}`, {
      status: 401,
      json: { error: 'invalid_client', error_description: `Invalid client secret ${SECRET}` },
    });

    const error = await failure(provider().get());

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ service: 'uitid', status: 401, mayHaveApplied: false });
    expect(error.message).toContain('invalid_client');
    expect(error.message).toContain('UITPAS_CLIENT_SECRET');
    expect(error.message).toContain('client-1');
    expect(error.message).not.toContain(SECRET);
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(1);
  });

  it('points at the token URL when it is not a token endpoint', async () => {
    server.on(`POST ${TOKEN_PATH}`, { status: 404, body: 'Not Found' });

    const error = await failure(provider().get());

    expect(error.message).toContain('UITID_TOKEN_URL');
  });

  it('refuses a success without an access token', async () => {
    server.on(`POST ${TOKEN_PATH}`, { json: { token: 'x' } });

    const error = await failure(provider().get());

    expect(error).toMatchObject({ name: 'UpstreamUnavailable', reason: 'invalid-response' });
  });

  it('retries a token endpoint that answered 503', async () => {
    server.on(`POST ${TOKEN_PATH}`, [{ status: 503 }, { json: { access_token: 'late', expires_in: 3600 } }]);

    expect(await provider().get()).toBe('late');
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(2);
  });
});

describe('a token endpoint that does not answer', () => {
  it('makes a caller with a deadline stop waiting then, with an UpstreamUnavailable timeout', async () => {
    server.on(`POST ${TOKEN_PATH}`, { hang: true });
    const tokens = provider({ timeoutMs: 5000, retries: 0 });

    const error = await failure(tokens.get({ deadline: Date.now() + 200 }));

    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ service: 'uitid', reason: 'timeout', mayHaveApplied: false });
    // One request for the token, still on its way: a second caller shares it rather than sending another.
    await failure(tokens.get({ deadline: Date.now() + 50 }));
    expect(server.count(`POST ${TOKEN_PATH}`)).toBe(1);
  });
});

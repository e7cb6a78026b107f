/**
 * OAuth2 client-credentials token for the UiTPAS API (and the UiTdatabank Entry API, which accepts the same
 * credentials). One token per container: the token endpoint is rate limited, so the token is cached until shortly
 * before it expires, concurrent callers share one request, and a 401 from an API invalidates it.
 * Tokens and secrets are never logged nor put in error messages.
 */
import type { PubliqConfig } from '../../config.js';
import { UpstreamUnavailable } from '../../domain/errors.js';
import { logger } from '../../logger.js';
import * as z from '../../zod.js';
import {
  type AccessTokens,
  type BackoffOptions,
  createUpstream,
  transportFromConfig,
  type UpstreamRequest,
} from '../http-client/upstream.js';
import { type ClientSecretSourceOptions, clientSecretSource } from './secret.js';

export interface TokenProvider extends AccessTokens {
  /**
   * A valid access token: the cached one, or a fresh one (one request shared by concurrent callers). With a
   * `deadline`, the wait ends then with an UpstreamUnavailable timeout; the shared request goes on, with its own
   * limits, and its token serves the next call.
   */
  get(options?: Pick<UpstreamRequest, 'deadline'>): Promise<string>;
  /** Forget `token` if it is still the cached one (an API answered 401 with it). */
  invalidate(token: string): void;
}

export interface TokenProviderOptions {
  /** The full token URL, e.g. `https://account-test.uitid.be/realms/uitid/protocol/openid-connect/token`. */
  tokenUrl: string;
  clientId: string;
  getClientSecret: () => Promise<string>;
  timeoutMs: number;
  retries: number;
  /** Renew this long before `expires_in` runs out (clock skew), at most half the token's lifetime. Default 2 min. */
  refreshMarginMs?: number;
  backoff?: BackoffOptions;
  /** Clock, for tests. */
  now?: () => number;
}

const tokenResponseSchema = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  expires_in: z.coerce.number().check(z.positive()),
  token_type: z.optional(z.string()),
});

const oauthErrorSchema = z.looseObject({ error: z.string(), error_description: z.optional(z.string()) });

interface CachedToken {
  token: string;
  renewAt: number;
}

export function createTokenProvider(options: TokenProviderOptions): TokenProvider {
  const now = options.now ?? Date.now;
  const refreshMarginMs = options.refreshMarginMs ?? 120_000;
  const tokenUrl = new URL(options.tokenUrl);
  const upstream = createUpstream({
    service: 'uitid',
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    ...(options.backoff ? { backoff: options.backoff } : {}),
  });
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  async function requestToken(): Promise<CachedToken> {
    const secret = await options.getClientSecret();
    const requestedAt = now();
    const form = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: options.clientId,
      client_secret: secret,
    });
    // Issuing a token changes nothing upstream, so network errors and 429/502/503/504 may be retried like a read.
    const request = { method: 'POST' as const, url: tokenUrl, retry: 'safe' as const, form, accept4xx: true };
    const response = await upstream.send(request);
    if (response.status >= 400) throw rejected(response.status, response.body, secret);
    const parsed = tokenResponseSchema.safeParse(response.body);
    if (!parsed.success) {
      throw new UpstreamUnavailable('uitid', 'invalid-response', false, {
        status: response.status,
        detail: `the token endpoint ${tokenUrl.origin}${tokenUrl.pathname} answered without a usable access_token/expires_in: check UITID_TOKEN_URL`,
      });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    const renewAt = requestedAt + lifetimeMs - Math.min(refreshMarginMs, lifetimeMs / 2);
    logger.debug('obtained an UiTPAS access token', { expiresInSeconds: parsed.data.expires_in });
    return { token: parsed.data.access_token, renewAt };
  }

  function rejected(status: number, body: unknown, secret: string): UpstreamUnavailable {
    const oauth = oauthErrorSchema.safeParse(body);
    const code = oauth.success ? oauth.data.error : undefined;
    // The description comes from the server; strip the secret in case it is ever echoed back.
    const description = oauth.success
      ? oauth.data.error_description?.split(secret).join('[redacted]')
      : undefined;
    const what = code ? ` (${code}${description ? `: ${description}` : ''})` : '';
    let fix: string;
    if (status === 404 || status === 405) {
      fix = `check UITID_TOKEN_URL: ${tokenUrl.origin}${tokenUrl.pathname} is not a token endpoint (expected .../realms/uitid/protocol/openid-connect/token)`;
    } else if (code === 'invalid_client' || code === 'unauthorized_client' || status === 401) {
      fix = `the client id "${options.clientId}" or its secret is wrong for this environment: check UITPAS_CLIENT_ID and UITPAS_CLIENT_SECRET / UITPAS_CLIENT_SECRET_PARAMETER (test and production have different credentials)`;
    } else {
      fix = `the token request for client id "${options.clientId}" was refused: check the client's configuration on platform.publiq.be`;
    }
    return new UpstreamUnavailable('uitid', 'status', false, {
      status,
      detail: `token endpoint answered ${status}${what}; ${fix}`,
    });
  }

  return {
    async get(options = {}) {
      if (cached && now() < cached.renewAt) return cached.token;
      if (!inFlight) {
        const request: Promise<CachedToken> = requestToken()
          .then((fresh) => {
            cached = fresh;
            return fresh;
          })
          .finally(() => {
            // Clear only our own request: a newer one may already have replaced it.
            if (inFlight === request) inFlight = undefined;
          });
        inFlight = request;
        // Waited for below, or not at all by a caller that ran out of time: never an unhandled rejection.
        request.catch(() => undefined);
      }
      return (await withinDeadline(inFlight, options.deadline)).token;
    },
    invalidate(token: string) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/** `promise`, or an UpstreamUnavailable timeout at `deadline` (epoch ms) if it has not settled by then. */
async function withinDeadline<T>(promise: Promise<T>, deadline: number | undefined): Promise<T> {
  if (deadline === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new UpstreamUnavailable('uitid', 'timeout', false, {
            detail: 'no access token before the answer is due',
          }),
        ),
      Math.max(0, deadline - Date.now()),
    );
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The token provider for this environment; the secret comes from config locally and from SSM in AWS. */
export function tokenProviderFromConfig(
  config: PubliqConfig,
  options: { secret?: ClientSecretSourceOptions } = {},
): TokenProvider {
  return createTokenProvider({
    tokenUrl: config.urls.token,
    clientId: config.clientId,
    getClientSecret: clientSecretSource(config, options.secret),
    ...transportFromConfig(config),
  });
}

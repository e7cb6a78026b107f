/**
 * authorize: the Lambda authorizer of the HTTP API (payload 2.0, simple responses).
 * Input: the request's `x-api-key` header. Output: the key's owner (client name, role, organisations) as context.
 * Side effects: one DynamoDB read per key per container every 30 s at most.
 *
 * It lets every request through, with an empty context when the key is missing or unknown. API Gateway can only
 * answer a refusal with its own plain 401/403, so the route itself refuses, with a problem+json 401 that tells the
 * caller what to do (lib/adapters/http/handler.ts). The route stack fails closed: no principal, no access.
 */
import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { type AuthorizerContext, toAuthorizerContext } from '../adapters/http/principal.js';
import type { Principal } from '../domain/access.js';
import { hashApiKey } from '../domain/api-key.js';
import { logger } from '../logger.js';
import { lambdaHandler } from './lambda.js';

type Result = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext | Record<string, never>>;

/** How long a warm container trusts a key it has seen: also how long a disabled key may keep working. */
const CACHE_MS = 30_000;

/** The API keys, stored by the hash of the key. */
export interface ApiKeys {
  findPrincipal(hash: string): Promise<Principal | undefined>;
}

export interface AuthorizeDeps {
  keys: ApiKeys;
  now?: () => number;
  cache?: Map<string, { principal: Principal; until: number }>;
}

export async function run(apiKey: string | undefined, deps: AuthorizeDeps): Promise<Principal | undefined> {
  if (!apiKey) return undefined;
  const hash = hashApiKey(apiKey.trim());
  const now = deps.now?.() ?? Date.now();
  const cached = deps.cache?.get(hash);
  if (cached && cached.until > now) return cached.principal;
  const principal = await deps.keys.findPrincipal(hash);
  if (principal) deps.cache?.set(hash, { principal, until: now + CACHE_MS });
  return principal;
}

export function createHandler(deps: () => AuthorizeDeps) {
  return lambdaHandler(async (event: APIGatewayRequestAuthorizerEventV2): Promise<Result> => {
    const headers = event.headers ?? {};
    const apiKey =
      headers['x-api-key'] ??
      Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-api-key')?.[1];
    const principal = await run(apiKey, deps());
    if (!principal) {
      logger.info('Request without a valid API key', {
        keyPresent: Boolean(apiKey),
        routeKey: event.routeKey,
      });
      return { isAuthorized: true, context: {} };
    }
    return { isAuthorized: true, context: toAuthorizerContext(principal) };
  });
}

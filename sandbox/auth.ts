/**
 * UiTiD OAuth2 `client_credentials` token endpoint and bearer-token checks.
 *
 * Tokens are random opaque strings (never JWTs: the docs say not to decode them). They expire after
 * `tokenTtlSeconds` on the injectable clock, and `revokeAll()` invalidates every token at once so a test can
 * watch a client get a 401 and fetch a new token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type Handler, json, type SandboxRequest } from './http.js';
import { fail, ProblemTypes, unauthorized } from './problems.js';

export const TOKEN_PATH = '/auth/realms/uitid/protocol/openid-connect/token';
/** Auth0-era path that still forwards to the realms path; its docs example posts JSON. */
export const LEGACY_TOKEN_PATH = '/auth/oauth/token';

export interface TokenStoreOptions {
  clientId: string;
  clientSecret: string;
  ttlSeconds: number;
  now: () => Date;
}

export class TokenStore {
  private readonly tokens = new Map<string, number>();

  constructor(readonly options: TokenStoreOptions) {}

  issue(): { token: string; expiresIn: number } {
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, this.options.now().getTime() + this.options.ttlSeconds * 1000);
    return { token, expiresIn: this.options.ttlSeconds };
  }

  isValid(token: string): boolean {
    const expiresAt = this.tokens.get(token);
    if (expiresAt === undefined) return false;
    if (expiresAt <= this.options.now().getTime()) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  revokeAll(): void {
    this.tokens.clear();
  }

  checkCredentials(clientId: string, clientSecret: string): boolean {
    return safeEqual(clientId, this.options.clientId) && safeEqual(clientSecret, this.options.clientSecret);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function bearerToken(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

/** For endpoints that need a token: missing, malformed, unknown, expired or revoked -> 401. */
export function requireToken(tokens: TokenStore, req: SandboxRequest): void {
  const token = bearerToken(req);
  if (token === undefined) unauthorized('No access token was provided (Authorization: Bearer <token>).');
  if (token === '' || !tokens.isValid(token)) unauthorized('The access token is invalid or expired.');
}

/**
 * Search (search.json's security): a request must say who it is, by a valid token or by the client id
 * (`x-client-id` header or `clientId` query, legacy `x-api-key` / `apiKey`); without either it is a 401. The
 * sandbox knows one client, so an id that is not its own is refused too. A token that is sent must be valid.
 */
export function requireClientIdentification(tokens: TokenStore, req: SandboxRequest): void {
  if (bearerToken(req) !== undefined) {
    requireToken(tokens, req);
    return;
  }
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const given =
    header('x-client-id') ??
    req.query.get('clientId') ??
    header('x-api-key') ??
    req.query.get('apiKey') ??
    undefined;
  if (given === undefined || given === '') {
    unauthorized('Identify the client: send x-client-id (or clientId), or an access token.');
  }
  if (!safeEqual(given, tokens.options.clientId)) unauthorized('Unknown client id.');
}

/**
 * For endpoints that work without a token (Entry GET /events/{id}): a token that *is* sent must be
 * valid, otherwise 401 — so a client with a stale token learns it must refresh.
 */
export function optionalToken(tokens: TokenStore, req: SandboxRequest): void {
  if (bearerToken(req) !== undefined) requireToken(tokens, req);
}

/** OAuth2 error fields (RFC 6749 §5.2) are added to the publiq problem so either kind of client copes. */
function tokenProblem(
  status: 400 | 401 | 415,
  type: string,
  title: string,
  error: string,
  detail: string,
): never {
  return fail({
    type,
    title,
    status,
    detail,
    ...({ error, error_description: detail } as object),
  });
}

function parseCredentials(req: SandboxRequest, allowJson: boolean): Record<string, string> {
  const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const raw = req.rawBody.toString('utf8');
  let fields: Record<string, string>;
  if (contentType === 'application/x-www-form-urlencoded') {
    fields = Object.fromEntries(new URLSearchParams(raw));
  } else if (allowJson && contentType === 'application/json') {
    try {
      const parsed: unknown = JSON.parse(raw);
      fields = Object.fromEntries(
        Object.entries(typeof parsed === 'object' && parsed !== null ? parsed : {}).map(([k, v]) => [
          k,
          String(v),
        ]),
      );
    } catch {
      return tokenProblem(
        400,
        ProblemTypes.bodyInvalidSyntax,
        'Invalid body syntax',
        'invalid_request',
        'The body is not valid JSON.',
      );
    }
  } else {
    return tokenProblem(
      415,
      ProblemTypes.unsupportedMediaType,
      'Unsupported media type',
      'invalid_request',
      'The token request must be application/x-www-form-urlencoded.',
    );
  }
  // client_secret_basic: credentials in the Authorization header instead of the body.
  const basic = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
    fields.client_id ??= decodeURIComponent(id ?? '');
    fields.client_secret ??= decodeURIComponent(secret.join(':'));
  }
  return fields;
}

export function tokenHandler(tokens: TokenStore, options: { allowJson: boolean }): Handler {
  return (req) => {
    const fields = parseCredentials(req, options.allowJson);
    if (fields.grant_type === undefined) {
      tokenProblem(
        400,
        ProblemTypes.bodyInvalidData,
        'Invalid body data',
        'invalid_request',
        'Missing grant_type.',
      );
    }
    if (fields.grant_type !== 'client_credentials') {
      tokenProblem(
        400,
        ProblemTypes.bodyInvalidData,
        'Invalid body data',
        'unsupported_grant_type',
        `Unsupported grant_type "${fields.grant_type}"; only client_credentials is supported.`,
      );
    }
    if (!fields.client_id || !fields.client_secret) {
      tokenProblem(
        401,
        ProblemTypes.unauthorized,
        'Unauthorized',
        'invalid_client',
        'Missing client_id or client_secret.',
      );
    }
    if (!tokens.checkCredentials(fields.client_id, fields.client_secret)) {
      tokenProblem(
        401,
        ProblemTypes.unauthorized,
        'Unauthorized',
        'invalid_client',
        'Invalid client or Invalid client credentials',
      );
    }
    const { token, expiresIn } = tokens.issue();
    return json(
      200,
      { access_token: token, expires_in: expiresIn, token_type: 'Bearer' },
      { 'Cache-Control': 'no-store' },
    );
  };
}

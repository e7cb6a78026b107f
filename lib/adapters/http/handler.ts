/**
 * The middy stack every HTTP function uses. A route declares who may call it and the zod schemas of its input; the
 * stack does the rest: header normalisation, correlation id, the Lambda context on every log line, body size limit,
 * JSON parsing, authentication context, validation, routing, security headers, metrics and the problem+json error
 * mapping. A handler then only calls its use case. CORS is API Gateway's alone (deploy/cors.cjs).
 *
 * Ours, and why: the body reader (middy's JSON parser has no size limit and answers bad JSON with a bare 415/422,
 * not our problem types) and the zod-typed routes (a route's types follow from its schemas). Routing, header
 * normalisation and the logger's Lambda context are middy's and Powertools' own.
 */
import { randomUUID } from 'node:crypto';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpRouterHandler, { type Method } from '@middy/http-router';
import httpSecurityHeaders from '@middy/http-security-headers';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { Principal, Role } from '../../domain/access.js';
import { AppError } from '../../domain/errors.js';
import { logger } from '../../logger.js';
import { count, countRefusal, flushMetrics } from '../../metrics.js';
import type * as z from '../../zod.js';
import { principalFromEvent } from './principal.js';
import { problemResponse, toAppError } from './problem.js';
import { validationError } from './validation.js';

/** Bodies are small JSON documents (a basket, a mapping); anything larger is a mistake or an attack. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export type AuthRule = { roles: readonly Role[] } | 'public';

export interface RouteInput<B, Q, P, A extends AuthRule> {
  body: B;
  query: Q;
  path: P;
  principal: A extends 'public' ? Principal | undefined : Principal;
  correlationId: string;
  event: APIGatewayProxyEventV2;
  /** The Lambda invocation's context, as Lambda gave it. */
  context: Context;
  /** When this invocation is cut off (epoch ms): what a use case must finish before, answer included. */
  deadline: number;
  /**
   * When upstream calls must have ended (epoch ms), so the answer, a 503 included, still goes out before `deadline`:
   * `deadline` less the answer margin (`ANSWER_MARGIN_MS`, default 1 s), or less a fifth of the time left when that
   * is less.
   */
  answerBy: number;
}

/** Time kept back from the invocation's deadline to build and send the answer after the last upstream call. */
export const DEFAULT_ANSWER_MARGIN_MS = 1000;

export interface HttpResult {
  status?: number;
  /** Sent as JSON (`application/json`); with `contentType`, a string sent as it is. */
  body?: unknown;
  /** The Content-Type of a text answer (a page, a script, a style sheet): `body` is then that text, as it is. */
  contentType?: string;
  /** With `contentType`: `body` is base64 of bytes (a compressed file), answered as such (`isBase64Encoded`). */
  base64?: boolean;
  headers?: Record<string, string>;
}

export const ok = (body: unknown, headers?: Record<string, string>): HttpResult => ({
  status: 200,
  body,
  headers,
});
export const created = (body: unknown): HttpResult => ({ status: 201, body });
export const accepted = (body: unknown): HttpResult => ({ status: 202, body });
export const noContent = (): HttpResult => ({ status: 204 });
/** A 200 with a text body of its own Content-Type (`text/html; charset=utf-8`), not JSON. */
export const okText = (contentType: string, body: string, headers?: Record<string, string>): HttpResult => ({
  status: 200,
  body,
  contentType,
  headers,
});

type Infer<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

/** Repeated query keys (`?label=a&label=b`) become arrays; API Gateway would otherwise join them with commas. */
export function parseQuery(event: APIGatewayProxyEventV2): Record<string, string | string[]> {
  // No prototype: `?__proto__=x` or `?constructor=y` are keys like any other, not inherited members.
  const out: Record<string, string | string[]> = Object.create(null);
  const raw = event.rawQueryString ?? '';
  for (const [key, value] of new URLSearchParams(raw)) {
    const existing = out[key];
    out[key] =
      existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  if (!raw && event.queryStringParameters) {
    for (const [key, value] of Object.entries(event.queryStringParameters))
      if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Header names are lower case here: the stack normalises them before any route runs. */
function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.headers?.[name];
}

function hasBody(event: APIGatewayProxyEventV2): event is APIGatewayProxyEventV2 & { body: string } {
  return event.body !== undefined && event.body !== null && event.body !== '';
}

function readBody(event: APIGatewayProxyEventV2, maxBytes: number): unknown {
  if (!hasBody(event)) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text, 'utf8') > maxBytes) {
    throw new AppError('body-too-large', 413, 'Request body too large', {
      detail: `The body may be at most ${maxBytes} bytes.`,
    });
  }
  const contentType = header(event, 'content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
    throw new AppError('unsupported-media-type', 415, 'The body must be JSON', {
      detail: 'Send the body with Content-Type: application/json.',
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new AppError('invalid-json', 400, 'The body is not valid JSON', {
      detail: `Fix the JSON syntax: ${(error as Error).message}`,
    });
  }
}

function parseWith<T extends z.ZodMiniType | undefined>(
  schema: T,
  value: unknown,
  where: 'body' | 'query' | 'path',
): Infer<T> {
  if (!schema) return undefined as Infer<T>;
  if (where === 'body' && value === undefined) {
    throw new AppError('body-missing', 400, 'A JSON body is required', {
      detail: 'Send the request body as JSON.',
    });
  }
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data as Infer<T>;
}

function authorise(rule: AuthRule, event: APIGatewayProxyEventV2): Principal | undefined {
  const principal = principalFromEvent(event);
  if (rule === 'public') return principal;
  if (!principal) {
    throw new AppError('unauthenticated', 401, 'A valid API key is required', {
      detail: 'Send your API key in the x-api-key header. Ask the operator for a key if you have none.',
      headers: { 'WWW-Authenticate': 'ApiKey header="x-api-key"' },
    });
  }
  if (!rule.roles.includes(principal.role)) {
    throw new AppError('forbidden', 403, 'This API key may not call this route', {
      detail: `This route needs a key with role ${rule.roles.join(' or ')}; yours has role ${principal.role}.`,
    });
  }
  return principal;
}

function toResponse(result: HttpResult, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const status = result.status ?? 200;
  const headers: Record<string, string> = { 'X-Correlation-Id': correlationId, ...result.headers };
  if (status === 204 || result.body === undefined) return { statusCode: status, headers };
  if (result.contentType !== undefined) {
    if (typeof result.body !== 'string') throw new Error('A text answer (contentType) needs a string body.');
    return {
      statusCode: status,
      headers: { ...headers, 'Content-Type': result.contentType },
      body: result.body,
      ...(result.base64 ? { isBase64Encoded: true } : {}),
    };
  }
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(result.body),
  };
}

export interface RouteSpec<A extends AuthRule, B, Q, P> {
  /** Every route says who may call it; there is no default, so a route cannot be left open by accident. */
  auth: A;
  body?: B;
  query?: Q;
  path?: P;
  maxBodyBytes?: number;
}

type Core = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** What a route declares, as the API's description (lib/api/document.ts) reads it. */
export type DeclaredRoute = RouteSpec<
  AuthRule,
  z.ZodMiniType | undefined,
  z.ZodMiniType | undefined,
  z.ZodMiniType | undefined
>;

/**
 * A route: its core, ready to be served by `httpRouter` (or alone by `httpHandler`, in tests), and its declaration,
 * kept on it so the OpenAPI document describes exactly what the route checks and cannot drift from it.
 */
export type Route = Core & { readonly spec: DeclaredRoute };

/** What the stack learns of a request before a route runs: its correlation id, and the configured answer margin. */
type WithCorrelationId = APIGatewayProxyEventV2 & { correlationId?: string; answerMarginMs?: number };

export function route<
  A extends AuthRule,
  B extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
>(
  spec: RouteSpec<A, B, Q, P>,
  run: (input: RouteInput<Infer<B>, Infer<Q>, Infer<P>, A>) => Promise<HttpResult>,
): Route {
  const core: Core = async (event, context) => {
    const remaining = context.getRemainingTimeInMillis();
    const deadline = Date.now() + remaining;
    const margin = (event as WithCorrelationId).answerMarginMs ?? DEFAULT_ANSWER_MARGIN_MS;
    const answerBy = deadline - Math.min(margin, remaining / 5);
    const correlationId = (event as WithCorrelationId).correlationId ?? randomUUID();
    const principal = authorise(spec.auth, event);
    // A body sent where none is read (a confirm carrying "the order", a cancel carrying a line) is a mistake the
    // caller should hear of, not something that silently does other than they meant.
    if (spec.body === undefined && hasBody(event)) {
      throw new AppError('body-not-allowed', 400, 'This route takes no body', {
        detail: `Send ${event.requestContext?.http?.method ?? 'the request'} without a body; what to act on is in the path${spec.query ? ' and the query' : ''}.`,
      });
    }
    const body = parseWith<B>(
      spec.body as B,
      readBody(event, spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES),
      'body',
    );
    const query = parseWith<Q>(spec.query as Q, parseQuery(event), 'query');
    const path = parseWith<P>(spec.path as P, event.pathParameters ?? {}, 'path');
    const result = await run({
      body,
      query,
      path,
      principal: principal as RouteInput<Infer<B>, Infer<Q>, Infer<P>, A>['principal'],
      correlationId,
      event,
      context,
      deadline,
      answerBy,
    });
    return toResponse(result, correlationId);
  };
  return Object.assign(core, { spec: spec as DeclaredRoute });
}

export interface HttpOptions {
  /** Kept back from the Lambda's deadline for the answer (`ANSWER_MARGIN_MS`); see `RouteInput.answerBy`. */
  answerMarginMs?: number;
}

/** One function serving several routes, keyed `METHOD /path/{param}` as in serverless.yml; `routes` tells which. */
export function httpRouter(routes: Record<string, Route>, options: HttpOptions = {}) {
  const router = httpRouterHandler({
    routes: Object.entries(routes).map(([routeKey, handler]) => {
      const [method = '', path = ''] = routeKey.split(' ');
      return { method: method as Method, path, handler };
    }),
    notFoundResponse: ({ method, path }) => {
      throw new AppError('route-not-found', 404, 'No such route', {
        detail: `${method} ${path} is not a route of this API.`,
      });
    },
  });
  const declared = Object.fromEntries(Object.entries(routes).map(([key, served]) => [key, served.spec]));
  return Object.assign(withStack(router as Core, options), { routes: declared });
}

/**
 * For tests: one route served alone through the whole stack, with no routing (lib/adapters/http/handler.test.ts,
 * lib/metrics.test.ts). Every function serves its routes through `httpRouter`, however few; this exists so a test
 * can put a route of its own through the stack without a route key, whatever method and path its events carry.
 */
export function httpHandler<
  A extends AuthRule,
  B extends z.ZodMiniType | undefined = undefined,
  Q extends z.ZodMiniType | undefined = undefined,
  P extends z.ZodMiniType | undefined = undefined,
>(
  spec: RouteSpec<A, B, Q, P>,
  run: (input: RouteInput<Infer<B>, Infer<Q>, Infer<P>, A>) => Promise<HttpResult>,
  options: HttpOptions = {},
) {
  return withStack(route(spec, run), options);
}

/** API Gateway's request id; serverless-offline gives every request the same placeholder, so make one there. */
function requestIdOf(event: APIGatewayProxyEventV2): string {
  const id = event.requestContext?.requestId;
  return id && !id.startsWith('offlineContext') ? id : randomUUID();
}

/**
 * Every problem answer counts as a refusal of its type (an unexpected error as `about:blank`, as it is answered); a
 * registration left unknown counts as such too. Read from the error, not from the body just serialised from it.
 */
function countProblem(known: AppError | undefined): void {
  countRefusal(known?.slug ?? 'about:blank');
  if (known?.extensions.outcome === 'unknown') count('UnknownOutcomes');
}

type Middleware = middy.MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>;

/**
 * middy's security headers, except that a page which sets its own Content-Security-Policy keeps it: middy gives
 * every text/html answer its own policy (`default-src 'none'; sandbox; trusted-types 'none'; …`), under which a page
 * runs no script at all, in place of the route's.
 */
function securityHeaders(): Middleware {
  const helmet = httpSecurityHeaders() as Middleware;
  return {
    after: async (request) => {
      const own = request.response?.headers?.['Content-Security-Policy'];
      await helmet.after?.(request);
      if (own !== undefined && request.response?.headers)
        request.response.headers['Content-Security-Policy'] = own;
    },
    onError: helmet.onError,
  };
}

function withStack(core: Core, options: HttpOptions) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>(core)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(httpHeaderNormalizer())
    .use(securityHeaders())
    .use({
      before: (request) => {
        const event = request.event as WithCorrelationId;
        const incoming = header(event, 'x-correlation-id');
        // Accept the caller's id only when it looks like one, so it cannot smuggle data into our logs.
        const correlationId =
          incoming && /^[A-Za-z0-9._-]{8,128}$/.test(incoming) ? incoming : requestIdOf(event);
        event.correlationId = correlationId;
        if (options.answerMarginMs !== undefined) event.answerMarginMs = options.answerMarginMs;
        logger.appendKeys({ correlationId, route: event.routeKey });
      },
      after: flushMetrics,
      onError: (request) => {
        const correlationId = (request.event as WithCorrelationId).correlationId;
        // Classified once: an upstream problem's meaning is worked out here, for the answer and the count alike.
        const known = toAppError(request.error);
        const problem = problemResponse(known ?? request.error, correlationId);
        request.response = {
          ...problem,
          headers: { ...problem.headers, ...(correlationId ? { 'X-Correlation-Id': correlationId } : {}) },
        };
        countProblem(known);
        flushMetrics();
      },
    });
}

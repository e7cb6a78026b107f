/**
 * The one HTTP layer under every publiq client (UiTPAS, UiTdatabank Entry and Search, the UiTiD token endpoint).
 * It owns what they share: the HTTP exchange (transport.ts), per-attempt timeouts, the retry policy, the single 401
 * refresh, problem parsing, response validation and the log lines. Callers get parsed JSON or a domain error.
 *
 * Retry and `mayHaveApplied` policy (see `classifyStatus` / `classifyNetworkError`):
 *
 * | outcome                                 | 'safe' (GET)  | 'idempotent' (DELETE, PUT) | 'never' (POST) | mayHaveApplied (non-GET) |
 * |-----------------------------------------|---------------|----------------------------|----------------|--------------------------|
 * | 2xx                                     | return        | return                     | return         | -                        |
 * | 401 (first time, with a token)          | refresh+retry | refresh+retry              | refresh+retry  | false (auth runs first)  |
 * | other 4xx                               | UpstreamProblem, no retry                                   | -                        |
 * | 429                                     | retry         | retry                      | no             | false                    |
 * | 502, 503, 504                           | retry         | retry                      | no             | true                     |
 * | 500 and other 5xx                       | no            | no                         | no             | true                     |
 * | 3xx (redirects not followed for writes) | -             | no                         | no             | false                    |
 * | connection refused / DNS failure        | retry         | retry                      | no             | false                    |
 * | other network error (reset, closed)     | retry         | no                         | no             | true                     |
 * | timeout                                 | retry         | no                         | no             | true                     |
 * | 2xx body not JSON / not the schema      | no            | no                         | no             | true                     |
 *
 * GET never has effects, so its `mayHaveApplied` is always false. For writes it is the OR over all attempts.
 * 503 counts as "may have applied": nothing in the publiq docs promises that a 503 comes from a layer in front of
 * the application (it may be a proxy answering after the backend started work). A wrong "not applied" means a
 * ticket sale registered twice or a single-use coupon spent; a wrong "may have applied" costs one reconciliation.
 */
import {
  type EndUserMessage,
  type SchemaError,
  UpstreamProblem,
  type UpstreamProblemFields,
  type UpstreamService,
  UpstreamUnavailable,
} from '../../domain/errors.js';
import { logger } from '../../logger.js';
import type * as z from '../../zod.js';
import { exchange, type HttpAnswer, neverSent } from './transport.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** How much a request may be repeated. 'safe': reads; 'idempotent': writes that can be repeated; 'never': creates. */
export type RetryPolicy = 'safe' | 'idempotent' | 'never';

/** The access-token source the clients need: a token, and a way to say "this one was refused". */
export interface AccessTokens {
  /** `deadline`: stop waiting then, as the call it is for must have ended by then (see UpstreamRequest). */
  get(options?: Pick<UpstreamRequest, 'deadline'>): Promise<string>;
  /** Drop `token` from the cache if it is still the cached one, so the next `get()` fetches a fresh token. */
  invalidate(token: string): void;
}

export interface BackoffOptions {
  /** First retry waits a random time in [0, baseMs]; each next one doubles the ceiling (full jitter). */
  baseMs?: number;
  /** Ceiling of one backoff delay. */
  maxMs?: number;
  /** A `Retry-After` longer than this is shortened to it. */
  maxRetryAfterMs?: number;
}

export interface UpstreamOptions {
  service: UpstreamService;
  /** Per attempt: until the whole response body has arrived. */
  timeoutMs: number;
  /** Extra attempts allowed by the retry policy (401 refresh not counted). */
  retries: number;
  /** Whole call, retries and backoff included. Default: `timeoutMs * (retries + 1) + 1000`. */
  deadlineMs?: number;
  backoff?: BackoffOptions;
  /** When set, every request carries `Authorization: Bearer` (unless it opts out) and a 401 refreshes once. */
  tokens?: AccessTokens;
  /** Sent on every request (e.g. `x-client-id`). */
  headers?: Record<string, string>;
}

/** What every publiq client takes from the configuration: the timeout per attempt and the retries. */
export function transportFromConfig(config: {
  timeoutMs: number;
  retries: number;
}): Pick<UpstreamOptions, 'timeoutMs' | 'retries'> {
  return { timeoutMs: config.timeoutMs, retries: config.retries };
}

export interface UpstreamRequest {
  method: HttpMethod;
  url: URL;
  retry: RetryPolicy;
  /** JSON request body. */
  json?: unknown;
  /** Form-encoded request body. */
  form?: URLSearchParams;
  /** Return 4xx answers (other than 429) instead of throwing `UpstreamProblem`: for non-publiq error formats. */
  accept4xx?: boolean;
  /** Set false to send no token even when the upstream has a token source. */
  auth?: boolean;
  /**
   * When the whole call, retries included, must have ended (epoch ms): the invocation's own budget (see `answerBy`
   * in lib/adapters/http/handler.ts). Attempts are cut to it, and none starts without `MIN_ATTEMPT_MS` left; a write
   * that is never repeated (a POST) is sent only with a whole attempt's timeout left.
   */
  deadline?: number | undefined;
}

/** An attempt with less time than this cannot get an answer; a POST sent with it would only leave its outcome unknown. */
const MIN_ATTEMPT_MS = 100;

export interface UpstreamResponse {
  status: number;
  headers: HttpAnswer['headers'];
  /** Parsed JSON, or undefined for an empty body (204). */
  body: unknown;
}

export interface Upstream {
  readonly service: UpstreamService;
  send(request: UpstreamRequest): Promise<UpstreamResponse>;
  /** Validate a success body; a mismatch is `UpstreamUnavailable('invalid-response')` naming the path, never the data. */
  parse<S extends z.ZodMiniType>(
    schema: S,
    response: UpstreamResponse,
    request: UpstreamRequest,
  ): z.output<S>;
}

const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 200, maxMs: 2000, maxRetryAfterMs: 5000 };
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
// The request never left this machine: nothing can have been applied, so it is safe to repeat even a write.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

type Reason = 'timeout' | 'network' | 'status' | 'invalid-response';

interface Failure {
  reason: Reason;
  /** May a write have been applied by this attempt? */
  applied: boolean;
  /** Worth another attempt under the 'safe' policy / under the 'idempotent' policy. */
  retrySafe: boolean;
  retryIdempotent: boolean;
  status?: number;
  retryAfterMs?: number;
  detail: string;
  cause?: unknown;
}

type Attempt = { kind: 'response'; response: UpstreamResponse } | { kind: 'failure'; failure: Failure };

/** What one upstream keeps for all its calls: the resolved options. */
interface Transport {
  service: UpstreamService;
  timeoutMs: number;
  retries: number;
  deadlineMs: number;
  backoff: Required<BackoffOptions>;
  tokens: AccessTokens | undefined;
  headers: Record<string, string> | undefined;
}

/** The state of one `send`, carried across its attempts. */
interface Call {
  request: UpstreamRequest;
  write: boolean;
  deadline: number;
  retriesLeft: number;
  retryNumber: number;
  refreshed: boolean;
  /** OR over the attempts so far (writes only). */
  mayHaveApplied: boolean;
  last: Failure | undefined;
}

/** After one attempt: hand the response back, try again with a fresh token, or deal with a failure. */
type Verdict =
  | { kind: 'done'; response: UpstreamResponse }
  | { kind: 'token-refreshed' }
  | { kind: 'failed'; failure: Failure };

export function createUpstream(options: UpstreamOptions): Upstream {
  const transport: Transport = {
    service: options.service,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    deadlineMs: options.deadlineMs ?? options.timeoutMs * (options.retries + 1) + 1000,
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    tokens: options.tokens,
    headers: options.headers,
  };
  return {
    service: transport.service,
    send: (request) => send(transport, request),
    parse: (schema, response, request) => parseBody(transport.service, schema, response, request),
  };
}

async function send(transport: Transport, request: UpstreamRequest): Promise<UpstreamResponse> {
  const tokens = request.auth === false ? undefined : transport.tokens;
  const call: Call = {
    request,
    write: request.method !== 'GET',
    deadline: Math.min(Date.now() + transport.deadlineMs, request.deadline ?? Number.POSITIVE_INFINITY),
    retriesLeft: request.retry === 'never' ? 0 : transport.retries,
    retryNumber: 0,
    refreshed: false,
    mayHaveApplied: false,
    last: undefined,
  };

  for (;;) {
    const token = tokens ? await currentToken(tokens, transport.service, call) : undefined;
    const remaining = call.deadline - Date.now();
    // A write that is never repeated gets a whole attempt or none: one cut short would leave its outcome unknown.
    const needed = request.retry === 'never' ? transport.timeoutMs : MIN_ATTEMPT_MS;
    if (remaining < needed) throw outOfTime(transport.service, call);
    const outcome = await attempt(transport, request, token, Math.min(transport.timeoutMs, remaining));
    const verdict: Verdict =
      outcome.kind === 'response'
        ? judgeResponse(transport, call, outcome.response, token)
        : { kind: 'failed', failure: outcome.failure };
    if (verdict.kind === 'done') return verdict.response;
    if (verdict.kind === 'token-refreshed') continue;

    const current = verdict.failure;
    call.last = current;
    if (call.write) call.mayHaveApplied ||= current.applied;
    const delayMs = retryDelay(transport, call, current);
    if (delayMs === undefined) {
      throw new UpstreamUnavailable(transport.service, current.reason, call.write && call.mayHaveApplied, {
        ...(current.status === undefined ? {} : { status: current.status }),
        detail: `${request.method} ${request.url.pathname}: ${current.detail}`,
        cause: current.cause,
      });
    }
    call.retriesLeft -= 1;
    call.retryNumber += 1;
    logger.warn('upstream call failed; retrying', {
      upstream: transport.service,
      method: request.method,
      path: request.url.pathname,
      reason: current.reason,
      status: current.status,
      retry: call.retryNumber,
      delayMs,
    });
    await sleep(delayMs);
  }
}

/** The call's time is up before an attempt could start: what the last attempt said, if there was one. */
function outOfTime(service: UpstreamService, call: Call): UpstreamUnavailable {
  const { last, request } = call;
  return new UpstreamUnavailable(service, last?.reason ?? 'timeout', call.write && call.mayHaveApplied, {
    ...(last?.status === undefined ? {} : { status: last.status }),
    detail: `${request.method} ${request.url.pathname}: ${last ? `${last.detail}; then ` : ''}no time left for an attempt before the answer is due`,
  });
}

async function currentToken(tokens: AccessTokens, service: UpstreamService, call: Call): Promise<string> {
  try {
    return await tokens.get({ deadline: call.deadline });
  } catch (error) {
    const { last } = call;
    // A token failure after an attempt that may have been applied must not hide that fact.
    if (last && call.mayHaveApplied) {
      throw new UpstreamUnavailable(service, last.reason, true, {
        ...(last.status === undefined ? {} : { status: last.status }),
        detail: `${last.detail}; then the access token could not be renewed`,
        cause: error,
      });
    }
    throw error;
  }
}

/** Throws `UpstreamProblem` for a 4xx the caller should see as a problem (unless it accepts 4xx answers). */
function judgeResponse(
  transport: Transport,
  call: Call,
  response: UpstreamResponse,
  token: string | undefined,
): Verdict {
  const { request } = call;
  if (response.status >= 200 && response.status < 300) return { kind: 'done', response };
  if (response.status === 401 && token !== undefined && !call.refreshed) {
    // A 401 is decided before the request is handled, so even a POST is safe to send again once.
    call.refreshed = true;
    transport.tokens?.invalidate(token);
    logger.warn('upstream refused the access token; renewing it and retrying once', {
      upstream: transport.service,
      method: request.method,
      path: request.url.pathname,
    });
    return { kind: 'token-refreshed' };
  }
  const classified = classifyStatus(response, call.write, request);
  if (classified) return { kind: 'failed', failure: classified };
  if (request.accept4xx) return { kind: 'done', response };
  throw new UpstreamProblem(transport.service, { ...problemFields(response), endpoint: endpointOf(request) });
}

/** Nine or more digits (UiTPAS and INSZ numbers), or 8 to 20 hex characters with a digit in them (chip numbers). */
const PASS_ID_SEGMENT = /^(?:[0-9]{9,}|(?=[0-9A-Fa-f]*[0-9])[0-9A-Fa-f]{8,20})$/;

/**
 * The call a problem answers, as `GET /passes`: what a problem type means depends on it. The query string is left
 * out, as a pass identifier travels there, and a path segment shaped like one (the deprecated
 * `/passes/{uitpasNumber}`, a chip number) is replaced, so the label may go into a problem answer or a log line.
 */
function endpointOf(request: UpstreamRequest): string {
  const path = request.url.pathname
    .split('/')
    .map((segment) => (PASS_ID_SEGMENT.test(segment) ? '{identifier}' : segment))
    .join('/');
  return `${request.method} ${path}`;
}

/** The wait before the next attempt, or undefined when the policy, the retry budget or the deadline says stop. */
function retryDelay(transport: Transport, call: Call, current: Failure): number | undefined {
  const { retry } = call.request;
  const retryable =
    retry === 'safe' ? current.retrySafe : retry === 'idempotent' ? current.retryIdempotent : false;
  if (!retryable || call.retriesLeft <= 0) return undefined;
  const delayMs =
    current.retryAfterMs !== undefined
      ? Math.min(current.retryAfterMs, transport.backoff.maxRetryAfterMs)
      : fullJitter(call.retryNumber, transport.backoff);
  // Retry only if the wait leaves room for a meaningful attempt before the overall deadline.
  return Date.now() + delayMs + MIN_ATTEMPT_MS < call.deadline ? delayMs : undefined;
}

async function attempt(
  transport: Transport,
  request: UpstreamRequest,
  token: string | undefined,
  attemptMs: number,
): Promise<Attempt> {
  const { headers, body } = requestContent(request, token, transport.headers);
  // One timer, held until the attempt ends: it bounds the headers and the body alike (transport.ts).
  const controller = new AbortController();
  const { signal } = controller;
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no complete answer within ${attemptMs} ms`, 'TimeoutError')),
    attemptMs,
  );
  const write = request.method !== 'GET';
  const started = performance.now();
  let status: number | undefined;
  try {
    const response = await exchange({
      method: request.method,
      url: request.url,
      headers,
      body,
      signal,
      // A redirected POST may silently become a GET: for writes we stop at the redirect instead.
      followRedirects: !write,
    });
    status = response.status;
    const text = await response.text();
    return answered(request, response, text);
  } catch (error) {
    if (signal.aborted || isTimeoutError(error)) {
      // Cut off before the request had a connection (a connect or TLS handshake that hung): nothing was sent.
      const unsent = neverSent(error);
      return failure({
        reason: 'timeout',
        applied: write && !unsent,
        retrySafe: true,
        retryIdempotent: unsent,
        ...(status === undefined ? {} : { status }),
        detail: `no complete answer within ${attemptMs} ms`,
        cause: error,
      });
    }
    return failure(classifyNetworkError(error, write, status));
  } finally {
    clearTimeout(timer);
    logger.debug('upstream call', {
      upstream: transport.service,
      method: request.method,
      path: request.url.pathname,
      status,
      durationMs: Math.round(performance.now() - started),
    });
  }
}

function requestContent(
  request: UpstreamRequest,
  token: string | undefined,
  extraHeaders: Record<string, string> | undefined,
): { headers: Record<string, string>; body: string | undefined } {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    ...extraHeaders,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    return { headers, body: JSON.stringify(request.json) };
  }
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    return { headers, body: request.form.toString() };
  }
  return { headers, body: undefined };
}

/** A complete answer: a response to judge, unless a 2xx body is not JSON. */
function answered(request: UpstreamRequest, response: HttpAnswer, text: string): Attempt {
  const { status } = response;
  const parsed = parseJson(text);
  if (response.ok && parsed === INVALID_JSON) {
    return failure({
      reason: 'invalid-response',
      applied: request.method !== 'GET',
      retrySafe: false,
      retryIdempotent: false,
      status,
      detail: `${request.method} ${request.url.pathname} answered ${status} with a body that is not JSON`,
    });
  }
  return {
    kind: 'response',
    response: { status, headers: response.headers, body: parsed === INVALID_JSON ? undefined : parsed },
  };
}

function parseBody<S extends z.ZodMiniType>(
  service: UpstreamService,
  schema: S,
  response: UpstreamResponse,
  request: UpstreamRequest,
): z.output<S> {
  const result = schema.safeParse(response.body);
  if (result.success) return result.data;
  const issues = result.error.issues.slice(0, 3).map((issue) => {
    const path = issue.path.length ? issue.path.map(String).join('.') : '(root)';
    return `${path}: ${issue.message}`;
  });
  // Zod's messages name the expected type or options, never the received value, so no data leaks here.
  throw new UpstreamUnavailable(service, 'invalid-response', request.method !== 'GET', {
    status: response.status,
    detail: `${request.method} ${request.url.pathname} answered a body that does not match the expected schema (${issues.join('; ')})`,
  });
}

function failure(value: Failure): Attempt {
  return { kind: 'failure', failure: value };
}

/** Undefined = a 4xx to hand to the caller as a problem; otherwise a failure to retry or report. */
function classifyStatus(
  response: UpstreamResponse,
  write: boolean,
  request: UpstreamRequest,
): Failure | undefined {
  const { status } = response;
  const problem = problemSummary(response.body);
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location');
    return {
      reason: 'status',
      applied: false,
      retrySafe: false,
      retryIdempotent: false,
      status,
      detail: `unexpected redirect${location ? ` to ${new URL(location, request.url).origin}` : ''}: check the base URL (HTTPS, no trailing path)`,
    };
  }
  if (status === 429 || status >= 500 || status < 200) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      reason: 'status',
      // A 429 is a refusal before any work; every 5xx may come after the work was done (see the table above).
      applied: write && status !== 429,
      retrySafe: RETRYABLE_STATUS.has(status),
      retryIdempotent: RETRYABLE_STATUS.has(status),
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      detail: `answered ${status}${problem ? ` ${problem}` : ''}`,
    };
  }
  return undefined;
}

function classifyNetworkError(error: unknown, write: boolean, status: number | undefined): Failure {
  const code = errorCode(error);
  // Once a status line has arrived, the server has handled the request, whatever happens to the body.
  const notSent =
    status === undefined && (neverSent(error) || (code !== undefined && NOT_SENT_CODES.has(code)));
  return {
    reason: 'network',
    applied: write && !notSent,
    retrySafe: true,
    retryIdempotent: notSent,
    ...(status === undefined ? {} : { status }),
    detail: `${code ?? 'network error'}${status === undefined ? '' : ` while reading a ${status} answer`}`,
    cause: error,
  };
}

/** The error's code, or its cause's (a wrapped socket error), a few levels down. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

function isTimeoutError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

const INVALID_JSON = Symbol('invalid-json');

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return INVALID_JSON;
  }
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function fullJitter(retryNumber: number, backoff: Required<BackoffOptions>): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** retryNumber);
  return Math.floor(Math.random() * (ceiling + 1));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : undefined;

function problemSummary(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  return optionalString(body.type) ?? optionalString(body.title);
}

function endUserMessage(value: unknown): EndUserMessage | undefined {
  if (!isRecord(value) || typeof value.nl !== 'string') return undefined;
  const message: EndUserMessage = { nl: value.nl };
  for (const lang of ['fr', 'de', 'en'] as const) {
    const text = value[lang];
    if (typeof text === 'string') message[lang] = text;
  }
  return message;
}

/**
 * RFC 7807 fields from an error answer. The HTTP status is authoritative: publiq's examples write `status` as a
 * string ("400") and the body may even disagree with the status line. A body without `type` is `about:blank`.
 */
export function problemFields(response: UpstreamResponse): UpstreamProblemFields {
  const body = isRecord(response.body) ? response.body : {};
  const schemaErrors: SchemaError[] = Array.isArray(body.schemaErrors)
    ? body.schemaErrors.flatMap((item: unknown) =>
        isRecord(item) && typeof item.jsonPointer === 'string' && typeof item.error === 'string'
          ? [{ jsonPointer: item.jsonPointer, error: item.error }]
          : [],
      )
    : [];
  return {
    type: optionalString(body.type) ?? 'about:blank',
    status: response.status,
    title: optionalString(body.title),
    detail: optionalString(body.detail),
    endUserMessage: endUserMessage(body.endUserMessage),
    schemaErrors: schemaErrors.length ? schemaErrors : undefined,
    cardStatus: optionalString(body.cardStatus),
    passholderId: optionalString(body.passholderId),
    passType: body.passType === 'INDIVIDUAL' || body.passType === 'GROUP' ? body.passType : undefined,
    groupPass: typeof body.groupPass === 'boolean' ? body.groupPass : undefined,
  };
}

/** `base` may carry a path prefix (the sandbox serves UiTPAS under `/uitpas`); `path` starts with `/`. */
export function buildUrl(base: string, path: string, query?: URLSearchParams): URL {
  const url = new URL(base.replace(/\/+$/, '') + path);
  if (query) url.search = query.toString();
  return url;
}

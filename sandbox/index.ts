/**
 * Local sandbox of publiq's test environment: UiTiD token endpoint, UiTPAS API 4.0, UiTdatabank Entry and
 * Search v3 — one stateful `node:http` server with path prefixes, fault injection and a request log.
 *
 *   const sandbox = await startSandbox();             // port 0 = random
 *   sandbox.urls.token / .uitpas / .entry / .search
 *   sandbox.faults.add({ path: '/uitpas/ticket-sales', kind: 'status', status: 503, times: 1 });
 *   sandbox.requests.count('POST /uitpas/ticket-sales');
 *   await sandbox.close();
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LEGACY_TOKEN_PATH, TOKEN_PATH, TokenStore, tokenHandler } from './auth.js';
import type { SandboxContext } from './context.js';
import { registerControlRoutes } from './control.js';
import { FaultController, type FaultDecision, type LoggedRequest, RequestLog } from './faults.js';
import { problemResponse, Router, type SandboxRequest, type SandboxResponse } from './http.js';
import { ProblemError, ProblemTypes } from './problems.js';
import { registerSearchRoutes } from './search.js';
import { SandboxState } from './state.js';
import { registerEntryRoutes } from './uitdatabank.js';
import { registerUitpasRoutes } from './uitpas.js';

export type { FaultHandle, FaultKind, FaultRule, FaultStatus, LoggedRequest } from './faults.js';
export { FaultController, RequestLog } from './faults.js';
export * from './fixtures.js';
export type * from './model.js';
export type { Problem } from './problems.js';
export { ProblemTypes } from './problems.js';
export type {
  AddEventInput,
  AddOrganizerInput,
  EventPatch,
  SeedEventsOptions,
  TicketSaleFilter,
  UitpasRegistrationOptions,
} from './state.js';
export { SandboxState } from './state.js';
export {
  couponPrice,
  SOCIAL_TARIFF_ID,
  SOCIAL_TARIFF_NAME,
  SOCIAL_TARIFF_RATE,
  socialTariffPrice,
} from './tariffs.js';

export interface SandboxOptions {
  /** 0 = a random free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Accepted client credentials; default `sandbox-client` / `sandbox-secret`. */
  clientId?: string;
  clientSecret?: string;
  /** Token lifetime (`expires_in`); default 3600. */
  tokenTtlSeconds?: number;
  /** Delay before UiTPAS knows events published through Entry; default 0. */
  uitpasRegistrationDelayMs?: number;
  /** Clock for token expiry, limits, `modified`, registration delays; default `() => new Date()`. */
  now?: () => Date;
  /** Delay before UiTPAS knows the LATE_EVENT_ID fixture (from start/reset); default 1000. */
  lateEventDelayMs?: number;
  /** Base URL used in `@id`s and `urls` when clients reach the sandbox through another host name. */
  publicUrl?: string;
}

export interface Sandbox {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `token` is the full token endpoint URL; `auth` is the "auth host" (`${auth}/realms/uitid/…`). */
  urls: { uitpas: string; entry: string; search: string; token: string; auth: string };
  faults: FaultController;
  requests: RequestLog;
  state: SandboxState;
  /** Invalidates every issued token: the next call with an old token gets a 401. */
  revokeTokens(): void;
  /** Issues a valid token without an HTTP call (not recorded in the request log). */
  issueToken(): string;
  /** Back to the seeded state; clears faults and the request log (issued tokens stay valid). */
  reset(): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const now = options.now ?? (() => new Date());
  const clientId = options.clientId ?? 'sandbox-client';
  const state = new SandboxState({
    now,
    uitpasRegistrationDelayMs: options.uitpasRegistrationDelayMs ?? 0,
    lateEventDelayMs: options.lateEventDelayMs,
  });
  const tokens = new TokenStore({
    clientId,
    clientSecret: options.clientSecret ?? 'sandbox-secret',
    ttlSeconds: options.tokenTtlSeconds ?? 3600,
    now,
  });
  const faults = new FaultController();
  const requests = new RequestLog();

  let baseUrl = '';
  const ctx: SandboxContext = { state, tokens, clientId, baseUrl: () => baseUrl };

  const api = new Router();
  api.add('POST', TOKEN_PATH, tokenHandler(tokens, { allowJson: false }));
  api.add('POST', LEGACY_TOKEN_PATH, tokenHandler(tokens, { allowJson: true }));
  registerUitpasRoutes(api, ctx);
  registerEntryRoutes(api, ctx);
  registerSearchRoutes(api, ctx);

  const reset = () => {
    state.reset();
    faults.clear();
    requests.reset();
  };
  const urls = () => ({
    uitpas: `${baseUrl}/uitpas`,
    entry: `${baseUrl}/entry`,
    search: `${baseUrl}/search`,
    token: `${baseUrl}${TOKEN_PATH}`,
    auth: `${baseUrl}/auth`,
  });
  const control = new Router();
  registerControlRoutes(control, {
    state,
    faults,
    requests,
    reset,
    revokeTokens: () => tokens.revokeAll(),
    urls,
  });

  // Sockets and timers are tracked so close() finishes even with hanging (`timeout`) or delayed requests.
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only transport failures end up here (handler errors are answered as 500 problems).
      if (!res.headersSent && !res.destroyed) send(res, internalError(error));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    setCors(req, res);
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (path === '/__sandbox' || path.startsWith('/__sandbox/')) {
      const rawBody = await readBody(req);
      send(res, await dispatch(control, method, path, url.searchParams, req, rawBody));
      return;
    }

    const entry = requests.record({
      method,
      path,
      query: queryRecord(url.searchParams),
      status: null,
      at: now().toISOString(),
    });
    const decision: FaultDecision = faults.decide(method, path);
    const fault = decision.fault;
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout') {
      req.resume(); // drain the body; never answer
      return;
    }
    // The body is read before any latency, so a slow request is still applied when the client gave up
    // meanwhile (as a real server would): clients must not assume "timed out" means "not applied".
    const rawBody = await readBody(req);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    if (closed) return;
    if (fault?.kind === 'status') {
      finish(res, entry, faultStatusResponse(fault.status, path, fault.retryAfterSeconds));
      return;
    }
    if (rawBody === undefined) {
      finish(res, entry, { status: 413, headers: { Connection: 'close' }, text: 'Request body too large' });
      return;
    }
    const response = await dispatch(api, method, path, url.searchParams, req, rawBody, entry);

    if (fault?.kind === 'dropAfterApply') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'delayAfterApply') {
      await sleep(fault.ms);
      if (closed || res.destroyed) return;
    }
    finish(res, entry, response);
  }

  function finish(res: ServerResponse, entry: LoggedRequest, response: SandboxResponse): void {
    if (res.destroyed) return;
    entry.status = response.status;
    send(res, response);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('Sandbox: unexpected server address');
  const host = options.host && !['0.0.0.0', '::'].includes(options.host) ? options.host : '127.0.0.1';
  baseUrl = (
    options.publicUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`
  ).replace(/\/+$/, '');

  return {
    url: baseUrl,
    urls: urls(),
    faults,
    requests,
    state,
    revokeTokens: () => tokens.revokeAll(),
    issueToken: () => tokens.issue().token,
    reset,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
      await done;
    },
  };
}

// --- dispatch & transport -------------------------------------------------------------------------------

async function dispatch(
  router: Router,
  method: string,
  path: string,
  query: URLSearchParams,
  req: IncomingMessage,
  rawBody: Buffer | undefined,
  entry?: LoggedRequest,
): Promise<SandboxResponse> {
  const match = router.match(method, path);
  if (match.kind === 'not-found') {
    return problemResponse({
      type: ProblemTypes.urlNotFound,
      title: 'URL not found',
      status: 404,
      detail: `No endpoint ${method} ${path}.`,
    });
  }
  if (match.kind === 'method-not-allowed') {
    return problemResponse({
      type: ProblemTypes.methodNotAllowed,
      title: 'Method not allowed',
      status: 405,
      detail: `${method} is not allowed on ${path}; allowed: ${match.allowed.join(', ')}.`,
      headers: { Allow: match.allowed.join(', ') },
    });
  }
  if (entry) entry.route = match.template;
  const request: SandboxRequest = {
    method,
    path,
    query,
    params: match.params,
    headers: req.headers,
    rawBody: rawBody ?? Buffer.alloc(0),
  };
  try {
    return await match.handler(request);
  } catch (error) {
    if (error instanceof ProblemError) return problemResponse(error.problem);
    return internalError(error);
  }
}

function internalError(error: unknown): SandboxResponse {
  return problemResponse({
    type: 'about:blank',
    title: 'Internal Server Error',
    status: 500,
    detail: `Sandbox error: ${error instanceof Error ? error.message : String(error)}`,
  });
}

/**
 * Injected status faults. 500 and 429 are problem+json (429 with the UiTPAS `rate-limited` type on
 * /uitpas); 502/503/504 are HTML pages, as a load balancer in front of the API would send them, so clients
 * are exercised on non-JSON error bodies too.
 */
function faultStatusResponse(status: number, path: string, retryAfterSeconds?: number): SandboxResponse {
  const headers: Record<string, string> =
    retryAfterSeconds === undefined ? {} : { 'Retry-After': String(retryAfterSeconds) };
  if (status === 429) {
    return {
      ...problemResponse({
        type: path.startsWith('/uitpas/') ? ProblemTypes.rateLimited : 'about:blank',
        title: 'Too Many Requests',
        status,
        detail: 'Rate limit exceeded (injected fault).',
      }),
      headers: { 'Content-Type': 'application/problem+json', ...headers },
    };
  }
  if (status === 500) {
    return {
      ...problemResponse({
        type: 'about:blank',
        title: 'Internal Server Error',
        status,
        detail: 'Injected fault.',
      }),
      headers: { 'Content-Type': 'application/problem+json', ...headers },
    };
  }
  const title =
    { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status] ??
    'Error';
  return {
    status,
    headers: { 'Content-Type': 'text/html', ...headers },
    text: [
      '<html>',
      `<head><title>${status} ${title}</title></head>`,
      '<body>',
      `<center><h1>${status} ${title}</h1></center>`,
      '</body>',
      '</html>',
      '',
    ].join('\r\n'),
  };
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  let payload: string | undefined;
  if (response.text !== undefined) {
    payload = response.text;
    headers['Content-Type'] ??= 'text/plain; charset=utf-8';
  } else if (response.body !== undefined) {
    payload = JSON.stringify(response.body);
    headers['Content-Type'] ??= 'application/json';
  }
  if (payload === undefined) {
    res.writeHead(response.status, headers).end();
    return;
  }
  const buffer = Buffer.from(payload, 'utf8');
  headers['Content-Length'] = String(buffer.length);
  res.writeHead(response.status, headers).end(buffer);
}

/** `undefined` when the body is larger than MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  // CORS is open on the publiq APIs; the dev stack may call the sandbox from a browser.
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Expose-Headers', 'Location, Retry-After, Allow');
  if (req.method === 'OPTIONS') {
    res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
    res.setHeader(
      'Access-Control-Allow-Headers',
      req.headers['access-control-request-headers'] ?? 'Authorization, Content-Type, x-client-id',
    );
    res.setHeader('Access-Control-Max-Age', '600');
  }
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = record[name];
    if (existing === undefined) record[name] = value;
    else record[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return record;
}

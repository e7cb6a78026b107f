/**
 * One HTTP exchange over node:http and node:https, for the publiq clients (upstream.ts) and the SSM read: the
 * request, its answer's status and headers, and its body as text, all within the caller's `signal`.
 *
 * Not fetch, and so not ky: Node 20 loads its fetch (undici) at the first touch of `fetch` or `Request`, which took
 * 145 M of lookupTariffs' 669 M import instructions and fell on the first token request too (README, Benchmarks);
 * node:https is loaded by the AWS SDK in every function anyway. What fetch did for us is done here: keep-alive
 * connections, redirects followed for reads only (the token dropped when the origin changes, never from HTTPS to
 * HTTP), gzip/deflate/br answers decoded, and an abort that ends the exchange whether it waits for the headers or for
 * the body (the connection is destroyed, so nothing is left reading). A failure before the request had a connection
 * to be written to is marked `neverSent`: a write that failed so cannot have been applied.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface HttpExchange {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | undefined;
  /** Ends the exchange, headers or body, with `signal.reason`. */
  signal: AbortSignal;
  /** A 3xx is followed (up to 5 times) only for a read: a redirected write would silently become another request. */
  followRedirects: boolean;
}

/** An answer whose status and headers have arrived; `text()` reads the body (decoded) within the same signal. */
export interface HttpAnswer {
  status: number;
  /** A 2xx. */
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

const USER_AGENT = 'uitpas-ticketing-integration';

/**
 * Keep-alive, an idle connection closed after 4 s (undici's default; a server's `Keep-Alive: timeout=` hint is
 * followed too). The agent's own expiry runs on timers, which a frozen Lambda does not run: after a thaw the next
 * request would take a connection the server dropped long ago, and a POST failing on it leaves its outcome unknown.
 * So before each request the idle connections are also aged by the wall clock (`dropStale`), and a write waits one
 * turn of the event loop first, so that a close the server sent meanwhile is seen.
 */
const IDLE_MS = 4000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }),
};
const idleSince = new WeakMap<Socket, number>();
for (const agent of Object.values(agents))
  agent.on('free', (socket: Socket) => idleSince.set(socket, Date.now()));

function dropStale(agent: HttpAgent): void {
  const now = Date.now();
  for (const sockets of Object.values(agent.freeSockets)) {
    if (!sockets) continue;
    for (let i = sockets.length - 1; i >= 0; i -= 1) {
      const socket = sockets[i] as Socket;
      if (socket.destroyed || now - (idleSince.get(socket) ?? now) >= IDLE_MS) {
        // Out of the list first: the agent picks from its end and skips only a destroyed socket at its start.
        sockets.splice(i, 1);
        socket.destroy();
      }
    }
  }
}

/** Errors of an exchange whose request never had a connection to be written to. */
const unsent = new WeakSet<object>();
export const neverSent = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && unsent.has(error);

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Sent to the origin asked only: not to where a redirect points elsewhere. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization'];

export async function exchange(request: HttpExchange): Promise<HttpAnswer> {
  let { url, headers } = request;
  for (let hops = 0; ; hops += 1) {
    const answer = await once({ ...request, url, headers });
    const location = answer.headers.get('location');
    if (!request.followRedirects || !REDIRECTS.has(answer.status) || !location || hops >= MAX_REDIRECTS)
      return answer;
    const next = new URL(location, url);
    if (url.protocol === 'https:' && next.protocol !== 'https:') return answer;
    await answer.text().catch(() => undefined);
    if (next.origin !== url.origin)
      headers = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !CREDENTIALS.includes(name.toLowerCase())),
      );
    url = next;
  }
}

async function once(request: HttpExchange): Promise<HttpAnswer> {
  const { url, signal } = request;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new TypeError(`not an HTTP URL: ${url.protocol}`);
  if (request.method !== 'GET') await new Promise((resolve) => setImmediate(resolve));
  if (signal.aborted) throw signal.reason;
  const agent = agents[secure ? 'https:' : 'http:'];
  dropStale(agent);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const outgoing = (secure ? httpsRequest : httpRequest)(url, {
      method: request.method,
      headers: {
        'accept-encoding': 'gzip, deflate, br',
        'user-agent': USER_AGENT,
        ...request.headers,
        ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }),
      },
      agent,
    });
    // Written to a connection only once it is up (TLS included): a kept-alive one is, a new one after its connect.
    let connected = false;
    outgoing.on('socket', (socket: Socket) => {
      if (outgoing.reusedSocket) connected = true;
      else
        socket.once(secure ? 'secureConnect' : 'connect', () => {
          connected = true;
        });
    });
    let incoming: IncomingMessage | undefined;
    const abort = () => {
      outgoing.destroy(signal.reason);
      incoming?.destroy(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
    const settle = () => signal.removeEventListener('abort', abort);
    outgoing.on('error', (error) => {
      settle();
      if (!connected) unsent.add(error);
      reject(error);
    });
    outgoing.on('response', (response) => {
      incoming = response;
      resolve(answerOf(response, request.method, signal, settle));
    });
    outgoing.end(request.body);
  });
}

function answerOf(
  incoming: IncomingMessage,
  method: string,
  signal: AbortSignal,
  settle: () => void,
): HttpAnswer {
  const status = incoming.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get(name) {
        const value = incoming.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => readText(incoming, method, signal).finally(settle),
  };
}

/**
 * The decoders of the answer's Content-Encoding, outermost last (`gzip, br` was gzipped, then brotli'd). None for an
 * answer that has no body (HEAD, 204, 304), whatever it says. Flushing as undici does, a gzip stream without its
 * trailer still yields what it holds; a body cut short is caught by `complete` below.
 */
function decoders(incoming: IncomingMessage, method: string) {
  const status = incoming.statusCode ?? 0;
  if (method === 'HEAD' || status === 204 || status === 304) return [];
  return String(incoming.headers['content-encoding'] ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity')
    .reverse()
    .map((coding) => {
      if (coding === 'gzip' || coding === 'x-gzip')
        return createGunzip({ flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH });
      if (coding === 'deflate')
        return createInflate({ flush: constants.Z_SYNC_FLUSH, finishFlush: constants.Z_SYNC_FLUSH });
      if (coding === 'br')
        return createBrotliDecompress({
          flush: constants.BROTLI_OPERATION_FLUSH,
          finishFlush: constants.BROTLI_OPERATION_FLUSH,
        });
      throw failed(`an answer in an encoding we did not ask for: ${coding}`, 'ERR_ENCODING');
    });
}

/** An error with a `code`, as node's own socket errors carry one (upstream.ts classifies by it). */
const failed = (message: string, code: string) => Object.assign(new Error(message), { code });

async function readText(incoming: IncomingMessage, method: string, signal: AbortSignal): Promise<string> {
  if (signal.aborted) {
    incoming.destroy(signal.reason);
    throw signal.reason;
  }
  if (incoming.destroyed || incoming.errored)
    throw incoming.errored ?? failed('the answer was closed before it was read', 'ECONNRESET');
  let steps: ReturnType<typeof decoders>;
  try {
    steps = decoders(incoming, method);
  } catch (error) {
    incoming.destroy();
    throw error;
  }
  // pipeline destroys every stream, the response with its connection included, when one of them fails.
  const body: Readable = steps.length
    ? (pipeline([incoming, ...steps], () => undefined) as unknown as Readable)
    : incoming;
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    incoming.destroy();
    throw signal.aborted ? signal.reason : error;
  }
  if (signal.aborted) throw signal.reason;
  // A response cut short ends without an error event on some paths: IncomingMessage says so with `complete`.
  if (!incoming.complete) throw failed('the answer ended before its body did', 'ECONNRESET');
  return Buffer.concat(chunks).toString('utf8');
}

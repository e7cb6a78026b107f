/**
 * One HTTP exchange over node:http and node:https, for the publiq clients (upstream.ts) and the SSM read: the
 * request, its answer's status and headers, and its body as text, all within the caller's `signal`.
 *
 * Not fetch, and so not ky: Node 20 loads its fetch (undici) at the first touch of `fetch` or `Request`, which took
 * 145 M of lookupTariffs' 669 M import instructions and fell on the first token request too (README, Benchmarks);
 * node:https is loaded by the AWS SDK in every function anyway. What fetch did for us is done here: keep-alive
 * connections, redirects followed for reads only, gzip/deflate/br answers decoded, and an abort that ends the
 * exchange whether it waits for the headers or for the body (the socket is destroyed, so nothing is left reading).
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

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
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/**
 * Keep-alive, with an idle connection closed after 4 s (what fetch's undici did by default; a server's
 * `Keep-Alive: timeout=` hint is followed too), so that a connection the server has long dropped is not picked for a
 * POST, whose failure would leave its outcome unknown.
 */
const IDLE_MS = 4000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_MS }),
};
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function exchange(request: HttpExchange): Promise<HttpAnswer> {
  let url = request.url;
  for (let hops = 0; ; hops += 1) {
    const answer = await once({ ...request, url });
    const location = answer.headers.get('location');
    if (!request.followRedirects || !REDIRECTS.has(answer.status) || !location || hops >= MAX_REDIRECTS)
      return answer;
    await answer.text().catch(() => undefined);
    url = new URL(location, url);
  }
}

function once(request: HttpExchange): Promise<HttpAnswer> {
  const { url, signal } = request;
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:')
    return Promise.reject(new TypeError(`not an HTTP URL: ${url.protocol}`));
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<HttpAnswer>((resolve, reject) => {
    const send = secure ? httpsRequest : httpRequest;
    const outgoing = send(url, {
      method: request.method,
      headers: {
        'accept-encoding': 'gzip, deflate, br',
        ...request.headers,
        ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }),
      },
      agent: agents[secure ? 'https:' : 'http:'],
    });
    const abort = () => outgoing.destroy(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    const settle = () => signal.removeEventListener('abort', abort);
    outgoing.on('error', (error) => {
      settle();
      reject(error);
    });
    outgoing.on('response', (incoming) => {
      resolve(answerOf(incoming, signal, settle));
    });
    outgoing.end(request.body);
  });
}

function answerOf(incoming: IncomingMessage, signal: AbortSignal, settle: () => void): HttpAnswer {
  return {
    status: incoming.statusCode ?? 0,
    headers: {
      get(name) {
        const value = incoming.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    },
    text: () => readText(incoming, signal).finally(settle),
  };
}

function decoded(incoming: IncomingMessage): Readable {
  const encoding = String(incoming.headers['content-encoding'] ?? '')
    .trim()
    .toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return incoming;
  incoming.on('error', (error) => decoder.destroy(error));
  return incoming.pipe(decoder);
}

async function readText(incoming: IncomingMessage, signal: AbortSignal): Promise<string> {
  if (signal.aborted) {
    incoming.destroy(signal.reason);
    throw signal.reason;
  }
  const body = decoded(incoming);
  // The abort listener of `once` destroys the request, and with it this response: the loop below then throws.
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of body) chunks.push(chunk as Buffer);
  } catch (error) {
    throw signal.aborted ? signal.reason : error;
  }
  if (signal.aborted) throw signal.reason;
  // A response cut short ends without an error event on some paths: IncomingMessage says so with `complete`.
  if (!incoming.complete)
    throw Object.assign(new Error('the answer ended before its body did'), { code: 'ECONNRESET' });
  return Buffer.concat(chunks).toString('utf8');
}

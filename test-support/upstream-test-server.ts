/**
 * A small real HTTP server for the client unit tests: scripted replies per route, every request recorded.
 * Test-only (imported by *.test.ts files); it lives here so the UiTPAS and UiTdatabank tests share it.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** The raw request target, as it arrived on the wire (percent-encoding intact). */
  rawUrl: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  json?: unknown;
  /** Raw body; `json` wins when both are set. */
  body?: string;
  /** Never answer (the client must time out). */
  hang?: boolean;
  /** Read the request, then destroy the socket without answering. */
  destroy?: boolean;
  /** Send the status line and headers, then stall before the body. */
  stallBody?: boolean;
}

export type Handler = (request: RecordedRequest) => Reply | Promise<Reply>;

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Route `METHOD /path`: a handler, or a list of replies used in turn (the last one repeats). */
  on(route: string, reply: Handler | Reply | Reply[]): void;
  count(route: string): number;
  reset(): void;
  close(): Promise<void>;
}

export async function startTestServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        rawUrl: req.url ?? '/',
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(recorded);
      const handler = routes.get(`${recorded.method} ${recorded.path}`);
      const replyPromise = handler
        ? Promise.resolve(handler(recorded))
        : Promise.resolve<Reply>({
            status: 404,
            json: { type: 'https://api.publiq.be/probs/url/not-found', title: 'Not Found', status: 404 },
          });
      void replyPromise.then((reply) => {
        if (reply.hang) return;
        if (reply.destroy) {
          req.socket.destroy();
          return;
        }
        const status = reply.status ?? 200;
        const isProblem = status >= 400;
        const body =
          reply.json !== undefined
            ? JSON.stringify(reply.json)
            : (reply.body ?? (status === 204 ? '' : undefined));
        const headers: Record<string, string> = {
          ...(reply.json !== undefined
            ? { 'content-type': isProblem ? 'application/problem+json' : 'application/json' }
            : {}),
          ...reply.headers,
        };
        res.writeHead(status, headers);
        if (reply.stallBody) {
          res.flushHeaders();
          return;
        }
        res.end(body ?? '');
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(route, reply) {
      if (typeof reply === 'function') {
        routes.set(route, reply);
        return;
      }
      const queue = Array.isArray(reply) ? [...reply] : [reply];
      routes.set(route, () => (queue.length > 1 ? (queue.shift() as Reply) : (queue[0] ?? {})));
    },
    count(route) {
      return requests.filter((request) => `${request.method} ${request.path}` === route).length;
    },
    reset() {
      routes.clear();
      requests.length = 0;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nothing listens on: connecting to it is refused. */
export async function refusedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

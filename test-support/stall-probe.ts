/**
 * Run by lib/adapters/http-client/upstream-stall.int.test.ts in a Node started with `--expose-gc`: the upstream
 * client against a server that stalls in each way a slow upstream can, with a garbage collection every few
 * milliseconds (what a busy Lambda does between reads). Prints one JSON line per case: how the call ended, and after
 * how long.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createUpstream } from '../lib/adapters/http-client/upstream.js';
import { UpstreamUnavailable } from '../lib/domain/errors.js';

const STALLS: Record<string, (response: ServerResponse) => void> = {
  'before headers': () => undefined,
  'headers, then silence': (response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
  },
  'half a body': (response) => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    response.write('{"half":');
  },
};

const server = createServer((request, response) =>
  STALLS[decodeURIComponent(request.url?.slice(1) ?? '')]?.(response),
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const collect = setInterval(() => globalThis.gc?.(), 5);

const timeoutMs = Number(process.argv[2] ?? 300);
const upstream = createUpstream({
  service: 'uitpas',
  timeoutMs,
  retries: 2,
  backoff: { baseMs: 1, maxMs: 5 },
});
for (const name of Object.keys(STALLS)) {
  const started = Date.now();
  let outcome: string;
  try {
    await upstream.send({
      method: 'GET',
      url: new URL(`${base}/${encodeURIComponent(name)}`),
      retry: 'safe',
    });
    outcome = 'answered';
  } catch (error) {
    outcome = error instanceof UpstreamUnavailable ? `unavailable: ${error.reason}` : String(error);
  }
  console.log(JSON.stringify({ name, outcome, elapsedMs: Date.now() - started }));
}
clearInterval(collect);
server.closeAllConnections();
server.close();

/**
 * An HTTP proxy between a client and the sandbox that loses answers the ways a network or a slow upstream does.
 * Every request is forwarded first, so the upstream applies it; then, for a request a rule matches, the answer
 * goes wrong: never a byte of it (`before-headers`), the status line and headers then silence
 * (`headers-then-silence`), half the body then silence (`half-body`), or the connection reset once the upstream
 * has answered (`reset-after-forwarding`). The sandbox's own faults act before or instead of applying; these act
 * after, on the way back, which is where an answer is lost without the upstream knowing. `rewrite` changes a JSON
 * answer on its way back instead: an upstream that leaves out what its OpenAPI does not require.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STALLS = [
  'before-headers',
  'headers-then-silence',
  'half-body',
  'reset-after-forwarding',
] as const;
export type Stall = (typeof STALLS)[number];

export interface StallRule {
  method: string;
  path: RegExp;
  stall: Stall;
}

export interface RewriteRule {
  method: string;
  path: RegExp;
  body: (json: unknown) => unknown;
}

export interface FaultProxy {
  url: string;
  /** From now on, JSON answers to requests matching `rule` are passed through `rule.body`; returns a lift. */
  rewrite(rule: RewriteRule): () => void;
  /** From now on, answers to requests matching `rule` are lost its way; returns a function that lifts it. */
  stall(rule: StallRule): () => void;
  /** How many requests matched a rule. */
  stalled(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const rules = new Set<StallRule>();
  const rewrites = new Set<RewriteRule>();
  const open = new Set<ServerResponse>();
  let stalled = 0;
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const upstream = httpRequest(new URL(incoming.url ?? '/', target), {
        method: incoming.method,
        headers: { ...incoming.headers, host: new URL(target).host },
      });
      upstream.on('response', (answer) => respond(incoming, outgoing, answer));
      upstream.on('error', () => outgoing.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });

  function respond(incoming: IncomingMessage, outgoing: ServerResponse, answer: IncomingMessage) {
    const path = new URL(incoming.url ?? '/', target).pathname;
    const rule = [...rules].find((r) => r.method === incoming.method && r.path.test(path));
    const chunks: Buffer[] = [];
    answer.on('data', (chunk: Buffer) => chunks.push(chunk));
    answer.on('end', () => {
      const rewrite = [...rewrites].find((r) => r.method === incoming.method && r.path.test(path));
      const raw = Buffer.concat(chunks);
      const body =
        rewrite && raw.length > 0
          ? Buffer.from(JSON.stringify(rewrite.body(JSON.parse(raw.toString()))))
          : raw;
      const headers = { ...answer.headers, 'content-length': String(body.length) };
      delete headers['transfer-encoding'];
      if (!rule) {
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        outgoing.end(body);
        return;
      }
      stalled += 1;
      open.add(outgoing);
      if (rule.stall === 'reset-after-forwarding') {
        outgoing.socket?.destroy();
        return;
      }
      if (rule.stall === 'before-headers') return;
      outgoing.writeHead(answer.statusCode ?? 502, headers);
      outgoing.flushHeaders();
      if (rule.stall === 'half-body') outgoing.write(body.subarray(0, Math.floor(body.length / 2)));
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall(rule) {
      rules.add(rule);
      return () => rules.delete(rule);
    },
    rewrite(rule) {
      rewrites.add(rule);
      return () => rewrites.delete(rule);
    },
    stalled: () => stalled,
    async close() {
      for (const outgoing of open) outgoing.socket?.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

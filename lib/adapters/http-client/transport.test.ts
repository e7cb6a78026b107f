import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { exchange, neverSent } from './transport.js';

const TEXT = JSON.stringify({ sales: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `sale ${i}` })) });
let server: Server;
let base: string;
let connections = 0;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const encoding = /^\/(gzip|deflate|br)$/.exec(req.url ?? '')?.[1];
      if (encoding) {
        const encode = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync }[encoding];
        res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoding });
        res.end(encode?.(TEXT));
      } else if (req.url === '/moved') {
        res.writeHead(302, { location: '/plain' });
        res.end();
      } else if (req.url === '/elsewhere') {
        // Another origin: the same server under another host name.
        res.writeHead(302, { location: `${base.replace('127.0.0.1', 'localhost')}/plain` });
        res.end();
      } else if (req.url === '/empty') {
        res.writeHead(204, { 'content-encoding': 'gzip' });
        res.end();
      } else if (req.url === '/reset') {
        req.socket.destroy();
      } else if (req.url === '/stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"part":');
      } else {
        res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
        res.end(TEXT);
      }
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const ask = (
  path: string,
  options: {
    method?: string;
    body?: string;
    followRedirects?: boolean;
    headers?: Record<string, string>;
  } = {},
) =>
  exchange({
    method: options.method ?? 'GET',
    url: new URL(path, base),
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body,
    signal: AbortSignal.timeout(2000),
    followRedirects: options.followRedirects ?? true,
  });

describe('exchange', () => {
  it.each(['gzip', 'deflate', 'br'])('asks for compressed answers and decodes %s', async (encoding) => {
    const answer = await ask(`/${encoding}`);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe(TEXT);
    expect(seen.at(-1)?.headers['accept-encoding']).toBe('gzip, deflate, br');
  });

  it('sends the body with its length, and reads a header sent twice as one list', async () => {
    const answer = await ask('/plain', { method: 'POST', body: '{"é":1}' });
    expect(await answer.text()).toBe(TEXT);
    expect(seen.at(-1)).toMatchObject({ method: 'POST', body: '{"é":1}' });
    expect(seen.at(-1)?.headers['content-length']).toBe(String(Buffer.byteLength('{"é":1}')));
    expect(answer.headers.get('Set-Cookie')).toBe('a=1, b=2');
    expect(answer.headers.get('x-absent')).toBeNull();
  });

  it('follows a redirect for a read, and answers it as it is for a write', async () => {
    const read = await ask('/moved');
    expect(read.status).toBe(200);
    expect(await read.text()).toBe(TEXT);
    const write = await ask('/moved', { method: 'POST', body: '{}', followRedirects: false });
    expect(write.status).toBe(302);
    expect(write.headers.get('location')).toBe('/plain');
  });

  it('reads an answer without a body as empty, whatever encoding it claims', async () => {
    const answer = await ask('/empty', { method: 'DELETE' });
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
  });

  it('sends the token to the origin asked only, not on to where a redirect points', async () => {
    const answer = await ask('/elsewhere', { headers: { authorization: 'Bearer secret' } });
    expect(await answer.text()).toBe(TEXT);
    const [first, second] = seen.slice(-2);
    expect(first?.headers.authorization).toBe('Bearer secret');
    expect(second?.headers.host).toMatch(/^localhost:/);
    expect(second?.headers.authorization).toBeUndefined();
  });

  it('does not send a request on a kept-alive connection idle too long by the clock (a thawed Lambda)', async () => {
    await (await ask('/plain')).text();
    const before = connections;
    await (await ask('/plain')).text();
    expect(connections).toBe(before);
    // The agent's own idle timer has not run (as after a freeze); the wall clock says 5 s have passed.
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 5000);
    await (await ask('/plain', { method: 'POST', body: '{}' })).text();
    expect(connections).toBe(before + 1);
  });

  it('marks a failure as never sent only when the request had no connection', async () => {
    const reset = await ask('/reset', { method: 'POST', body: '{}' }).catch((error: unknown) => error);
    expect(reset).toMatchObject({ code: 'ECONNRESET' });
    expect(neverSent(reset)).toBe(false);
  });

  it('ends a body that stalls when the signal fires, with the signal’s reason', async () => {
    const answer = await ask('/stall');
    expect(answer.status).toBe(200);
    await expect(answer.text()).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails with the socket error when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    await expect(
      exchange({
        method: 'GET',
        url: new URL(`http://127.0.0.1:${port}/`),
        headers: {},
        signal: AbortSignal.timeout(2000),
        followRedirects: true,
      }),
    ).rejects.toSatisfy(
      (error: unknown) => neverSent(error) && (error as { code?: string }).code === 'ECONNREFUSED',
    );
  });
});

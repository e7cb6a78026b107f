/**
 * `npm start` as a person runs it (dynalite, the sandbox, serverless-offline with the built handlers), with the most
 * verbose log level: after every route has been called with every UiTPAS number, chip number and INSZ of the test
 * dataset, in good and bad requests and with UiTPAS failing, the whole log of the stack holds none of them in full.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { buildSeed } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_API_KEY_ADMIN, LOCAL_API_KEY_BASKET } from './settings.js';

const passes = buildSeed(0).passes;
const NUMBERS = passes.flatMap((pass) => [
  pass.uitpasNumber,
  ...(pass.chipNumber ? [pass.chipNumber] : []),
  ...pass.inszNumbers,
]);

let stack: ChildProcess;
let log = '';
let api = '';
let sandbox = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  const [port, lambdaPort, sandboxPort, dynamoPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  api = `http://127.0.0.1:${port}`;
  sandbox = `http://127.0.0.1:${sandboxPort}`;
  const { POWERTOOLS_LOG_LEVEL: _silent, ...env } = process.env;
  const start = fileURLToPath(new URL('./start.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  stack = spawn(process.execPath, [tsx, start], {
    env: {
      ...env,
      PORT: String(port),
      LAMBDA_PORT: String(lambdaPort),
      SANDBOX_PORT: String(sandboxPort),
      LOCAL_DYNAMODB_PORT: String(dynamoPort),
      LOG_LEVEL: 'DEBUG',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  stack.stdout?.on('data', (chunk) => {
    log += chunk;
  });
  stack.stderr?.on('data', (chunk) => {
    log += chunk;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await fetch(`${api}/v1/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline || stack.exitCode !== null)
      throw new Error(`the local stack did not start:\n${log}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}, 90_000);

afterAll(async () => {
  if (!stack || stack.exitCode !== null) return;
  const exited = new Promise((resolve) => stack.once('exit', resolve));
  stack.kill('SIGINT');
  await exited;
}, 30_000);

async function call(
  method: string,
  path: string,
  body?: unknown,
  key = LOCAL_API_KEY_BASKET,
): Promise<number> {
  const response = await fetch(`${api}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  return response.status;
}

const fault = (rule: Record<string, unknown>) =>
  fetch(`${sandbox}/__sandbox/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(rule),
  }).then((response) => response.arrayBuffer());
const clearFaults = () =>
  fetch(`${sandbox}/__sandbox/faults`, { method: 'DELETE' }).then((r) => r.arrayBuffer());

const line = (uitpasNumber: string, tariffId = 'SOCIALTARIFF') => ({
  lineId: 'l1',
  eventId: 'demo-festival',
  uitpasNumber,
  tariffId,
  regularPrice: 10,
  regularPriceLabel: `Basistarief ${uitpasNumber}`,
});

/**
 * Every identifier through the pass and tariff routes, every pass through a registration's life. One at a time:
 * serverless-offline starts a new worker (a cold start) for each concurrent call.
 */
async function scenario(round: string): Promise<number[]> {
  const identifierCalls = (identifier: string) => [
    () => call('POST', '/v1/passes/validate', { identifier }),
    () =>
      call('POST', '/v1/tariffs', { eventId: 'demo-festival', uitpasNumber: identifier, regularPrice: 10 }),
    // Refused before any upstream call: once is enough.
    ...(round === 'up'
      ? [
          () => call('POST', '/v1/passes/validate', `{"identifier":"${identifier}"`),
          () => call('POST', '/v1/passes/validate', { identifier, uitpasNumber: identifier }),
          () => call('POST', '/v1/passes/validate', { identifier: `${identifier}\u0000` }),
        ]
      : []),
  ];
  const orderCalls = (uitpasNumber: string, index: number) => {
    const orderId = `logs-${round}-${index}`;
    return [
      () => call('POST', '/v1/ticket-sales', { orderId, lines: [line(uitpasNumber)] }),
      () => call('POST', '/v1/ticket-sales', { orderId, lines: [line(uitpasNumber, 'FREE')] }),
      () => call('GET', `/v1/ticket-sales/${orderId}`),
      () => call('DELETE', `/v1/ticket-sales/${orderId}`),
    ];
  };
  const sequences = [
    ...NUMBERS.map(identifierCalls),
    ...passes.map((pass, index) => orderCalls(pass.uitpasNumber, index)),
    [() => call('GET', '/v1/events/demo-festival/readiness', undefined, LOCAL_API_KEY_ADMIN)],
  ];
  const statuses: number[] = [];
  for (const step of sequences.flat()) statuses.push(await step());
  return statuses;
}

describe('the local stack log', () => {
  it('holds no full UiTPAS number, chip number or INSZ after every route met them, UiTPAS up and down', async () => {
    const healthy = await scenario('up');
    await fault({ path: '^/uitpas/', regex: true, kind: 'status', status: 500 });
    const failing = await scenario('500');
    await clearFaults();
    // A few dropped connections: each costs a registration its reconciliation, which takes seconds.
    await fault({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'dropAfterApply', times: 2 });
    await fault({ method: 'GET', path: '/uitpas/passes', kind: 'drop', times: 4 });
    const dropped = await scenario('drop');
    await clearFaults();

    // The scenario reached the handlers, and their errors, at the most verbose level.
    expect(healthy.filter((status) => status === 200 || status === 201).length).toBeGreaterThan(
      NUMBERS.length,
    );
    expect(failing.some((status) => status >= 500)).toBe(true);
    expect(dropped.some((status) => status >= 500)).toBe(true);
    expect(log).toContain('"level":"DEBUG"');
    expect(log).toMatch(/"level":"(WARN|ERROR)"/);

    // Numbers did reach the log, masked.
    expect(log).toMatch(/0900\*{6}\d{3}/);
    const leaks = log.split('\n').filter((text) => NUMBERS.some((number) => text.includes(number)));
    expect(leaks).toEqual([]);
  }, 120_000);
});

/**
 * `npm start` as a person runs it (dynalite, the sandbox, serverless-offline with the built handlers), at the most
 * verbose log level, with API keys made by `npm run apikey`. Two organisations and three clients meet what the
 * tenancy review found (a mapping to another organisation's UiTdatabank event, shared order ids, an unknown tariff,
 * control characters, a pass number in the URL, a confirm with a body); then every route is called with every UiTPAS
 * number, chip number and INSZ of the test dataset, in good and bad requests and with UiTPAS failing, and the whole
 * log of the stack holds none of them in full.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  buildSeed,
  OTHER_UITPAS_ORGANIZER_ID,
  PASSES,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import { uitpasEventBody } from '../test-support/api-event.js';
import { recordResponse } from '../test-support/response-log.js';
import { LOCAL_API_KEY_ADMIN, LOCAL_API_KEY_BASKET } from './settings.js';

const passes = buildSeed(0).passes;
const NUMBERS = passes.flatMap((pass) => [
  pass.uitpasNumber,
  ...(pass.chipNumber ? [pass.chipNumber] : []),
  ...pass.inszNumbers,
]);

let stack: ChildProcess;
let log = '';
let dynamoPort = 0;
/** The one origin the stack is started to allow (CORS_ALLOWED_ORIGINS). */
const SHOP = 'https://shop.example';
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
  let port: number;
  let lambdaPort: number;
  let sandboxPort: number;
  [port, lambdaPort, sandboxPort, dynamoPort] = await Promise.all([
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
      CORS_ALLOWED_ORIGINS: SHOP,
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

/**
 * `fetch` of the API: the answer, read, is also logged to be held to the OpenAPI document after the test
 * (test-support/validate-responses.ts), as every answer an integration test gets is.
 */
async function fetchApi(path: string, init: RequestInit = {}): Promise<{ response: Response; text: string }> {
  const response = await fetch(`${api}${path}`, init);
  const text = await response.text();
  recordResponse({
    method: init.method ?? 'GET',
    path: new URL(path, api).pathname,
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: text,
  });
  return { response, text };
}

async function request(method: string, path: string, body: unknown, key: string) {
  const { response, text } = await fetchApi(path, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function call(
  method: string,
  path: string,
  body?: unknown,
  key = LOCAL_API_KEY_BASKET,
): Promise<number> {
  return (await request(method, path, body, key)).status;
}

/** `npm run apikey` against the local stack's table: the key it prints. */
function apiKey(
  name: string,
  role: 'basket' | 'admin',
  organisation: string,
  ...flags: string[]
): Promise<string> {
  const script = fileURLToPath(new URL('../scripts/apikey.ts', import.meta.url));
  const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
  const child = spawn(
    process.execPath,
    [tsx, script, '--name', name, '--role', role, '--org', organisation, ...flags],
    {
      env: { ...process.env, LOCAL_DYNAMODB_PORT: String(dynamoPort) },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  return new Promise((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`apikey exited ${code}`)),
    ),
  );
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

describe('two organisations and their clients on one stack', () => {
  const PROBLEM = 'urn:uitpas-ticketing:problem:';
  const event = uitpasEventBody;
  const sale = (orderId: string, tariffId = 'SOCIALTARIFF', extra: Record<string, unknown> = {}) => ({
    orderId,
    lines: [{ ...line(PASSES.socialTariff, tariffId), regularPriceLabel: 'Basistarief', ...extra }],
  });
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    const made = await Promise.all([
      apiKey('operator', 'admin', '*'),
      apiKey('demo-admin', 'admin', 'demo-org'),
      apiKey('gent-admin', 'admin', 'gent-org'),
      apiKey('box-office', 'basket', 'demo-org'),
      apiKey('webshop', 'basket', 'demo-org'),
      apiKey('gent-till', 'basket', 'gent-org'),
    ]);
    for (const [index, name] of [
      'operator',
      'demoAdmin',
      'gentAdmin',
      'boxOffice',
      'webshop',
      'gentTill',
    ].entries()) {
      keys[name] = made[index] ?? '';
    }
    const gent = await request(
      'PUT',
      '/v1/organisations/gent-org',
      { name: 'Cultuurcentrum Gent', uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID },
      keys.operator ?? '',
    );
    expect(gent.status).toBe(201);
  }, 60_000);
  const as = (name: string) => keys[name] ?? '';

  it("keeps one organisation from mapping or selling another's UiTdatabank event", async () => {
    const mismatch = await request(
      'PUT',
      '/v1/events/gent-fest',
      event('gent-org', TEST_EVENT_ID),
      as('gentAdmin'),
    );
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.type).toBe(`${PROBLEM}organizer-mismatch`);
    expect(
      (
        await request(
          'POST',
          '/v1/tariffs',
          { eventId: 'gent-fest', uitpasNumber: PASSES.socialTariff },
          as('gentTill'),
        )
      ).status,
    ).toBe(404);

    // demo-org maps it by hand; a gent-org promotor with the same organizer cannot take it.
    expect(
      (await request('PUT', '/v1/events/demo-mapped', event('demo-org', TEST_EVENT_ID), as('demoAdmin')))
        .status,
    ).toBe(201);
    const promotor = {
      name: 'Gezelschap',
      organisationId: 'gent-org',
      uitdatabankOrganizerId: TEST_ORGANIZER_ID,
    };
    expect((await request('PUT', '/v1/promotors/gent-guest', promotor, as('gentAdmin'))).status).toBe(201);
    const taken = await request(
      'PUT',
      '/v1/events/gent-guest',
      event('gent-org', TEST_EVENT_ID, { promotorId: 'gent-guest' }),
      as('gentAdmin'),
    );
    expect(taken.status).toBe(409);
    expect(taken.body.type).toBe(`${PROBLEM}uitdatabank-event-taken`);
    // Nor see demo-org's events.
    expect((await request('GET', '/v1/events/demo-mapped', undefined, as('gentAdmin'))).status).toBe(404);
  });

  it('keeps order ids per client: the same id is two orders, and another client sees none', async () => {
    const boxOffice = await request('POST', '/v1/ticket-sales', sale('order-1'), as('boxOffice'));
    const webshop = await request(
      'POST',
      '/v1/ticket-sales',
      { ...sale('order-1'), lines: [line(PASSES.socialTariffGentbrugge)] },
      as('webshop'),
    );
    expect([boxOffice.status, webshop.status]).toEqual([201, 201]);
    expect(webshop.body.lines[0].ticketSaleIds).not.toEqual(boxOffice.body.lines[0].ticketSaleIds);
    expect((await request('GET', '/v1/ticket-sales/order-1', undefined, as('gentTill'))).status).toBe(404);
    expect((await request('DELETE', '/v1/ticket-sales/order-1', undefined, as('webshop'))).status).toBe(200);
    expect((await request('GET', '/v1/ticket-sales/order-1', undefined, as('boxOffice'))).body.status).toBe(
      'HELD',
    );
    expect((await request('DELETE', '/v1/ticket-sales/order-1', undefined, as('boxOffice'))).status).toBe(
      200,
    );
  });

  it('answers an unknown tariff with a 422 naming the line, and takes the corrected order under the same id', async () => {
    for (const tariffId of ['FREE', 'SOCIALTARIFF\u0000']) {
      const refused = await request(
        'POST',
        '/v1/ticket-sales',
        sale(`order-tariff-${tariffId.length}`, tariffId),
        as('boxOffice'),
      );
      expect(refused.status, tariffId).toBeGreaterThanOrEqual(400);
      expect(refused.status, tariffId).toBeLessThan(500);
      expect(refused.body.invalidParams?.[0]?.pointer ?? refused.body.lineId, tariffId).toBeTruthy();
    }
    expect(
      (await request('POST', '/v1/ticket-sales', sale('order-fix', 'FREE'), as('boxOffice'))).body.type,
    ).toBe(`${PROBLEM}tariff-not-offered`);
    const corrected = await request('POST', '/v1/ticket-sales', sale('order-fix'), as('boxOffice'));
    expect(corrected.status).toBe(201);
    expect((await request('DELETE', '/v1/ticket-sales/order-fix', undefined, as('boxOffice'))).status).toBe(
      200,
    );
  });

  it('refuses control characters in free text, naming the field', async () => {
    const hint = await request(
      'PUT',
      '/v1/events/demo-esc',
      event('demo-org', TEST_EVENT_ID, { hint: 'Kies \u001b[31m' }),
      as('demoAdmin'),
    );
    expect(hint.status).toBe(400);
    expect(JSON.stringify(hint.body.invalidParams)).toContain('/hint');
    const label = await request(
      'POST',
      '/v1/ticket-sales',
      sale('order-label', 'SOCIALTARIFF', { regularPriceLabel: 'Basis\u0000' }),
      as('boxOffice'),
    );
    expect(label.status).toBe(400);
    expect(JSON.stringify(label.body.invalidParams)).toContain('regularPriceLabel');
  });

  it("gives no second client a name that exists, and a rotated key the client's own orders", async () => {
    await expect(apiKey('webshop', 'basket', 'demo-org')).rejects.toThrow(/exited 2/);
    expect((await request('POST', '/v1/ticket-sales', sale('order-rotate'), as('webshop'))).status).toBe(201);
    const successor = await apiKey('webshop', 'basket', 'demo-org', '--rotate');
    expect((await request('GET', '/v1/ticket-sales/order-rotate', undefined, successor)).body.status).toBe(
      'HELD',
    );
    expect((await request('DELETE', '/v1/ticket-sales/order-rotate', undefined, successor)).status).toBe(200);
  });

  it('validates a pass from the body, and confirm and cancel refuse a body', async () => {
    const pass = await request(
      'POST',
      '/v1/passes/validate',
      { identifier: PASSES.socialTariff },
      as('webshop'),
    );
    expect(pass.status).toBe(200);
    expect((await request('POST', '/v1/ticket-sales', sale('order-body'), as('webshop'))).status).toBe(201);
    const confirm = await request(
      'POST',
      '/v1/ticket-sales/order-body/confirm',
      { paid: true },
      as('webshop'),
    );
    expect(confirm.body.type).toBe(`${PROBLEM}body-not-allowed`);
    const cancel = await request('DELETE', '/v1/ticket-sales/order-body', { reason: 'x' }, as('webshop'));
    expect(cancel.body.type).toBe(`${PROBLEM}body-not-allowed`);
    expect((await request('DELETE', '/v1/ticket-sales/order-body', undefined, as('webshop'))).status).toBe(
      200,
    );
  });
});

describe('the API description, without a key', () => {
  const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']);
  /** The README's route table (The API) as `METHOD /path`: `PUT/GET/DELETE /v1/x/{id}` is three, the query left out. */
  function readmeRoutes(): string[] {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = /^\| route \| role \| function \|\n\|[-|]+\|\n((?:\|.*\|\n)+)/m.exec(readme)?.[1] ?? '';
    return [...table.matchAll(/`([A-Z]+(?:\/[A-Z]+)*) (\/[^`?\s]*)[^`]*`/g)].flatMap(
      ([, methods = '', path]) => methods.split('/').map((method) => `${method} ${path}`),
    );
  }
  const swaggerUi = (file: string) =>
    readFileSync(new URL(`../node_modules/swagger-ui-dist/${file}`, import.meta.url), 'utf8');

  it("answers the OpenAPI 3.1 document, with every route of the README's table and no other", async () => {
    const { response, text } = await fetchApi('/v1/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = JSON.parse(text) as { openapi: string; paths: Record<string, object> };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item)
        .filter((key) => METHODS.has(key))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    const listed = readmeRoutes();
    expect(listed).toContain('GET /v1/docs/{asset}');
    expect(listed.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !listed.includes(route))).toEqual([]);
  });

  it('answers a page that loads Swagger UI from here, under its own policy, which allows nothing else', async () => {
    const { response: page, text: html } = await fetchApi('/v1/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    // One policy (two would both apply), scripts from here only, and not middy's, under which no script runs.
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^default-src 'none'; script-src 'self';/);
    expect(policy).not.toMatch(/unsafe|sandbox|trusted-types|https?:|\*/);
    for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js'])
      expect(html).toContain(`"/v1/docs/${file}"`);
    expect(html).not.toMatch(/<script>/);
  });

  it.each([
    ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
    ['swagger-ui.css', 'text/css; charset=utf-8'],
  ])("serves Swagger UI's %s as the package has it, as %s", async (file, contentType) => {
    const { response, text: body } = await fetchApi(`/v1/docs/${file}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('cache-control')).toMatch(/max-age=\d{4,}/);
    // fetch asks for gzip and unzips: the file crossed the wire gzipped and arrives as the package has it.
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(body.length).toBeGreaterThan(100_000);
    expect(body === swaggerUi(file)).toBe(true);
  });

  it('serves the start script, which points Swagger UI at the document', async () => {
    const { response, text } = await fetchApi('/v1/docs/init.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(text).toContain("url: '/v1/openapi.json'");
  });

  it('answers an unknown file with a problem+json 404', async () => {
    const { response, text } = await fetchApi('/v1/docs/swagger-ui.js');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
    expect(JSON.parse(text)).toMatchObject({
      type: 'urn:uitpas-ticketing:problem:asset-not-found',
      status: 404,
    });
  });
});

describe('CORS, from API Gateway alone', () => {
  const preflight = (origin: string) =>
    fetch(`${api}/v1/tariffs`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-api-key',
      },
    });

  it('lets the configured origin call, and no other', async () => {
    const allowed = await preflight(SHOP);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/x-api-key/);
    const other = await preflight('https://elsewhere.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sets the header on an answer once, as the functions set none', async () => {
    const { response: health } = await fetchApi('/v1/health', { headers: { origin: SHOP } });
    expect(health.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(health.headers.get('access-control-expose-headers')).toMatch(/retry-after/i);
  });
});

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

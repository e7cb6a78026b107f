/**
 * The UiTPAS client against the local sandbox (sandbox) over real HTTP, with the seeded public test dataset.
 */

import {
  LIMITED_EVENT_ID,
  MALFORMED_UITPAS_NUMBER,
  NO_PERMISSION_EVENT_ID,
  NON_UITPAS_ORGANIZER_ID,
  NOT_IN_UITPAS_EVENT_ID,
  PASSES,
  type Sandbox,
  startSandbox,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import { createUitpasClient, type UitpasClient } from './client.js';
import type { TicketSaleRequest } from './schemas.js';
import { createTokenProvider } from './token.js';

const TOKEN_ROUTE = 'POST /auth/realms/uitid/protocol/openid-connect/token';

let sandbox: Sandbox;
let client: UitpasClient;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.reset();
  client = makeClient();
});

function makeClient(timeoutMs = 2000): UitpasClient {
  const tokens = createTokenProvider({
    tokenUrl: sandbox.urls.token,
    clientId: 'sandbox-client',
    getClientSecret: async () => 'sandbox-secret',
    timeoutMs,
    retries: 1,
  });
  return createUitpasClient({
    baseUrl: sandbox.urls.uitpas,
    tokens,
    timeoutMs,
    retries: 2,
    backoff: { baseMs: 1, maxMs: 10 },
  });
}

const sale = (overrides: Partial<TicketSaleRequest> = {}): TicketSaleRequest => ({
  regularPrice: 10,
  regularPriceLabel: 'Basistarief',
  tariff: { id: 'SOCIALTARIFF' },
  eventId: TEST_EVENT_ID,
  uitpasNumber: PASSES.socialTariff,
  ...overrides,
});

async function problem(promise: Promise<unknown>): Promise<UpstreamProblem> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamProblem) return error;
    throw error;
  }
  throw new Error('expected an UpstreamProblem');
}

async function unavailable(promise: Promise<unknown>): Promise<UpstreamUnavailable> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof UpstreamUnavailable) return error;
    throw error;
  }
  throw new Error('expected UpstreamUnavailable');
}

describe('UiTPAS against the sandbox: happy paths', () => {
  it('validates an active social-tariff pass', async () => {
    const pass = await client.getPass(PASSES.socialTariff);

    expect(pass).toMatchObject({
      uitpasNumber: PASSES.socialTariff,
      passType: 'INDIVIDUAL',
      postalCode: '9090',
    });
    expect(pass.socialTariff.status).toBe('ACTIVE');
  });

  it('validates a group pass', async () => {
    expect((await client.getPass(PASSES.groupSocialTariff)).passType).toBe('GROUP');
  });

  it('offers the social tariff for the test event', async () => {
    const tariffs = await client.getTariffs({
      eventId: TEST_EVENT_ID,
      uitpasNumber: PASSES.socialTariff,
      regularPrice: 10,
    });

    expect(tariffs.available).toEqual([
      expect.objectContaining({ id: 'SOCIALTARIFF', type: 'SOCIALTARIFF', remaining: 1 }),
    ]);
  });

  it('explains an empty tariff list for a pass from another region with an endUserMessage', async () => {
    const tariffs = await client.getTariffs({
      eventId: TEST_EVENT_ID,
      uitpasNumber: PASSES.otherRegion,
      regularPrice: 10,
    });

    expect(tariffs.available).toEqual([]);
    expect(tariffs.endUserMessage?.nl).toBeTruthy();
  });

  it('gives an indicative static tariff', async () => {
    const tariffs = await client.getStaticTariffs({ eventId: TEST_EVENT_ID, regularPrice: 10 });

    expect(tariffs.available[0]?.type).toBe('SOCIALTARIFF');
  });

  it('registers, finds and cancels a ticket sale; a second cancel is ticket-sale-not-found', async () => {
    const [registered] = await client.registerTicketSales([sale()]);
    expect(registered?.id).toBeTruthy();
    const id = registered?.id ?? '';

    const page = await client.searchTicketSales({ eventId: TEST_EVENT_ID });
    expect(page.member.map((s) => s.id)).toContain(id);

    await client.cancelTicketSale(id);
    const again = await problem(client.cancelTicketSale(id));
    expect(again.is('ticket-sale-not-found')).toBe(true);
    expect(again.status).toBe(404);
  });

  it('refuses a second sale on the 1-per-week event with maximum-reached', async () => {
    const limited = sale({ eventId: LIMITED_EVENT_ID });
    await client.registerTicketSales([limited]);

    const error = await problem(client.registerTicketSales([limited]));

    expect(error.is('maximum-reached')).toBe(true);
    expect(error.endUserMessage?.nl).toBeTruthy();
  });

  it('lists the test organizer with the ticketing permissions', async () => {
    const permissions = await client.getPermissions();

    const test = permissions.find((p) => p.organizer.id === TEST_ORGANIZER_ID);
    expect(test?.permissionDetails?.map((d) => d.id)).toEqual(
      expect.arrayContaining(['TARIFFS_READ', 'TICKETSALES_REGISTER']),
    );
  });

  it('reads a UiTPAS organizer, and null for an organizer UiTPAS does not know', async () => {
    expect(await client.getOrganizer(TEST_ORGANIZER_ID)).toMatchObject({ id: TEST_ORGANIZER_ID });
    expect(await client.getOrganizer(NON_UITPAS_ORGANIZER_ID)).toBeNull();
  });

  it('reads the card systems of an UiTPAS event, and null for an event UiTPAS does not know', async () => {
    const systems = await client.getEventCardSystems(TEST_EVENT_ID);

    expect(systems?.some((system) => system.enabled)).toBe(true);
    expect(await client.getEventCardSystems(NOT_IN_UITPAS_EVENT_ID)).toBeNull();
  });
});

describe('UiTPAS against the sandbox: problems', () => {
  it('reports an expired social tariff with its endUserMessage', async () => {
    const error = await problem(
      client.getTariffs({
        eventId: TEST_EVENT_ID,
        uitpasNumber: PASSES.socialTariffExpired,
        regularPrice: 10,
      }),
    );

    expect(error.is('social-tariff-expired')).toBe(true);
    expect(error.status).toBe(400);
    expect(error.endUserMessage?.nl).toBeTruthy();
  });

  it('reports a blocked card with its card status and passholder', async () => {
    const error = await problem(client.getPass(PASSES.blocked));

    expect(error.is('invalid-card-status')).toBe(true);
    expect(error.cardStatus).toBe('BLOCKED');
    expect(error.passholderId).toBeTruthy();
  });

  it('reports an unknown pass', async () => {
    const error = await problem(client.getPass('0999999999999'));

    expect(error.is('pass-not-found')).toBe(true);
    expect(error.status).toBe(404);
  });

  it('recognises a malformed number under either spelling', async () => {
    const fromPasses = await problem(client.getPass(MALFORMED_UITPAS_NUMBER));
    const fromTariffs = await problem(
      client.getTariffs({ eventId: TEST_EVENT_ID, uitpasNumber: MALFORMED_UITPAS_NUMBER, regularPrice: 10 }),
    );
    const fromSales = await problem(
      client.registerTicketSales([sale({ uitpasNumber: MALFORMED_UITPAS_NUMBER })]),
    );

    for (const error of [fromPasses, fromTariffs, fromSales])
      expect(error.is('invalid-uitpas-number')).toBe(true);
    expect(fromSales.schemaErrors[0]?.jsonPointer).toBe('/0/uitpasNumber');
  });

  it('reports an event UiTPAS does not know as event-not-found', async () => {
    const error = await problem(
      client.getTariffs({
        eventId: NOT_IN_UITPAS_EVENT_ID,
        uitpasNumber: PASSES.socialTariff,
        regularPrice: 10,
      }),
    );

    expect(error.is('event-not-found')).toBe(true);
  });

  it('reports an event of another organizer as forbidden', async () => {
    const error = await problem(
      client.getTariffs({
        eventId: NO_PERMISSION_EVENT_ID,
        uitpasNumber: PASSES.socialTariff,
        regularPrice: 10,
      }),
    );

    expect(error.type).toBe('https://api.publiq.be/probs/auth/forbidden');
    expect(error.status).toBe(403);
  });
});

describe('UiTPAS against the sandbox: tokens', () => {
  it('fetches one token for many calls, concurrent or not', async () => {
    await Promise.all([
      client.getPermissions(),
      client.getPass(PASSES.socialTariff),
      client.getPermissions(),
    ]);
    await client.getStaticTariffs({ eventId: TEST_EVENT_ID, regularPrice: 10 });
    await client.getEventCardSystems(TEST_EVENT_ID);

    expect(sandbox.requests.count(TOKEN_ROUTE)).toBe(1);
    expect(sandbox.requests.count('GET /uitpas/permissions')).toBe(2);
  });

  it('renews a revoked token exactly once and retries the call once', async () => {
    await client.getPermissions();
    sandbox.revokeTokens();
    sandbox.requests.reset();

    const permissions = await client.getPermissions();

    expect(permissions.length).toBeGreaterThan(0);
    expect(sandbox.requests.count(TOKEN_ROUTE)).toBe(1);
    expect(sandbox.requests.all().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /uitpas/permissions 401',
      `${TOKEN_ROUTE} 200`,
      'GET /uitpas/permissions 200',
    ]);
  });

  it('renews a revoked token before a registration and registers once', async () => {
    await client.getPermissions();
    sandbox.revokeTokens();

    const sales = await client.registerTicketSales([sale()]);

    expect(sales).toHaveLength(1);
    expect(sandbox.requests.count('POST /uitpas/ticket-sales')).toBe(2);
    expect(sandbox.state.activeTicketSales({ eventId: TEST_EVENT_ID })).toHaveLength(1);
  });
});

describe('UiTPAS against the sandbox: faults', () => {
  it('retries a GET answered 503 and returns the answer', async () => {
    sandbox.faults.add({ method: 'GET', path: '/uitpas/permissions', kind: 'status', status: 503, times: 1 });

    const permissions = await client.getPermissions();

    expect(permissions.length).toBeGreaterThan(0);
    expect(sandbox.requests.count('GET /uitpas/permissions')).toBe(2);
  });

  it('does not retry a GET answered 500', async () => {
    sandbox.faults.add({ method: 'GET', path: '/uitpas/permissions', kind: 'status', status: 500, times: 1 });

    const error = await unavailable(client.getPermissions());

    expect(error).toMatchObject({ reason: 'status', status: 500 });
    expect(sandbox.requests.count('GET /uitpas/permissions')).toBe(1);
  });

  it('does not retry a registration that timed out, and says it may have been applied', async () => {
    const impatient = makeClient(300);
    await impatient.getPermissions();
    sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'timeout', times: 1 });

    const error = await unavailable(impatient.registerTicketSales([sale()]));

    expect(error).toMatchObject({ reason: 'timeout', mayHaveApplied: true });
    expect(sandbox.requests.count('POST /uitpas/ticket-sales')).toBe(1);
  });

  it('says a registration whose connection dropped after it was applied may have been applied', async () => {
    sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'dropAfterApply', times: 1 });

    const error = await unavailable(client.registerTicketSales([sale()]));

    expect(error).toMatchObject({ reason: 'network', mayHaveApplied: true });
    expect(sandbox.requests.count('POST /uitpas/ticket-sales')).toBe(1);
    // It was applied: reconciliation finds it.
    expect((await client.searchTicketSales({ eventId: TEST_EVENT_ID })).totalItems).toBe(1);
  });

  it('retries a cancellation answered 503', async () => {
    const [registered] = await client.registerTicketSales([sale()]);
    const id = registered?.id ?? '';
    sandbox.faults.add({
      method: 'DELETE',
      path: `/uitpas/ticket-sales/${id}`,
      kind: 'status',
      status: 503,
      times: 1,
    });

    await client.cancelTicketSale(id);

    expect(sandbox.requests.count(`DELETE /uitpas/ticket-sales/${id}`)).toBe(2);
    expect((await client.searchTicketSales({ eventId: TEST_EVENT_ID })).totalItems).toBe(0);
  });
});

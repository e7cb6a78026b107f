/**
 * The webshop's indicative UiTPAS price, `GET /v1/events/{eventId}/uitpas-prices` (lookupTariffs), through its
 * handler against dynalite (with the demo data) and the sandbox over real HTTP: the price of the demo festival, the
 * container's cache of UiTPAS's static answer and why a changed mapping or price still applies at once, and the
 * refusals it shares with the tariff lookup.
 */
import {
  CARD_SYSTEMS_DISABLED_EVENT_ID,
  LIMITED_EVENT_ID,
  NOT_IN_UITPAS_EVENT_ID,
  PASSES,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import type { Principal } from '../lib/domain/access.js';
import type { TicketingEvent } from '../lib/domain/mappings.js';
import { DEFAULT_BUYER_HINT } from '../lib/domain/uitpas-prices.js';
import { createHandler as createLookupTariffs } from '../lib/handlers/lookup-tariffs.js';
import { StaticTariffsCache } from '../lib/use-cases/basket/uitpas-prices.js';
import { assessEvent } from '../lib/use-cases/readiness/assess.js';
import { DEMO_EVENTS } from '../local/seed.js';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

const STATIC_ROUTE = 'GET /uitpas/tariffs/static';
const festival = DEMO_EVENTS.festival;
let stack: TestStack;
let handler: ReturnType<typeof createLookupTariffs>;
let eventReads = 0;

/** A fresh container: the cache of UiTPAS's answers starts empty. */
function container() {
  const staticTariffs = new StaticTariffsCache();
  return createLookupTariffs(() => ({
    events: {
      async getForBasket(eventId) {
        eventReads += 1;
        return stack.mappings.getEventForBasket(eventId);
      },
    },
    uitpas: stack.uitpas,
    uitpasTicketTypeId: 'uitpas-kansentarief',
    staticTariffs,
  }));
}

beforeAll(async () => {
  stack = await startTestStack({ tableName: 'uitpas-prices-test' });
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sandbox.reset();
  eventReads = 0;
  handler = container();
});

async function prices(
  eventId: string,
  options: { principal?: Principal | null; body?: unknown; on?: typeof handler } = {},
) {
  const response = await (options.on ?? handler)(
    apiEvent({
      method: 'GET',
      route: '/v1/events/{eventId}/uitpas-prices',
      pathParameters: { eventId },
      ...(options.body === undefined ? {} : { body: options.body }),
      principal: options.principal === null ? undefined : (options.principal ?? BASKET),
    }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? 'null'),
    headers: response.headers,
  };
}

const problem = (slug: string) => `urn:uitpas-ticketing:problem:${slug}`;
const staticCalls = () => stack.sandbox.requests.filter(STATIC_ROUTE).map((call) => call.query);

/** A copy of the demo festival under its own id, with `changes`, created or saved over what is stored. */
async function saveEvent(eventId: string, changes: Partial<TicketingEvent> = {}): Promise<TicketingEvent> {
  const base = await stack.mappings.getEvent(festival.eventId, { consistent: true });
  if (!base) throw new Error('demo event missing');
  const existing = await stack.mappings.getEvent(eventId, { consistent: true });
  const event: TicketingEvent = {
    ...(existing ?? { ...base, eventId }),
    ...changes,
    version: (existing?.version ?? 0) + 1,
    // Saved within the same millisecond as the last save must still be another save.
    updatedAt: new Date(Date.now() + (existing?.version ?? 0)).toISOString(),
  };
  await stack.mappings.putEvent(event, existing?.version);
  return event;
}

describe('the indicative price of the demo festival', () => {
  it('is the social tariff’s, at the standard ticket’s price, with the event’s hint', async () => {
    const { status, body } = await prices(festival.eventId);

    expect(status).toBe(200);
    expect(body).toEqual({
      eventId: festival.eventId,
      uitdatabankId: festival.uitdatabankId,
      regularPrice: 10,
      standardTicketType: { id: 'base', name: 'Basistarief', price: 10, standard: true },
      tariffs: [{ id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF' }],
      lowestPrice: 2,
      endUserMessage: null,
      hint: {
        text: 'Kies eerst een ticket aan basistarief en geef daarna je UiTPAS-nummer in.',
        source: 'event',
        translations: null,
      },
    });
    expect(staticCalls()).toEqual([{ eventId: festival.uitdatabankId, regularPrice: '10' }]);
    expect(eventReads).toBe(1);
  });

  it('is what a passholder with the social tariff then pays for the standard ticket', async () => {
    const indicative = await prices(festival.eventId);
    const response = await handler(
      apiEvent({
        method: 'POST',
        route: '/v1/tariffs',
        body: { eventId: festival.eventId, uitpasNumber: PASSES.socialTariff },
        principal: BASKET,
      }),
      lambdaContext(),
    );
    const passholder = JSON.parse(response.body ?? 'null');

    expect(response.statusCode).toBe(200);
    const social = passholder.tariffs.find((tariff: { type: string }) => tariff.type === 'SOCIALTARIFF');
    expect(indicative.body.lowestPrice).toBe(social.price);
  });

  it('gives the default hint, in Dutch and English, to an event without a hint of its own', async () => {
    await saveEvent('ev-no-hint', { hint: undefined });

    const { body } = await prices('ev-no-hint');

    expect(body.hint).toEqual({
      text: DEFAULT_BUYER_HINT.nl,
      source: 'default',
      translations: DEFAULT_BUYER_HINT,
    });
    expect(body.hint.translations.en).toMatch(/base-price ticket first, then enter your UiTPAS number/);
  });
});

describe('the container’s cache of UiTPAS’s answer', () => {
  it('asks UiTPAS once for repeated requests, while reading the event every time', async () => {
    for (let i = 0; i < 3; i += 1) expect((await prices(festival.eventId)).body.lowestPrice).toBe(2);

    expect(staticCalls()).toHaveLength(1);
    expect(eventReads).toBe(3);
  });

  it('applies a changed standard price at once', async () => {
    await saveEvent('ev-price');
    expect((await prices('ev-price')).body).toMatchObject({ regularPrice: 10, lowestPrice: 2 });

    await saveEvent('ev-price', {
      ticketTypes: [
        { id: 'base', name: 'Basistarief', price: 15, standard: true },
        { id: 'reduced', name: 'Reductie -26', price: 8, standard: false },
      ],
    });
    const { body } = await prices('ev-price');

    expect(body).toMatchObject({ regularPrice: 15, lowestPrice: 3, tariffs: [{ price: 3 }] });
    expect(staticCalls().map((query) => query.regularPrice)).toEqual(['10', '15']);
  });

  it('applies a changed mapping at once', async () => {
    await saveEvent('ev-mapping');
    expect((await prices('ev-mapping')).body.uitdatabankId).toBe(festival.uitdatabankId);

    await saveEvent('ev-mapping', { uitdatabankId: LIMITED_EVENT_ID });
    const { body } = await prices('ev-mapping');

    expect(body.uitdatabankId).toBe(LIMITED_EVENT_ID);
    expect(staticCalls().map((query) => query.eventId)).toEqual([festival.uitdatabankId, LIMITED_EVENT_ID]);
  });

  it('applies a changed hint at once, and any save of the event asks UiTPAS again', async () => {
    await saveEvent('ev-hint');
    await prices('ev-hint');

    await saveEvent('ev-hint', { hint: 'Neem je UiTPAS mee.' });
    const { body } = await prices('ev-hint');

    expect(body.hint).toEqual({ text: 'Neem je UiTPAS mee.', source: 'event', translations: null });
    expect(staticCalls()).toHaveLength(2);
  });

  it('refuses an event that stopped being an UiTPAS event at once, its answer kept or not', async () => {
    await saveEvent('ev-unlabel');
    expect((await prices('ev-unlabel')).status).toBe(200);

    await saveEvent('ev-unlabel', { labels: ['uitDB'] });
    const { status, body } = await prices('ev-unlabel');

    expect(status).toBe(422);
    expect(body.type).toBe(problem('event-not-uitpas'));
  });

  it('keeps no refusal of UiTPAS: once UiTPAS answers again, so does the route', async () => {
    stack.sandbox.faults.add({ path: '/uitpas/tariffs/static', kind: 'status', status: 503 });
    expect((await prices(festival.eventId)).status).toBe(503);

    stack.sandbox.faults.clear();
    expect((await prices(festival.eventId)).status).toBe(200);
  });
});

describe('refusals', () => {
  it.each([
    ['an unknown event', 'no-such-event', undefined, 404, 'event-not-found'],
    [
      'an event of another organisation',
      'ev-elsewhere',
      { organisationId: 'other-org' },
      404,
      'event-not-found',
    ],
    ['an event without the UiTPAS label', 'ev-unlabelled', { labels: ['uitDB'] }, 422, 'event-not-uitpas'],
    [
      'an event without UiTdatabank id',
      'ev-unmapped',
      { uitdatabankId: undefined, uitdatabankIdSource: undefined },
      422,
      'event-not-mapped',
    ],
    [
      'an event without standard ticket type',
      'ev-no-standard',
      { ticketTypes: [{ id: 'a', name: 'A', price: 10, standard: false }] },
      422,
      'standard-ticket-type-missing',
    ],
    [
      'an event with two standard ticket types',
      'ev-two-standard',
      {
        ticketTypes: [
          { id: 'a', name: 'A', price: 10, standard: true },
          { id: 'b', name: 'B', price: 15, standard: true },
        ],
      },
      422,
      'standard-ticket-type-ambiguous',
    ],
    [
      'an event whose standard ticket is free',
      'ev-free',
      { ticketTypes: [{ id: 'a', name: 'A', price: 0, standard: true }] },
      422,
      'standard-price-missing',
    ],
  ])('%s, without asking UiTPAS', async (_name, eventId, changes, status, slug) => {
    if (changes) await saveEvent(eventId, changes as Partial<TicketingEvent>);

    const response = await prices(eventId);

    expect(response.status).toBe(status);
    expect(response.body.type).toBe(problem(slug));
    expect(staticCalls()).toEqual([]);
  });

  it('refuses an organizer we have no permission for as UiTPAS does, with what to do', async () => {
    const { status, body } = await prices(DEMO_EVENTS.noPermission.eventId);

    expect(status).toBe(422);
    expect(body.type).toBe(problem('organizer-not-permitted'));
    expect(body.detail).toMatch(/TARIFFS_READ/);
    expect(body.endUserMessage.nl.length).toBeGreaterThan(0);
  });

  it('refuses it without asking UiTPAS once a readiness check has found it out', async () => {
    const { uitdatabankId, promotorId } = DEMO_EVENTS.noPermission;
    await saveEvent('ev-no-permission', { uitdatabankId, promotorId });
    const event = await stack.mappings.getEvent('ev-no-permission', { consistent: true });
    if (!event) throw new Error('event missing');
    await assessEvent(event, {
      mappings: stack.mappings,
      snapshots: createReadinessRepository(stack.table),
      uitdatabank: stack.entry,
      uitpas: stack.uitpas,
      permissions: createPermissionsCache({ table: stack.table, uitpas: stack.uitpas }),
    });
    stack.sandbox.requests.reset();

    const { status, body } = await prices('ev-no-permission');

    expect(status).toBe(422);
    expect(body.type).toBe(problem('organizer-not-permitted'));
    expect(staticCalls()).toEqual([]);
  });

  it.each([
    ['an event UiTPAS does not know', NOT_IN_UITPAS_EVENT_ID, 'event-unknown-to-uitpas'],
    [
      'an event without card systems, so without social tariff',
      CARD_SYSTEMS_DISABLED_EVENT_ID,
      'social-tariff-not-available',
    ],
  ])('answers %s with UiTPAS’s reason', async (_name, uitdatabankId, slug) => {
    const eventId = `ev-${slug}`;
    await saveEvent(eventId, { uitdatabankId });

    const { status, body } = await prices(eventId);

    expect(status).toBe(422);
    expect(body.type).toBe(problem(slug));
    expect(body.upstreamType).toMatch(/^https:\/\/api\.publiq\.be\/probs\/uitpas\//);
    expect(body.endUserMessage.nl.length).toBeGreaterThan(0);
  });

  it('never makes up a price when UiTPAS times out', async () => {
    stack.sandbox.faults.add({ path: '/uitpas/tariffs/static', kind: 'timeout' });

    const { status, body, headers } = await prices(festival.eventId);

    expect(status).toBe(503);
    expect(body.type).toBe(problem('uitpas-unavailable'));
    expect(body.lowestPrice).toBeUndefined();
    expect(headers?.['Retry-After']).toBeDefined();
  });

  it('needs a basket key', async () => {
    expect((await prices(festival.eventId, { principal: null })).body.type).toBe(problem('unauthenticated'));
    expect((await prices(festival.eventId, { principal: ADMIN })).body.type).toBe(problem('forbidden'));
    expect(staticCalls()).toEqual([]);
  });

  it('refuses a malformed event id and a body before reading anything', async () => {
    const malformed = await prices('has spaces');
    const withBody = await prices(festival.eventId, { body: { eventId: festival.eventId } });

    expect([malformed.status, malformed.body.type]).toEqual([400, problem('invalid-request')]);
    expect(malformed.body.invalidParams).toEqual([expect.objectContaining({ pointer: 'path.eventId' })]);
    expect([withBody.status, withBody.body.type]).toEqual([400, problem('body-not-allowed')]);
    expect(eventReads).toBe(0);
    expect(staticCalls()).toEqual([]);
  });
});

/**
 * The basket flow through its handlers, against dynalite (with the demo data) and the sandbox over real HTTP:
 * every passholder kind of the public test dataset and every refusal of the tariff lookup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { CHIPS, NOT_IN_UITPAS_EVENT_ID, PASSES } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import type { Principal } from '../lib/domain/access.js';
import { createHandler as createLookupTariffs } from '../lib/handlers/lookup-tariffs.js';
import { createHandler as createValidatePass } from '../lib/handlers/validate-pass.js';
import { SeenEvents } from '../lib/use-cases/basket/lookup-tariffs.js';
import { assessEvent } from '../lib/use-cases/readiness/assess.js';
import { DEMO_EVENTS, DEMO_ORGANISATION_ID } from '../local/seed.js';
import { apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

const TARIFFS_ROUTE = 'GET /uitpas/tariffs';
let stack: TestStack;
let validatePass: ReturnType<typeof createValidatePass>;
let lookupTariffs: ReturnType<typeof createLookupTariffs>;
let eventReads = 0;

beforeAll(async () => {
  stack = await startTestStack({ tableName: 'basket-test' });
  validatePass = createValidatePass(() => ({ uitpas: stack.uitpas }));
  lookupTariffs = createLookupTariffs(() => ({
    events: {
      async getForBasket(eventId) {
        eventReads += 1;
        return stack.mappings.getEventForBasket(eventId);
      },
    },
    uitpas: stack.uitpas,
    uitpasTicketTypeId: 'uitpas-kansentarief',
  }));
});
afterAll(() => stack.close());
beforeEach(() => {
  stack.sandbox.reset();
  eventReads = 0;
});

async function getPass(identifier: string, principal: Principal | null = BASKET) {
  const response = await validatePass(
    apiEvent({
      method: 'POST',
      route: '/v1/passes/validate',
      body: { identifier },
      principal: principal ?? undefined,
    }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? 'null'),
    headers: response.headers ?? {},
  };
}

async function tariffs(body: unknown, principal: Principal | null = BASKET) {
  const response = await lookupTariffs(
    apiEvent({ method: 'POST', route: '/v1/tariffs', body, principal: principal ?? undefined }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    body: JSON.parse(response.body ?? 'null'),
    headers: response.headers ?? {},
  };
}

const problem = (slug: string) => `urn:uitpas-ticketing:problem:${slug}`;

describe('validatePass', () => {
  it('shows an active social tariff as UiTPAS gives it', async () => {
    const { status, body } = await getPass(PASSES.socialTariff);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      uitpasNumber: PASSES.socialTariff,
      identifiedBy: 'uitpasNumber',
      passType: 'INDIVIDUAL',
      isGroupPass: false,
      cardSystem: { id: 1, name: 'UiTPAS Gent' },
      socialTariff: { status: 'ACTIVE' },
      messages: [],
    });
    expect(typeof body.firstName).toBe('string');
    expect(typeof body.points).toBe('number');
  });

  it('finds a pass by its chip number, in any case', async () => {
    const { status, body } = await getPass(CHIPS.socialTariff.toLowerCase());
    expect(status).toBe(200);
    expect(body.uitpasNumber).toBe(PASSES.socialTariff);
    expect(body.identifiedBy).toBe('chipNumber');
  });

  it.each([
    ['a passholder', '36051380284', PASSES.socialTariff],
    ['the child of the test family account (born after 2000)', '20010170215', PASSES.familyParent],
  ])('finds %s by INSZ and says it was an INSZ', async (_who, insz, uitpasNumber) => {
    const { status, body } = await getPass(insz);
    expect(status).toBe(200);
    expect(body).toMatchObject({ uitpasNumber, identifiedBy: 'insz' });
  });

  it('refuses an INSZ whose check digits do not fit, before asking UiTPAS', async () => {
    stack.sandbox.requests.reset();
    const { status, body } = await getPass('36051380285');
    expect(status).toBe(400);
    expect(body.type).toBe(problem('invalid-insz'));
    expect(stack.sandbox.requests.count('GET /uitpas/passes')).toBe(0);
  });

  it('answers a pass without social tariff with status NONE', async () => {
    const { body } = await getPass(PASSES.noSocialTariff);
    expect(body.socialTariff).toEqual({ status: 'NONE', endDate: null });
  });

  it('marks a group pass', async () => {
    const { body } = await getPass(PASSES.groupSocialTariff);
    expect(body).toMatchObject({ passType: 'GROUP', isGroupPass: true });
  });

  it('refuses an expired social tariff with UiTPAS’s warning and the pass itself', async () => {
    const { status, body } = await getPass(PASSES.socialTariffExpired);
    expect(status).toBe(422);
    expect(body.type).toBe(problem('social-tariff-expired'));
    expect(body.endUserMessage.nl).toMatch(/verlopen/);
    expect(body.pass.socialTariff.status).toBe('EXPIRED');
  });

  it.each([
    ['blocked', PASSES.blocked, 'BLOCKED'],
    ['unregistered (local stock)', PASSES.unregisteredLocalStock, 'LOCAL_STOCK'],
    ['unregistered (provisioned)', PASSES.unregisteredProvisioned, 'PROVISIONED'],
  ])('refuses a %s card with its status and the message for the buyer', async (_name, number, cardStatus) => {
    const { status, body } = await getPass(number);
    expect(status).toBe(422);
    expect(body).toMatchObject({ type: problem('pass-not-usable'), cardStatus });
    expect(body.endUserMessage.nl.length).toBeGreaterThan(0);
  });

  it('answers an unknown pass with 404', async () => {
    const { status, body } = await getPass('0900999999999');
    expect(status).toBe(404);
    expect(body.type).toBe(problem('pass-not-found'));
  });

  it('refuses a malformed identifier before asking UiTPAS', async () => {
    stack.sandbox.requests.reset();
    const { status, body } = await getPass('12-ab');
    expect(status).toBe(400);
    expect(body.type).toBe(problem('invalid-pass-identifier'));
    expect(body.invalidParams).toEqual([expect.objectContaining({ pointer: '/identifier' })]);
    expect(stack.sandbox.requests.count('GET /uitpas/passes')).toBe(0);
  });

  it('takes the identifier in the body only, and says what is missing', async () => {
    stack.sandbox.requests.reset();
    const call = async (body: unknown) => {
      const response = await validatePass(
        apiEvent({ method: 'POST', route: '/v1/passes/validate', body, principal: BASKET }),
        lambdaContext(),
      );
      return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
    };
    const missing = await call({});
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.invalidParams)).toMatch(/identifier/);
    const extra = await call({ identifier: PASSES.socialTariff, uitpasNumber: PASSES.socialTariff });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(extra.body.invalidParams)).toMatch(/uitpasNumber/);
    expect(stack.sandbox.requests.count('GET /uitpas/passes')).toBe(0);
  });

  it('needs a basket key', async () => {
    expect((await getPass(PASSES.socialTariff, null)).status).toBe(401);
    expect((await getPass(PASSES.socialTariff, { ...BASKET, role: 'admin' })).status).toBe(403);
  });

  it('answers 503 with a Dutch message when UiTPAS does not answer', async () => {
    stack.sandbox.faults.add({ path: '/uitpas/passes', kind: 'status', status: 503 });
    const { status, body, headers } = await getPass(PASSES.socialTariff);
    expect(status).toBe(503);
    expect(body.endUserMessage.nl).toMatch(/^UiTPAS is tijdelijk niet bereikbaar/);
    expect(headers['Retry-After']).toBe('5');
  });
});

describe('lookupTariffs', () => {
  const festival = DEMO_EVENTS.festival.eventId;

  it('offers the social tariff at the standard price, with the ticket type to switch to', async () => {
    stack.sandbox.requests.reset();
    const { status, body } = await tariffs({
      eventId: festival,
      uitpasNumber: PASSES.socialTariff,
      regularPrice: 10,
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      eventId: festival,
      uitdatabankId: DEMO_EVENTS.festival.uitdatabankId,
      regularPrice: 10,
      standardTicketType: { id: 'base', name: 'Basistarief', price: 10, standard: true },
      uitpasTicketTypeId: 'uitpas-kansentarief',
      tariffs: [{ id: 'SOCIALTARIFF', name: 'Kansentarief', price: 2, type: 'SOCIALTARIFF', remaining: 1 }],
      endUserMessage: null,
    });
    expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(1);
    expect(eventReads).toBe(1);
    const [call] = stack.sandbox.requests.filter(TARIFFS_ROUTE);
    expect(call?.query).toMatchObject({ eventId: DEMO_EVENTS.festival.uitdatabankId, regularPrice: '10' });
  });

  it('asks with the standard price when the caller gives none', async () => {
    const { status, body } = await tariffs({
      eventId: festival,
      uitpasNumber: PASSES.socialTariffGentbrugge,
    });
    expect(status).toBe(200);
    expect(body.regularPrice).toBe(10);
    expect(body.tariffs[0].id).toBe('SOCIALTARIFF');
  });

  it('offers a social tariff and a coupon side by side, so the buyer can choose', async () => {
    const { body } = await tariffs({ eventId: festival, uitpasNumber: PASSES.guideSocialTariffAndCoupon });
    expect(body.tariffs.map((tariff: { id: string; type: string }) => [tariff.id, tariff.type])).toEqual([
      ['SOCIALTARIFF', 'SOCIALTARIFF'],
      ['COUPON_1079', 'COUPON'],
    ]);
  });

  it('offers a coupon alone with UiTPAS’s explanation why there is no social tariff', async () => {
    const { body } = await tariffs({ eventId: festival, uitpasNumber: PASSES.guideCouponOnly });
    expect(body.tariffs).toEqual([
      { id: 'COUPON_2045', name: '2 euro korting', price: 8, type: 'COUPON', remaining: 1 },
    ]);
    expect(body.endUserMessage.nl).toMatch(/geen recht op kansentarief/);
  });

  it('gives a group pass more than one ticket', async () => {
    const { body } = await tariffs({ eventId: festival, uitpasNumber: PASSES.groupSocialTariff });
    expect(body.tariffs).toEqual([expect.objectContaining({ id: 'SOCIALTARIFF', remaining: 100 })]);
    const coupons = await tariffs({ eventId: festival, uitpasNumber: PASSES.groupCoupons });
    expect(coupons.body.tariffs).toEqual([expect.objectContaining({ type: 'COUPON', remaining: 50 })]);
  });

  it.each([
    ['no social tariff', PASSES.noSocialTariff, /geen recht op kansentarief/],
    ['a social tariff of another region', PASSES.otherRegion, /niet geldig voor deze activiteit/],
  ])('answers %s with no tariff and the message for the buyer, on a 200', async (_name, number, message) => {
    const { status, body } = await tariffs({ eventId: festival, uitpasNumber: number });
    expect(status).toBe(200);
    expect(body.tariffs).toEqual([]);
    expect(body.endUserMessage.nl).toMatch(message);
  });

  it.each([
    ['an expired social tariff', PASSES.socialTariffExpired, 422, 'social-tariff-expired'],
    ['a blocked card', PASSES.blocked, 422, 'pass-not-usable'],
    ['an unregistered card', PASSES.unregisteredProvisioned, 422, 'pass-not-usable'],
    ['an unknown pass', '0900999999999', 404, 'pass-not-found'],
  ])('passes %s on as our problem with UiTPAS’s message', async (_name, number, status, slug) => {
    const response = await tariffs({ eventId: festival, uitpasNumber: number });
    expect(response.status).toBe(status);
    expect(response.body.type).toBe(problem(slug));
    if (status === 422) expect(response.body.endUserMessage.nl.length).toBeGreaterThan(0);
  });

  it('says plainly that the servicedesk must add an organizer we have no permission for', async () => {
    const { status, body } = await tariffs({
      eventId: DEMO_EVENTS.noPermission.eventId,
      uitpasNumber: PASSES.socialTariff,
    });
    expect(status).toBe(422);
    expect(body.type).toBe(problem('organizer-not-permitted'));
    expect(body.detail).toMatch(/servicedesk/);
  });

  describe('refuses without calling UiTPAS', () => {
    async function saveEvent(eventId: string, changes: Record<string, unknown>) {
      const base = await stack.mappings.getEvent(festival);
      if (!base) throw new Error('demo event missing');
      const event = { ...base, eventId, version: 1, ...changes };
      const existing = await stack.mappings.getEvent(eventId, { consistent: true });
      await stack.mappings.putEvent(event, existing?.version);
    }

    it.each([
      ['an unknown event', 'no-such-event', undefined, 404, 'event-not-found'],
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
        'an event of another organisation',
        'ev-elsewhere',
        { organisationId: 'other-org' },
        404,
        'event-not-found',
      ],
    ])('%s', async (_name, eventId, changes, status, slug) => {
      if (changes) await saveEvent(eventId, changes);
      stack.sandbox.requests.reset();
      const response = await tariffs({ eventId, uitpasNumber: PASSES.socialTariff });
      expect(response.status).toBe(status);
      expect(response.body.type).toBe(problem(slug));
      expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(0);
    });

    it('a price that is not the standard ticket type’s', async () => {
      stack.sandbox.requests.reset();
      const { status, body } = await tariffs({
        eventId: festival,
        uitpasNumber: PASSES.socialTariff,
        regularPrice: 8,
      });
      expect(status).toBe(422);
      expect(body).toMatchObject({ type: problem('regular-price-mismatch'), standardPrice: 10 });
      expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(0);
    });

    it.each([
      [{ eventId: festival, uitpasNumber: '123' }, 'invalid-uitpas-number'],
      [{ eventId: festival, uitpasNumber: PASSES.socialTariff, regularPrice: 10.005 }, 'invalid-request'],
      [{ eventId: 'has spaces', uitpasNumber: PASSES.socialTariff }, 'invalid-request'],
      [{ uitpasNumber: PASSES.socialTariff }, 'invalid-request'],
    ])('malformed input %j', async (body, slug) => {
      stack.sandbox.requests.reset();
      const response = await tariffs(body);
      expect(response.status).toBe(400);
      expect(response.body.type).toBe(problem(slug));
      expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(0);
    });
  });

  it('answers an event UiTPAS does not know with the reason', async () => {
    const base = await stack.mappings.getEvent(festival);
    if (!base) throw new Error('demo event missing');
    await stack.mappings.putEvent(
      { ...base, eventId: 'ev-unknown-upstream', uitdatabankId: NOT_IN_UITPAS_EVENT_ID },
      undefined,
    );
    const { status, body } = await tariffs({
      eventId: 'ev-unknown-upstream',
      uitpasNumber: PASSES.socialTariff,
    });
    expect(status).toBe(422);
    expect(body.type).toBe(problem('event-unknown-to-uitpas'));
  });

  it('never makes up a discount when UiTPAS times out', async () => {
    stack.sandbox.faults.add({ path: '/uitpas/tariffs', kind: 'timeout' });
    const { status, body } = await tariffs({ eventId: festival, uitpasNumber: PASSES.socialTariff });
    expect(status).toBe(503);
    expect(body.tariffs).toBeUndefined();
    expect(body.endUserMessage.nl).toMatch(/^UiTPAS is tijdelijk niet bereikbaar/);
  });

  it('lets only basket keys of the event’s organisation ask', async () => {
    expect((await tariffs({ eventId: festival, uitpasNumber: PASSES.socialTariff }, null)).status).toBe(401);
    const otherOrg = { ...BASKET, organisations: [`not-${DEMO_ORGANISATION_ID}`] };
    expect((await tariffs({ eventId: festival, uitpasNumber: PASSES.socialTariff }, otherOrg)).status).toBe(
      404,
    );
  });
});

describe('an UiTPAS that accepts the connection and never answers', () => {
  /** The handler called with a Lambda that has `remainingMs` left: the answer, and how much time was left after it. */
  async function withTimeLeft(
    remainingMs: number,
    call: (
      context: ReturnType<typeof lambdaContext>,
    ) => Promise<{ statusCode?: number; headers?: Record<string, unknown>; body?: string }>,
  ) {
    const context = { ...lambdaContext(), getRemainingTimeInMillis: () => remainingMs };
    const deadline = Date.now() + remainingMs;
    const response = await call(context);
    return { response, body: JSON.parse(response.body ?? 'null'), leftMs: deadline - Date.now() };
  }

  it('gets a 503 with Retry-After before the Lambda runs out, for a pass and for tariffs', async () => {
    // The stack's clients try three times, 500 ms each: 1.5 s, against the 1 s this Lambda has left.
    stack.sandbox.faults.add({ path: /^\/uitpas\/(passes|tariffs)$/, kind: 'timeout' });
    const pass = await withTimeLeft(1000, (context) =>
      validatePass(
        apiEvent({
          method: 'POST',
          route: '/v1/passes/validate',
          body: { identifier: PASSES.socialTariff },
          principal: BASKET,
        }),
        context,
      ),
    );
    const tariff = await withTimeLeft(1000, (context) =>
      lookupTariffs(
        apiEvent({
          method: 'POST',
          route: '/v1/tariffs',
          body: { eventId: 'demo-festival', uitpasNumber: PASSES.socialTariff },
          principal: BASKET,
        }),
        context,
      ),
    );

    for (const { response, body, leftMs } of [pass, tariff]) {
      expect(response.statusCode).toBe(503);
      expect(body.type).toBe(problem('uitpas-unavailable'));
      expect(response.headers?.['retry-after'] ?? response.headers?.['Retry-After']).toBeDefined();
      // Answered within the invocation, with time to spare for sending it.
      expect(leftMs).toBeGreaterThan(0);
    }
  });
});

describe('the invoke-local events in events/', () => {
  const expected: Record<string, number> = {
    'lookup-tariffs/social-tariff.json': 200,
    'lookup-tariffs/social-tariff-and-coupon.json': 200,
    'lookup-tariffs/coupon-only.json': 200,
    'lookup-tariffs/group-pass.json': 200,
    'lookup-tariffs/no-social-tariff.json': 200,
    'lookup-tariffs/other-region.json': 200,
    'lookup-tariffs/expired.json': 422,
    'lookup-tariffs/blocked-card.json': 422,
    'lookup-tariffs/no-permission.json': 422,
    'lookup-tariffs/wrong-price.json': 422,
    'lookup-tariffs/event-not-uitpas-ready.json': 404,
    'lookup-tariffs/uitpas-prices.json': 200,
    'validate-pass/social-tariff.json': 200,
    'validate-pass/chip-number.json': 200,
    'validate-pass/group-pass.json': 200,
    'validate-pass/expired.json': 422,
    'validate-pass/blocked-card.json': 422,
    'validate-pass/unregistered.json': 422,
    'validate-pass/unknown.json': 404,
  };

  it('covers every file, and each answers as its name says', async () => {
    const files = ['lookup-tariffs', 'validate-pass'].flatMap((dir) =>
      readdirSync(new URL(`../events/${dir}/`, import.meta.url)).map((file) => `${dir}/${file}`),
    );
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const file of files) {
      const event = JSON.parse(readFileSync(new URL(`../events/${file}`, import.meta.url), 'utf8'));
      const handler = file.startsWith('lookup-tariffs') ? lookupTariffs : validatePass;
      const response = await handler(event, lambdaContext());
      expect([file, response.statusCode]).toEqual([file, expected[file]]);
    }
  });
});

describe('lookupTariffs in a warm container', () => {
  const festival = DEMO_EVENTS.festival.eventId;
  let warm: ReturnType<typeof createLookupTariffs>;

  beforeEach(async () => {
    const seen = new SeenEvents();
    warm = createLookupTariffs(() => ({
      events: {
        async getForBasket(eventId) {
          eventReads += 1;
          const event = await stack.mappings.getEvent(eventId);
          return event && { event };
        },
      },
      uitpas: stack.uitpas,
      uitpasTicketTypeId: 'uitpas-kansentarief',
      seen,
    }));
    const base = await stack.mappings.getEvent(festival);
    if (!base) throw new Error('demo event missing');
    const existing = await stack.mappings.getEvent('ev-warm', { consistent: true });
    await stack.mappings.putEvent(
      { ...base, eventId: 'ev-warm', version: existing ? existing.version + 1 : 1 },
      existing?.version,
    );
  });

  async function lookup(body: Record<string, unknown>) {
    const response = await warm(
      apiEvent({ method: 'POST', route: '/v1/tariffs', body, principal: BASKET }),
      lambdaContext(),
    );
    return { status: response.statusCode, body: JSON.parse(response.body ?? 'null') };
  }

  async function change(changes: Record<string, unknown>) {
    const current = await stack.mappings.getEvent('ev-warm', { consistent: true });
    if (!current) throw new Error('ev-warm missing');
    await stack.mappings.putEvent({ ...current, ...changes, version: current.version + 1 }, current.version);
  }

  it('still reads the mapping once and asks UiTPAS once per lookup', async () => {
    await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff });
    stack.sandbox.requests.reset();
    eventReads = 0;
    for (let i = 0; i < 3; i += 1)
      expect((await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff })).status).toBe(200);
    expect(eventReads).toBe(3);
    expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(3);
  });

  it('refuses at once when the mapping lost its UiTPAS label since the last lookup', async () => {
    expect((await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff })).status).toBe(200);
    await change({ labels: ['uitDB'] });
    const { status, body } = await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff });
    expect(status).toBe(422);
    expect(body.type).toBe(problem('event-not-uitpas'));
  });

  it('asks with the new standard price as soon as it changed', async () => {
    expect((await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff })).body.regularPrice).toBe(
      10,
    );
    await change({ ticketTypes: [{ id: 'base', name: 'Basistarief', price: 14, standard: true }] });
    stack.sandbox.requests.reset();
    const { status, body } = await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff });
    expect(status).toBe(200);
    expect(body.regularPrice).toBe(14);
    expect(body.tariffs[0].price).toBe(2.8);
    const prices = stack.sandbox.requests.filter(TARIFFS_ROUTE).map((request) => request.query.regularPrice);
    expect(prices.at(-1)).toBe('14');
  });

  it('answers as unknown once the event is gone', async () => {
    expect((await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff })).status).toBe(200);
    const current = await stack.mappings.getEvent('ev-warm', { consistent: true });
    await stack.mappings.deleteEvent('ev-warm', current?.version ?? 0);
    expect((await lookup({ eventId: 'ev-warm', uitpasNumber: PASSES.socialTariff })).status).toBe(404);
  });
});

describe('lookupTariffs after a readiness check', () => {
  it('refuses an organizer without UiTPAS permission from the event’s snapshot, without asking UiTPAS', async () => {
    const { eventId } = DEMO_EVENTS.noPermission;
    const event = await stack.mappings.getEvent(eventId, { consistent: true });
    if (!event) throw new Error('demo event missing');
    const report = await assessEvent(event, {
      mappings: stack.mappings,
      snapshots: createReadinessRepository(stack.table),
      uitdatabank: stack.entry,
      uitpas: stack.uitpas,
      permissions: createPermissionsCache({ table: stack.table, uitpas: stack.uitpas }),
    });
    expect(report.ready).toBe(false);
    stack.sandbox.requests.reset();
    const { status, body } = await tariffs({ eventId, uitpasNumber: PASSES.socialTariff });
    expect(status).toBe(422);
    expect(body.type).toBe(problem('organizer-not-permitted'));
    expect(body.detail).toMatch(/servicedesk/);
    expect(stack.sandbox.requests.count(TARIFFS_ROUTE)).toBe(0);
  });
});

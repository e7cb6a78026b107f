/**
 * The organizer rule at every door, with two organisations on one deployment: `demo-org` (the UiTPAS test
 * organizer) and `gent-org` (another UiTPAS organizer). A mapping to another organizer's UiTdatabank event is refused
 * when it is saved; one saved while UiTdatabank could not say is unverified until a readiness check passes; one
 * stored before saves checked is refused at the till once a check has found the mismatch. Real handlers, dynalite
 * and the sandbox over HTTP.
 */
import {
  LIMITED_EVENT_ID,
  OTHER_UITPAS_ORGANIZER_ID,
  PASSES,
  TEST_EVENT_ID,
  TEST_ORGANIZER_ID,
} from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import { uitdatabankExistence } from '../lib/adapters/uitdatabank/existence.js';
import type { Principal } from '../lib/domain/access.js';
import type { TicketingEvent } from '../lib/domain/mappings.js';
import { createHandler as createLookupTariffs } from '../lib/handlers/lookup-tariffs.js';
import { createHandler as createManageMappings } from '../lib/handlers/manage-mappings.js';
import { checkEventReadiness } from '../lib/use-cases/readiness/check.js';
import { DEMO_ORGANISATION_ID } from '../local/seed.js';
import { type ApiEventInput, apiEvent, lambdaContext, uitpasEventBody } from '../test-support/api-event.js';
import { startTestStack, type TestStack } from '../test-support/test-stack.js';

const GENT = 'gent-org';
const PROBLEM = 'urn:uitpas-ticketing:problem:';
const key = (keyId: string, role: Principal['role'], organisationId: string): Principal => ({
  keyId,
  clientName: keyId,
  role,
  organisations: [organisationId],
});
const DEMO_ADMIN = key('demo-admin', 'admin', DEMO_ORGANISATION_ID);
const DEMO_BASKET = key('demo-till', 'basket', DEMO_ORGANISATION_ID);
const GENT_ADMIN = key('gent-admin', 'admin', GENT);
const GENT_BASKET = key('gent-till', 'basket', GENT);

let stack: TestStack;
let manage: ReturnType<typeof createManageMappings>;
let lookup: ReturnType<typeof createLookupTariffs>;

beforeAll(async () => {
  stack = await startTestStack({ tableName: 'organizer-rule' });
  const uitdatabank = uitdatabankExistence(stack.entry);
  const deps = {
    mappings: stack.mappings,
    audit: createAuditRepository(stack.table),
    uitdatabankEvents: uitdatabank.events,
    uitdatabankOrganizers: uitdatabank.organizers,
  };
  manage = createManageMappings(() => deps);
  lookup = createLookupTariffs(() => ({
    events: { getForBasket: (eventId) => stack.mappings.getEventForBasket(eventId) },
    uitpas: stack.uitpas,
    uitpasTicketTypeId: 'uitpas-kansentarief',
  }));
  const organisation = await send(GENT_ADMIN, {
    method: 'PUT',
    route: '/v1/organisations/{organisationId}',
    pathParameters: { organisationId: GENT },
    body: { name: 'Cultuurcentrum Gent', uitdatabankOrganizerId: OTHER_UITPAS_ORGANIZER_ID },
  });
  expect(organisation.statusCode).toBe(201);
});
afterAll(() => stack.close());
beforeEach(() => stack.sandbox.reset());

async function send(principal: Principal, input: Omit<ApiEventInput, 'principal'>) {
  const handler = input.route.startsWith('/v1/tariffs') ? lookup : manage;
  const response = await handler(apiEvent({ ...input, principal }), lambdaContext());
  return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
}

const putEvent = (principal: Principal, eventId: string, body: unknown) =>
  send(principal, { method: 'PUT', route: '/v1/events/{eventId}', pathParameters: { eventId }, body });
const getEvent = (principal: Principal, eventId: string) =>
  send(principal, { method: 'GET', route: '/v1/events/{eventId}', pathParameters: { eventId } });
const tariffs = (principal: Principal, eventId: string) =>
  send(principal, {
    method: 'POST',
    route: '/v1/tariffs',
    body: { eventId, uitpasNumber: PASSES.socialTariff, regularPrice: 10 },
  });

/** What an administrator's GET /v1/events/{eventId}/readiness does, with that function's own adapters. */
const checkReadiness = (eventId: string, principal: Principal) =>
  checkEventReadiness(eventId, principal, {
    mappings: stack.mappings,
    snapshots: createReadinessRepository(stack.table),
    uitdatabank: stack.entry,
    uitpas: stack.uitpas,
    permissions: createPermissionsCache({ table: stack.table, uitpas: stack.uitpas }),
  });

describe('saving a mapping', () => {
  it("refuses another organisation's UiTdatabank event with a 422 that says which id to fix, and stores nothing", async () => {
    const refused = await putEvent(GENT_ADMIN, 'gent-festival', uitpasEventBody(GENT, TEST_EVENT_ID));

    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}organizer-mismatch`,
      invalidParams: [{ pointer: '/uitdatabankId' }],
      expectedOrganizerId: OTHER_UITPAS_ORGANIZER_ID,
      expectedFrom: 'organisation',
    });
    expect(refused.body.detail).toContain(`PUT /v1/organisations/${GENT}`);
    expect((await getEvent(GENT_ADMIN, 'gent-festival')).statusCode).toBe(404);
  });

  it('accepts the UiTdatabank event of its own organizer, checked', async () => {
    const saved = await putEvent(
      DEMO_ADMIN,
      'demo-checked',
      uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID),
    );

    expect(saved.statusCode).toBe(201);
    expect(saved.body.organizerCheck).toMatchObject({ status: 'match' });
    expect((await tariffs(DEMO_BASKET, 'demo-checked')).statusCode).toBe(200);
  });

  it('stores it unverified when UiTdatabank cannot be reached, and the till refuses it until a check passes', async () => {
    const down = stack.sandbox.faults.add({
      path: `/entry/events/${TEST_EVENT_ID}`,
      kind: 'status',
      status: 503,
    });
    const saved = await putEvent(
      DEMO_ADMIN,
      'demo-unverified',
      uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID),
    );
    down.remove();

    expect(saved.statusCode).toBe(201);
    expect(saved.body.organizerCheck).toMatchObject({
      status: 'unverified',
      reason: 'uitdatabank-unreachable',
    });
    const refused = await tariffs(DEMO_BASKET, 'demo-unverified');
    expect(refused.statusCode).toBe(422);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}organizer-unverified`,
      endUserMessage: { nl: expect.any(String) },
    });
    expect(refused.body.detail).toContain('/v1/events/demo-unverified/readiness');
    expect(stack.sandbox.requests.count('GET /uitpas/tariffs')).toBe(0);

    expect((await checkReadiness('demo-unverified', DEMO_ADMIN)).ready).toBe(true);
    expect((await tariffs(DEMO_BASKET, 'demo-unverified')).statusCode).toBe(200);
  });
});

describe('the till', () => {
  it('refuses a mapping stored before saves checked, once a check found the mismatch', async () => {
    // As such a mapping was stored: gent-org's event on demo-org's UiTdatabank event, no check on record.
    const at = new Date().toISOString();
    const legacy: TicketingEvent = {
      ...uitpasEventBody(GENT, TEST_EVENT_ID),
      eventId: 'gent-legacy',
      uitdatabankIdSource: 'manual',
      createdAt: at,
      updatedAt: at,
      updatedBy: 'before',
      version: 1,
    };
    await stack.mappings.putEvent(legacy, undefined);
    // Until a check, the till cannot know (UiTPAS itself would register the sale for demo-org's organizer).
    expect((await tariffs(GENT_BASKET, 'gent-legacy')).statusCode).toBe(200);

    const report = await checkReadiness('gent-legacy', GENT_ADMIN);

    expect(report.items.find((item) => item.id === 'organizer-match')?.ok).toBe(false);
    const refused = await tariffs(GENT_BASKET, 'gent-legacy');
    expect(refused.statusCode).toBe(422);
    expect(refused.body.type).toBe(`${PROBLEM}organizer-mismatch`);
    // Re-saving it as it is runs the save's check: refused too, with what to fix.
    const { version: _version, ...body } = legacy;
    expect((await putEvent(GENT_ADMIN, 'gent-legacy', body)).body.type).toBe(`${PROBLEM}organizer-mismatch`);
  });
});

describe('a mismatch found after the save', () => {
  it('is lifted neither by an edit that keeps the mapping nor by a check that could not read UiTdatabank', async () => {
    const body = uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID);
    expect((await putEvent(DEMO_ADMIN, 'demo-moved', body)).body.organizerCheck).toMatchObject({
      status: 'match',
    });
    // Someone in UiTdatabank gives the event to gent-org's organizer; a check sees it.
    const moved = stack.sandbox.state.getEvent(TEST_EVENT_ID);
    const organizerBefore = moved?.organizerId;
    stack.sandbox.state.updateEvent(TEST_EVENT_ID, { organizerId: OTHER_UITPAS_ORGANIZER_ID });
    expect((await checkReadiness('demo-moved', DEMO_ADMIN)).ready).toBe(false);
    expect((await tariffs(DEMO_BASKET, 'demo-moved')).body.type).toBe(`${PROBLEM}organizer-mismatch`);

    // An edit of the hint: a new version, the same mapping, so the save does not ask UiTdatabank again.
    expect((await putEvent(DEMO_ADMIN, 'demo-moved', { ...body, hint: 'Nieuwe uitleg' })).statusCode).toBe(
      200,
    );
    expect((await tariffs(DEMO_BASKET, 'demo-moved')).body.type).toBe(`${PROBLEM}organizer-mismatch`);
    // A check while UiTdatabank is down reaches no verdict: the mismatch stands.
    const down = stack.sandbox.faults.add({
      path: `/entry/events/${TEST_EVENT_ID}`,
      kind: 'status',
      status: 503,
    });
    await checkReadiness('demo-moved', DEMO_ADMIN);
    down.remove();
    expect((await tariffs(DEMO_BASKET, 'demo-moved')).body.type).toBe(`${PROBLEM}organizer-mismatch`);

    // UiTdatabank corrected, and checked again: sales go on.
    stack.sandbox.state.updateEvent(TEST_EVENT_ID, { organizerId: organizerBefore ?? TEST_ORGANIZER_ID });
    await checkReadiness('demo-moved', DEMO_ADMIN);
    expect((await tariffs(DEMO_BASKET, 'demo-moved')).statusCode).toBe(200);
  });
});

describe('one organisation per UiTdatabank event', () => {
  it('refuses a second organisation, even with a promotor of the right organizer, until the first lets go', async () => {
    expect(
      (await putEvent(DEMO_ADMIN, 'demo-claimed', uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID)))
        .statusCode,
    ).toBe(201);
    // A visiting company of gent-org whose UiTdatabank organizer is the same: the organizer rule alone would pass.
    const promotor = await send(GENT_ADMIN, {
      method: 'PUT',
      route: '/v1/promotors/{promotorId}',
      pathParameters: { promotorId: 'gent-guest' },
      body: { name: 'Gezelschap', organisationId: GENT, uitdatabankOrganizerId: TEST_ORGANIZER_ID },
    });
    expect(promotor.statusCode).toBe(201);
    const guestShow = { ...uitpasEventBody(GENT, TEST_EVENT_ID), promotorId: 'gent-guest' };

    const taken = await putEvent(GENT_ADMIN, 'gent-guest-show', guestShow);

    expect(taken.statusCode).toBe(409);
    expect(taken.body).toMatchObject({
      type: `${PROBLEM}uitdatabank-event-taken`,
      invalidParams: [{ pointer: '/uitdatabankId' }],
    });
    expect(JSON.stringify(taken.body)).not.toContain(DEMO_ORGANISATION_ID);
    expect((await getEvent(GENT_ADMIN, 'gent-guest-show')).statusCode).toBe(404);
    // demo-org itself may map it again, to another of its events.
    expect(
      (await putEvent(DEMO_ADMIN, 'demo-claimed-2', uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID)))
        .statusCode,
    ).toBe(201);

    // demo-org maps both its events elsewhere: the claim is left over, and gent-org may take it.
    for (const eventId of ['demo-claimed', 'demo-claimed-2']) {
      expect(
        (await putEvent(DEMO_ADMIN, eventId, uitpasEventBody(DEMO_ORGANISATION_ID, LIMITED_EVENT_ID)))
          .statusCode,
      ).toBe(200);
    }
    expect((await putEvent(GENT_ADMIN, 'gent-guest-show', guestShow)).statusCode).toBe(201);
    expect(
      (await putEvent(DEMO_ADMIN, 'demo-claimed', uitpasEventBody(DEMO_ORGANISATION_ID, TEST_EVENT_ID)))
        .statusCode,
    ).toBe(409);
  });
});

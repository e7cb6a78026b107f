/**
 * UiTPAS permissions limited to card systems, over the stack: dynalite with the demo data, the sandbox over HTTP and
 * the real clients. The readiness check says which card systems our permission covers and keeps that on the event;
 * the till then refuses an event none of whose card systems is covered, without asking UiTPAS.
 */
import { PASSES, TEST_CLIENT_PERMISSIONS, TEST_ORGANIZER_ID } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import { createEntryClient } from '../lib/adapters/uitdatabank/client.js';
import type { ReadinessItem, ReadinessReport } from '../lib/domain/readiness.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler as createCheckReadiness } from '../lib/handlers/check-readiness.js';
import { createHandler as createLookupTariffs } from '../lib/handlers/lookup-tariffs.js';
import { createHandler as createRegister } from '../lib/handlers/register-ticket-sales.js';
import type { ReadinessDeps } from '../lib/use-cases/readiness/assess.js';
import { ADMIN, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';
import {
  EVENTS,
  saleLine,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

const PROBLEM = 'urn:uitpas-ticketing:problem:';
const TARIFFS = 'GET /uitpas/tariffs';
const POSTS = 'POST /uitpas/ticket-sales';
/** The festival's UiTdatabank event has UiTPAS Gent (1) and Paspartoe (2) enabled; UiTPAS Dender is 3. */
const DENDER = 3;
const GENT = 1;

let stack: TicketSalesStack;

const readinessDeps = (): ReadinessDeps => ({
  mappings: createMappingRepository(stack.table),
  snapshots: createReadinessRepository(stack.table),
  uitdatabank: createEntryClient({
    baseUrl: stack.sandbox.urls.entry,
    tokens: stack.tokens,
    timeoutMs: 2000,
    retries: 1,
  }),
  uitpas: stack.uitpas,
  // A cache of its own per check, as a new container has: the limit a test sets is what it reads.
  permissions: createPermissionsCache({ table: stack.table, uitpas: stack.uitpas, maxAgeMs: 0 }),
});
const checkReadiness = createCheckReadiness(readinessDeps);
const lookupTariffs = createLookupTariffs(() => {
  const mappings = createMappingRepository(stack.table);
  return {
    events: { getForBasket: (eventId: string) => mappings.getEventForBasket(eventId) },
    uitpas: stack.uitpas,
    uitpasTicketTypeId: 'uitpas-kansentarief',
  };
});
const { registerNew } = ticketSalesApi({
  register: createRegister(() => stack.deps()),
  cancel: createCancelHandler(() => stack.deps()),
});

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'card-system-permissions' });
});
afterAll(() => stack.close());
beforeEach(() => stack.fresh());

/** Our client's till permissions for the test organizer, limited to `cardSystemIds`. */
function limitTill(cardSystemIds: number[]) {
  stack.sandbox.state.setPermissions(TEST_ORGANIZER_ID, [...TEST_CLIENT_PERMISSIONS], {
    TARIFFS_READ: cardSystemIds,
    TICKETSALES_REGISTER: cardSystemIds,
  });
}

async function readiness(eventId: string): Promise<ReadinessReport> {
  const response = await checkReadiness(
    apiEvent({
      method: 'GET',
      route: '/v1/events/{eventId}/readiness',
      pathParameters: { eventId },
      principal: ADMIN,
    }),
    lambdaContext('checkReadiness'),
  );
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body ?? 'null');
}

const permissionItem = (report: ReadinessReport): ReadinessItem => {
  const found = report.items.find((item) => item.id === 'uitpas-permission');
  if (!found) throw new Error('no permission item');
  return found;
};

async function tariffs(uitpasNumber: string) {
  const response = await lookupTariffs(
    apiEvent({
      method: 'POST',
      route: '/v1/tariffs',
      body: { eventId: EVENTS.festival, uitpasNumber },
      principal: BASKET,
    }),
    lambdaContext(),
  );
  return {
    status: response.statusCode,
    headers: response.headers ?? {},
    body: JSON.parse(response.body ?? 'null'),
  };
}

describe('a permission limited to card systems the event does not use', () => {
  it('makes the event not ready, naming the card systems, and the till refuses it without asking UiTPAS', async () => {
    limitTill([DENDER]);

    const report = await readiness(EVENTS.festival);
    expect(report.ready).toBe(false);
    expect(report.items.filter((item) => !item.ok).map((item) => item.id)).toEqual(['uitpas-permission']);
    const item = permissionItem(report);
    expect(item).toMatchObject({
      severity: 'error',
      observed: {
        organizerId: TEST_ORGANIZER_ID,
        missing: [],
        cardSystems: {
          limitedTo: { TARIFFS_READ: [DENDER], TICKETSALES_REGISTER: [DENDER] },
          covered: [],
          uncovered: [
            { id: 1, name: 'UiTPAS Gent' },
            { id: 2, name: 'Paspartoe' },
          ],
        },
      },
    });
    expect(item.fix?.en).toMatch(/UiTPAS Gent \(1\), Paspartoe \(2\)/);
    expect(item.fix?.en).toMatch(/Ask publiq/);
    expect(item.fix?.nl).toMatch(/Vraag publiq/);
    // Kept on the event for the till, through the table.
    const stored = await createMappingRepository(stack.table).getEventForBasket(EVENTS.festival);
    expect(stored?.organizerPermission?.cardSystems).toEqual({
      covered: [],
      uncovered: [
        { id: 1, name: 'UiTPAS Gent' },
        { id: 2, name: 'Paspartoe' },
      ],
    });

    stack.sandbox.requests.reset();
    const refused = await tariffs(PASSES.socialTariff);
    expect(refused.status).toBe(422);
    expect(refused.headers['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}card-systems-not-permitted`,
      detail: expect.stringMatching(/UiTPAS Gent, Paspartoe/),
      endUserMessage: { nl: expect.any(String), en: expect.any(String) },
    });
    expect(JSON.stringify(refused.body)).not.toContain(PASSES.socialTariff);
    expect(stack.sandbox.requests.count(TARIFFS)).toBe(0);

    const { orderId, response } = await registerNew([saleLine({ lineId: 'l1' })]);
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}card-systems-not-permitted`,
      endUserMessage: { nl: expect.any(String) },
    });
    expect(stack.sandbox.requests.count(POSTS)).toBe(0);
    expect(await stack.status(orderId)).toBeUndefined();
  });

  it('is left to UiTPAS before any readiness check: the till cannot know the limit without one', async () => {
    limitTill([DENDER]);
    const answer = await tariffs(PASSES.socialTariff);
    // UiTPAS refuses (403), which the till passes on as a 422 of its own; it had to ask to find out.
    expect(answer.status).toBe(422);
    expect(answer.body.type).not.toBe(`${PROBLEM}card-systems-not-permitted`);
    expect(stack.sandbox.requests.count(TARIFFS)).toBe(1);
  });
});

describe('a permission limited to some of the event’s card systems', () => {
  it('keeps the event ready with a warning naming the others, and the till asks UiTPAS per pass', async () => {
    limitTill([GENT]);

    const report = await readiness(EVENTS.festival);
    expect(report.ready).toBe(true);
    const item = permissionItem(report);
    expect(item).toMatchObject({
      ok: false,
      severity: 'warning',
      observed: { cardSystems: { covered: [{ id: 1 }], uncovered: [{ id: 2, name: 'Paspartoe' }] } },
    });
    expect(item.fix?.en).toMatch(/passholders of Paspartoe \(2\) get no discount/);

    stack.sandbox.requests.reset();
    // A Gent pass is covered.
    const offered = await tariffs(PASSES.socialTariff);
    expect(offered.status).toBe(200);
    expect(offered.body.tariffs).toEqual([expect.objectContaining({ id: 'SOCIALTARIFF' })]);
    // A Paspartoe pass is not: the till does not know a pass's card system, so UiTPAS's own 403 says so.
    const outside = await tariffs(PASSES.socialTariffExpiredBrussels);
    expect(outside.status).toBe(422);
    expect(stack.sandbox.requests.count(TARIFFS)).toBe(2);

    const { response } = await registerNew([saleLine({ lineId: 'l1' })]);
    expect(response.statusCode).toBe(201);
  });
});

/**
 * Reconciliation (POST /v1/reconciliation/runs, GET /v1/reconciliation, the daily schedule) over sales registered and
 * cancelled through the real registration and cancellation handlers, against dynalite and the in-process sandbox:
 * a sale made at the sandbox directly (another channel) is `not-ours`, a sale of ours whose record UiTPAS lost is
 * `missing-at-uitpas`, a sale we cancelled that UiTPAS kept is `cancelled-still-at-uitpas` and cancelled by the run,
 * a price UiTPAS holds otherwise is `price-differs`; running twice stores the same result; a missing
 * TICKETSALES_SEARCH is said plainly. Every answer is checked against the OpenAPI document by the integration setup.
 */
import { readFileSync } from 'node:fs';
import { PASSES } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createReconciliationStore } from '../lib/adapters/dynamodb/reconciliation.js';
import type { Principal } from '../lib/domain/access.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler } from '../lib/handlers/reconcile-sales.js';
import { createHandler as createRegisterHandler } from '../lib/handlers/register-ticket-sales.js';
import { TICKETSALES_SEARCH_MISSING } from '../lib/use-cases/reconciliation/run.js';
import { ADMIN, lambdaContext } from '../test-support/api-event.js';
import {
  call,
  cancellationsDown,
  EVENTS,
  OTHER_ORGANISATION_ID,
  saleLine,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

let stack: TicketSalesStack;
const reconcile = createHandler(() => ({
  store: createReconciliationStore(stack.table),
  uitpas: stack.uitpas,
}));
const api = ticketSalesApi({
  register: createRegisterHandler(() => stack.deps()),
  cancel: createCancelHandler(() => stack.deps()),
});
const ADMIN_OTHER: Principal = { ...ADMIN, keyId: 'admin-other', organisations: [OTHER_ORGANISATION_ID] };
const ORGANISATION = 'demo-org';

const run = (body: Record<string, unknown>, principal: Principal = ADMIN) =>
  call(reconcile, principal, { method: 'POST', route: '/v1/reconciliation/runs', body });
const results = (query: Record<string, string>, principal: Principal = ADMIN) =>
  call(reconcile, principal, { method: 'GET', route: '/v1/reconciliation', query });

/** The stored results without the time they were checked: what must not change from one run to the next. */
// biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
const withoutTimes = (events: any[]) => events.map(({ checkedAt: _at, ...rest }) => rest);

let uitdatabankId: string;
const ids: Record<'standing' | 'lost' | 'cancelled' | 'cancelling' | 'repriced' | 'otherChannel', string> = {
  standing: '',
  lost: '',
  cancelled: '',
  cancelling: '',
  repriced: '',
  otherChannel: '',
};

async function registerOne(orderId: string, uitpasNumber: string = PASSES.socialTariff): Promise<string> {
  const response = await api.register({ orderId, lines: [saleLine({ lineId: 'a', uitpasNumber })] });
  expect([200, 201], JSON.stringify(response.body)).toContain(response.statusCode);
  expect((await api.confirm(orderId)).statusCode).toBe(200);
  const order = await stack.stored(orderId);
  const id = order?.lines[0]?.ticketSaleIds[0];
  if (!id) throw new Error(`order ${orderId} holds no sale`);
  return id;
}

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'reconciliation' });
  await stack.fresh();
  const festival = await createMappingRepository(stack.table).getEvent(EVENTS.festival);
  uitdatabankId = festival?.uitdatabankId ?? '';
  ids.standing = await registerOne('rec-standing');
  // UiTPAS loses the record of a sale we hold registered.
  ids.lost = await registerOne('rec-lost', PASSES.familySocialTariff);
  stack.sandbox.state.cancelTicketSale(ids.lost);
  // We cancel a sale and UiTPAS answers the DELETE, yet still lists the sale: our cancellation is done, UiTPAS's not.
  ids.cancelled = await registerOne('rec-cancelled');
  expect((await api.cancel('rec-cancelled')).statusCode).toBe(200);
  const relisted = stack.sandbox.state.getTicketSale(ids.cancelled);
  if (!relisted) throw new Error('the sandbox lost the cancelled sale');
  relisted.cancelled = false;
  // We cancel a sale while UiTPAS refuses the DELETE: the cancellation is pending (retried by its own queue), UiTPAS
  // still has the sale. The run leaves it to that cancellation.
  ids.cancelling = await registerOne('rec-cancelling');
  const down = cancellationsDown(stack.sandbox);
  expect((await api.cancel('rec-cancelling')).statusCode).toBe(202);
  down.remove();
  // UiTPAS holds another price than it answered us.
  ids.repriced = await registerOne('rec-repriced');
  const record = stack.sandbox.state.getTicketSale(ids.repriced);
  if (!record) throw new Error('the sandbox lost the repriced sale');
  record.tariff.price = 3;
  // Another channel sells at UiTPAS directly: no order of ours holds it.
  const [other] = await stack.uitpas.registerTicketSales([
    {
      regularPrice: 10,
      tariff: { id: 'SOCIALTARIFF' },
      eventId: uitdatabankId,
      uitpasNumber: PASSES.socialTariff,
    },
  ]);
  ids.otherChannel = other?.id ?? '';
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

describe('POST /v1/reconciliation/runs', () => {
  // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
  let first: any;

  it('finds each discrepancy with its kind, and cancels at UiTPAS only the sale our order cancelled', async () => {
    const response = await run({ organisationId: ORGANISATION });
    expect(response.statusCode, JSON.stringify(response.body)).toBe(200);
    first = response.body;
    expect(first.events).toHaveLength(1);
    const [event] = first.events;
    expect(event).toMatchObject({ eventId: EVENTS.festival, uitdatabankId, status: 'compared', note: null });
    expect(event.ourSales).toBe(5);
    expect(event.cancellingAtUitpas).toBe(1);
    // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
    const found = event.discrepancies.map((d: any) => [d.kind, d.ticketSaleId, d.action, d.cancelled]);
    expect(found).toEqual([
      ['missing-at-uitpas', ids.lost, 'investigate', null],
      ['cancelled-still-at-uitpas', ids.cancelled, 'cancel-at-uitpas', true],
      ['not-ours', ids.otherChannel, 'investigate', null],
      ['price-differs', ids.repriced, 'investigate', null],
    ]);
    expect(event.discrepancies[3]).toMatchObject({
      orderId: 'rec-repriced',
      ours: { tariffId: 'SOCIALTARIFF', price: 2 },
      uitpas: { tariffId: 'SOCIALTARIFF', price: 3 },
    });
    expect(event.counts).toMatchObject({ 'missing-at-uitpas': 1, 'not-ours': 1, 'price-differs': 1 });
    // Cancelled at UiTPAS; nothing else was touched there.
    expect(stack.sandbox.state.getTicketSale(ids.cancelled)?.cancelled).toBe(true);
    expect(stack.sandbox.state.getTicketSale(ids.cancelling)?.cancelled).toBe(false);
    expect(stack.sandbox.state.getTicketSale(ids.otherChannel)?.cancelled).toBe(false);
    expect(stack.sandbox.state.getTicketSale(ids.repriced)?.cancelled).toBe(false);
    expect(stack.sandbox.state.getTicketSale(ids.standing)?.cancelled).toBe(false);
  });

  it('stores the result per event: GET answers what the run answered', async () => {
    const response = await results({ organisationId: ORGANISATION });
    expect(response.statusCode).toBe(200);
    expect(response.body).toEqual({ organisationId: ORGANISATION, events: first.events });
  });

  it('gives the same stored result when run twice (the cancelled sale is gone after the first)', async () => {
    const second = await run({ organisationId: ORGANISATION });
    expect(second.statusCode).toBe(200);
    // biome-ignore lint/suspicious/noExplicitAny: answers are inspected field by field
    const kinds = second.body.events[0].discrepancies.map((d: any) => d.kind);
    expect(kinds).toEqual(['missing-at-uitpas', 'not-ours', 'price-differs']);
    const stored = (await results({ organisationId: ORGANISATION })).body.events;
    const third = await run({ organisationId: ORGANISATION });
    expect(withoutTimes(third.body.events)).toEqual(withoutTimes(second.body.events));
    expect(withoutTimes((await results({ organisationId: ORGANISATION })).body.events)).toEqual(
      withoutTimes(stored),
    );
  });

  it('runs for one event, and an event without sales of ours in the window still shows another channel', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const one = await run({ organisationId: ORGANISATION, eventId: EVENTS.festival, from: today, to: today });
    expect(one.statusCode).toBe(200);
    expect(one.body.events.map((event: { eventId: string }) => event.eventId)).toEqual([EVENTS.festival]);
    const before = await run({
      organisationId: ORGANISATION,
      eventId: EVENTS.festival,
      from: '2020-01-01',
      to: '2020-01-07',
    });
    expect(before.body.events[0]).toMatchObject({ ourSales: 0, uitpasSales: 0, discrepancies: [] });
  });

  it('says plainly when UiTPAS refuses the search (TICKETSALES_SEARCH missing), without failing the run', async () => {
    const organizerId = '0ce87cbc-9299-4528-8d35-92225dc9489f';
    const granted = stack.sandbox.state.getPermissions(organizerId);
    stack.sandbox.state.setPermissions(
      organizerId,
      granted.filter((permission) => permission !== 'TICKETSALES_SEARCH'),
    );
    try {
      const response = await run({ organisationId: ORGANISATION });
      expect(response.statusCode).toBe(200);
      expect(response.body.events[0]).toMatchObject({
        status: 'cannot-compare',
        note: TICKETSALES_SEARCH_MISSING,
        discrepancies: [],
      });
    } finally {
      stack.sandbox.state.setPermissions(organizerId, granted);
    }
  });

  it('is scoped to the key’s organisations, and refuses a malformed window', async () => {
    expect((await run({ organisationId: ORGANISATION }, ADMIN_OTHER)).statusCode).toBe(403);
    expect((await results({ organisationId: ORGANISATION }, ADMIN_OTHER)).statusCode).toBe(403);
    const backwards = await run({ organisationId: ORGANISATION, from: '2026-02-02', to: '2026-02-01' });
    expect(backwards.statusCode).toBe(400);
    const half = await run({ organisationId: ORGANISATION, from: '2026-02-02' });
    expect(half.statusCode).toBe(400);
  });
});

describe('the daily schedule', () => {
  it('runs every organisation and stores their results', async () => {
    const scheduled = reconcile as unknown as (
      event: unknown,
      context: unknown,
    ) => Promise<{ organisations: number; failed: string[] }>;
    // What EventBridge passes (the schedule's input), as `npm run invoke` replays it.
    const input = JSON.parse(readFileSync('events/reconcile-sales/scheduled.json', 'utf8'));
    const summary = await scheduled(input, lambdaContext());
    expect(summary.failed).toEqual([]);
    expect(summary.organisations).toBeGreaterThanOrEqual(2);
    const stored = (await results({ organisationId: ORGANISATION })).body.events;
    expect(stored[0]).toMatchObject({ eventId: EVENTS.festival, status: 'compared' });
  });

  it('refuses any other event unrun: an invoke meant for one organisation does not run them all', async () => {
    const scheduled = reconcile as unknown as (event: unknown, context: unknown) => Promise<unknown>;
    const searches = () => stack.sandbox.requests.count('GET /uitpas/ticket-sales');
    const before = searches();
    await expect(scheduled({ organisationId: ORGANISATION }, lambdaContext())).rejects.toThrow(
      /POST \/v1\/reconciliation\/runs/,
    );
    await expect(scheduled({}, lambdaContext())).rejects.toThrow(/"reconcile": "all"/);
    expect(searches()).toBe(before);
    expect(before).toBeGreaterThan(0);
  });
});

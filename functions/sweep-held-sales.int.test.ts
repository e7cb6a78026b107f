/**
 * sweepHeldSales through its handler, with an injected clock, against dynalite and the in-process sandbox with the
 * real UiTPAS client: expiry of unconfirmed orders, the backstop for pending cancellations, and reconciliation of
 * orders nobody asked about again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TicketSalesDeps } from '../lib/ticket-sales/deps.js';
import { sweepHeldSales } from '../lib/ticket-sales/sweep.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  saleCounts,
  startTicketSalesStack,
  type TicketSalesStack,
} from '../lib/ticket-sales/test-stack.js';
import { PASSES, TEST_EVENT_ID } from '../local/sandbox/index.js';
import { createHandler as createCancelHandler } from './cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from './register-ticket-sales.js';
import { createHandler as createSweepHandler } from './sweep-held-sales.js';

const MINUTE = 60_000;
const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';

let stack: TicketSalesStack;
let registerDeps: Partial<TicketSalesDeps> = {};
const register = createRegisterHandler(() => stack.deps(registerDeps));
const cancelHandler = createCancelHandler(() => stack.deps());
let orderNumber = 0;

beforeAll(async () => {
  stack = await startTicketSalesStack({ tablePrefix: 'sweep' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  registerDeps = {};
  await stack.fresh();
});

/** The sweep as the schedule runs it, `minutes` from now. */
const sweepAt = (minutes: number) =>
  createSweepHandler(() => stack.deps({ now: () => new Date(Date.now() + minutes * MINUTE) }))();

async function registerOrder(uitpasNumber: string = PASSES.socialTariff) {
  const orderId = `order-${++orderNumber}`;
  const body = {
    orderId,
    lines: [
      { lineId: 'a', eventId: EVENTS.festival, uitpasNumber, tariffId: 'SOCIALTARIFF', regularPrice: 10 },
    ],
  };
  const response = await call(register, KEY_DEMO, { method: 'POST', route: '/v1/ticket-sales', body });
  return { orderId, body, response };
}

const status = async (orderId: string) => (await stack.orders.get(orderId))?.status;
const counts = () => saleCounts(stack.sandbox);
const cancelOrder = (orderId: string, lineId?: string) =>
  call(cancelHandler, KEY_DEMO, {
    method: 'DELETE',
    route: '/v1/ticket-sales/{orderId}',
    pathParameters: { orderId },
    ...(lineId ? { query: { lineId } } : {}),
  });
/** UiTPAS refuses (503) every DELETE of this one sale until the fault is removed. */
const cancelDown = (ticketSaleId: string) =>
  stack.sandbox.faults.add({
    method: 'DELETE',
    path: `/uitpas/ticket-sales/${ticketSaleId}`,
    kind: 'status',
    status: 503,
  });
const active = () => stack.sandbox.state.activeTicketSales();
const confirm = (orderId: string) =>
  call(register, KEY_DEMO, {
    method: 'POST',
    route: '/v1/ticket-sales/{orderId}/confirm',
    pathParameters: { orderId },
  });

describe('held orders', () => {
  it('cancels an order not confirmed before heldUntil, and its late confirmation gets a 409 that says why', async () => {
    const unconfirmed = await registerOrder(PASSES.socialTariff);
    const confirmed = await registerOrder(PASSES.socialTariffGentbrugge);
    await confirm(confirmed.orderId);

    const early = await sweepAt(29);
    const late = await sweepAt(31);
    const again = await sweepAt(32);

    expect(early).toMatchObject({ expired: 0, cancelled: 0 });
    expect(late).toMatchObject({ expired: 1, cancelled: 1, failed: 0 });
    expect(again).toMatchObject({ expired: 0, cancelled: 0 });
    expect(await status(unconfirmed.orderId)).toBe('CANCELLED');
    expect(await status(confirmed.orderId)).toBe('CONFIRMED');
    expect(active().map((sale) => sale.uitpasNumber)).toEqual([PASSES.socialTariffGentbrugge]);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(1);
    expect(counts()).toEqual({ posts: 2, total: 2, active: 1 });
    const refused = await confirm(unconfirmed.orderId);
    expect(refused.statusCode).toBe(409);
    expect(refused.body.detail).toContain('the sweep cancelled');
  });

  it('does the work once when two sweeps run at the same moment', async () => {
    await registerOrder(PASSES.socialTariff);
    await registerOrder(PASSES.socialTariffGentbrugge);

    const [one, two] = await Promise.all([sweepAt(31), sweepAt(31)]);

    expect(one.expired + two.expired).toBe(2);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(2);
    expect(counts()).toEqual({ posts: 2, total: 2, active: 0 });
  });

  it('leaves an expired order CANCEL_PENDING when UiTPAS is down, and finishes it at a later run', async () => {
    const { orderId } = await registerOrder();
    const down = stack.sandbox.faults.add({
      method: 'DELETE',
      path: /^\/uitpas\/ticket-sales\//,
      kind: 'status',
      status: 503,
    });

    const first = await sweepAt(31);
    down.remove();
    const tooSoon = await sweepAt(33);
    const later = await sweepAt(37);

    expect(first).toMatchObject({ expired: 1, stillPending: 1 });
    expect(stack.queue.messages.map((m) => m.message)).toEqual([{ orderId }]);
    expect(tooSoon).toMatchObject({ retried: 0 });
    expect(later).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('retries a cancellation whose queue message was lost', async () => {
    const { orderId } = await registerOrder();
    const down = stack.sandbox.faults.add({
      method: 'DELETE',
      path: /^\/uitpas\/ticket-sales\//,
      kind: 'status',
      status: 503,
    });
    stack.queue.failNext = 1;
    const cancelled = await call(cancelHandler, KEY_DEMO, {
      method: 'DELETE',
      route: '/v1/ticket-sales/{orderId}',
      pathParameters: { orderId },
    });
    down.remove();

    const summary = await sweepAt(6);

    expect(cancelled.statusCode).toBe(202);
    expect(stack.queue.messages).toEqual([]);
    expect(summary).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('pending cancellations', () => {
  it('does not let cancellations UiTPAS keeps refusing crowd out the others', async () => {
    const stuck = await registerOrder(PASSES.socialTariff);
    const other = await registerOrder(PASSES.socialTariffGentbrugge);
    cancelDown(stuck.response.body.lines[0].ticketSaleIds[0]);
    const otherDown = cancelDown(other.response.body.lines[0].ticketSaleIds[0]);
    expect((await cancelOrder(stuck.orderId)).statusCode).toBe(202);
    expect((await cancelOrder(other.orderId)).statusCode).toBe(202);
    otherDown.remove();
    const sweep = (minutes: number) =>
      sweepHeldSales(stack.deps({ now: () => new Date(Date.now() + minutes * MINUTE) }), { limit: 1 });

    const first = await sweep(6);
    const second = await sweep(7);

    expect(first).toMatchObject({ retried: 1, stillPending: 1 });
    expect(second).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await status(other.orderId)).toBe('CANCELLED');
    expect(await status(stuck.orderId)).toBe('CANCEL_PENDING');
    expect(counts()).toEqual({ posts: 2, total: 2, active: 1 });
  });

  it('still expires the held lines of an order whose other line cannot be cancelled', async () => {
    const orderId = `order-${++orderNumber}`;
    const lines = [PASSES.socialTariff, PASSES.socialTariffGentbrugge].map((uitpasNumber, i) => ({
      lineId: `l${i}`,
      eventId: EVENTS.festival,
      uitpasNumber,
      tariffId: 'SOCIALTARIFF',
      regularPrice: 10,
    }));
    const response = await call(register, KEY_DEMO, {
      method: 'POST',
      route: '/v1/ticket-sales',
      body: { orderId, lines },
    });
    const stuckSale = response.body.lines[1].ticketSaleIds[0];
    cancelDown(stuckSale);

    const cancelled = await cancelOrder(orderId, 'l1');
    const summary = await sweepAt(31);

    expect(cancelled.statusCode).toBe(202);
    expect(summary.failed).toBe(0);
    const stored = await stack.orders.get(orderId);
    expect(stored?.lines.map((line) => line.status)).toEqual(['CANCELLED', 'CANCEL_PENDING']);
    expect(active().map((sale) => sale.id)).toEqual([stuckSale]);
    expect(counts()).toEqual({ posts: 1, total: 2, active: 1 });
  });
});

describe('unsettled registrations', () => {
  it('does not adopt a sale made through another channel well after the lost attempt', async () => {
    // The lost attempt was ten minutes ago (its clock), and its POST never reached UiTPAS.
    registerDeps = { now: () => new Date(Date.now() - 10 * MINUTE) };
    stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'timeout', times: 1 });
    const search = stack.sandbox.faults.add({
      method: 'GET',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 503,
    });
    const { orderId, response } = await registerOrder();
    search.remove();
    registerDeps = {};
    // Now the box office sells the same pass at the same tariff and price through another UiTPAS client.
    const [foreign] = await stack.uitpas.registerTicketSales([
      {
        regularPrice: 10,
        tariff: { id: 'SOCIALTARIFF' },
        eventId: TEST_EVENT_ID,
        uitpasNumber: PASSES.socialTariff,
      },
    ]);

    const settled = await sweepAt(0);
    const later = await sweepAt(40);

    expect(response.statusCode).toBe(503);
    expect(settled.reconciled).toEqual({ registered: 0, none: 1, unknown: 0 });
    expect(later.expired).toBe(0);
    expect((await stack.orders.get(orderId))?.lines[0]?.ticketSaleIds).toEqual([]);
    expect(active().map((sale) => sale.id)).toEqual([foreign?.id]);
    expect(counts()).toEqual({ posts: 2, total: 1, active: 1 });
  });

  it('reconciles an UNKNOWN order nobody asked about again, then cancels it when it expires', async () => {
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'delayAfterApply',
      ms: 1000,
      times: 1,
    });
    const search = stack.sandbox.faults.add({
      method: 'GET',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 503,
    });
    const { orderId, response } = await registerOrder();
    search.remove();

    const tooEarly = await sweepAt(4);
    const reconciled = await sweepAt(6);
    const expired = await sweepAt(31);

    expect(response.statusCode).toBe(503);
    // Left alone until the grace a late POST gets is over (the next identical request would reconcile sooner).
    expect(tooEarly.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(reconciled.reconciled).toEqual({ registered: 1, none: 0, unknown: 0 });
    expect(expired).toMatchObject({ expired: 1, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('keeps a cancellation asked while the outcome was unknown, and does it once the sales are found', async () => {
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'delayAfterApply',
      ms: 1000,
      times: 1,
    });
    const search = stack.sandbox.faults.add({
      method: 'GET',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 503,
    });
    const { orderId } = await registerOrder();
    const cancelled = await call(cancelHandler, KEY_DEMO, {
      method: 'DELETE',
      route: '/v1/ticket-sales/{orderId}',
      pathParameters: { orderId },
    });
    search.remove();

    const summary = await sweepAt(6);

    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('UNKNOWN');
    expect(summary).toMatchObject({ reconciled: { registered: 1, none: 0, unknown: 0 }, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('finds the sales of a registration whose function crashed after posting', async () => {
    registerDeps = {
      uitpas: {
        ...stack.uitpas,
        async registerTicketSales(sales) {
          await stack.uitpas.registerTicketSales(sales);
          throw new Error('the function died here');
        },
      },
    };
    const { orderId, response } = await registerOrder();
    registerDeps = {};

    const whileLeased = await sweepAt(0.1);
    const afterGrace = await sweepAt(6);

    expect(response.statusCode).toBe(500);
    expect(whileLeased.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(afterGrace.reconciled).toEqual({ registered: 1, none: 0, unknown: 0 });
    expect(await status(orderId)).toBe('HELD');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('settles a refusal after a lost POST for good once nothing turns up, and leaves it alone afterwards', async () => {
    stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'timeout', times: 1 });
    const { orderId, response } = await registerOrder();

    const first = await sweepAt(6);
    const second = await sweepAt(12);

    expect(response.statusCode).toBe(503);
    expect(first.reconciled).toEqual({ registered: 0, none: 1, unknown: 0 });
    expect(second.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(await status(orderId)).toBe('REFUSED');
    expect((await stack.orders.get(orderId))?.uncertainSince).toBeUndefined();
    expect(counts()).toEqual({ posts: 1, total: 0, active: 0 });
  });
});

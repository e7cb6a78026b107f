/**
 * sweepHeldSales through its handler, with an injected clock, against dynalite and the in-process sandbox with the
 * real UiTPAS client: expiry of unconfirmed orders, the backstop for pending cancellations, and reconciliation of
 * orders nobody asked about again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TicketSalesDeps } from '../lib/ticket-sales/deps.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  startTicketSalesStack,
  type TicketSalesStack,
} from '../lib/ticket-sales/test-stack.js';
import { PASSES } from '../local/sandbox/index.js';
import { createHandler as createCancelHandler } from './cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from './register-ticket-sales.js';
import { createHandler as createSweepHandler } from './sweep-held-sales.js';

const MINUTE = 60_000;
const POST_SALES = 'POST /uitpas/ticket-sales';
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
    const refused = await confirm(unconfirmed.orderId);
    expect(refused.statusCode).toBe(409);
    expect(refused.body.detail).toContain('the sweep cancelled');
  });

  it('does the work once when two sweeps run at the same moment', async () => {
    await registerOrder(PASSES.socialTariff);
    await registerOrder(PASSES.socialTariffGentbrugge);

    const [one, two] = await Promise.all([sweepAt(31), sweepAt(31)]);

    expect(one.expired + two.expired).toBe(2);
    expect(active()).toHaveLength(0);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(2);
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
    expect(active()).toHaveLength(0);
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
    expect(active()).toHaveLength(0);
  });
});

describe('unsettled registrations', () => {
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

    const reconciled = await sweepAt(2);
    const expired = await sweepAt(31);

    expect(response.statusCode).toBe(503);
    expect(reconciled.reconciled).toEqual({ registered: 1, none: 0, unknown: 0 });
    expect(expired).toMatchObject({ expired: 1, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(stack.sandbox.requests.count(POST_SALES)).toBe(1);
    expect(active()).toHaveLength(0);
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

    const summary = await sweepAt(2);

    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('UNKNOWN');
    expect(summary).toMatchObject({ reconciled: { registered: 1, none: 0, unknown: 0 }, cancelled: 1 });
    expect(await status(orderId)).toBe('CANCELLED');
    expect(stack.sandbox.requests.count(POST_SALES)).toBe(1);
    expect(active()).toHaveLength(0);
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

    const whileLeased = await sweepAt(0.5);
    const afterLease = await sweepAt(2);

    expect(response.statusCode).toBe(500);
    expect(whileLeased.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(afterLease.reconciled).toEqual({ registered: 1, none: 0, unknown: 0 });
    expect(await status(orderId)).toBe('HELD');
    expect(stack.sandbox.requests.count(POST_SALES)).toBe(1);
    expect(active()).toHaveLength(1);
  });

  it('settles a refusal after a lost POST for good once nothing turns up, and leaves it alone afterwards', async () => {
    stack.sandbox.faults.add({ method: 'POST', path: '/uitpas/ticket-sales', kind: 'timeout', times: 1 });
    const { orderId, response } = await registerOrder();

    const first = await sweepAt(2);
    const second = await sweepAt(4);

    expect(response.statusCode).toBe(503);
    expect(first.reconciled).toEqual({ registered: 0, none: 1, unknown: 0 });
    expect(second.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(await status(orderId)).toBe('REFUSED');
    expect((await stack.orders.get(orderId))?.uncertainSince).toBeUndefined();
    expect(active()).toHaveLength(0);
  });
});

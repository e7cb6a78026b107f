/**
 * sweepHeldSales through its handler, with an injected clock, against dynalite and the in-process sandbox with the
 * real UiTPAS client: expiry of unconfirmed orders, the backstop for pending cancellations, and reconciliation of
 * orders nobody asked about again.
 */

import { PASSES, TEST_EVENT_ID } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../lib/domain/ticket-sales/index.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from '../lib/handlers/register-ticket-sales.js';
import { createHandler as createSweepHandler } from '../lib/handlers/sweep-held-sales.js';
import type { TicketSalesDeps } from '../lib/use-cases/ticket-sales/deps.js';
import { sweepHeldSales } from '../lib/use-cases/ticket-sales/sweep.js';
import { lambdaContext } from '../test-support/api-event.js';
import {
  cancellationsDown,
  faultNextPost,
  KEY_DEMO,
  minutesAhead,
  outcomeUnknown,
  saleLine,
  searchDown,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';

let stack: TicketSalesStack;
let registerDeps: Partial<TicketSalesDeps> = {};
const api = ticketSalesApi({
  register: createRegisterHandler(() => stack.deps(registerDeps)),
  cancel: createCancelHandler(() => stack.deps()),
});
const { confirm, cancel } = api;

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'sweep' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  registerDeps = {};
  await stack.fresh();
});

/** The sweep as the schedule runs it, `minutes` from now. */
const sweepAt = (minutes: number) =>
  createSweepHandler(() => stack.deps(minutesAhead(minutes)))({}, lambdaContext('sweepHeldSales'));

const registerOrder = (uitpasNumber: string = PASSES.socialTariff) =>
  api.registerNew([saleLine({ uitpasNumber })]);
const active = () => stack.sandbox.state.activeTicketSales();

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
    expect(await stack.status(unconfirmed.orderId)).toBe('CANCELLED');
    expect(await stack.status(confirmed.orderId)).toBe('CONFIRMED');
    expect(active().map((sale) => sale.uitpasNumber)).toEqual([PASSES.socialTariffGentbrugge]);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(1);
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 1 });
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
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 0 });
  });

  it('leaves an expired order CANCEL_PENDING when UiTPAS is down, and finishes it at a later run', async () => {
    const { orderId } = await registerOrder();
    const down = cancellationsDown(stack.sandbox);

    const first = await sweepAt(31);
    down.remove();
    const tooSoon = await sweepAt(33);
    const later = await sweepAt(37);

    expect(first).toMatchObject({ expired: 1, stillPending: 1 });
    expect(stack.queue.messages.map((m) => m.message)).toEqual([{ orderId: orderKey(KEY_DEMO, orderId) }]);
    expect(tooSoon).toMatchObject({ retried: 0 });
    expect(later).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('retries a cancellation whose queue message was lost', async () => {
    const { orderId } = await registerOrder();
    const down = cancellationsDown(stack.sandbox);
    stack.queue.failNext = 1;
    const cancelled = await cancel(orderId);
    down.remove();

    const summary = await sweepAt(6);

    expect(cancelled.statusCode).toBe(202);
    expect(stack.queue.messages).toEqual([]);
    expect(summary).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('pending cancellations', () => {
  it('does not let cancellations UiTPAS keeps refusing crowd out the others', async () => {
    const stuck = await registerOrder(PASSES.socialTariff);
    const other = await registerOrder(PASSES.socialTariffGentbrugge);
    cancellationsDown(stack.sandbox, stuck.response.body.lines[0].ticketSaleIds[0]);
    const otherDown = cancellationsDown(stack.sandbox, other.response.body.lines[0].ticketSaleIds[0]);
    expect((await cancel(stuck.orderId)).statusCode).toBe(202);
    expect((await cancel(other.orderId)).statusCode).toBe(202);
    otherDown.remove();
    const sweep = (minutes: number) => sweepHeldSales(stack.deps(minutesAhead(minutes)), { limit: 1 });

    const first = await sweep(6);
    const second = await sweep(7);

    expect(first).toMatchObject({ retried: 1, stillPending: 1 });
    expect(second).toMatchObject({ retried: 1, cancelled: 1 });
    expect(await stack.status(other.orderId)).toBe('CANCELLED');
    expect(await stack.status(stuck.orderId)).toBe('CANCEL_PENDING');
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 1 });
  });

  it('still expires the held lines of an order whose other line cannot be cancelled', async () => {
    const lines = [PASSES.socialTariff, PASSES.socialTariffGentbrugge].map((uitpasNumber, i) =>
      saleLine({ lineId: `l${i}`, uitpasNumber }),
    );
    const { orderId, response } = await api.registerNew(lines);
    const stuckSale = response.body.lines[1].ticketSaleIds[0];
    cancellationsDown(stack.sandbox, stuckSale);

    const cancelled = await cancel(orderId, { lineId: 'l1' });
    const summary = await sweepAt(31);

    expect(cancelled.statusCode).toBe(202);
    expect(summary.failed).toBe(0);
    const stored = await stack.stored(orderId);
    expect(stored?.lines.map((line) => line.status)).toEqual(['CANCELLED', 'CANCEL_PENDING']);
    expect(active().map((sale) => sale.id)).toEqual([stuckSale]);
    expect(stack.counts()).toEqual({ posts: 1, total: 2, active: 1 });
  });
});

describe('unsettled registrations', () => {
  it('does not adopt a sale made through another channel well after the lost attempt', async () => {
    // The lost attempt was ten minutes ago (its clock), and its POST never reached UiTPAS.
    registerDeps = minutesAhead(-10);
    faultNextPost(stack.sandbox, { kind: 'timeout' });
    const search = searchDown(stack.sandbox);
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
    expect((await stack.stored(orderId))?.lines[0]?.ticketSaleIds).toEqual([]);
    expect(active().map((sale) => sale.id)).toEqual([foreign?.id]);
    expect(stack.counts()).toEqual({ posts: 2, total: 1, active: 1 });
  });

  it('reconciles an UNKNOWN order nobody asked about again, then cancels it when it expires', async () => {
    const search = outcomeUnknown(stack.sandbox);
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
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('keeps a cancellation asked while the outcome was unknown, and does it once the sales are found', async () => {
    const search = outcomeUnknown(stack.sandbox);
    const { orderId } = await registerOrder();
    const cancelled = await cancel(orderId);
    search.remove();

    const summary = await sweepAt(6);

    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('UNKNOWN');
    expect(summary).toMatchObject({ reconciled: { registered: 1, none: 0, unknown: 0 }, cancelled: 1 });
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
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
    expect(await stack.status(orderId)).toBe('HELD');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('settles a refusal after a lost POST for good once nothing turns up, and leaves it alone afterwards', async () => {
    faultNextPost(stack.sandbox, { kind: 'timeout' });
    const { orderId, response } = await registerOrder();

    const first = await sweepAt(6);
    const second = await sweepAt(12);

    expect(response.statusCode).toBe(503);
    expect(first.reconciled).toEqual({ registered: 0, none: 1, unknown: 0 });
    expect(second.reconciled).toEqual({ registered: 0, none: 0, unknown: 0 });
    expect(await stack.status(orderId)).toBe('REFUSED');
    expect((await stack.stored(orderId))?.uncertainSince).toBeUndefined();
    expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
  });
});

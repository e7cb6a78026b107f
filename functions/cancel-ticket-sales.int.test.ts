/**
 * cancelTicketSales through its handler, against dynalite and the in-process sandbox with the real UiTPAS client,
 * and the queue consumer picking up what UiTPAS could not take. The queue is an in-memory fake of the port.
 */

import { PASSES } from '@uitpas-ticketing/sandbox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../lib/domain/ticket-sales/index.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from '../lib/handlers/register-ticket-sales.js';
import { createHandler as createRetryHandler } from '../lib/handlers/retry-cancellations.js';
import { createHandler as createSweepHandler } from '../lib/handlers/sweep-held-sales.js';
import type { TicketSalesDeps } from '../lib/use-cases/ticket-sales/deps.js';
import type { DeadLetterAlarm } from '../lib/use-cases/ticket-sales/retry-cancellations.js';
import { lambdaContext } from '../test-support/api-event.js';
import {
  cancellationsDown,
  faultNextPost,
  KEY_DEMO,
  KEY_OTHER,
  minutesAhead,
  outcomeUnknown,
  saleLine,
  sqsEvent,
  stalledRegistrations,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
  until,
} from '../test-support/ticket-sales-stack.js';

const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';
const PROBLEM = 'urn:uitpas-ticketing:problem:';

let stack: TicketSalesStack;
const alarms: DeadLetterAlarm[] = [];
let registerDeps: Partial<TicketSalesDeps> = {};
let cancelDeps: Partial<TicketSalesDeps> = {};
const api = ticketSalesApi({
  register: createRegisterHandler(() => stack.deps(registerDeps)),
  cancel: createCancelHandler(() => stack.deps(cancelDeps)),
});
const { cancel } = api;
/** The sweep as the schedule runs it, `minutes` from now. */
const sweepAt = (minutes: number) =>
  createSweepHandler(() => stack.deps(minutesAhead(minutes)))({}, lambdaContext('sweepHeldSales'));
const consumer = createRetryHandler(() => stack.retryDeps((details) => alarms.push(details)));

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'cancel' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  alarms.length = 0;
  registerDeps = {};
  cancelDeps = {};
  await stack.fresh();
});

const line = (lineId: string, uitpasNumber: string, quantity = 1) =>
  saleLine({ lineId, uitpasNumber, quantity });

/** A held order (by default two lines, three sales); the request log starts afresh after it. */
async function registered(lines = [line('a', PASSES.socialTariff), line('b', PASSES.groupSocialTariff, 2)]) {
  const { orderId, response } = await api.registerNew(lines);
  expect(response.statusCode).toBe(201);
  stack.resetRequests();
  return { orderId, order: response.body };
}

/** The queue's message for the client's order, as the cancellation enqueued it: under the order's key. */
const deliver = (orderId: string, receiveCount = 1, messageId = 'm-1') =>
  consumer(
    sqsEvent([{ messageId, body: JSON.stringify({ orderId: orderKey(KEY_DEMO, orderId) }), receiveCount }]),
    lambdaContext('retryCancellations'),
  );

const deletes = () => stack.sandbox.requests.count(DELETE_SALE);
const active = () => stack.sandbox.state.activeTicketSales();

describe('cancelling', () => {
  it('cancels every sale of the order at UiTPAS, and cancelling twice answers the same', async () => {
    const { orderId, order } = await registered();
    const saleIds = order.lines.flatMap((l: { ticketSaleIds: string[] }) => l.ticketSaleIds);

    const first = await cancel(orderId);
    const second = await cancel(orderId);

    expect(first.statusCode).toBe(200);
    expect(first.body).toMatchObject({
      status: 'CANCELLED',
      lines: [{ status: 'CANCELLED' }, { status: 'CANCELLED' }],
    });
    expect(
      first.body.lines.flatMap((l: { cancelledTicketSaleIds: string[] }) => l.cancelledTicketSaleIds),
    ).toEqual(saleIds);
    expect(second.statusCode).toBe(200);
    expect(second.body).toEqual(first.body);
    expect(deletes()).toBe(3);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 0 });
    expect(stack.queue.messages).toHaveLength(0);
  });

  it('cancels one line and leaves the others held', async () => {
    const { orderId } = await registered();

    const response = await cancel(orderId, { lineId: 'b' });

    expect(response.statusCode).toBe(200);
    expect(response.body).toMatchObject({
      status: 'HELD',
      lines: [{ status: 'HELD' }, { status: 'CANCELLED' }],
    });
    expect(deletes()).toBe(2);
    expect(active().map((sale) => sale.uitpasNumber)).toEqual([PASSES.socialTariff]);
    expect((await cancel(orderId, { lineId: 'nope' })).body.type).toBe(`${PROBLEM}line-not-found`);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 1 });
  });

  it('counts a sale UiTPAS no longer knows as cancelled', async () => {
    const { orderId, order } = await registered([line('a', PASSES.socialTariff)]);
    stack.sandbox.state.cancelTicketSale(order.lines[0].ticketSaleIds[0]);

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(stack.sandbox.requests.filter(DELETE_SALE).map((r) => r.status)).toEqual([404]);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('refuses to confirm a cancelled order', async () => {
    const { orderId } = await registered();
    await cancel(orderId);

    const confirmed = await api.confirm(orderId);

    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.body).toMatchObject({ type: `${PROBLEM}order-not-held`, orderStatus: 'CANCELLED' });
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 0 });
  });

  it('cancels a confirmed order (a refund)', async () => {
    const { orderId } = await registered([line('a', PASSES.socialTariff)]);
    await api.confirm(orderId);

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('closes an order nothing was registered for, without calling UiTPAS', async () => {
    const orderId = api.nextOrderId();
    faultNextPost(stack.sandbox, { kind: 'status', status: 429 });
    const body = { orderId, lines: [line('a', PASSES.socialTariff)] };
    expect((await api.register(body)).statusCode).toBe(503);

    const response = await cancel(orderId);
    const retried = await api.register(body);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(deletes()).toBe(0);
    // The closed order is the answer to its request from now on: nothing is registered any more.
    expect(retried.statusCode).toBe(200);
    expect(retried.body.status).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 0, active: 0 });
  });

  it('keeps other keys out: 404', async () => {
    const { orderId } = await registered();

    const response = await cancel(orderId, { principal: KEY_OTHER });

    expect(response.statusCode).toBe(404);
    expect(response.body.type).toBe(`${PROBLEM}order-not-found`);
    expect(deletes()).toBe(0);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 3 });
  });

  it('refuses a cancel that carries a body (the line goes in ?lineId=), and cancels nothing', async () => {
    const { orderId } = await registered();

    const response = await cancel(orderId, { body: { lineId: 'line-2' } });

    expect(response.statusCode).toBe(400);
    expect(response.body.type).toBe(`${PROBLEM}body-not-allowed`);
    expect(response.body.detail).toMatch(/query/);
    expect(deletes()).toBe(0);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 3 });
  });
});

describe('while the registration is not settled', () => {
  const registerBody = (orderId: string, lines = [line('a', PASSES.socialTariff)]) =>
    api.register({ orderId, lines });

  it('keeps a cancellation asked right after a POST that UiTPAS applies late, and cancels the sale once found', async () => {
    const orderId = api.nextOrderId();
    // UiTPAS applies the sale 1.5 s after it got it; the client gave up after 300 ms.
    faultNextPost(stack.sandbox, { kind: 'latency', ms: 1500 });

    const lost = await registerBody(orderId);
    const cancelled = await cancel(orderId);
    await until(() => stack.sandbox.state.ticketSales().length > 0);
    const swept = await sweepAt(6);

    expect(lost.statusCode).toBe(503);
    // Not closed: nothing found yet is no proof while the POST may still be applied.
    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('UNKNOWN');
    expect(swept).toMatchObject({ reconciled: { registered: 1 }, cancelled: 1 });
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });

  it('cancels only the line asked when the outcome was unknown, and the other line stays held', async () => {
    const orderId = api.nextOrderId();
    const search = outcomeUnknown(stack.sandbox);
    const lines = [line('keep', PASSES.socialTariff), line('drop', PASSES.socialTariffGentbrugge)];

    const lost = await registerBody(orderId, lines);
    const cancelled = await cancel(orderId, { lineId: 'drop' });
    search.remove();
    await sweepAt(6);
    const confirmed = await api.confirm(orderId);

    expect(lost.statusCode).toBe(503);
    expect(cancelled.statusCode).toBe(202);
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body.lines.map((l: { status: string }) => l.status)).toEqual(['CONFIRMED', 'CANCELLED']);
    expect(active().map((sale) => sale.uitpasNumber)).toEqual([PASSES.socialTariff]);
    expect(stack.counts()).toEqual({ posts: 1, total: 2, active: 1 });
  });

  it('records a cancellation asked while the registration is running (202), and the registration does it', async () => {
    const orderId = api.nextOrderId();
    const stalled = stalledRegistrations(stack.uitpas);
    registerDeps = { uitpas: stalled.uitpas };
    cancelDeps = { waitMs: 100 };
    const registering = registerBody(orderId);
    await until(async () => (await stack.status(orderId)) === 'REGISTERING');

    const cancelled = await cancel(orderId);
    stalled.release();
    const registered = await registering;

    expect(cancelled.statusCode).toBe(202);
    expect(cancelled.body.status).toBe('REGISTERING');
    expect(registered.body.status).toBe('CANCELLED');
    expect(await stack.status(orderId)).toBe('CANCELLED');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('when UiTPAS cannot take the cancellation now', () => {
  it('answers 202 CANCEL_PENDING and queues it; the consumer finishes it once UiTPAS is back, once', async () => {
    const { orderId } = await registered();
    const down = cancellationsDown(stack.sandbox);

    const pending = await cancel(orderId);

    expect(pending.statusCode).toBe(202);
    expect(pending.body).toMatchObject({
      status: 'CANCEL_PENDING',
      lines: [{ status: 'CANCEL_PENDING' }, { status: 'CANCEL_PENDING' }],
    });
    expect(stack.queue.messages).toEqual([
      { message: { orderId: orderKey(KEY_DEMO, orderId) }, delaySeconds: undefined },
    ]);
    expect(active()).toHaveLength(3);

    // Still down at the first delivery: the message comes back later (backoff), nothing is marked done.
    const stillDown = await deliver(orderId, 1);
    expect(stillDown.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(stack.queue.redeliveries).toEqual([{ receiptHandle: 'receipt-m-1-1', delaySeconds: 30 }]);
    expect(await stack.status(orderId)).toBe('CANCEL_PENDING');

    down.remove();
    stack.resetRequests();
    const back = await deliver(orderId, 2);
    const duplicate = await deliver(orderId, 1, 'm-2');

    expect(back.batchItemFailures).toEqual([]);
    expect(duplicate.batchItemFailures).toEqual([]);
    expect(stack.sandbox.requests.filter(DELETE_SALE).map((r) => r.status)).toEqual([204, 204, 204]);
    expect(active()).toHaveLength(0);
    const order = await api.get(orderId);
    expect(order.body.status).toBe('CANCELLED');
    expect(alarms).toEqual([]);
    expect(stack.counts()).toEqual({ posts: 1, total: 3, active: 0 });
  });

  it('stays CANCEL_PENDING when the message cannot be sent: nothing is lost, the order is in the sweep’s index', async () => {
    const { orderId } = await registered([line('a', PASSES.socialTariff)]);
    cancellationsDown(stack.sandbox);
    stack.queue.failNext = 1;

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(202);
    expect(stack.queue.messages).toEqual([]);
    // Due for the sweep's retry 5 minutes after the failed attempt.
    const due = (minutes: number) =>
      stack.orders.listDue('CANCEL_PENDING', new Date(Date.now() + minutes * 60_000), 10);
    expect(await due(4)).toEqual([]);
    expect((await due(6)).map((order) => order.orderId)).toEqual([orderKey(KEY_DEMO, orderId)]);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });
});

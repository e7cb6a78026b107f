/**
 * cancelTicketSales through its handler, against dynalite and the in-process sandbox with the real UiTPAS client,
 * and the queue consumer picking up what UiTPAS could not take. The queue is an in-memory fake of the port.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../lib/domain/access.js';
import type { DeadLetterAlarm } from '../lib/ticket-sales/retry-cancellations.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  KEY_OTHER,
  startTicketSalesStack,
  type TicketSalesStack,
} from '../lib/ticket-sales/test-stack.js';
import { PASSES } from '../local/sandbox/index.js';
import { createHandler as createCancelHandler } from './cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from './register-ticket-sales.js';
import { createHandler as createRetryHandler } from './retry-cancellations.js';

const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';
const PROBLEM = 'urn:uitpas-ticketing:problem:';
const UITPAS_DOWN = {
  method: 'DELETE',
  path: /^\/uitpas\/ticket-sales\/.+/,
  kind: 'status',
  status: 503,
} as const;

let stack: TicketSalesStack;
const alarms: DeadLetterAlarm[] = [];
const register = createRegisterHandler(() => stack.deps());
const cancelHandler = createCancelHandler(() => stack.deps());
const consumer = createRetryHandler(() => ({
  ...stack.deps(),
  redelivery: stack.queue,
  maxReceives: 8,
  alarm: (details) => alarms.push(details),
}));
let orderNumber = 0;

beforeAll(async () => {
  stack = await startTicketSalesStack({ tablePrefix: 'cancel' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  alarms.length = 0;
  await stack.fresh();
});

const line = (lineId: string, uitpasNumber: string, quantity = 1) => ({
  lineId,
  eventId: EVENTS.festival,
  uitpasNumber,
  tariffId: 'SOCIALTARIFF',
  regularPrice: 10,
  quantity,
});

async function registered(lines = [line('a', PASSES.socialTariff), line('b', PASSES.groupSocialTariff, 2)]) {
  const orderId = `order-${++orderNumber}`;
  const response = await call(register, KEY_DEMO, {
    method: 'POST',
    route: '/v1/ticket-sales',
    body: { orderId, lines },
  });
  expect(response.statusCode).toBe(201);
  stack.sandbox.requests.reset();
  return { orderId, order: response.body };
}

const cancel = (orderId: string, options: { lineId?: string; principal?: Principal } = {}) =>
  call(cancelHandler, options.principal ?? KEY_DEMO, {
    method: 'DELETE',
    route: '/v1/ticket-sales/{orderId}',
    pathParameters: { orderId },
    ...(options.lineId ? { query: { lineId: options.lineId } } : {}),
  });

const deliver = (orderId: string, receiveCount = 1, messageId = 'm-1') =>
  consumer({
    Records: [
      {
        messageId,
        receiptHandle: `receipt-${messageId}-${receiveCount}`,
        body: JSON.stringify({ orderId }),
        attributes: {
          ApproximateReceiveCount: String(receiveCount),
          SentTimestamp: '0',
          SenderId: 'test',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:cancellations',
        awsRegion: 'eu-west-1',
      },
    ],
  });

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
    expect(active()).toHaveLength(0);
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
  });

  it('counts a sale UiTPAS no longer knows as cancelled', async () => {
    const { orderId, order } = await registered([line('a', PASSES.socialTariff)]);
    stack.sandbox.state.cancelTicketSale(order.lines[0].ticketSaleIds[0]);

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(stack.sandbox.requests.filter(DELETE_SALE).map((r) => r.status)).toEqual([404]);
  });

  it('refuses to confirm a cancelled order', async () => {
    const { orderId } = await registered();
    await cancel(orderId);

    const confirmed = await call(register, KEY_DEMO, {
      method: 'POST',
      route: '/v1/ticket-sales/{orderId}/confirm',
      pathParameters: { orderId },
    });

    expect(confirmed.statusCode).toBe(409);
    expect(confirmed.body).toMatchObject({ type: `${PROBLEM}order-not-held`, orderStatus: 'CANCELLED' });
  });

  it('cancels a confirmed order (a refund)', async () => {
    const { orderId } = await registered([line('a', PASSES.socialTariff)]);
    await call(register, KEY_DEMO, {
      method: 'POST',
      route: '/v1/ticket-sales/{orderId}/confirm',
      pathParameters: { orderId },
    });

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(active()).toHaveLength(0);
  });

  it('closes an order nothing was registered for, without calling UiTPAS', async () => {
    const orderId = `order-${++orderNumber}`;
    stack.sandbox.faults.add({
      method: 'POST',
      path: '/uitpas/ticket-sales',
      kind: 'status',
      status: 429,
      times: 1,
    });
    const body = { orderId, lines: [line('a', PASSES.socialTariff)] };
    expect(
      (await call(register, KEY_DEMO, { method: 'POST', route: '/v1/ticket-sales', body })).statusCode,
    ).toBe(503);

    const response = await cancel(orderId);
    const retried = await call(register, KEY_DEMO, { method: 'POST', route: '/v1/ticket-sales', body });

    expect(response.statusCode).toBe(200);
    expect(response.body.status).toBe('CANCELLED');
    expect(deletes()).toBe(0);
    // The closed order is the answer to its request from now on: nothing is registered any more.
    expect(retried.statusCode).toBe(200);
    expect(retried.body.status).toBe('CANCELLED');
    expect(stack.sandbox.requests.count('POST /uitpas/ticket-sales')).toBe(1);
  });

  it('keeps other keys out: 404', async () => {
    const { orderId } = await registered();

    const response = await cancel(orderId, { principal: KEY_OTHER });

    expect(response.statusCode).toBe(404);
    expect(response.body.type).toBe(`${PROBLEM}order-not-found`);
    expect(deletes()).toBe(0);
    expect(active()).toHaveLength(3);
  });
});

describe('when UiTPAS cannot take the cancellation now', () => {
  it('answers 202 CANCEL_PENDING and queues it; the consumer finishes it once UiTPAS is back, once', async () => {
    const { orderId } = await registered();
    const down = stack.sandbox.faults.add(UITPAS_DOWN);

    const pending = await cancel(orderId);

    expect(pending.statusCode).toBe(202);
    expect(pending.body).toMatchObject({
      status: 'CANCEL_PENDING',
      lines: [{ status: 'CANCEL_PENDING' }, { status: 'CANCEL_PENDING' }],
    });
    expect(stack.queue.messages).toEqual([{ message: { orderId }, delaySeconds: undefined }]);
    expect(active()).toHaveLength(3);

    // Still down at the first delivery: the message comes back later (backoff), nothing is marked done.
    const stillDown = await deliver(orderId, 1);
    expect(stillDown.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    expect(stack.queue.redeliveries).toEqual([{ receiptHandle: 'receipt-m-1-1', delaySeconds: 30 }]);
    expect((await stack.orders.get(orderId))?.status).toBe('CANCEL_PENDING');

    down.remove();
    stack.sandbox.requests.reset();
    const back = await deliver(orderId, 2);
    const duplicate = await deliver(orderId, 1, 'm-2');

    expect(back.batchItemFailures).toEqual([]);
    expect(duplicate.batchItemFailures).toEqual([]);
    expect(stack.sandbox.requests.filter(DELETE_SALE).map((r) => r.status)).toEqual([204, 204, 204]);
    expect(active()).toHaveLength(0);
    const order = await call(register, KEY_DEMO, {
      method: 'GET',
      route: '/v1/ticket-sales/{orderId}',
      pathParameters: { orderId },
    });
    expect(order.body.status).toBe('CANCELLED');
    expect(alarms).toEqual([]);
  });

  it('stays CANCEL_PENDING when the message cannot be sent: nothing is lost, the order is in the sweep’s index', async () => {
    const { orderId } = await registered([line('a', PASSES.socialTariff)]);
    stack.sandbox.faults.add(UITPAS_DOWN);
    stack.queue.failNext = 1;

    const response = await cancel(orderId);

    expect(response.statusCode).toBe(202);
    expect(stack.queue.messages).toEqual([]);
    const due = await stack.orders.listDue('CANCEL_PENDING', new Date(Date.now() + 60_000), 10);
    expect(due.map((order) => order.orderId)).toEqual([orderId]);
  });
});

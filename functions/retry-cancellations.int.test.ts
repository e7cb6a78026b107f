/**
 * retryCancellations (the queue consumer) with SQS events as Lambda delivers them, against dynalite and the
 * in-process sandbox with the real UiTPAS client. The flow from the API's 202 to the consumer is in
 * cancel-ticket-sales.int.test.ts; this file covers the consumer's own decisions.
 */
import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetterAlarm } from '../lib/ticket-sales/retry-cancellations.js';
import {
  call,
  EVENTS,
  KEY_DEMO,
  saleCounts,
  startTicketSalesStack,
  type TicketSalesStack,
} from '../lib/ticket-sales/test-stack.js';
import { PASSES } from '../local/sandbox/index.js';
import { createHandler as createCancelHandler } from './cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from './register-ticket-sales.js';
import { createHandler } from './retry-cancellations.js';

const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';
const UITPAS_DOWN = {
  method: 'DELETE',
  path: /^\/uitpas\/ticket-sales\/.+/,
  kind: 'status',
  status: 503,
} as const;

let stack: TicketSalesStack;
const alarms: DeadLetterAlarm[] = [];
const register = createRegisterHandler(() => stack.deps());
const cancel = createCancelHandler(() => stack.deps());
const consumer = createHandler(() => ({
  ...stack.deps(),
  redelivery: stack.queue,
  maxReceives: 8,
  alarm: (details) => alarms.push(details),
}));
let orderNumber = 0;
/** POSTs counted before a test reset the request log (to count its DELETEs alone). */
let earlierPosts = 0;
const resetRequests = () => {
  earlierPosts += stack.sandbox.requests.count('POST /uitpas/ticket-sales');
  stack.sandbox.requests.reset();
};
const counts = () => {
  const now = saleCounts(stack.sandbox);
  return { ...now, posts: now.posts + earlierPosts };
};

beforeAll(async () => {
  stack = await startTicketSalesStack({ tablePrefix: 'retry' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  alarms.length = 0;
  earlierPosts = 0;
  await stack.fresh();
});

function sqsEvent(messages: { messageId: string; body: string; receiveCount: number }[]): SQSEvent {
  return {
    Records: messages.map(({ messageId, body, receiveCount }) => ({
      messageId,
      receiptHandle: `receipt-${messageId}-${receiveCount}`,
      body,
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
    })),
  };
}

/** A registered order whose cancellation UiTPAS could not take (UiTPAS stays down until the fault is removed). */
async function pendingOrder() {
  const orderId = `order-${++orderNumber}`;
  const lines = [
    {
      lineId: 'a',
      eventId: EVENTS.festival,
      uitpasNumber: PASSES.socialTariff,
      tariffId: 'SOCIALTARIFF',
      regularPrice: 10,
    },
  ];
  await call(register, KEY_DEMO, { method: 'POST', route: '/v1/ticket-sales', body: { orderId, lines } });
  const down = stack.sandbox.faults.add(UITPAS_DOWN);
  const response = await call(cancel, KEY_DEMO, {
    method: 'DELETE',
    route: '/v1/ticket-sales/{orderId}',
    pathParameters: { orderId },
  });
  expect(response.statusCode).toBe(202);
  return { orderId, down };
}

describe('the cancellation queue consumer', () => {
  it('backs off exponentially while UiTPAS stays down', async () => {
    const { orderId } = await pendingOrder();
    const body = JSON.stringify({ orderId });

    for (const receiveCount of [1, 2, 3, 7]) {
      const result = await consumer(sqsEvent([{ messageId: 'm', body, receiveCount }]));
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    }

    expect(stack.queue.redeliveries.map((r) => r.delaySeconds)).toEqual([30, 60, 120, 900]);
    expect(alarms).toEqual([]);
    expect((await stack.orders.get(orderId))?.status).toBe('CANCEL_PENDING');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('raises the dead-letter alarm on the last receive and keeps the order CANCEL_PENDING', async () => {
    const { orderId } = await pendingOrder();

    const last = await consumer(
      sqsEvent([{ messageId: 'm', body: JSON.stringify({ orderId, lineId: 'a' }), receiveCount: 8 }]),
    );

    expect(last.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(alarms).toEqual([{ orderId, lineId: 'a', messageId: 'm', receiveCount: 8 }]);
    expect(stack.queue.redeliveries).toEqual([]);
    expect((await stack.orders.get(orderId))?.status).toBe('CANCEL_PENDING');
    expect(counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('reports only the messages that still have work, in a batch with a malformed one and an unknown order', async () => {
    const stillDown = await pendingOrder();
    stillDown.down.remove();
    const recovers = await pendingOrder();
    stack.sandbox.faults.clear();
    stack.sandbox.faults.add({
      ...UITPAS_DOWN,
      path: new RegExp(
        `^/uitpas/ticket-sales/${(await stack.orders.get(stillDown.orderId))?.lines[0]?.ticketSaleIds[0]}$`,
      ),
    });
    resetRequests();

    const result = await consumer(
      sqsEvent([
        { messageId: 'down', body: JSON.stringify({ orderId: stillDown.orderId }), receiveCount: 2 },
        { messageId: 'ok', body: JSON.stringify({ orderId: recovers.orderId }), receiveCount: 2 },
        { messageId: 'garbage', body: 'not json', receiveCount: 1 },
        { messageId: 'unknown', body: JSON.stringify({ orderId: 'no-such-order' }), receiveCount: 1 },
      ]),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'down' }]);
    expect((await stack.orders.get(recovers.orderId))?.status).toBe('CANCELLED');
    expect((await stack.orders.get(stillDown.orderId))?.status).toBe('CANCEL_PENDING');
    expect(counts()).toEqual({ posts: 2, total: 2, active: 1 });
  });

  it('does nothing for an order whose cancellation is done already', async () => {
    const { orderId, down } = await pendingOrder();
    down.remove();
    await consumer(sqsEvent([{ messageId: 'first', body: JSON.stringify({ orderId }), receiveCount: 1 }]));
    resetRequests();

    const duplicate = await consumer(
      sqsEvent([{ messageId: 'again', body: JSON.stringify({ orderId }), receiveCount: 1 }]),
    );

    expect(duplicate.batchItemFailures).toEqual([]);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(0);
    expect(counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('the example event in events/', () => {
  it('is an SQS batch the consumer reads', async () => {
    const event = JSON.parse(
      readFileSync(new URL('../events/retry-cancellations/message.json', import.meta.url), 'utf8'),
    ) as SQSEvent;
    // Its order does not exist in this fresh table: the message is read, found to have no work, and dropped.
    expect(await consumer(event)).toEqual({ batchItemFailures: [] });
    expect(counts()).toEqual({ posts: 0, total: 0, active: 0 });
  });
});

/**
 * retryCancellations (the queue consumer) with SQS events as Lambda delivers them, against dynalite and the
 * in-process sandbox with the real UiTPAS client. The flow from the API's 202 to the consumer is in
 * cancel-ticket-sales.int.test.ts; this file covers the consumer's own decisions.
 */

import { readFileSync } from 'node:fs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orderKey } from '../lib/domain/ticket-sales/index.js';
import { createHandler as createCancelHandler } from '../lib/handlers/cancel-ticket-sales.js';
import { createHandler as createRegisterHandler } from '../lib/handlers/register-ticket-sales.js';
import { createHandler } from '../lib/handlers/retry-cancellations.js';
import type { DeadLetterAlarm } from '../lib/use-cases/ticket-sales/retry-cancellations.js';
import { lambdaContext } from '../test-support/api-event.js';
import {
  cancellationsDown,
  KEY_DEMO,
  sqsEvent,
  startTicketSalesStack,
  type TicketSalesStack,
  ticketSalesApi,
} from '../test-support/ticket-sales-stack.js';

const DELETE_SALE = 'DELETE /uitpas/ticket-sales/{ticketSaleId}';

let stack: TicketSalesStack;
const alarms: DeadLetterAlarm[] = [];
const api = ticketSalesApi({
  register: createRegisterHandler(() => stack.deps()),
  cancel: createCancelHandler(() => stack.deps()),
});
const retry = createHandler(() => stack.retryDeps((details) => alarms.push(details)));
const consumer = (event: SQSEvent) => retry(event, lambdaContext('retryCancellations'));

beforeAll(async () => {
  stack = await startTicketSalesStack({ tableName: 'retry' });
});
afterAll(() => stack.close());
beforeEach(async () => {
  alarms.length = 0;
  await stack.fresh();
});

/** A registered order whose cancellation UiTPAS could not take (UiTPAS stays down until the fault is removed). */
async function pendingOrder() {
  const { orderId } = await api.registerNew();
  const down = cancellationsDown(stack.sandbox);
  const response = await api.cancel(orderId);
  expect(response.statusCode).toBe(202);
  return { orderId, down };
}

describe('the cancellation queue consumer', () => {
  it('backs off exponentially while UiTPAS stays down', async () => {
    const { orderId } = await pendingOrder();
    const body = JSON.stringify({ orderId: orderKey(KEY_DEMO, orderId) });

    for (const receiveCount of [1, 2, 3, 7]) {
      const result = await consumer(sqsEvent([{ messageId: 'm', body, receiveCount }]));
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    }

    expect(stack.queue.redeliveries.map((r) => r.delaySeconds)).toEqual([30, 60, 120, 900]);
    expect(alarms).toEqual([]);
    expect(await stack.status(orderId)).toBe('CANCEL_PENDING');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('raises the dead-letter alarm on the last receive and keeps the order CANCEL_PENDING', async () => {
    const { orderId } = await pendingOrder();

    const last = await consumer(
      sqsEvent([
        {
          messageId: 'm',
          body: JSON.stringify({ orderId: orderKey(KEY_DEMO, orderId), lineId: 'a' }),
          receiveCount: 8,
        },
      ]),
    );

    expect(last.batchItemFailures).toEqual([{ itemIdentifier: 'm' }]);
    expect(alarms).toEqual([
      { orderId: orderKey(KEY_DEMO, orderId), lineId: 'a', messageId: 'm', receiveCount: 8 },
    ]);
    expect(stack.queue.redeliveries).toEqual([]);
    expect(await stack.status(orderId)).toBe('CANCEL_PENDING');
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 1 });
  });

  it('reports only the messages that still have work, in a batch with a malformed one and an unknown order', async () => {
    const stillDown = await pendingOrder();
    stillDown.down.remove();
    const recovers = await pendingOrder();
    stack.sandbox.faults.clear();
    const stuckSale = (await stack.stored(stillDown.orderId))?.lines[0]?.ticketSaleIds[0];
    cancellationsDown(stack.sandbox, stuckSale);
    stack.resetRequests();

    const result = await consumer(
      sqsEvent([
        {
          messageId: 'down',
          body: JSON.stringify({ orderId: orderKey(KEY_DEMO, stillDown.orderId) }),
          receiveCount: 2,
        },
        {
          messageId: 'ok',
          body: JSON.stringify({ orderId: orderKey(KEY_DEMO, recovers.orderId) }),
          receiveCount: 2,
        },
        { messageId: 'garbage', body: 'not json', receiveCount: 1 },
        { messageId: 'unknown', body: JSON.stringify({ orderId: 'no-such-order' }), receiveCount: 1 },
      ]),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'down' }]);
    expect(await stack.status(recovers.orderId)).toBe('CANCELLED');
    expect(await stack.status(stillDown.orderId)).toBe('CANCEL_PENDING');
    expect(stack.counts()).toEqual({ posts: 2, total: 2, active: 1 });
  });

  it('does nothing for an order whose cancellation is done already', async () => {
    const { orderId, down } = await pendingOrder();
    down.remove();
    await consumer(
      sqsEvent([
        {
          messageId: 'first',
          body: JSON.stringify({ orderId: orderKey(KEY_DEMO, orderId) }),
          receiveCount: 1,
        },
      ]),
    );
    stack.resetRequests();

    const duplicate = await consumer(
      sqsEvent([
        {
          messageId: 'again',
          body: JSON.stringify({ orderId: orderKey(KEY_DEMO, orderId) }),
          receiveCount: 1,
        },
      ]),
    );

    expect(duplicate.batchItemFailures).toEqual([]);
    expect(stack.sandbox.requests.count(DELETE_SALE)).toBe(0);
    expect(stack.counts()).toEqual({ posts: 1, total: 1, active: 0 });
  });
});

describe('the example event in events/', () => {
  it('is an SQS batch the consumer reads', async () => {
    const event = JSON.parse(
      readFileSync(new URL('../events/retry-cancellations/message.json', import.meta.url), 'utf8'),
    ) as SQSEvent;
    // Its order does not exist in this fresh table: the message is read, found to have no work, and dropped.
    expect(await consumer(event)).toEqual({ batchItemFailures: [] });
    expect(stack.counts()).toEqual({ posts: 0, total: 0, active: 0 });
  });
});

import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../../domain/ticket-sales/index.js';
import { createOrderRepository, orderIndexKeys } from './orders.js';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const dynamo = mockClient(doc);
const orders = createOrderRepository({ name: 'unit', doc });

afterEach(() => {
  dynamo.reset();
});

const base: Order = {
  orderId: 'o-1',
  requestHash: 'h',
  organisationIds: ['org-a'],
  clientName: 'box-office',
  keyId: 'k',
  status: 'REGISTERING',
  lines: [],
  attempt: { owner: 'me', startedAt: '2026-03-02T10:00:00.000Z', leaseUntil: '2026-03-02T10:00:30.000Z' },
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  version: 1,
};

describe('where an order sits in the sweep index', () => {
  it('follows its status', () => {
    expect(orderIndexKeys(base)).toEqual({
      gsi1pk: 'ORDERS#UNSETTLED',
      gsi1sk: '2026-03-02T10:00:30.000Z#o-1',
    });
    expect(orderIndexKeys({ ...base, status: 'HELD', heldUntil: '2026-03-02T10:30:00.000Z' })).toEqual({
      gsi1pk: 'ORDERS#HELD',
      gsi1sk: '2026-03-02T10:30:00.000Z#o-1',
    });
    expect(
      orderIndexKeys({ ...base, status: 'UNKNOWN', updatedAt: '2026-03-02T10:01:00.000Z' })?.gsi1sk,
    ).toBe('2026-03-02T10:01:00.000Z#o-1');
    expect(orderIndexKeys({ ...base, status: 'CONFIRMED' })).toBeUndefined();
    expect(orderIndexKeys({ ...base, status: 'CANCELLED' })).toBeUndefined();
    expect(orderIndexKeys({ ...base, status: 'REFUSED' })).toBeUndefined();
    expect(orderIndexKeys({ ...base, status: 'REFUSED', uncertainSince: 'x' })?.gsi1pk).toBe(
      'ORDERS#UNSETTLED',
    );
  });

  it('puts a pending cancellation under the time the sweep must retry it, moved on by every failed attempt', () => {
    const line = { lineId: 'a', status: 'CANCEL_PENDING', cancelSince: '2026-03-02T10:05:00.000Z' };
    const pending = {
      ...base,
      status: 'CANCEL_PENDING',
      lines: [line, { ...line, cancelSince: '2026-03-02T10:02:00.000Z' }],
    } as Order;
    // Before any attempt failed: 5 minutes after it was first asked (the API and the queue try first).
    expect(orderIndexKeys(pending)).toEqual({
      gsi1pk: 'ORDERS#CANCEL_PENDING',
      gsi1sk: '2026-03-02T10:07:00.000Z#o-1',
    });
    expect(orderIndexKeys({ ...pending, cancelRetryAt: '2026-03-02T11:00:00.000Z' })?.gsi1sk).toBe(
      '2026-03-02T11:00:00.000Z#o-1',
    );
  });

  it('keeps an order with a held line and a stuck cancellation due by heldUntil, and orphaned sales pending', () => {
    const lines = [
      { lineId: 'a', status: 'HELD' },
      { lineId: 'b', status: 'CANCEL_PENDING', cancelSince: '2026-03-02T10:02:00.000Z' },
    ];
    const order = {
      ...base,
      status: 'CANCEL_PENDING',
      heldUntil: '2026-03-02T10:30:00.000Z',
      cancelRetryAt: '2026-03-02T11:00:00.000Z',
      lines,
    } as Order;
    expect(orderIndexKeys(order)?.gsi1sk).toBe('2026-03-02T10:30:00.000Z#o-1');
    const orphaned = {
      ...base,
      status: 'CANCELLED',
      lines: [{ lineId: 'a', status: 'CANCELLED' }],
      orphanedSales: [{ ticketSaleId: '9', lineId: 'a', foundAt: '2026-03-02T10:00:00.000Z' }],
    } as Order;
    expect(orderIndexKeys(orphaned)?.gsi1pk).toBe('ORDERS#CANCEL_PENDING');
  });
});

describe('writes', () => {
  it('creates only when absent and replaces only the version read, as one Put with the index keys', async () => {
    dynamo.on(PutCommand).resolves({});

    await orders.save(base);
    await orders.save({
      ...base,
      status: 'HELD',
      heldUntil: '2026-03-02T10:30:00.000Z',
      attempt: undefined,
      version: 2,
    });

    expect(dynamo).toHaveReceivedNthCommandWith(PutCommand, 1, {
      ConditionExpression: 'attribute_not_exists(pk)',
      Item: expect.objectContaining({ pk: 'ORDER#o-1', sk: 'ORDER', gsi1pk: 'ORDERS#UNSETTLED' }),
    });
    expect(dynamo).toHaveReceivedNthCommandWith(PutCommand, 2, {
      ConditionExpression: '#version = :previous',
      ExpressionAttributeValues: { ':previous': 1 },
      Item: expect.objectContaining({
        gsi1pk: 'ORDERS#HELD',
        gsi1sk: '2026-03-02T10:30:00.000Z#o-1',
        version: 2,
      }),
    });
  });

  it('reports a lost race as false, not as an error', async () => {
    dynamo.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));

    expect(await orders.save({ ...base, version: 3 })).toBe(false);
  });
});

/** The order repository against dynalite: conditional writes, sale claims and the sweep's index. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import type { Order } from '../../domain/ticket-sales/index.js';
import type { OrderRepository } from '../../use-cases/ticket-sales/ports.js';
import { createOrderRepository } from './orders.js';

let dynamo: LocalDynamo;
let orders: OrderRepository;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  orders = createOrderRepository(await createLocalTable(dynamo.endpoint, 'orders-test'));
});
afterAll(() => dynamo.close());

const order = (orderId: string, overrides: Partial<Order> = {}): Order => ({
  orderId,
  requestHash: 'h',
  organisationIds: ['org-a'],
  clientName: 'box-office',
  keyId: 'k',
  status: 'HELD',
  lines: [],
  heldUntil: '2026-03-02T10:30:00.000Z',
  createdAt: '2026-03-02T10:00:00.000Z',
  updatedAt: '2026-03-02T10:00:00.000Z',
  version: 1,
  ...overrides,
});

describe('orders', () => {
  it('creates once and replaces only the version it read', async () => {
    expect(await orders.save(order('o-create'))).toBe(true);
    expect(await orders.save(order('o-create'))).toBe(false);
    expect(await orders.save(order('o-create', { status: 'CONFIRMED', version: 2 }))).toBe(true);
    expect(await orders.save(order('o-create', { status: 'CANCELLED', version: 2 }))).toBe(false);

    const stored = await orders.get('o-create', { consistent: true });
    expect(stored).toEqual(order('o-create', { status: 'CONFIRMED', version: 2 }));
    expect(await orders.get('o-missing')).toBeUndefined();
  });

  it('lists what is due per partition, oldest first, and an order leaves the partition when its status does', async () => {
    await orders.save(order('o-late', { heldUntil: '2026-03-02T11:00:00.000Z' }));
    await orders.save(order('o-early', { heldUntil: '2026-03-02T10:10:00.000Z' }));
    await orders.save(order('o-unknown', { status: 'UNKNOWN', heldUntil: undefined }));
    const due = (queue: 'HELD' | 'UNSETTLED', at: string) =>
      orders.listDue(queue, new Date(at), 10).then((list) => list.map((o) => o.orderId));

    expect(await due('HELD', '2026-03-02T10:45:00.000Z')).toEqual(['o-early']);
    expect(await due('HELD', '2026-03-02T12:00:00.000Z')).toEqual(['o-early', 'o-late']);
    expect(await due('UNSETTLED', '2026-03-02T12:00:00.000Z')).toEqual(['o-unknown']);

    await orders.save(order('o-early', { status: 'CONFIRMED', version: 2 }));
    expect(await due('HELD', '2026-03-02T12:00:00.000Z')).toEqual(['o-late']);
  });
});

describe('sale claims', () => {
  it('give a sale to one order only; the same order may claim it again', async () => {
    const claim = {
      ticketSaleId: '42',
      orderId: 'o-1',
      lineId: 'a',
      source: 'registration',
      claimedAt: 't',
    } as const;

    expect(await orders.claimSale(claim)).toEqual({ outcome: 'claimed' });
    expect(await orders.claimSale(claim)).toEqual({ outcome: 'claimed' });
    expect(await orders.claimSale({ ...claim, orderId: 'o-2', source: 'reconciliation' })).toEqual({
      outcome: 'taken',
      claim,
    });
    expect(await orders.getClaim('42')).toEqual(claim);
    expect(await orders.getClaim('43')).toBeUndefined();
  });
});

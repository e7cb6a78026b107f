import { describe, expect, it } from 'vitest';
import { claimedLine, ledgerState as stateOnLine } from './ledger.js';
import type { Order, OrderLine } from './types.js';

/** The state of sale `id` on line `lineId` of `order`, the line looked up as callers do. */
const ledgerState = (order: Order | undefined, lineId: string, id: string) =>
  stateOnLine(order, claimedLine(order, { lineId }), id);

describe('ledgerState', () => {
  const line = (overrides: Partial<OrderLine>): OrderLine =>
    ({
      lineId: 'l1',
      status: 'CONFIRMED',
      ticketSaleIds: ['1', '2'],
      cancelledTicketSaleIds: [],
      ...overrides,
    }) as OrderLine;
  const order = (lines: OrderLine[], extra: Partial<Order> = {}) => ({ lines, ...extra }) as Order;

  it('standing for HELD and CONFIRMED lines holding the sale', () => {
    expect(ledgerState(order([line({})]), 'l1', '1')).toBe('standing');
    expect(ledgerState(order([line({ status: 'HELD' })]), 'l1', '2')).toBe('standing');
  });
  it('cancelled once our cancellation of it is done: the line CANCELLED, the sale cancelled, a cancelled orphan', () => {
    expect(ledgerState(order([line({ status: 'CANCELLED' })]), 'l1', '1')).toBe('cancelled');
    for (const status of ['CONFIRMED', 'CANCEL_PENDING'] as const)
      expect(ledgerState(order([line({ status, cancelledTicketSaleIds: ['1'] })]), 'l1', '1')).toBe(
        'cancelled',
      );
    const orphan = { ticketSaleId: '9', lineId: 'l1', foundAt: 'x', cancelledAt: 'y' };
    expect(ledgerState(order([line({})], { orphanedSales: [orphan] }), 'l1', '9')).toBe('cancelled');
  });
  it('cancelling while the cancellation is under way: the line CANCELLING or CANCEL_PENDING, an orphan to cancel', () => {
    for (const status of ['CANCELLING', 'CANCEL_PENDING'] as const)
      expect(ledgerState(order([line({ status })]), 'l1', '1')).toBe('cancelling');
    const orphan = { ticketSaleId: '9', lineId: 'l1', foundAt: 'x' };
    expect(ledgerState(order([line({})], { orphanedSales: [orphan] }), 'l1', '9')).toBe('cancelling');
  });
  it('unsettled while the registration is not settled, or the order is gone', () => {
    expect(ledgerState(undefined, 'l1', '1')).toBe('unsettled');
    expect(ledgerState(order([line({ status: 'UNKNOWN' })]), 'l1', '1')).toBe('unsettled');
    expect(ledgerState(order([line({})]), 'l1', '3')).toBe('unsettled');
  });
});

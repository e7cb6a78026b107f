import { describe, expect, it } from 'vitest';
import {
  countByKind,
  type LedgerEntry,
  ledgerState,
  reconcileEvent,
  type UitpasSale,
} from './reconciliation.js';
import type { Order, OrderLine } from './types.js';

const entry = (id: string, overrides: Partial<LedgerEntry> = {}): LedgerEntry => ({
  ticketSaleId: id,
  orderId: `o-${id}`,
  lineId: 'l1',
  state: 'standing',
  tariffId: 'SOCIALTARIFF',
  registeredPrice: 2,
  ...overrides,
});
const sale = (id: string, overrides: Partial<UitpasSale> = {}): UitpasSale => ({
  ticketSaleId: id,
  tariffId: 'SOCIALTARIFF',
  price: 2,
  ...overrides,
});

describe('reconcileEvent', () => {
  it('finds nothing when both sides agree (prices to the cent)', () => {
    expect(
      reconcileEvent(
        [entry('1'), entry('2', { registeredPrice: 0.1 + 0.2 })],
        [sale('1'), sale('2', { price: 0.3 })],
      ),
    ).toEqual([]);
  });

  it('names each kind with what to do', () => {
    const found = reconcileEvent(
      [
        entry('1'),
        entry('2', { state: 'cancelled' }),
        entry('3'),
        entry('4', { tariffId: 'COUPON-1' }),
        entry('6', { state: 'cancelled' }),
      ],
      [sale('2'), sale('3', { price: 3 }), sale('4'), sale('5')],
    );
    expect(found.map((d) => [d.kind, d.ticketSaleId, d.action])).toEqual([
      ['missing-at-uitpas', '1', 'investigate'],
      ['cancelled-still-at-uitpas', '2', 'cancel-at-uitpas'],
      ['not-ours', '5', 'investigate'],
      ['price-differs', '3', 'investigate'],
      ['tariff-differs', '4', 'investigate'],
    ]);
    expect(found[2]).toMatchObject({
      orderId: null,
      lineId: null,
      ours: null,
      uitpas: { tariffId: 'SOCIALTARIFF', price: 2 },
    });
    expect(found[0]).toMatchObject({ orderId: 'o-1', uitpas: null, ours: { price: 2 } });
    expect(countByKind(found)).toEqual({
      'missing-at-uitpas': 1,
      'cancelled-still-at-uitpas': 1,
      'not-ours': 1,
      'price-differs': 1,
      'tariff-differs': 1,
    });
  });

  it('asserts nothing of an unsettled sale, and does not compare an unknown price', () => {
    expect(
      reconcileEvent(
        [entry('1', { state: 'unsettled' }), entry('2', { registeredPrice: null })],
        [sale('1', { price: 9 }), sale('2', { price: 5 })],
      ),
    ).toEqual([]);
    expect(reconcileEvent([entry('1', { state: 'unsettled' })], [])).toEqual([]);
  });

  it('leaves a sale whose cancellation is under way to that cancellation, at UiTPAS or not', () => {
    expect(reconcileEvent([entry('1', { state: 'cancelling' })], [sale('1')])).toEqual([]);
    expect(reconcileEvent([entry('1', { state: 'cancelling' })], [])).toEqual([]);
  });

  it('is deterministic: the same result whatever the input order, ids in numeric order', () => {
    const ours = [entry('10'), entry('9'), entry('100')];
    const a = reconcileEvent(ours, [sale('7'), sale('70'), sale('8')]);
    const b = reconcileEvent([...ours].reverse(), [sale('8'), sale('70'), sale('7')]);
    expect(a).toEqual(b);
    expect(a.map((d) => d.ticketSaleId)).toEqual(['9', '10', '100', '7', '8', '70']);
  });
});

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

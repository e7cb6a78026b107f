import { describe, expect, it } from 'vitest';
import { countByKind, type LedgerEntry, reconcileEvent, type UitpasSale } from './reconciliation.js';

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

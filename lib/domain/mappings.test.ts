import { describe, expect, it } from 'vitest';
import {
  changedFields,
  hasMappingLabel,
  isTicketingId,
  isUitdatabankId,
  isValidPrice,
  standardTicketTypes,
  toCents,
} from './mappings.js';

describe('prices', () => {
  it.each([
    [10, 1000],
    [0, 0],
    [0.1, 10],
    [12.34, 1234],
    [19.99, 1999],
    [1.1, 110],
    [4.35, 435],
    [100_000, 10_000_000],
  ])('converts %s EUR to %s cents exactly', (price, cents) => {
    expect(toCents(price)).toBe(cents);
  });

  it('compares prices in cents where floats would differ', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(toCents(0.3)).toBe(toCents(0.1) + toCents(0.2));
  });

  it.each([12.345, 1.005, 0.1 + 0.2, -1, Number.NaN, Number.POSITIVE_INFINITY, 100_000.01])(
    'refuses %s as a price',
    (price) => {
      expect(isValidPrice(price)).toBe(false);
      expect(() => toCents(price)).toThrow(RangeError);
    },
  );
});

describe('ids', () => {
  it.each(['demo-festival', 'EV:2026.001_a', 'x', 'a'.repeat(100)])('accepts ticketing id %s', (id) => {
    expect(isTicketingId(id)).toBe(true);
  });

  it.each(['', 'a b', 'a/b', 'é', 'a'.repeat(101), '*', 'a#b'])('refuses ticketing id %j', (id) => {
    expect(isTicketingId(id)).toBe(false);
  });

  it.each(['5a0967f9-cc06-4c3c-9206-30481a767434', 'D04BE067-FBE7-6633-2351893716796CB5'])(
    'accepts UiTdatabank id %s',
    (id) => {
      expect(isUitdatabankId(id)).toBe(true);
    },
  );

  it.each([
    'https://io.uitdatabank.be/events/5a0967f9-cc06-4c3c-9206-30481a767434',
    '-5a0967f9',
    '5a0967f9-',
    '5a0967f9 cc06',
    'a'.repeat(65),
    '',
  ])('refuses UiTdatabank id %j', (id) => {
    expect(isUitdatabankId(id)).toBe(false);
  });
});

describe('ticket types and labels', () => {
  const type = (id: string, standard: boolean) => ({ id, name: id, price: 10, standard });

  it('finds every standard ticket type, so zero or several can be reported instead of guessed', () => {
    expect(
      standardTicketTypes({ ticketTypes: [type('a', false), type('b', true)] }).map((t) => t.id),
    ).toEqual(['b']);
    expect(standardTicketTypes({ ticketTypes: [type('a', true), type('b', true)] })).toHaveLength(2);
    expect(standardTicketTypes({ ticketTypes: [] })).toEqual([]);
  });

  it('treats labels case-sensitively, as the ticketing system writes them', () => {
    expect(hasMappingLabel(['UiTPAS'])).toBe(true);
    expect(hasMappingLabel(['uitDB'])).toBe(true);
    expect(hasMappingLabel(['uitpas', 'UITDB', 'concert'])).toBe(false);
  });
});

describe('changed fields', () => {
  it('lists before and after of the fields that differ, without the metadata', () => {
    const before = { name: 'A', labels: ['UiTPAS'], hint: 'x', version: 1, updatedAt: 't1' };
    const after = { name: 'B', labels: ['UiTPAS'], placeId: 'p', version: 2, updatedAt: 't2' };
    expect(changedFields(before, after)).toEqual({
      name: { before: 'A', after: 'B' },
      hint: { before: 'x' },
      placeId: { after: 'p' },
    });
  });

  it('does not see a change where only the key order of a nested object differs', () => {
    const before = { ticketTypes: [{ id: 't', name: 'n', price: 1, standard: true }] };
    const after = { ticketTypes: [{ standard: true, price: 1, name: 'n', id: 't' }] };
    expect(changedFields(before, after)).toEqual({});
  });
});

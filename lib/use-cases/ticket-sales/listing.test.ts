import { describe, expect, it } from 'vitest';
import { UpstreamUnavailable } from '../../domain/errors.js';
import type { RegisteredSale } from '../../domain/ticket-sales/index.js';
import { LISTING_PAGE, LISTING_READS, MAX_LISTING_PAGES, steadySalesOfEvent } from './listing.js';

const sale = (id: number): RegisteredSale => ({
  id: String(id),
  creationDate: '2026-03-09T10:00:00.000Z',
  regularPrice: 10,
  tariff: { id: 'SOCIALTARIFF', price: 2 },
  eventId: 'udb-1',
  uitpasNumber: 'x',
});
const sales = (count: number) => Array.from({ length: count }, (_, i) => sale(i + 1));

/** A UiTPAS whose answer to each search is `answer(read, start)`, with the searches it got. */
function uitpas(
  answer: (start: number, call: number) => { totalItems: number | undefined; member: RegisteredSale[] },
) {
  const starts: number[] = [];
  return {
    starts,
    searchTicketSales: async (query: { eventId: string; start?: number; limit?: number }) => {
      expect(query.limit).toBe(LISTING_PAGE);
      starts.push(query.start ?? 0);
      return answer(query.start ?? 0, starts.length);
    },
  };
}
const page = (all: RegisteredSale[], start: number, counted = true) => ({
  totalItems: counted ? all.length : undefined,
  member: all.slice(start, start + LISTING_PAGE),
});

describe('steadySalesOfEvent', () => {
  it('pages to the count, once, when the count holds', async () => {
    const all = sales(1200);
    const fake = uitpas((start) => page(all, start));
    expect(await steadySalesOfEvent(fake, 'udb-1')).toEqual(all);
    expect(fake.starts).toEqual([0, 500, 1000]);
  });

  it('without a count, pages to an empty page and trusts two equal reads in a row', async () => {
    const all = sales(600);
    const fake = uitpas((start) => page(all, start, false));
    expect(await steadySalesOfEvent(fake, 'udb-1')).toEqual(all);
    expect(fake.starts).toEqual([0, 500, 1000, 0, 500, 1000]);
  });

  it('reads again when the count changes between pages, and gives up after LISTING_READS', async () => {
    const all = sales(700);
    // The second page of each read says one sale less: a sale cancelled meanwhile.
    const shifting = uitpas((start) =>
      start === 0 ? page(all, 0) : { totalItems: all.length - 1, member: all.slice(start + 1) },
    );
    expect(await steadySalesOfEvent(shifting, 'udb-1')).toBeUndefined();
    expect(shifting.starts).toEqual(Array.from({ length: LISTING_READS }, () => [0, 500]).flat());
  });

  it('takes a count on some pages only for a changed count', async () => {
    const all = sales(700);
    // The first page without a count, the next with one: never trusted, however often it is read.
    const mixed = uitpas((start) => page(all, start, start !== 0));
    expect(await steadySalesOfEvent(mixed, 'udb-1')).toBeUndefined();
  });

  it('without a count, a listing that differs from one read to the next is not trusted', async () => {
    const fake = uitpas((start, call) => ({
      totalItems: undefined,
      member: start === 0 ? sales(call) : [],
    }));
    expect(await steadySalesOfEvent(fake, 'udb-1')).toBeUndefined();
  });

  it(`stops at ${MAX_LISTING_PAGES} pages: more is taken for an invalid answer`, async () => {
    const full = sales(LISTING_PAGE);
    const endless = uitpas(() => ({ totalItems: undefined, member: full }));
    const error = await steadySalesOfEvent(endless, 'udb-1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ reason: 'invalid-response' });
    expect(endless.starts).toHaveLength(MAX_LISTING_PAGES);
  });
});

/**
 * Every ticket sale UiTPAS holds for one event (`GET /ticket-sales?eventId=`), read so that a sale is not missed:
 * both the settling of a lost registration answer (settle.ts) and a reconciliation run decide from what is absent,
 * so a listing that skipped a sale would make the one register twice and the other report a sale as lost.
 *
 * UiTPAS pages by offset, and a sale cancelled meanwhile shifts the later pages by one, so only a steady listing is
 * trusted: the same `totalItems` on every page, or, when UiTPAS leaves the count out, the same sales on two reads in
 * a row (paged until a page comes back empty, so such a listing costs at least two reads of one page more than it
 * has). A count on some pages and not on others is a changed count. A listing still changing after LISTING_READS
 * reads is undefined.
 */
import { UpstreamUnavailable } from '../../domain/errors.js';
import type { RegisteredSale } from '../../domain/ticket-sales/index.js';
import type { UpstreamCall } from '../basket/ports.js';
import type { UitpasTicketSales } from './ports.js';

/** UiTPAS's page size cap. */
export const LISTING_PAGE = 500;
/**
 * Pages of one read, at most: 500 × 200 = 100,000 sales (99,500 without a count: the empty page that ends it is one
 * of them); beyond, the answer is taken for an invalid one (UpstreamUnavailable `invalid-response`).
 */
export const MAX_LISTING_PAGES = 200;
/** A listing that keeps changing while it is paged is read again this often before giving up. */
export const LISTING_READS = 3;

async function readOnce(
  uitpas: Pick<UitpasTicketSales, 'searchTicketSales'>,
  eventId: string,
  call: UpstreamCall,
): Promise<{ sales: RegisteredSale[]; steady: boolean; counted: boolean }> {
  const sales: RegisteredSale[] = [];
  let total: number | undefined;
  for (let page = 0; page < MAX_LISTING_PAGES; page += 1) {
    const start = page * LISTING_PAGE;
    const answer = await uitpas.searchTicketSales({ eventId, start, limit: LISTING_PAGE }, call);
    if (page === 0) total = answer.totalItems;
    else if (answer.totalItems !== total) return { sales, steady: false, counted: true };
    sales.push(...answer.member);
    const more = total === undefined ? answer.member.length > 0 : start + LISTING_PAGE < total;
    if (!more) return { sales, steady: true, counted: total !== undefined };
  }
  throw new UpstreamUnavailable('uitpas', 'invalid-response', false, {
    detail: `more than ${MAX_LISTING_PAGES * LISTING_PAGE} ticket sales listed for the event`,
  });
}

/** The event's sales at UiTPAS, or undefined when the listing kept changing while it was read. */
export async function steadySalesOfEvent(
  uitpas: Pick<UitpasTicketSales, 'searchTicketSales'>,
  eventId: string,
  call: UpstreamCall = {},
): Promise<RegisteredSale[] | undefined> {
  let previous: string | undefined;
  for (let read = 0; read < LISTING_READS; read += 1) {
    const { sales, steady, counted } = await readOnce(uitpas, eventId, call);
    if (counted) {
      if (steady) return sales;
      continue;
    }
    const seen = sales
      .map((sale) => sale.id)
      .sort()
      .join(',');
    if (seen === previous) return sales;
    previous = seen;
  }
  return undefined;
}

/**
 * The reimbursement export: pages through the organisation's sales ledger (its sale claims by registration time),
 * reads each page's orders once, and keeps the sales that still stand (lib/domain/ticket-sales/report.ts). JSON
 * answers one page; CSV reads page after page into one answer until the window is done or a size or time bound is
 * reached, and then says where the next part starts. Each event of the answer gets its organizer as the organizer
 * rule resolves it now (lib/domain/organizer.ts): its event, organisation and promotor read once per request.
 */
import { mayActFor, type Principal } from '../../domain/access.js';
import { dayWindow } from '../../domain/days.js';
import type { Organisation, Promotor, TicketingEvent } from '../../domain/mappings.js';
import { organisationNotAllowed } from '../../domain/mappings.js';
import { resolveOrganizer } from '../../domain/organizer.js';
import { cursorJson, encodeCursor, invalidCursor } from '../../domain/page.js';
import { CSV_HEADER, csvSaleRow, type ReportSale, reportSale } from '../../domain/ticket-sales/index.js';
import type { LedgerPage, ReportMappings, SalesLedger } from './ports.js';

export interface ReportSources {
  ledger: SalesLedger;
  mappings: ReportMappings;
}

export interface ReportQuery {
  organisationId: string;
  /** `YYYY-MM-DD`, UTC, inclusive. */
  from: string;
  /** `YYYY-MM-DD`, UTC, inclusive. */
  to: string;
  cursor?: string | undefined;
  limit: number;
}

/** The cursor names the query it belongs to: another organisation or window is a 400, never a wrong page. */
interface Cursor {
  o: string;
  f: string;
  t: string;
  a: string;
}

const invalidExportCursor = () =>
  invalidCursor(
    'Use the nextCursor (or Link rel="next") of the previous answer with the same organisationId, from and to; or leave cursor out to start over.',
    'not a cursor of this export',
  );

function encodeReportCursor(query: ReportQuery, after: string): string {
  const cursor: Cursor = { o: query.organisationId, f: query.from, t: query.to, a: after };
  return encodeCursor(cursor);
}

function decodeCursor(query: ReportQuery): string | undefined {
  if (query.cursor === undefined) return undefined;
  const cursor = cursorJson(query.cursor) as Partial<Cursor> | null | undefined;
  if (
    !cursor ||
    typeof cursor !== 'object' ||
    cursor.o !== query.organisationId ||
    cursor.f !== query.from ||
    cursor.t !== query.to ||
    typeof cursor.a !== 'string' ||
    cursor.a.length > 300 ||
    !/^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#./.test(cursor.a)
  )
    throw invalidExportCursor();
  // Within the window, or DynamoDB would refuse it as a start key outside the query's bounds.
  const { since, until } = dayWindow(query);
  if (cursor.a < since || cursor.a > until) throw invalidExportCursor();
  return cursor.a;
}

export interface ReportPage {
  sales: ReportSale[];
  /** The organizer of each event of `sales`; null when it cannot be resolved (see `EventOrganizers`). */
  organizers: Map<string, string | null>;
  /** The next page's cursor; null when the window is done. */
  nextCursor: string | null;
}

/**
 * The organizer of each event asked, as the organizer rule resolves it from the stored event, its organisation and
 * its promotor; null when it cannot be: the event is gone (deleted since the sale), its promotor is unknown, or
 * neither promotor nor organisation has an UiTdatabank organizer id. Each item is read once per lookup (one request).
 */
export function organizerLookup(mappings: ReportMappings) {
  const events = new Map<string, Promise<TicketingEvent | undefined>>();
  const organisations = new Map<string, Promise<Organisation | undefined>>();
  const promotors = new Map<string, Promise<Promotor | undefined>>();
  const once = <T>(
    cache: Map<string, Promise<T>>,
    id: string,
    read: (id: string) => Promise<T>,
  ): Promise<T> => {
    let found = cache.get(id);
    if (!found) {
      found = read(id);
      cache.set(id, found);
    }
    return found;
  };
  const organizerOf = async (eventId: string): Promise<string | null> => {
    const event = await once(events, eventId, (id) => mappings.getEvent(id));
    if (!event) return null;
    const [organisation, promotor] = await Promise.all([
      once(organisations, event.organisationId, (id) => mappings.getOrganisation(id)),
      event.promotorId === undefined
        ? undefined
        : once(promotors, event.promotorId, (id) => mappings.getPromotor(id)),
    ]);
    const resolution = resolveOrganizer(event, organisation, promotor);
    return resolution.ok ? resolution.organizerId : null;
  };
  return async (sales: readonly ReportSale[], into = new Map<string, string | null>()) => {
    const eventIds = [...new Set(sales.map((sale) => sale.eventId))].filter((id) => !into.has(id));
    const found = await Promise.all(eventIds.map(organizerOf));
    eventIds.forEach((eventId, index) => {
      into.set(eventId, found[index] ?? null);
    });
    return into;
  };
}

type Lookup = ReturnType<typeof organizerLookup>;

function authorise(principal: Principal, organisationId: string): void {
  if (!mayActFor(principal, organisationId)) throw organisationNotAllowed(organisationId);
}

async function salesOf(ledger: SalesLedger, page: LedgerPage, organisationId: string): Promise<ReportSale[]> {
  const orders = await ledger.orders([...new Set(page.claims.map((claim) => claim.orderId))]);
  return page.claims.flatMap((claim) => {
    const sale = reportSale(claim, orders.get(claim.orderId), organisationId);
    return sale ? [sale] : [];
  });
}

/** One page: `limit` claims of the ledger (fewer sales when some are cancelled), and the cursor of the next. */
export async function reportPage(
  sources: ReportSources,
  principal: Principal,
  query: ReportQuery,
  after?: string,
  lookup: Lookup = organizerLookup(sources.mappings),
  organizers?: Map<string, string | null>,
): Promise<ReportPage & { after: string | undefined }> {
  authorise(principal, query.organisationId);
  const { ledger } = sources;
  const page = await ledger.claims({
    organisationId: query.organisationId,
    ...dayWindow(query),
    limit: query.limit,
    after: after ?? decodeCursor(query),
  });
  const sales = await salesOf(ledger, page, query.organisationId);
  return {
    sales,
    organizers: await lookup(sales, organizers),
    nextCursor: page.after === undefined ? null : encodeReportCursor(query, page.after),
    after: page.after,
  };
}

export interface CsvBounds {
  /** The rows of sales may take this many bytes (UTF-8) before the answer is cut into parts. */
  maxBytes: number;
  /** No new page is read after this time (epoch ms), so the answer still goes out in time. */
  stopBy: number;
  now: () => number;
}

/**
 * Page after page of the ledger into one CSV answer, until the window is done, the rows reach `maxBytes` or the time
 * is up: then `nextCursor` says where the next part starts. A part always holds at least one page.
 */
export async function reportForCsv(
  sources: ReportSources,
  principal: Principal,
  query: ReportQuery,
  bounds: CsvBounds,
): Promise<ReportPage> {
  authorise(principal, query.organisationId);
  const sales: ReportSale[] = [];
  const lookup = organizerLookup(sources.mappings);
  const organizers = new Map<string, string | null>();
  // Read once here, then each page's own end: the query's cursor is only where the first page starts.
  let bytes = Buffer.byteLength(CSV_HEADER, 'utf8');
  let after = decodeCursor(query);
  for (;;) {
    const page = await reportPage(sources, principal, query, after, lookup, organizers);
    sales.push(...page.sales);
    for (const sale of page.sales)
      bytes += Buffer.byteLength(csvSaleRow(sale, organizers.get(sale.eventId) ?? null), 'utf8');
    after = page.after;
    if (after === undefined) return { sales, organizers, nextCursor: null };
    if (bytes >= bounds.maxBytes || bounds.now() >= bounds.stopBy)
      return { sales, organizers, nextCursor: encodeReportCursor(query, after) };
  }
}

/**
 * The reimbursement export (GET /v1/reports/ticket-sales): every UiTPAS sale of an organisation that is registered
 * and not cancelled, per event, with what the passholder paid against the regular price, and the totals the
 * organiser holds against publiq's expense report. Pure: the claims of a window and their orders go in, the lines,
 * the totals and the CSV text come out.
 *
 * Per organizer too: each event's UiTdatabank organizer (lib/domain/organizer.ts, resolved by the use case at report
 * time from the event's current mapping) goes in as a map, and an organizer's totals are the sums of its events'
 * totals, in cents. An event whose organizer cannot be resolved (deleted since, or no organizer id on its promotor
 * nor its organisation) has organizer null, and its sales count under a null organizer: never left out.
 *
 * Amounts are integer cents from the moment they are read (the stored prices are EUR with at most 2 decimals, so
 * `Math.round(price * 100)` is exact), summed as integers and printed as EUR with 2 decimals only at the end: a
 * total is the sum of its lines to the cent, whatever the number of lines.
 */
import { claimedLine, type LedgerClaim, ledgerState } from './ledger.js';
import { publicOrderId } from './order-key.js';
import { registeredPriceOfLine } from './price-drift.js';
import type { Order } from './types.js';

/** The line statuses whose sales stand registered at UiTPAS: held (not yet paid) or confirmed. */
export const REPORTED_STATUSES = ['HELD', 'CONFIRMED'] as const;
export type ReportedStatus = (typeof REPORTED_STATUSES)[number];

/** One UiTPAS sale in the export, amounts in cents. */
export interface ReportSale {
  registeredAt: string;
  ticketSaleId: string;
  /** The client's own order id. */
  orderId: string;
  lineId: string;
  eventId: string;
  uitdatabankId: string;
  status: ReportedStatus;
  tariffId: string;
  tariffName: string | null;
  regularCents: number;
  /** What UiTPAS registered the sale at; null when its answer gave no price (then not in the paid totals). */
  paidCents: number | null;
  /** regular - paid: what the organiser is reimbursed for; null with `paidCents`. */
  differenceCents: number | null;
}

export interface ReportTotalsCents {
  sales: number;
  regularCents: number;
  paidCents: number;
  differenceCents: number;
  /** Sales without a registered price: counted in `sales` and `regularCents` only. */
  unpriced: number;
}

export const cents = (euro: number): number => Math.round(euro * 100);

/** `1234` → `"12.34"`, `-5` → `"-0.05"`. */
export function formatEuro(amountCents: number): string {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`not an amount in cents: ${amountCents}`);
  const sign = amountCents < 0 ? '-' : '';
  const abs = Math.abs(amountCents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/**
 * The sale a claim stands for, if it counts: of the organisation asked, and `standing` in the ledger (ledger.ts: its
 * order holds it on the claimed line, which is HELD or CONFIRMED, and it is not cancelled nor being cancelled; an
 * orphaned sale is no sale of the order). Reconciliation holds UiTPAS to the same rule.
 */
export function reportSale(
  claim: LedgerClaim,
  order: Order | undefined,
  organisationId: string,
): ReportSale | undefined {
  const line = claimedLine(order, claim);
  if (!order || !line || line.organisationId !== organisationId) return undefined;
  if (ledgerState(order, line, claim.ticketSaleId) !== 'standing') return undefined;
  const paid = registeredPriceOfLine(line);
  const regularCents = cents(line.regularPrice);
  const paidCents = paid === null ? null : cents(paid);
  return {
    registeredAt: claim.registeredAt,
    ticketSaleId: claim.ticketSaleId,
    orderId: publicOrderId(order.orderId),
    lineId: line.lineId,
    eventId: line.eventId,
    uitdatabankId: line.uitdatabankId,
    // `standing` is a HELD or CONFIRMED line.
    status: line.status as ReportedStatus,
    tariffId: line.tariffId,
    tariffName: line.tariffName,
    regularCents,
    paidCents,
    differenceCents: paidCents === null ? null : regularCents - paidCents,
  };
}

export const emptyTotals = (): ReportTotalsCents => ({
  sales: 0,
  regularCents: 0,
  paidCents: 0,
  differenceCents: 0,
  unpriced: 0,
});

export function addSale(totals: ReportTotalsCents, sale: ReportSale): ReportTotalsCents {
  return {
    sales: totals.sales + 1,
    regularCents: totals.regularCents + sale.regularCents,
    paidCents: totals.paidCents + (sale.paidCents ?? 0),
    differenceCents: totals.differenceCents + (sale.differenceCents ?? 0),
    unpriced: totals.unpriced + (sale.paidCents === null ? 1 : 0),
  };
}

export const totalsOf = (sales: readonly ReportSale[]): ReportTotalsCents =>
  sales.reduce(addSale, emptyTotals());

export interface EventGroup {
  eventId: string;
  uitdatabankId: string;
  sales: ReportSale[];
  totals: ReportTotalsCents;
}

/** The sales per event, events in the order of their first sale, each event's sales in the order given. */
export function groupByEvent(sales: readonly ReportSale[]): EventGroup[] {
  const groups = new Map<string, EventGroup>();
  for (const sale of sales) {
    const group = groups.get(sale.eventId) ?? {
      eventId: sale.eventId,
      uitdatabankId: sale.uitdatabankId,
      sales: [],
      totals: emptyTotals(),
    };
    group.sales.push(sale);
    group.totals = addSale(group.totals, sale);
    groups.set(sale.eventId, group);
  }
  return [...groups.values()];
}

/** Each event's UiTdatabank organizer id, by `eventId`; null (or absent) when it cannot be resolved. */
export type EventOrganizers = ReadonlyMap<string, string | null>;

export const addTotals = (a: ReportTotalsCents, b: ReportTotalsCents): ReportTotalsCents => ({
  sales: a.sales + b.sales,
  regularCents: a.regularCents + b.regularCents,
  paidCents: a.paidCents + b.paidCents,
  differenceCents: a.differenceCents + b.differenceCents,
  unpriced: a.unpriced + b.unpriced,
});

export interface OrganizerGroup {
  organizerId: string | null;
  /** The events whose totals these are, in the order of `groups`. */
  eventIds: string[];
  totals: ReportTotalsCents;
}

const organizerOf = (organizers: EventOrganizers, eventId: string): string | null =>
  organizers.get(eventId) ?? null;

/**
 * The event groups' totals per organizer: each the sum of its events' totals (so of their sales), sorted by
 * organizer id (code units, not locale), the unresolved organizer (null) last.
 */
export function groupByOrganizer(
  groups: readonly EventGroup[],
  organizers: EventOrganizers,
): OrganizerGroup[] {
  const byOrganizer = new Map<string | null, OrganizerGroup>();
  for (const group of groups) {
    const organizerId = organizerOf(organizers, group.eventId);
    const found = byOrganizer.get(organizerId) ?? { organizerId, eventIds: [], totals: emptyTotals() };
    found.eventIds.push(group.eventId);
    found.totals = addTotals(found.totals, group.totals);
    byOrganizer.set(organizerId, found);
  }
  return [...byOrganizer.values()].sort((a, b) =>
    a.organizerId === b.organizerId
      ? 0
      : a.organizerId === null
        ? 1
        : b.organizerId === null || a.organizerId < b.organizerId
          ? -1
          : 1,
  );
}

// --- the JSON answer ---------------------------------------------------------------------------------------------

export interface ReportTotalsView {
  sales: number;
  regularPrice: string;
  paidPrice: string;
  difference: string;
  unpriced: number;
}

export interface ReportSaleView {
  registeredAt: string;
  ticketSaleId: string;
  orderId: string;
  lineId: string;
  status: ReportedStatus;
  tariff: { id: string; name: string | null };
  regularPrice: string;
  paidPrice: string | null;
  difference: string | null;
}

export interface TicketSalesReport {
  organisationId: string;
  from: string;
  to: string;
  currency: 'EUR';
  events: {
    eventId: string;
    uitdatabankId: string;
    /** The event's UiTdatabank organizer as resolved at report time; null when it cannot be resolved. */
    organizerId: string | null;
    sales: ReportSaleView[];
    totals: ReportTotalsView;
  }[];
  /** Of the sales in this answer (this page): the sum of `events[].totals`, and per organizer. */
  totals: ReportTotalsView & { perOrganizer: (ReportTotalsView & { organizerId: string | null })[] };
  /** Opaque; pass it back as `cursor` for the next page. Null when the window has no more sales. */
  nextCursor: string | null;
}

export const totalsView = (totals: ReportTotalsCents): ReportTotalsView => ({
  sales: totals.sales,
  regularPrice: formatEuro(totals.regularCents),
  paidPrice: formatEuro(totals.paidCents),
  difference: formatEuro(totals.differenceCents),
  unpriced: totals.unpriced,
});

const euroOrNull = (amount: number | null) => (amount === null ? null : formatEuro(amount));

export function reportView(
  query: { organisationId: string; from: string; to: string },
  sales: readonly ReportSale[],
  nextCursor: string | null,
  organizers: EventOrganizers,
): TicketSalesReport {
  const groups = groupByEvent(sales);
  return {
    organisationId: query.organisationId,
    from: query.from,
    to: query.to,
    currency: 'EUR',
    events: groups.map((group) => ({
      eventId: group.eventId,
      uitdatabankId: group.uitdatabankId,
      organizerId: organizerOf(organizers, group.eventId),
      sales: group.sales.map((sale) => ({
        registeredAt: sale.registeredAt,
        ticketSaleId: sale.ticketSaleId,
        orderId: sale.orderId,
        lineId: sale.lineId,
        status: sale.status,
        tariff: { id: sale.tariffId, name: sale.tariffName },
        regularPrice: formatEuro(sale.regularCents),
        paidPrice: euroOrNull(sale.paidCents),
        difference: euroOrNull(sale.differenceCents),
      })),
      totals: totalsView(group.totals),
    })),
    totals: {
      ...totalsView(totalsOf(sales)),
      perOrganizer: groupByOrganizer(groups, organizers).map((group) => ({
        organizerId: group.organizerId,
        ...totalsView(group.totals),
      })),
    },
    nextCursor,
  };
}

// --- the CSV answer ----------------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'record',
  'registered_at',
  'event_id',
  'uitdatabank_id',
  'order_id',
  'line_id',
  'ticket_sale_id',
  'status',
  'tariff_id',
  'tariff_name',
  'regular_price_eur',
  'paid_price_eur',
  'difference_eur',
  'sales',
  /** Last, so that the columns before it keep their places: the event's organizer (empty when unresolved). */
  'organizer_id',
] as const;

/**
 * RFC 4180: a field with a comma, a quote, a line break or surrounding space is quoted, quotes doubled. A field that
 * a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) is prefixed with `'`, so an
 * id or tariff name cannot run in the organiser's spreadsheet (CSV injection). A plain decimal number (an amount,
 * `-0.05` included) is written as it is.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number' || /^-?\d+(\.\d+)?$/.test(value)) return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export const csvRow = (fields: readonly (string | number | null)[]): string =>
  `${fields.map(csvField).join(',')}\r\n`;

export const CSV_HEADER = csvRow(CSV_COLUMNS);

export function csvSaleRow(sale: ReportSale, organizerId: string | null): string {
  return csvRow([
    'sale',
    sale.registeredAt,
    sale.eventId,
    sale.uitdatabankId,
    sale.orderId,
    sale.lineId,
    sale.ticketSaleId,
    sale.status,
    sale.tariffId,
    sale.tariffName,
    formatEuro(sale.regularCents),
    euroOrNull(sale.paidCents),
    euroOrNull(sale.differenceCents),
    1,
    organizerId,
  ]);
}

/**
 * `event-total` per event, `organizer-total` per organizer, then `organisation-total`, or `part-total` when more
 * follows in a next part. `organizerId` null: none (the organisation's or part's total) or unresolved.
 */
export function csvTotalRow(
  record: 'event-total' | 'organizer-total' | 'organisation-total' | 'part-total',
  totals: ReportTotalsCents,
  event?: { eventId: string; uitdatabankId: string },
  organizerId: string | null = null,
): string {
  return csvRow([
    record,
    null,
    event?.eventId ?? null,
    event?.uitdatabankId ?? null,
    null,
    null,
    null,
    null,
    null,
    null,
    formatEuro(totals.regularCents),
    formatEuro(totals.paidCents),
    formatEuro(totals.differenceCents),
    totals.sales,
    organizerId,
  ]);
}

/**
 * The whole CSV of the sales given: the header, each event's sales (in the order given) followed by its total, an
 * `organizer-total` per organizer (sorted as `groupByOrganizer`; of this part when the window goes on), and the
 * organisation's total (`part-total` when `complete` is false: the window goes on in a next part).
 */
export function reportCsv(
  sales: readonly ReportSale[],
  complete: boolean,
  organizers: EventOrganizers,
): string {
  const parts = [CSV_HEADER];
  const groups = groupByEvent(sales);
  for (const group of groups) {
    const organizerId = organizerOf(organizers, group.eventId);
    for (const sale of group.sales) parts.push(csvSaleRow(sale, organizerId));
    parts.push(csvTotalRow('event-total', group.totals, group, organizerId));
  }
  for (const group of groupByOrganizer(groups, organizers))
    parts.push(csvTotalRow('organizer-total', group.totals, undefined, group.organizerId));
  parts.push(csvTotalRow(complete ? 'organisation-total' : 'part-total', totalsOf(sales)));
  return parts.join('');
}

/**
 * What the reimbursement export needs from the outside: the organisation's sales ledger, paged by time, and the
 * orders its claims point at (the table's sales-ledger adapter, lib/adapters/dynamodb/sales-ledger.ts); and the
 * events, organisations and promotors that say each event's organizer (the mapping repository,
 * lib/adapters/dynamodb/mappings.ts).
 */
import type { Organisation, Promotor, TicketingEvent } from '../../domain/mappings.js';
import type { LedgerClaim, Order } from '../../domain/ticket-sales/index.js';

export interface LedgerPage {
  claims: LedgerClaim[];
  /** Where the next page starts (opaque to the use case); undefined when the window has no more claims. */
  after: string | undefined;
}

export interface SalesLedger {
  /**
   * The claims of the organisation's sales registered in [`since`, `until`), oldest first, at most `limit`, after
   * `after` (a page's `after`).
   */
  claims(query: {
    organisationId: string;
    since: string;
    until: string;
    limit: number;
    after?: string | undefined;
  }): Promise<LedgerPage>;
  /** The orders by key, each read once; an order that is gone is absent from the map. */
  orders(orderIds: readonly string[]): Promise<Map<string, Order>>;
}

/** One GetItem each; undefined when not stored (a deleted event, say). */
export interface ReportMappings {
  getEvent(eventId: string): Promise<TicketingEvent | undefined>;
  getOrganisation(organisationId: string): Promise<Organisation | undefined>;
  getPromotor(promotorId: string): Promise<Promotor | undefined>;
}

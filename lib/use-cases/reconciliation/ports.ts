/**
 * What a reconciliation run needs from the outside: the sales ledger (lib/use-cases/reports/ports.ts), the claim of a
 * sale UiTPAS lists that the window's ledger does not hold, the ticketing event (for its UiTdatabank id when the
 * window holds no sale of it), the organisations (for the scheduled run of all of them), the stored results, and
 * UiTPAS's search and cancellation. lib/adapters/dynamodb/reconciliation.ts and the UiTPAS client provide them.
 */
import type { Discrepancy, DiscrepancyCounts } from '../../domain/ticket-sales/reconciliation.js';
import type { SalesLedger } from '../reports/ports.js';
import type { UitpasTicketSales } from '../ticket-sales/ports.js';

export interface ClaimRef {
  ticketSaleId: string;
  orderId: string;
  lineId: string;
}

export interface EventRef {
  eventId: string;
  organisationId: string;
  uitdatabankId: string | null;
}

/**
 * `compared`: both sides were read. `cannot-compare`: UiTPAS refused the search (403: the client lacks
 * TICKETSALES_SEARCH for the event's organizer) or the event has no UiTdatabank id. `unavailable`: UiTPAS gave no
 * usable answer; the next run tries again.
 */
export type EventReconciliationStatus = 'compared' | 'cannot-compare' | 'unavailable';

export interface ReconciledDiscrepancy extends Discrepancy {
  /** For `cancel-at-uitpas`: whether this run cancelled it at UiTPAS; null for the other actions. */
  cancelled: boolean | null;
}

/** The last run's result for one event (stored per organisation and event, overwritten by the next run). */
export interface EventReconciliation {
  organisationId: string;
  eventId: string;
  uitdatabankId: string | null;
  /** The window compared: UTC days, both inclusive. */
  from: string;
  to: string;
  checkedAt: string;
  status: EventReconciliationStatus;
  /** Why it could not compare, in plain words; null when compared. */
  note: string | null;
  /** Sales of ours in the window (every state), and UiTPAS's sales of the event in the window. */
  ourSales: number;
  uitpasSales: number;
  counts: DiscrepancyCounts;
  /** Sorted by kind, then sale id; at most MAX_LISTED (lib/use-cases/reconciliation/run.ts). */
  discrepancies: ReconciledDiscrepancy[];
  /** Discrepancies counted but not listed (beyond MAX_LISTED). */
  omitted: number;
  /**
   * Sales of ours whose cancellation is under way (ledger state `cancelling`) that UiTPAS still lists: not a
   * discrepancy, the cancellation's own retries finish them; one that stays run after run is a stuck cancellation.
   */
  cancellingAtUitpas: number;
}

export interface ReconciliationStore {
  ledger: SalesLedger;
  claimOf(ticketSaleId: string): Promise<ClaimRef | undefined>;
  event(eventId: string): Promise<EventRef | undefined>;
  organisations(): Promise<string[]>;
  save(result: EventReconciliation): Promise<void>;
  /** The stored results of the organisation, by event id. */
  results(organisationId: string): Promise<EventReconciliation[]>;
}

export type ReconciliationUitpas = Pick<UitpasTicketSales, 'searchTicketSales' | 'cancelTicketSale'>;

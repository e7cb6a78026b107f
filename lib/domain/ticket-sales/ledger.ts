/**
 * The sales ledger: the claim that ties each UiTPAS sale to the order line that registered it (listed per
 * organisation in gsi1 `SALES#<organisationId>`), and what our orders say of that sale now. The reimbursement export
 * (report.ts) counts the `standing` ones; reconciliation (reconciliation.ts) compares each state with UiTPAS.
 */
import type { Order, OrderLine } from './types.js';

/** A sale claim as the ledger (gsi1 `SALES#<organisationId>`) lists it. */
export interface LedgerClaim {
  ticketSaleId: string;
  /** The order's key (namespaced by client), as stored. */
  orderId: string;
  lineId: string;
  organisationId: string;
  eventId: string;
  /** When the attempt that registered the sale started (UiTPAS dated it within that attempt's lease). */
  registeredAt: string;
}

/**
 * What our ledger says of one sale: `standing` (registered, not cancelled), `cancelled` (one of our orders cancelled
 * it and the cancellation is done: such a sale may be cancelled at UiTPAS again), `cancelling` (a cancellation is
 * under way: the cancellation's own retries, dead letters and needs-a-person alarm own it, so a run neither compares
 * nor cancels it), `unsettled` (the order's registration is not settled yet, or the order is gone: it is ours, but
 * nothing is asserted about it).
 */
export type LedgerState = 'standing' | 'cancelled' | 'cancelling' | 'unsettled';

/** The line of its order a claim names, if the order (still) has it. */
export function claimedLine(
  order: Order | undefined,
  claim: Pick<LedgerClaim, 'lineId'>,
): OrderLine | undefined {
  return order?.lines.find((candidate) => candidate.lineId === claim.lineId);
}

/**
 * The ledger state of a claimed sale (see LedgerState), from its order and the line the claim names, as the caller
 * has it from `claimedLine`.
 */
export function ledgerState(
  order: Order | undefined,
  line: OrderLine | undefined,
  ticketSaleId: string,
): LedgerState {
  if (!order) return 'unsettled';
  if (!line?.ticketSaleIds.includes(ticketSaleId)) {
    const orphan = (order.orphanedSales ?? []).find((sale) => sale.ticketSaleId === ticketSaleId);
    if (!orphan) return 'unsettled';
    return orphan.cancelledAt ? 'cancelled' : 'cancelling';
  }
  if (line.cancelledTicketSaleIds.includes(ticketSaleId)) return 'cancelled';
  switch (line.status) {
    case 'HELD':
    case 'CONFIRMED':
      return 'standing';
    case 'CANCELLING':
    case 'CANCEL_PENDING':
      return 'cancelling';
    case 'CANCELLED':
      return 'cancelled';
    default:
      return 'unsettled';
  }
}

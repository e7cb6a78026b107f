/**
 * sweepHeldSales: the backstop that settles every order even when nobody calls again.
 * Trigger: EventBridge schedule (every 5 minutes). Input: none.
 * Output: a summary (expired, retried, reconciled, cancelled, still pending, failed), also logged.
 * Side effects: cancels at UiTPAS the sales of orders still HELD past `heldUntil`; retries CANCEL_PENDING orders
 * older than 5 minutes; reconciles REGISTERING (lease run out), UNKNOWN and uncertain REFUSED orders older than a
 * minute with UiTPAS `GET /ticket-sales`. Conditional writes only, so overlapping runs are harmless.
 */

import type { TicketSalesDeps } from '../lib/ticket-sales/deps.js';
import { type SweepSummary, sweepHeldSales } from '../lib/ticket-sales/sweep.js';
import { ticketSalesDeps } from '../lib/wiring.js';

export function createHandler(deps: () => TicketSalesDeps) {
  return async (): Promise<SweepSummary> => sweepHeldSales(deps());
}

export const handler = createHandler(() => ticketSalesDeps({ withQueue: true, api: false }));

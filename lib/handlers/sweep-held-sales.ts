/**
 * sweepHeldSales: the backstop that settles every order even when nobody calls again.
 * Trigger: EventBridge schedule (every 5 minutes). Input: none.
 * Output: a summary (expired, retried, reconciled, cancelled, still pending, failed), also logged.
 * Side effects: cancels at UiTPAS the sales of lines still HELD past `heldUntil`; retries pending cancellations
 * when their retry time comes (5 minutes after the cancellation, later after each failed attempt); reconciles
 * REGISTERING (lease run out), UNKNOWN and uncertain REFUSED orders with UiTPAS `GET /ticket-sales` once the grace a
 * late POST gets (5 minutes) is over. Conditional writes only, so overlapping runs are harmless.
 */
import type { TicketSalesDeps } from '../use-cases/ticket-sales/deps.js';
import { type SweepSummary, sweepHeldSales } from '../use-cases/ticket-sales/sweep.js';
import { lambdaHandler } from './lambda.js';

export function createHandler(deps: () => TicketSalesDeps) {
  return lambdaHandler(async (): Promise<SweepSummary> => sweepHeldSales(deps()));
}

/**
 * cancelTicketSales: `DELETE /v1/ticket-sales/{orderId}` (optional `?lineId=`) (role basket).
 * Trigger: HTTP API. Input: the order (and line) to cancel, among the key's organisations.
 * Output: 200 with the order when every sale asked is cancelled at UiTPAS (also the second time: idempotent);
 * 202 with the order when UiTPAS could not take (all of) it now: it is CANCEL_PENDING and retried by the queue and
 * the sweep; 202 as well while the registration is still running or its outcome unknown: the cancellation (of the
 * line asked, or all) is written on the order and done once the sales are found, or the order is closed if nothing
 * was registered; 404 for an order outside the key's organisations.
 * Side effects: `DELETE /ticket-sales/{id}` per sale at UiTPAS; conditional writes of the order (CANCELLING before
 * UiTPAS is called, then CANCELLED or CANCEL_PENDING); a message on the cancellation queue when pending.
 */
import { accepted, type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { count } from '../metrics.js';
import { cancelTicketSales } from '../use-cases/ticket-sales/cancel.js';
import type { TicketSalesDeps } from '../use-cases/ticket-sales/deps.js';
import * as z from '../zod.js';
import { ticketingId } from './fields.js';

const path = z.object({ orderId: ticketingId });
/** Strict: a misspelt `lineId` must not read as "no line", which cancels the whole order. */
const query = z.strictObject({ lineId: z.optional(ticketingId) });

export function createHandler(deps: () => TicketSalesDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'DELETE /v1/ticket-sales/{orderId}': route(
        { auth: { roles: ['basket'] }, path, query },
        async ({ path, query, principal, answerBy }) => {
          const result = await cancelTicketSales({ orderId: path.orderId, lineId: query.lineId }, principal, {
            ...deps(),
            answerBy,
          });
          if (result.pending) count('CancellationsPending');
          return result.pending ? accepted(result.order) : ok(result.order);
        },
      ),
    },
    options,
  );
}

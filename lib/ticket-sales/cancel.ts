/**
 * Cancel an order's UiTPAS sales (all, or one line's), and the retry of cancellations that UiTPAS could not take.
 *
 * A cancellation is written down (CANCELLING) before UiTPAS is called, so a crash cannot lose it; each sale is then
 * cancelled with `DELETE /ticket-sales/{id}` (a 404 `ticket-sale-not-found` means it is gone already: cancelled).
 * What UiTPAS could not take now stays CANCEL_PENDING: it is in the sweep's index, and a queue message asks for a
 * quick retry with backoff. A line is CANCELLED only when every one of its sales is.
 */
import type { Principal } from '../domain/access.js';
import { UpstreamProblem, UpstreamUnavailable } from '../domain/errors.js';
import {
  closedWithoutSales,
  hasPendingCancellation,
  lineNotFound,
  linesToCancel,
  mayAccessOrder,
  type Order,
  type OrderView,
  orderNotFound,
  recordCancellations,
  startCancelling,
} from '../domain/ticket-sales.js';
import { logger } from '../logger.js';
import { type Ctx, context, enqueueRetry, mutate, type TicketSalesDeps } from './deps.js';
import { needsReconciliation, settleUncertain, waitWhileLeased } from './settle.js';

export interface CancelResult {
  /** True when some cancellation is still pending at UiTPAS (202); false when everything asked is done (200). */
  pending: boolean;
  order: OrderView;
}

export async function cancelTicketSales(
  input: { orderId: string; lineId?: string | undefined },
  principal: Principal,
  deps: TicketSalesDeps,
): Promise<CancelResult> {
  const ctx = context(deps);
  const found = await deps.orders.get(input.orderId, { consistent: true });
  if (!found || !mayAccessOrder(principal, found)) throw orderNotFound(input.orderId);
  if (input.lineId !== undefined && !found.lines.some((line) => line.lineId === input.lineId)) {
    throw lineNotFound(input.orderId, input.lineId);
  }
  const now = ctx.now();
  let order = found;
  // Until the registration is settled one way or the other; a concurrent request may settle it meanwhile.
  for (;;) {
    order = await settleBeforeCancelling(ctx, order);
    if (order.status === 'UNKNOWN') {
      // Whether anything was registered is not known yet: the cancellation is kept on the order and done as soon
      // as the reconciliation (the sweep's, or the next identical registration request's) finds the sales.
      order = await mutate(ctx, order, (current) =>
        current.status === 'UNKNOWN' && !current.cancelRequestedAt
          ? { ...current, cancelRequestedAt: now.toISOString() }
          : undefined,
      );
      if (order.status === 'UNKNOWN') return { pending: true, order: ctx.view(order) };
      continue;
    }
    if (order.status === 'REFUSED') {
      // Nothing was registered: there is nothing to cancel at UiTPAS, and the order is closed for good.
      order = await mutate(ctx, order, (current) =>
        current.status === 'REFUSED' && !current.uncertainSince ? closedWithoutSales(current) : undefined,
      );
      if (order.status === 'CANCELLED') return { pending: false, order: ctx.view(order) };
      continue;
    }
    break;
  }

  if (linesToCancel(order, input.lineId).length > 0) {
    order = await mutate(ctx, order, (current) => {
      const ids = new Set(
        linesToCancel(current, input.lineId)
          .filter((line) => line.status === 'HELD' || line.status === 'CONFIRMED')
          .map((line) => line.lineId),
      );
      return ids.size > 0 ? startCancelling(current, ids, now) : undefined;
    });
    order = await runCancellations(ctx, order);
    if (hasPendingCancellation(order))
      await enqueueRetry(ctx, { orderId: order.orderId, lineId: input.lineId });
  }
  return { pending: hasPendingCancellation(order), order: ctx.view(order) };
}

/** A registration still running is waited for; one whose outcome is uncertain is reconciled first. */
async function settleBeforeCancelling(ctx: Ctx, first: Order): Promise<Order> {
  let order = first;
  for (;;) {
    order = await waitWhileLeased(ctx, order);
    if (!needsReconciliation(order)) return order;
    const settled = await settleUncertain(ctx, order);
    if (settled.outcome !== 'none') {
      // busy: someone else holds it now, look again; registered or unknown: recorded, go on from there.
      order = settled.order;
      if (settled.outcome === 'busy') continue;
      return order;
    }
    // Nothing was registered: the order is closed without sales, under the lease this request holds.
    const owner = settled.order.attempt?.owner;
    order = await mutate(ctx, settled.order, (current) =>
      current.status === 'REGISTERING' && current.attempt?.owner === owner
        ? closedWithoutSales(current)
        : undefined,
    );
  }
}

/**
 * Cancels at UiTPAS every sale of the order's CANCELLING and CANCEL_PENDING lines that is not cancelled yet, and
 * records the outcome. Stops calling UiTPAS at the first sign that it is unavailable (the rest is retried later).
 * Used by the API, the queue consumer and the sweep: concurrent runs are harmless (a second DELETE answers 404).
 */
export async function runCancellations(ctx: Ctx, order: Order): Promise<Order> {
  const cancelled = new Set<string>();
  const failures = new Map<string, string>();
  let unavailable: string | undefined;
  for (const line of order.lines) {
    if (line.status !== 'CANCELLING' && line.status !== 'CANCEL_PENDING') continue;
    for (const id of line.ticketSaleIds) {
      if (line.cancelledTicketSaleIds.includes(id)) continue;
      if (unavailable) {
        failures.set(id, unavailable);
        continue;
      }
      try {
        await ctx.deps.uitpas.cancelTicketSale(id);
        cancelled.add(id);
      } catch (error) {
        if (error instanceof UpstreamProblem && error.is('ticket-sale-not-found')) {
          cancelled.add(id);
        } else if (error instanceof UpstreamProblem) {
          // A refusal of this one sale (e.g. a permission withdrawn): the others may still go through.
          failures.set(id, `UiTPAS refused: ${error.status} ${error.type}`);
          logger.error('UiTPAS refused to cancel a ticket sale', {
            orderId: order.orderId,
            ticketSaleId: id,
            error,
          });
        } else if (error instanceof UpstreamUnavailable) {
          unavailable = `UiTPAS unavailable (${error.reason}${error.status ? ` ${error.status}` : ''})`;
          failures.set(id, unavailable);
        } else {
          logger.error('unexpected error while cancelling a ticket sale', { orderId: order.orderId, error });
          unavailable = 'unexpected error';
          failures.set(id, unavailable);
        }
      }
    }
  }
  const next = await mutate(ctx, order, (current) =>
    hasPendingCancellation(current)
      ? recordCancellations(current, { cancelled, failures }, ctx.now())
      : undefined,
  );
  if (hasPendingCancellation(next)) {
    logger.warn('cancellation pending at UiTPAS', {
      orderId: next.orderId,
      pendingLines: next.lines.filter((line) => line.status === 'CANCEL_PENDING').map((line) => line.lineId),
      reason: unavailable ?? [...failures.values()][0],
    });
  }
  return next;
}

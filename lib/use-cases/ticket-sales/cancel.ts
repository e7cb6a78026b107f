/**
 * Cancel an order's UiTPAS sales (all, or one line's), and the retry of cancellations that UiTPAS could not take.
 *
 * A cancellation is written down (CANCELLING) before UiTPAS is called, so a crash cannot lose it; each sale is then
 * cancelled with `DELETE /ticket-sales/{id}` (a 404 `ticket-sale-not-found` means it is gone already: cancelled).
 * What UiTPAS could not take now stays CANCEL_PENDING: it is in the sweep's index, and a queue message asks for a
 * quick retry with backoff. A line is CANCELLED only when every one of its sales is.
 *
 * Asked before the registration's outcome is known (still registering, or UNKNOWN), the cancellation is written on
 * the order (for the line asked, or all) and answered 202: it is done as soon as the sales are found, and an order
 * found to have nothing registered (after the grace a late POST gets) is closed without sales.
 */
import type { Principal } from '../../domain/access.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import {
  closedWithoutSales,
  hasPendingCancellation,
  leaseIsLive,
  lineNotFound,
  linesToCancel,
  mayAccessOrder,
  type Order,
  type OrderView,
  openOrphans,
  orderNotFound,
  recordCancellations,
  requestCancellation,
  startCancelling,
} from '../../domain/ticket-sales/index.js';
import { logger } from '../../logger.js';
import { type Ctx, context, enqueueRetry, findOrder, mutate, type TicketSalesDeps } from './deps.js';
import { closeUnderLease, needsReconciliation, settleUncertain, waitForLease } from './settle.js';

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
  const found = await findOrder(ctx, principal, input.orderId);
  if (!found || !mayAccessOrder(principal, found)) throw orderNotFound(input.orderId);
  if (input.lineId !== undefined && !found.lines.some((line) => line.lineId === input.lineId)) {
    throw lineNotFound(input.orderId, input.lineId);
  }
  const now = ctx.now();
  let order = found;
  // Until the registration is settled one way or the other; a concurrent request may settle it meanwhile.
  for (;;) {
    order = await waitForLease(ctx, order);
    if (leaseIsLive(order, ctx.now())) {
      // Still registering after the wait: the cancellation is written on the order, conditional on the version
      // read, and the registration does it once its outcome is known (recordRegistered, recordRefused).
      order = await mutate(ctx, order, (current) =>
        leaseIsLive(current, ctx.now()) ? requestCancellation(current, input.lineId, now) : undefined,
      );
      if (leaseIsLive(order, ctx.now())) return { pending: true, order: ctx.view(order) };
      continue;
    }
    if (needsReconciliation(order)) {
      const settled = await settleUncertain(ctx, order);
      order = settled.order;
      if (settled.outcome === 'busy') continue;
      if (settled.outcome === 'none') {
        // Nothing was registered, and the grace for a late POST is over: closed without sales, under our lease.
        order = await closeUnderLease(ctx, order);
        continue;
      }
      if (settled.outcome === 'unknown') {
        // Whether anything was registered is not known yet (nothing found so far proves nothing while the POST may
        // still be applied): the cancellation is kept on the order and done as soon as the reconciliation (the
        // sweep's, or the next identical registration request's) finds the sales, for the lines asked only.
        order = await mutate(ctx, order, (current) =>
          needsReconciliation(current) ? requestCancellation(current, input.lineId, now) : undefined,
        );
        if (needsReconciliation(order)) return { pending: true, order: ctx.view(order) };
        continue;
      }
      // Registered: a cancellation asked before is under way (CANCEL_PENDING); this one goes on below.
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
  }
  // What this request asked, and whatever else is pending on the order (a cancellation asked before the outcome
  // was known, orphaned sales): one pass at UiTPAS.
  if (hasPendingCancellation(order)) {
    order = await runCancellations(ctx, order);
    if (hasPendingCancellation(order))
      await enqueueRetry(ctx, { orderId: order.orderId, lineId: input.lineId });
  }
  return { pending: hasPendingCancellation(order), order: ctx.view(order) };
}

/**
 * Cancels at UiTPAS every sale of the order's CANCELLING and CANCEL_PENDING lines that is not cancelled yet, and its
 * orphaned sales, and records the outcome. Stops calling UiTPAS at the first sign that it is unavailable (the rest is
 * retried later). Used by the API, the registration, the queue consumer and the sweep: concurrent runs are harmless
 * (a second DELETE answers 404).
 */
export async function runCancellations(ctx: Ctx, order: Order): Promise<Order> {
  const cancelled = new Set<string>();
  const failures = new Map<string, string>();
  let unavailable: string | undefined;
  const open = [
    ...order.lines
      .filter((line) => line.status === 'CANCELLING' || line.status === 'CANCEL_PENDING')
      .flatMap((line) => line.ticketSaleIds.filter((id) => !line.cancelledTicketSaleIds.includes(id))),
    ...openOrphans(order).map((sale) => sale.ticketSaleId),
  ];
  for (const id of open) {
    if (unavailable) {
      failures.set(id, unavailable);
      continue;
    }
    try {
      await ctx.deps.uitpas.cancelTicketSale(id, { deadline: ctx.deps.answerBy });
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

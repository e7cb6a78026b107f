/**
 * The scheduled sweep: the backstop that makes every order end in a settled state even when nobody calls again.
 *
 * 1. HELD orders past `heldUntil` (not confirmed in time): cancelled, so a crashed or abandoned basket never leaves
 *    a discount registered. CANCELLING is written first, so a confirmation arriving meanwhile gets a clear 409.
 * 2. Orders with a pending cancellation whose retry time has come (5 minutes after it was asked, later after each
 *    failed attempt): retried (a lost queue message, a crash between the two writes of a cancellation, or UiTPAS
 *    down longer than the queue's retries). Their HELD lines past `heldUntil` expire here too: such an order is not
 *    in the HELD index while a sibling line's cancellation is stuck.
 * 3. REGISTERING orders whose lease ran out, UNKNOWN orders, and refusals after an uncertain attempt, untouched for
 *    `unsettledAfterSeconds` (default: the grace a late POST gets): reconciled with UiTPAS's sales. Found -> HELD
 *    (and cancelled at expiry like any other), or cancelled if that was asked; nothing found after the grace ->
 *    REFUSED (the same request may try again), or closed if a cancellation was asked; still unknown -> left for a
 *    later run, with an alarm-worthy log line.
 *
 * Safe to run concurrently with itself and with the API: every step is a conditional write or takes the lease.
 */

import {
  APPLY_GRACE_MS,
  expireHeld,
  hasPendingCancellation,
  leaseIsLive,
  type Order,
  pendingCancellationDueAt,
} from '../../domain/ticket-sales/index.js';
import { logger } from '../../logger.js';
import { needsAPerson } from '../../metrics.js';
import { runCancellations } from './cancel.js';
import { type Ctx, context, enqueueRetry, mutate, type TicketSalesDeps } from './deps.js';
import type { OrderQueue } from './ports.js';
import { closeUnderLease, recordRefused, settleUncertain } from './settle.js';

export interface SweepOptions {
  /** At most this many orders per partition per run; the rest waits for the next run. Default 100. */
  limit?: number;
  /**
   * Reconcile unsettled orders untouched for this long. Default: APPLY_GRACE_MS, before which finding nothing
   * proves nothing (a shorter value only costs searches: the grace is checked per order anyway).
   */
  unsettledAfterSeconds?: number;
}

export interface SweepSummary {
  expired: number;
  retried: number;
  reconciled: { registered: number; none: number; unknown: number };
  cancelled: number;
  stillPending: number;
  failed: number;
}

export async function sweepHeldSales(
  deps: TicketSalesDeps,
  options: SweepOptions = {},
): Promise<SweepSummary> {
  const ctx = context(deps);
  const limit = options.limit ?? 100;
  const now = ctx.now();
  const summary: SweepSummary = {
    expired: 0,
    retried: 0,
    reconciled: { registered: 0, none: 0, unknown: 0 },
    cancelled: 0,
    stillPending: 0,
    failed: 0,
  };
  const each = async (queue: OrderQueue, before: Date, work: (order: Order) => Promise<void>) => {
    for (const order of await deps.orders.listDue(queue, before, limit)) {
      try {
        await work(order);
      } catch (error) {
        summary.failed += 1;
        logger.error('the sweep could not handle an order; the next run tries again', {
          orderId: order.orderId,
          queue,
          error,
        });
      }
    }
  };
  const cancel = async (order: Order) => {
    const done = await runCancellations(ctx, order);
    if (hasPendingCancellation(done)) {
      summary.stillPending += 1;
      await enqueueRetry(ctx, { orderId: done.orderId });
    } else {
      summary.cancelled += 1;
    }
  };

  /**
   * The index copy may be stale: the write is conditional, and the check is made again on what is stored. Only the
   * run whose write went through cancels (two sweeps at once do the work once).
   */
  const expire = async (listed: Order): Promise<{ order: Order; expired: boolean }> => {
    let expired = false;
    const order = await mutate(ctx, listed, (current) => {
      const next = expireHeld(current, now);
      expired = next !== undefined;
      return next;
    });
    if (expired) {
      summary.expired += 1;
      logger.info('cancelling held lines that were not confirmed in time', {
        orderId: order.orderId,
        heldUntil: order.heldUntil,
      });
    }
    return { order, expired };
  };

  await each('HELD', now, async (listed) => {
    const { order, expired } = await expire(listed);
    if (expired) await cancel(order);
  });

  await each('CANCEL_PENDING', now, async (listed) => {
    // Read again: the index copy may lag, and a sale cancelled meanwhile need not be asked again.
    const stored = await deps.orders.get(listed.orderId, { consistent: true });
    if (!stored || !hasPendingCancellation(stored)) return;
    if (pendingCancellationDueAt(stored) > now.toISOString()) return;
    const { order, expired } = await expire(stored);
    if (!expired) summary.retried += 1;
    await cancel(order);
  });

  const unsettledBefore = new Date(
    now.getTime() - (options.unsettledAfterSeconds ?? APPLY_GRACE_MS / 1000) * 1000,
  );
  await each('UNSETTLED', unsettledBefore, async (order) => settle(ctx, order, summary, cancel));

  logger.info('sweep done', { ...summary });
  return summary;
}

async function settle(
  ctx: Ctx,
  listed: Order,
  summary: SweepSummary,
  cancel: (order: Order) => Promise<void>,
): Promise<void> {
  const order = await ctx.deps.orders.get(listed.orderId, { consistent: true });
  if (!order || leaseIsLive(order, ctx.now())) return;
  if (order.status !== 'REGISTERING' && order.status !== 'UNKNOWN' && order.status !== 'REFUSED') return;
  if (order.status === 'REFUSED' && !order.uncertainSince) return;
  const settled = await settleUncertain(ctx, order);
  switch (settled.outcome) {
    case 'busy':
      return;
    case 'registered':
      summary.reconciled.registered += 1;
      if (hasPendingCancellation(settled.order)) await cancel(settled.order);
      return;
    case 'none': {
      summary.reconciled.none += 1;
      // Nothing was registered, and the grace for a late POST is over: settled for good. REFUSED (the same
      // request may try again), or closed if a cancellation was asked meanwhile.
      if (settled.order.cancelRequestedAt) {
        await closeUnderLease(ctx, settled.order);
      } else {
        await recordRefused(ctx, settled.order, {
          reconciliation: settled.order.reconciliation,
          settled: true,
        });
      }
      return;
    }
    case 'unknown': {
      summary.reconciled.unknown += 1;
      const reason = settled.order.reconciliation?.reason;
      // Nothing found within the grace is expected (a shorter unsettledAfterSeconds); anything else needs a person.
      const message = 'registration outcome still unknown after reconciling; retried at a later sweep';
      const details = { orderId: settled.order.orderId, reason, since: settled.order.uncertainSince };
      if (reason === 'may-still-apply') logger.warn(message, details);
      else needsAPerson('ticket-sale-outcome-unknown', message, details);
      return;
    }
  }
}

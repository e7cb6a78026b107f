/**
 * The scheduled sweep: the backstop that makes every order end in a settled state even when nobody calls again.
 *
 * 1. HELD orders past `heldUntil` (not confirmed in time): cancelled, so a crashed or abandoned basket never leaves
 *    a discount registered. CANCELLING is written first, so a confirmation arriving meanwhile gets a clear 409.
 * 2. CANCELLING / CANCEL_PENDING orders older than `pendingAfterMinutes`: retried (a lost queue message, a crash
 *    between the two writes of a cancellation, or UiTPAS down longer than the queue's retries).
 * 3. REGISTERING orders whose lease ran out, UNKNOWN orders, and refusals after an uncertain attempt, older than
 *    `unsettledAfterSeconds`: reconciled with UiTPAS's sales. Found -> HELD (and cancelled at expiry like any other);
 *    none -> REFUSED for good; still unknown -> left for the next run, with an alarm-worthy log line.
 *
 * Safe to run concurrently with itself and with the API: every step is a conditional write or takes the lease.
 */
import {
  closedWithoutSales,
  hasPendingCancellation,
  leaseIsLive,
  type Order,
  startCancelling,
} from '../domain/ticket-sales.js';
import { logger } from '../logger.js';
import type { OrderQueue } from '../store/orders.js';
import { runCancellations } from './cancel.js';
import { type Ctx, context, enqueueRetry, mutate, type TicketSalesDeps } from './deps.js';
import { recordRefused, settleUncertain } from './settle.js';

export interface SweepOptions {
  /** At most this many orders per partition per run; the rest waits for the next run. Default 100. */
  limit?: number;
  /** Retry pending cancellations older than this (the queue handles the younger ones). Default 5. */
  pendingAfterMinutes?: number;
  /** Reconcile unsettled orders older than this. Default 60. */
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

  await each('HELD', now, async (listed) => {
    // The index copy may be stale: the write is conditional, and the check is made again on what is stored. Only
    // the run whose write went through cancels (two sweeps at once do the work once).
    let expiredHere = false;
    const order = await mutate(ctx, listed, (current) => {
      expiredHere = false;
      if (current.status !== 'HELD' || !current.heldUntil || Date.parse(current.heldUntil) >= now.getTime()) {
        return undefined;
      }
      expiredHere = true;
      const held = new Set(current.lines.filter((line) => line.status === 'HELD').map((line) => line.lineId));
      return { ...startCancelling(current, held, now), expiredAt: now.toISOString() };
    });
    if (!expiredHere) return;
    summary.expired += 1;
    logger.info('cancelling an order that was not confirmed in time', {
      orderId: order.orderId,
      heldUntil: order.heldUntil,
    });
    await cancel(order);
  });

  const pendingBefore = new Date(now.getTime() - (options.pendingAfterMinutes ?? 5) * 60_000);
  await each('CANCEL_PENDING', pendingBefore, async (listed) => {
    // Read again: the index copy may lag, and a sale cancelled meanwhile need not be asked again.
    const order = await deps.orders.get(listed.orderId, { consistent: true });
    if (!order || !hasPendingCancellation(order)) return;
    summary.retried += 1;
    await cancel(order);
  });

  const unsettledBefore = new Date(now.getTime() - (options.unsettledAfterSeconds ?? 60) * 1000);
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
      // Nothing was registered, a minute and more after the attempt: refused for good (or closed, if cancelled).
      if (settled.order.cancelRequestedAt) {
        const owner = settled.order.attempt?.owner;
        await mutate(ctx, settled.order, (current) =>
          current.status === 'REGISTERING' && current.attempt?.owner === owner
            ? closedWithoutSales(current)
            : undefined,
        );
      } else {
        await recordRefused(ctx, settled.order, {
          reconciliation: settled.order.reconciliation,
          settled: true,
        });
      }
      return;
    }
    case 'unknown':
      summary.reconciled.unknown += 1;
      logger.error('registration outcome still unknown after reconciling; retried at the next sweep', {
        alarm: 'ticket-sale-outcome-unknown',
        orderId: settled.order.orderId,
        reason: settled.order.reconciliation?.reason,
        since: settled.order.uncertainSince,
      });
      return;
  }
}

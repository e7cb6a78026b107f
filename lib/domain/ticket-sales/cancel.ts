/**
 * Cancelling: which lines a cancellation covers, recording what UiTPAS did, orphaned sales, and the sweep's backoff
 * for cancellations UiTPAS could not take.
 */
import { withLines } from './order.js';
import type { LineAssignment } from './request.js';
import type { LineStatus, Order, OrderLine, OrphanedSale } from './types.js';

/**
 * When the sweep retries a cancellation UiTPAS could not take: 5 minutes after the attempt (the queue does the
 * quick retries), doubling with every failed attempt up to an hour. Each failure moves the order back in the sweep's
 * queue, so cancellations UiTPAS keeps refusing cannot crowd out the others.
 */
export function cancelRetryDelayMs(failedAttempts: number): number {
  return Math.min(60, 5 * 2 ** Math.max(0, failedAttempts - 1)) * 60_000;
}

/** The earliest of the lines' pending cancellations. */
export function cancelSince(order: Order): string | undefined {
  const since = order.lines.flatMap((line) => (line.cancelSince ? [line.cancelSince] : [])).sort();
  return since[0];
}

/**
 * When the sweep must next look at an order with a pending cancellation: its retry time (moved on with every failed
 * attempt), or, before any attempt failed, a while after the cancellation was asked (the API is doing it); and no
 * later than `heldUntil` while a sibling line is still HELD, so that line still expires on time.
 */
export function pendingCancellationDueAt(order: Order): string {
  const asked = cancelSince(order) ?? order.updatedAt;
  const retry = order.cancelRetryAt ?? new Date(Date.parse(asked) + cancelRetryDelayMs(1)).toISOString();
  const held = order.lines.some((line) => line.status === 'HELD') ? order.heldUntil : undefined;
  return held !== undefined && held < retry ? held : retry;
}

// --- cancelling -------------------------------------------------------------------------------------------------

const CANCELLABLE: readonly LineStatus[] = ['HELD', 'CONFIRMED', 'CANCELLING', 'CANCEL_PENDING'];

/** The lines a cancellation of the order (or of one line) still has to do something for. */
export function linesToCancel(order: Order, lineId?: string): OrderLine[] {
  return order.lines.filter(
    (line) => (lineId === undefined || line.lineId === lineId) && CANCELLABLE.includes(line.status),
  );
}

/**
 * Writes down a cancellation asked before the registration's outcome is known (REGISTERING, UNKNOWN): for the line
 * asked, or every line. Requests add up (line a, then line b: both; then the order: all). Undefined when it is
 * already covered.
 */
export function requestCancellation(order: Order, lineId: string | undefined, now: Date): Order | undefined {
  const all = order.cancelRequestedAt !== undefined && order.cancelLineIds === undefined;
  if (all || (lineId !== undefined && order.cancelLineIds?.includes(lineId))) return undefined;
  const { cancelLineIds: _lines, ...rest } = order;
  return {
    ...rest,
    cancelRequestedAt: order.cancelRequestedAt ?? now.toISOString(),
    ...(lineId === undefined ? {} : { cancelLineIds: [...(order.cancelLineIds ?? []), lineId] }),
  };
}

/**
 * The sweep's expiry: HELD lines not confirmed before `heldUntil` start cancelling (whatever their sibling lines are
 * doing). Undefined when nothing expires.
 */
export function expireHeld(order: Order, now: Date): Order | undefined {
  if (!order.heldUntil || Date.parse(order.heldUntil) >= now.getTime()) return undefined;
  const held = new Set(order.lines.filter((line) => line.status === 'HELD').map((line) => line.lineId));
  if (held.size === 0) return undefined;
  return { ...startCancelling(order, held, now), expiredAt: now.toISOString() };
}

/** Marks the cancellation as started (CANCELLING) before UiTPAS is called, so a crash cannot lose it. */
export function startCancelling(order: Order, lineIds: ReadonlySet<string>, now: Date): Order {
  const at = now.toISOString();
  return withLines(
    order,
    order.lines.map((line) =>
      lineIds.has(line.lineId) && (line.status === 'HELD' || line.status === 'CONFIRMED')
        ? { ...line, status: 'CANCELLING', cancelSince: at }
        : line,
    ),
  );
}

/** The outcome of cancelling sales at UiTPAS, per sale: gone, or still there with the reason. */
export interface CancelResults {
  cancelled: ReadonlySet<string>;
  failures: ReadonlyMap<string, string>;
}

/**
 * Records what UiTPAS did. A line is CANCELLED when all its sales are gone; otherwise CANCEL_PENDING (retried by
 * the queue and the sweep, which comes back at `cancelRetryAt`, later after each failed attempt). Applied to the
 * freshest read, so concurrent cancellations add up instead of overwriting.
 */
export function recordCancellations(order: Order, results: CancelResults, now: Date): Order {
  const at = now.toISOString();
  const orphanedSales = order.orphanedSales?.map((sale) =>
    !sale.cancelledAt && results.cancelled.has(sale.ticketSaleId) ? { ...sale, cancelledAt: at } : sale,
  );
  const next = withLines(
    { ...order, ...(orphanedSales ? { orphanedSales } : {}) },
    order.lines.map((line): OrderLine => {
      if (line.status !== 'CANCELLING' && line.status !== 'CANCEL_PENDING') return line;
      const cancelled = [
        ...new Set([
          ...line.cancelledTicketSaleIds,
          ...line.ticketSaleIds.filter((id) => results.cancelled.has(id)),
        ]),
      ];
      const open = line.ticketSaleIds.filter((id) => !cancelled.includes(id));
      if (open.length === 0) {
        const { cancelSince: _since, lastCancelError: _error, ...rest } = line;
        return { ...rest, cancelledTicketSaleIds: cancelled, status: 'CANCELLED' };
      }
      const failure = open.map((id) => results.failures.get(id)).find((detail) => detail !== undefined);
      return {
        ...line,
        cancelledTicketSaleIds: cancelled,
        status: 'CANCEL_PENDING',
        cancelSince: line.cancelSince ?? at,
        lastCancelError: failure
          ? { at, detail: failure }
          : (line.lastCancelError ?? { at, detail: 'not tried yet' }),
      };
    }),
  );
  const { cancelRetryAt: _retry, cancelAttempts: _attempts, ...settled } = next;
  if (!hasPendingCancellation(next)) return settled;
  const attempts = (order.cancelAttempts ?? 0) + 1;
  return {
    ...next,
    cancelAttempts: attempts,
    cancelRetryAt: new Date(now.getTime() + cancelRetryDelayMs(attempts)).toISOString(),
  };
}

/** An order nothing was registered for, closed for good at the client's request: CANCELLED without sales. */
export function closedWithoutSales(order: Order): Order {
  const { attempt: _attempt, uncertainSince: _uncertain, uncertainUntil: _until, ...rest } = order;
  return withLines(
    rest,
    order.lines.map((line) => ({ ...line, status: 'CANCELLED' })),
  );
}

/** Orphaned sales not cancelled yet. */
export function openOrphans(order: Order): OrphanedSale[] {
  return (order.orphanedSales ?? []).filter((sale) => !sale.cancelledAt);
}

export function hasPendingCancellation(order: Order): boolean {
  return (
    order.lines.some((line) => line.status === 'CANCELLING' || line.status === 'CANCEL_PENDING') ||
    openOrphans(order).length > 0
  );
}

/** Whether the order's lines hold every one of these sales. */
export function holdsSales(order: Order, assignments: readonly LineAssignment[]): boolean {
  const held = new Set(order.lines.flatMap((line) => line.ticketSaleIds));
  return assignments.every((assignment) => assignment.ticketSaleIds.every((id) => held.has(id)));
}

/**
 * Sales registered for the order that none of its lines holds: recorded to be cancelled (see `orphanedSales`).
 * Undefined when they are all known already.
 */
export function withOrphans(
  order: Order,
  assignments: readonly LineAssignment[],
  now: Date,
): Order | undefined {
  const known = new Set([
    ...order.lines.flatMap((line) => line.ticketSaleIds),
    ...(order.orphanedSales ?? []).map((sale) => sale.ticketSaleId),
  ]);
  const foundAt = now.toISOString();
  // The same request, so the same lines in the same order as the attempt that registered them.
  const added = order.lines.flatMap((line, i) =>
    (assignments[i]?.ticketSaleIds ?? [])
      .filter((id) => !known.has(id))
      .map((ticketSaleId): OrphanedSale => ({ ticketSaleId, lineId: line.lineId, foundAt })),
  );
  if (added.length === 0) return undefined;
  return { ...order, orphanedSales: [...(order.orphanedSales ?? []), ...added] };
}

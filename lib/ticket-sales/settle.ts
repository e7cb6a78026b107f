/**
 * Settling a registration whose outcome is not known: the lease that keeps one attempt at a time on an order, the
 * search of UiTPAS's sales after a lost answer (reconciliation), and the writes that record what was decided.
 * Registration, cancellation and the sweep all go through here, so they agree on what an UNKNOWN order means.
 */
import { UpstreamProblem, UpstreamUnavailable } from '../domain/errors.js';
import {
  CLOCK_SKEW_MS,
  decideReconciliation,
  type LineAssignment,
  leaseIsLive,
  type Order,
  type OrderError,
  type PlannedLine,
  type ReconcileDecision,
  type Reconciliation,
  type RegisteredSale,
  reconciliationCandidates,
  registered,
  registrationInProgress,
  replan,
  touch,
  uncertainStart,
  withUnregisteredStatus,
} from '../domain/ticket-sales.js';
import { logger } from '../logger.js';
import type { ClaimResult } from '../store/orders.js';
import { type Ctx, reread } from './deps.js';

/** Claim writes in flight at once. */
const CLAIMS_IN_FLIGHT = 10;
/** UiTPAS's page size cap. */
const PAGE_SIZE = 500;
/** A listing that keeps changing while it is paged is read again this often before giving up (outcome unknown). */
const LISTING_READS = 3;

/**
 * Waits while another request holds a live lease on the order, reading it again every `pollMs`, up to `waitMs`.
 * Then answers 409 `registration-in-progress`: the caller sends the same request again later.
 */
export async function waitWhileLeased(ctx: Ctx, order: Order): Promise<Order> {
  const until = ctx.now().getTime() + ctx.waitMs;
  let current = order;
  while (leaseIsLive(current, ctx.now())) {
    if (ctx.now().getTime() >= until) throw registrationInProgress(current.orderId, 2);
    await ctx.sleep(ctx.pollMs);
    current = await reread(ctx, current.orderId);
  }
  return current;
}

/**
 * Takes the order for a new attempt: REGISTERING with a fresh lease, conditional on the version read. An earlier
 * attempt that may have posted (an expired lease) becomes `uncertainSince`: it is reconciled before anything else.
 * Undefined when another request was faster.
 */
export async function takeLease(
  ctx: Ctx,
  order: Order,
  plan?: readonly PlannedLine[],
): Promise<Order | undefined> {
  const now = ctx.now();
  const uncertainSince =
    order.uncertainSince ?? (order.status === 'REGISTERING' ? order.attempt?.startedAt : undefined);
  const base = plan ? replan(order, plan) : order;
  const next = touch(
    { ...withUnregisteredStatus(base, 'REGISTERING'), attempt: ctx.newAttempt(now), uncertainSince },
    now,
  );
  return (await ctx.deps.orders.save(next)) ? next : undefined;
}

/** Every ticket sale of the order's events at UiTPAS, page by page; read again if it changed while being paged. */
async function searchSales(ctx: Ctx, order: Order): Promise<RegisteredSale[] | undefined> {
  const eventIds = [
    ...new Map(order.lines.map((line) => [line.uitdatabankId.toLowerCase(), line.uitdatabankId])).values(),
  ];
  const sales: RegisteredSale[] = [];
  for (const eventId of eventIds) {
    let stable: RegisteredSale[] | undefined;
    for (let read = 0; read < LISTING_READS && !stable; read += 1) {
      const first = await ctx.deps.uitpas.searchTicketSales({ eventId, start: 0, limit: PAGE_SIZE });
      const listed = [...first.member];
      let unchanged = true;
      for (let start = PAGE_SIZE; start < first.totalItems && unchanged; start += PAGE_SIZE) {
        const page = await ctx.deps.uitpas.searchTicketSales({ eventId, start, limit: PAGE_SIZE });
        unchanged = page.totalItems === first.totalItems;
        listed.push(...page.member);
      }
      // Paging by offset skips a sale when an earlier one is cancelled meanwhile: only a steady count is trusted.
      if (unchanged) stable = listed;
    }
    if (!stable) return undefined;
    sales.push(...stable);
  }
  return sales;
}

/**
 * What became of an attempt whose answer was lost: searches UiTPAS's sales for the order's events and claims the
 * ones found (a claim is per sale and unique, so a sale is never given to two orders). Writes only claims.
 */
export async function reconcileOrder(ctx: Ctx, order: Order): Promise<ReconcileDecision> {
  const now = ctx.now();
  const unknown = (
    reason: Reconciliation['reason'],
    found: Reconciliation['found'] = {},
  ): ReconcileDecision => ({
    outcome: 'unknown',
    record: {
      at: now.toISOString(),
      outcome: 'unknown',
      reason,
      since: new Date(Date.parse(uncertainStart(order)) - CLOCK_SKEW_MS).toISOString(),
      found,
    },
  });
  let sales: RegisteredSale[] | undefined;
  try {
    sales = await searchSales(ctx, order);
  } catch (error) {
    if (!(error instanceof UpstreamUnavailable || error instanceof UpstreamProblem)) throw error;
    logger.warn('could not search UiTPAS ticket sales to reconcile an order', {
      orderId: order.orderId,
      error,
    });
    return unknown('uitpas-unreachable');
  }
  if (!sales) return unknown('listing-unstable');

  const candidates = reconciliationCandidates(order, sales);
  const claims = await Promise.all(candidates.map((sale) => ctx.deps.orders.getClaim(sale.id)));
  const elsewhere = new Set(
    candidates.filter((_sale, i) => claims[i] && claims[i].orderId !== order.orderId).map((sale) => sale.id),
  );
  const decision = decideReconciliation(order, candidates, elsewhere, now);
  logger.info('reconciled an order with UiTPAS ticket sales', {
    orderId: order.orderId,
    outcome: decision.outcome,
    reason: decision.record.reason,
    candidates: candidates.length,
  });
  if (decision.outcome !== 'found') return decision;
  const taken = await claimAll(ctx, order, decision.assignments, 'reconciliation');
  return taken ? unknown('claimed-meanwhile', decision.record.found) : decision;
}

/**
 * Claims the sales for their lines. Returns true when one already belongs to another order. For sales UiTPAS named
 * in its answer that is an alarm (another order's reconciliation took a sale that is certainly ours); the sale stays
 * with this order as UiTPAS said, and support must look at the other order.
 */
export async function claimAll(
  ctx: Ctx,
  order: Order,
  assignments: readonly LineAssignment[],
  source: 'registration' | 'reconciliation',
): Promise<boolean> {
  const claimedAt = ctx.now().toISOString();
  const wanted = order.lines.flatMap((line, i) =>
    (assignments[i]?.ticketSaleIds ?? []).map((ticketSaleId) => ({ ticketSaleId, lineId: line.lineId })),
  );
  const results: { ticketSaleId: string; result: ClaimResult }[] = [];
  // A few at a time: a large group order must not burst hundreds of writes at once.
  for (let start = 0; start < wanted.length; start += CLAIMS_IN_FLIGHT) {
    const chunk = wanted.slice(start, start + CLAIMS_IN_FLIGHT);
    results.push(
      ...(await Promise.all(
        chunk.map(async ({ ticketSaleId, lineId }) => ({
          ticketSaleId,
          result: await ctx.deps.orders.claimSale({
            ticketSaleId,
            orderId: order.orderId,
            lineId,
            source,
            claimedAt,
          }),
        })),
      )),
    );
  }
  const taken = results.filter(({ result }) => result.outcome === 'taken');
  if (taken.length > 0 && source === 'registration') {
    logger.error('a ticket sale UiTPAS registered for this order is claimed by another order', {
      alarm: 'ticket-sale-claim-conflict',
      orderId: order.orderId,
      conflicts: taken.map(({ ticketSaleId, result }) => ({
        ticketSaleId,
        otherOrderId: result.outcome === 'taken' ? result.claim?.orderId : undefined,
      })),
    });
  }
  return taken.length > 0;
}

/**
 * Records the registered sales: HELD until `heldUntil` (counted from the attempt that registered them), or straight
 * to CANCEL_PENDING when a cancellation was asked meanwhile. Our lease may have run out and another request may
 * have taken the order over: the sales are certainly this order's, so the write is repeated on what is there now.
 */
export async function recordRegistered(
  ctx: Ctx,
  order: Order,
  assignments: readonly LineAssignment[],
  reconciliation?: Reconciliation,
): Promise<Order> {
  const now = ctx.now();
  // The hold counts from the attempt that registered: the one UiTPAS answered, or the uncertain one that was found.
  const registeredAt = reconciliation
    ? uncertainStart(order)
    : (order.attempt?.startedAt ?? now.toISOString());
  const heldUntil = new Date(Date.parse(registeredAt) + ctx.heldMs);
  let current = order;
  for (let attempt = 1; attempt <= 3; attempt += 1) {
    const next = touch(registered(current, assignments, { now, heldUntil, reconciliation }), now);
    if (await ctx.deps.orders.save(next)) return next;
    current = await reread(ctx, order.orderId);
    // The request that took over found the same sales (they are claimed by this order): done.
    if (current.status !== 'REGISTERING' && current.status !== 'UNKNOWN' && current.status !== 'REFUSED')
      return current;
  }
  throw new Error(`order ${order.orderId}: could not record its registered sales`);
}

/**
 * Gives the order up as REFUSED: nothing of this attempt was registered, so the same request may try again. Keeps
 * `uncertainSince` unless `settled`: an earlier attempt that may have applied is still reconciled before the next
 * POST (and by the sweep).
 */
export async function recordRefused(
  ctx: Ctx,
  order: Order,
  options: {
    error?: OrderError | undefined;
    reconciliation?: Reconciliation | undefined;
    settled?: boolean;
  } = {},
): Promise<Order> {
  const now = ctx.now();
  const next = touch(
    {
      ...withUnregisteredStatus(order, 'REFUSED'),
      attempt: undefined,
      uncertainSince: options.settled ? undefined : order.uncertainSince,
      lastError: options.error ?? order.lastError,
      reconciliation: options.reconciliation ?? order.reconciliation,
    },
    now,
  );
  if (!(await ctx.deps.orders.save(next))) {
    logger.warn('the order changed before its refusal was recorded', { orderId: order.orderId });
    return reread(ctx, order.orderId);
  }
  return next;
}

/** The outcome could not be found out: UNKNOWN, reconciled again by the next identical request or the sweep. */
export async function recordUnknown(
  ctx: Ctx,
  order: Order,
  reconciliation: Reconciliation,
  options: { cancelRequested?: boolean } = {},
): Promise<Order> {
  const now = ctx.now();
  const next = touch(
    {
      ...withUnregisteredStatus(order, 'UNKNOWN'),
      attempt: undefined,
      uncertainSince: uncertainStart(order),
      reconciliation,
      ...(options.cancelRequested ? { cancelRequestedAt: order.cancelRequestedAt ?? now.toISOString() } : {}),
    },
    now,
  );
  logger.warn('registration outcome unknown', {
    orderId: order.orderId,
    reason: reconciliation.reason,
    found: reconciliation.found,
  });
  if (!(await ctx.deps.orders.save(next))) {
    logger.warn('the order changed before its unknown outcome was recorded', { orderId: order.orderId });
    return reread(ctx, order.orderId);
  }
  return next;
}

export type Settled =
  | { outcome: 'registered'; order: Order }
  | { outcome: 'none'; order: Order }
  | { outcome: 'unknown'; order: Order }
  | { outcome: 'busy'; order: Order };

/**
 * For an order whose last attempt may have posted (REGISTERING with an expired lease, UNKNOWN, REFUSED after an
 * uncertain attempt): take the lease, then reconcile. `none` leaves the lease held (the caller decides: register,
 * refuse or cancel); `busy` means someone else holds the order now.
 */
export async function settleUncertain(ctx: Ctx, order: Order): Promise<Settled> {
  const leased = await takeLease(ctx, order);
  if (!leased) return { outcome: 'busy', order: await reread(ctx, order.orderId) };
  const decision = await reconcileOrder(ctx, leased);
  if (decision.outcome === 'found') {
    return {
      outcome: 'registered',
      order: await recordRegistered(ctx, leased, decision.assignments, decision.record),
    };
  }
  if (decision.outcome === 'unknown') {
    return { outcome: 'unknown', order: await recordUnknown(ctx, leased, decision.record) };
  }
  return { outcome: 'none', order: { ...leased, reconciliation: decision.record } };
}

export function needsReconciliation(order: Order): boolean {
  return (
    order.status === 'UNKNOWN' ||
    order.status === 'REGISTERING' ||
    (order.status === 'REFUSED' && order.uncertainSince !== undefined)
  );
}

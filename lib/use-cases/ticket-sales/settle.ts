/**
 * Settling a registration whose outcome is not known: the lease that keeps one attempt at a time on an order, the
 * search of UiTPAS's sales after a lost answer (reconciliation), and the writes that record what was decided.
 * Registration, cancellation and the sweep all go through here, so they agree on what an UNKNOWN order means.
 *
 * "Nothing found" is proof that nothing was registered only once APPLY_GRACE_MS has passed since the uncertain
 * attempt started: UiTPAS may apply a POST after our client gave up on it. Before that the outcome stays UNKNOWN:
 * nothing is posted again, nothing is closed, and the order stays in the sweep's UNSETTLED index.
 */

import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import {
  applyGraceOver,
  closedWithoutSales,
  decideReconciliation,
  driftedLines,
  holdsSales,
  isRegistered,
  type LineAssignment,
  leaseIsLive,
  type Order,
  type OrderError,
  type PlannedLine,
  type ReconcileDecision,
  type Reconciliation,
  type RegisteredSale,
  reconcileWindow,
  reconciliationCandidates,
  registered,
  registrationInProgress,
  replan,
  touch,
  uncertainEnd,
  uncertainStart,
  withOrphans,
  withUnregisteredStatus,
} from '../../domain/ticket-sales/index.js';
import { logger } from '../../logger.js';
import { count, needsAPerson } from '../../metrics.js';
import { type Ctx, mutate, reread } from './deps.js';
import { steadySalesOfEvent } from './listing.js';
import type { ClaimResult } from './ports.js';

/** Claim writes in flight at once. */
const CLAIMS_IN_FLIGHT = 10;
/** Lost races in a row on one order before giving up (a 500): only a flood of writes gets there. */
const MAX_WRITES = 6;

/** Waits while another request holds a live lease on the order, reading it again every `pollMs`, up to `waitMs`. */
export async function waitForLease(ctx: Ctx, order: Order): Promise<Order> {
  const until = ctx.now().getTime() + ctx.waitMs;
  let current = order;
  while (leaseIsLive(current, ctx.now()) && ctx.now().getTime() < until) {
    await ctx.sleep(ctx.pollMs);
    current = await reread(ctx, current.orderId);
  }
  return current;
}

/** As `waitForLease`, then 409 `registration-in-progress` if still leased: the caller sends the request again later. */
export async function waitWhileLeased(ctx: Ctx, order: Order): Promise<Order> {
  const current = await waitForLease(ctx, order);
  if (leaseIsLive(current, ctx.now())) throw registrationInProgress(current.orderId, 2);
  return current;
}

/**
 * Takes the order for a new attempt: REGISTERING with a fresh lease, conditional on the version read. An earlier
 * attempt that may have posted (an expired lease of a POST: the only leases taken without an uncertain attempt on
 * record) becomes the uncertain one, its start and lease end kept: it is reconciled before anything else.
 * `settled`: the uncertain attempt is proven to have registered nothing (nothing found after the grace), so the
 * next POST starts clean. Undefined when another request was faster.
 */
export async function takeLease(
  ctx: Ctx,
  order: Order,
  plan?: readonly PlannedLine[],
  options: { settled?: boolean } = {},
): Promise<Order | undefined> {
  const now = ctx.now();
  const posted = order.status === 'REGISTERING' && !order.uncertainSince ? order.attempt : undefined;
  const uncertain = options.settled
    ? { uncertainSince: undefined, uncertainUntil: undefined }
    : order.uncertainSince
      ? { uncertainSince: order.uncertainSince, uncertainUntil: order.uncertainUntil }
      : { uncertainSince: posted?.startedAt, uncertainUntil: posted?.leaseUntil };
  const base = plan ? replan(order, plan) : order;
  const next = touch(
    { ...withUnregisteredStatus(base, 'REGISTERING'), attempt: ctx.newAttempt(now), ...uncertain },
    now,
  );
  return (await ctx.deps.orders.save(next)) ? next : undefined;
}

/** Every ticket sale of the order's events at UiTPAS, each event's listing steady (listing.ts); undefined if not. */
async function searchSales(ctx: Ctx, order: Order): Promise<RegisteredSale[] | undefined> {
  const eventIds = [
    ...new Map(order.lines.map((line) => [line.uitdatabankId.toLowerCase(), line.uitdatabankId])).values(),
  ];
  const sales: RegisteredSale[] = [];
  for (const eventId of eventIds) {
    const listed = await steadySalesOfEvent(ctx.deps.uitpas, eventId, { deadline: ctx.deps.answerBy });
    if (!listed) return undefined;
    sales.push(...listed);
  }
  return sales;
}

/**
 * What became of an attempt whose answer was lost: searches UiTPAS's sales for the order's events and claims the
 * ones found (a claim is per sale and unique, so a sale is never given to two orders). Writes only claims.
 */
export async function reconcileOrder(ctx: Ctx, order: Order): Promise<ReconcileDecision> {
  const now = ctx.now();
  const window = reconcileWindow(order);
  const unknown = (
    reason: Reconciliation['reason'],
    found: Reconciliation['found'] = {},
  ): ReconcileDecision => ({
    outcome: 'unknown',
    record: {
      at: now.toISOString(),
      outcome: 'unknown',
      reason,
      since: new Date(window.since).toISOString(),
      until: new Date(window.until).toISOString(),
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

  const passKey = await ctx.passKey();
  const candidates = reconciliationCandidates(order, sales, passKey);
  const claims = await Promise.all(candidates.map((sale) => ctx.deps.orders.getClaim(sale.id)));
  const elsewhere = new Set(
    candidates.filter((_sale, i) => claims[i] && claims[i].orderId !== order.orderId).map((sale) => sale.id),
  );
  const decision = decideReconciliation(order, candidates, elsewhere, now, passKey);
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
  // As recordRegistered dates the hold: the attempt UiTPAS answered, or the uncertain one whose sales were found.
  const registeredAt =
    source === 'reconciliation' ? uncertainStart(order) : (order.attempt?.startedAt ?? claimedAt);
  const wanted = order.lines.flatMap((line, i) =>
    (assignments[i]?.ticketSaleIds ?? []).map((ticketSaleId) => ({ ticketSaleId, line })),
  );
  const results: { ticketSaleId: string; result: ClaimResult }[] = [];
  // A few at a time: a large group order must not burst hundreds of writes at once.
  for (let start = 0; start < wanted.length; start += CLAIMS_IN_FLIGHT) {
    const chunk = wanted.slice(start, start + CLAIMS_IN_FLIGHT);
    results.push(
      ...(await Promise.all(
        chunk.map(async ({ ticketSaleId, line }) => ({
          ticketSaleId,
          result: await ctx.deps.orders.claimSale({
            ticketSaleId,
            orderId: order.orderId,
            lineId: line.lineId,
            source,
            claimedAt,
            organisationId: line.organisationId,
            eventId: line.eventId,
            registeredAt,
          }),
        })),
      )),
    );
  }
  const taken = results.filter(({ result }) => result.outcome === 'taken');
  if (taken.length > 0 && source === 'registration') {
    needsAPerson(
      'ticket-sale-claim-conflict',
      'a ticket sale UiTPAS registered for this order is claimed by another order',
      {
        orderId: order.orderId,
        conflicts: taken.map(({ ticketSaleId, result }) => ({
          ticketSaleId,
          otherOrderId: result.outcome === 'taken' ? result.claim?.orderId : undefined,
        })),
      },
    );
  }
  return taken.length > 0;
}

/**
 * Records the registered sales: HELD until `heldUntil` (counted from the attempt that registered them), or, for the
 * lines a cancellation was asked for meanwhile, straight to CANCEL_PENDING. A line UiTPAS registered at another
 * price than its `chargedPrice` refuses the registration (PRICE_DRIFT=refuse): every line is CANCELLING in this same
 * write, so the sales are on record to be cancelled (by the caller at once, else by the sweep) before anything else
 * can happen; or, with PRICE_DRIFT=flag, the drift is kept on the HELD line. Our lease may have run out and another
 * request may have taken the order over: the sales are certainly this order's, so while it is not settled the write
 * is repeated on what is there now. Settled meanwhile without these sales (closed, or registered by another
 * attempt): they are recorded as orphaned, to be cancelled, and an alarm is raised; never a silent success.
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
  for (let attempt = 1; attempt <= MAX_WRITES; attempt += 1) {
    if (isRegistered(current)) {
      // The request that took over found the same sales (they are claimed by this order): done.
      if (holdsSales(current, assignments)) return current;
      return recordOrphans(ctx, current, assignments);
    }
    const next = touch(
      registered(current, assignments, { now, heldUntil, reconciliation, priceDrift: ctx.deps.priceDrift }),
      now,
    );
    if (await ctx.deps.orders.save(next)) {
      reportDrifts(next);
      return next;
    }
    current = await reread(ctx, order.orderId);
  }
  throw new Error(`order ${order.orderId}: could not record its registered sales`);
}

/**
 * Lines registered at another price than the till charged: counted (`PriceDrifts`) and logged, once, by the write
 * that recorded them, refused or flagged alike.
 */
function reportDrifts(order: Order): void {
  const drifted = driftedLines(order);
  if (drifted.length === 0) return;
  count('PriceDrifts', drifted.length);
  const refused = order.priceDriftRefusedAt !== undefined;
  logger.warn(
    refused
      ? 'UiTPAS registered another price than the till charged: the registration is refused and its sales cancelled'
      : 'UiTPAS registered another price than the till charged: accepted and flagged on the line (PRICE_DRIFT=flag)',
    {
      orderId: order.orderId,
      priceDrift: refused ? 'refused' : 'flagged',
      lines: drifted.map(({ line, drift }) => ({ lineId: line.lineId, ...drift })),
    },
  );
}

async function recordOrphans(
  ctx: Ctx,
  settled: Order,
  assignments: readonly LineAssignment[],
): Promise<Order> {
  const now = ctx.now();
  const next = await mutate(ctx, settled, (current) =>
    holdsSales(current, assignments) ? undefined : withOrphans(current, assignments, now),
  );
  needsAPerson(
    'ticket-sale-orphaned',
    'UiTPAS registered sales for an order that was settled without them; they are cancelled',
    {
      orderId: settled.orderId,
      orderStatus: next.status,
      ticketSaleIds: assignments.flatMap((assignment) => assignment.ticketSaleIds),
    },
  );
  return next;
}

/**
 * Writes the outcome of the attempt this request holds (`order.attempt`). On a lost race the outcome is applied to
 * the fresh read as long as the attempt still holds the order (only a cancellation asked meanwhile can have been
 * added: it is kept). Another attempt holding it means our lease ran out: it is theirs to settle.
 */
async function writeOutcome(
  ctx: Ctx,
  order: Order,
  change: (current: Order) => Order,
  what: string,
): Promise<Order> {
  let current = order;
  for (let attempt = 1; attempt <= MAX_WRITES; attempt += 1) {
    const next = touch(change(current), ctx.now());
    if (await ctx.deps.orders.save(next)) return next;
    current = await reread(ctx, order.orderId);
    if (current.status !== 'REGISTERING' || current.attempt?.owner !== order.attempt?.owner) {
      logger.warn(`the order changed before ${what} was recorded`, { orderId: order.orderId });
      return current;
    }
  }
  throw new Error(`order ${order.orderId}: could not record ${what}`);
}

/**
 * Gives the order up as REFUSED: nothing of this attempt was registered, so the same request may try again. Keeps
 * the uncertain attempt unless `settled` (nothing found after the grace): an earlier attempt that may have applied
 * is still reconciled before the next POST (and by the sweep). When a cancellation was asked meanwhile and nothing
 * can still turn up, the order is closed instead (CANCELLED without sales): the same request must not register it.
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
  return writeOutcome(
    ctx,
    order,
    (current) => {
      const refused: Order = {
        ...withUnregisteredStatus(current, 'REFUSED'),
        attempt: undefined,
        uncertainSince: options.settled ? undefined : current.uncertainSince,
        uncertainUntil: options.settled ? undefined : current.uncertainUntil,
        lastError: options.error ?? current.lastError,
        reconciliation: options.reconciliation ?? current.reconciliation,
      };
      return refused.cancelRequestedAt && !refused.uncertainSince ? closedWithoutSales(refused) : refused;
    },
    'its refusal',
  );
}

/**
 * The outcome is not known (yet): UNKNOWN, with the uncertain attempt's bounds, reconciled again by the next
 * identical request or the sweep. A cancellation asked meanwhile is kept.
 */
export async function recordUnknown(
  ctx: Ctx,
  order: Order,
  reconciliation: Reconciliation,
  options: { error?: OrderError | undefined } = {},
): Promise<Order> {
  logger.warn('registration outcome unknown', {
    orderId: order.orderId,
    reason: reconciliation.reason,
    found: reconciliation.found,
  });
  return writeOutcome(
    ctx,
    order,
    (current) => ({
      ...withUnregisteredStatus(current, 'UNKNOWN'),
      attempt: undefined,
      uncertainSince: uncertainStart(current),
      uncertainUntil: uncertainEnd(current),
      reconciliation,
      lastError: options.error ?? current.lastError,
    }),
    'its unknown outcome',
  );
}

export type Settled =
  | { outcome: 'registered'; order: Order }
  | { outcome: 'none'; order: Order }
  | { outcome: 'unknown'; order: Order }
  | { outcome: 'busy'; order: Order };

/**
 * What a reconciliation makes of the order this request holds the lease on. Found: registered. Nothing found once
 * the grace is over: `none`, the lease still held (the caller decides: register, refuse or close). Nothing found
 * before that, or undecided: UNKNOWN.
 */
export async function settleReconciled(
  ctx: Ctx,
  leased: Order,
  decision: ReconcileDecision,
  options: { error?: OrderError | undefined } = {},
): Promise<Settled> {
  if (decision.outcome === 'found') {
    return {
      outcome: 'registered',
      order: await recordRegistered(ctx, leased, decision.assignments, decision.record),
    };
  }
  if (decision.outcome === 'none' && applyGraceOver(leased, ctx.now())) {
    return { outcome: 'none', order: { ...leased, reconciliation: decision.record } };
  }
  const record: Reconciliation =
    decision.outcome === 'none'
      ? { ...decision.record, outcome: 'unknown', reason: 'may-still-apply' }
      : decision.record;
  return { outcome: 'unknown', order: await recordUnknown(ctx, leased, record, options) };
}

/**
 * For an order whose last attempt may have posted (REGISTERING with an expired lease, UNKNOWN, REFUSED after an
 * uncertain attempt): take the lease, then reconcile (see `settleReconciled`); `busy` means someone else holds the
 * order now.
 */
export async function settleUncertain(ctx: Ctx, order: Order): Promise<Settled> {
  const leased = await takeLease(ctx, order);
  if (!leased) return { outcome: 'busy', order: await reread(ctx, order.orderId) };
  return settleReconciled(ctx, leased, await reconcileOrder(ctx, leased));
}

/** Nothing was registered (proven): the order is closed without sales, under the lease this request holds. */
export async function closeUnderLease(ctx: Ctx, leased: Order): Promise<Order> {
  const owner = leased.attempt?.owner;
  return mutate(ctx, leased, (current) =>
    current.status === 'REGISTERING' && current.attempt?.owner === owner
      ? closedWithoutSales(current)
      : undefined,
  );
}

export function needsReconciliation(order: Order): boolean {
  return (
    order.status === 'UNKNOWN' ||
    order.status === 'REGISTERING' ||
    (order.status === 'REFUSED' && order.uncertainSince !== undefined)
  );
}

/**
 * Register the discounted sales of a basket at UiTPAS, exactly once per orderId.
 *
 * 1. The request is checked (lib/use-cases/ticket-sales/plan.ts); a bad one changes nothing.
 * 2. The order is claimed with a conditional create: REGISTERING, with a lease. Of two identical requests at the
 *    same moment one creates it, the other waits for its result.
 * 3. One `POST /ticket-sales` with every ticket. UiTPAS's answer decides: sales -> HELD (and each sale claimed for
 *    the order); a refusal -> REFUSED, the problem naming the line; no answer -> UiTPAS's sales are searched
 *    (reconciled) before anything is decided, and never posted again while that search cannot tell. Finding
 *    nothing right after a timeout tells nothing (UiTPAS may apply the POST late): UNKNOWN until the grace is over.
 * 4. A line may say what the till charged (`chargedPrice`). UiTPAS registering another price is a price drift: with
 *    PRICE_DRIFT=refuse (the default) the registration is refused (422 `price-drift`, naming the line) and every sale
 *    of the order goes to cancelling in the write that records them, then is cancelled at once, or, if UiTPAS cannot
 *    take it now, by the sweep (CANCEL_PENDING); with `flag` the order is HELD with the drift on the line. The same
 *    holds for sales a reconciliation finds. Either way the line keeps the price UiTPAS registered.
 *
 * The same request again answers the stored order (200) without calling UiTPAS once it is registered (the same 422
 * when it was refused for a price drift); after a refusal it tries again; after an unknown outcome it reconciles
 * first, and posts again only when nothing was found after the grace and no cancellation was asked meanwhile.
 * Another body under the same orderId is a 409.
 */
import type { Principal } from '../../domain/access.js';
import { UpstreamProblem, UpstreamUnavailable } from '../../domain/errors.js';
import {
  assignRegisteredSales,
  failingSale,
  forLine,
  hasPendingCancellation,
  holdsSales,
  isRegistered,
  leaseIsLive,
  lineOfSale,
  mayAccessOrder,
  newOrder,
  type Order,
  type OrderRequest,
  type OrderView,
  orderConflict,
  orderKey,
  type PlannedLine,
  priceDriftRefused,
  reconcileWindow,
  registrationRefused,
  registrationUnavailable,
  requestHash,
  retryAfterSeconds,
  salesToRegister,
} from '../../domain/ticket-sales/index.js';
import { maskUitpasNumber, redactString } from '../../logger.js';
import { needsAPerson } from '../../metrics.js';
import { runCancellations } from './cancel.js';
import { type Ctx, context, findOrder, reread, type TicketSalesDeps } from './deps.js';
import { loadEvents, normaliseRequest, planOrder } from './plan.js';
import {
  claimAll,
  closeUnderLease,
  reconcileOrder,
  recordRefused,
  recordRegistered,
  recordUnknown,
  settleReconciled,
  settleUncertain,
  takeLease,
  waitWhileLeased,
} from './settle.js';

export interface RegisterResult {
  /** True when this request registered the sales (201); false for the stored result of an earlier one (200). */
  created: boolean;
  order: OrderView;
}

export async function registerTicketSales(
  input: OrderRequest,
  principal: Principal,
  deps: TicketSalesDeps,
): Promise<RegisterResult> {
  const ctx = context(deps);
  const normalised = normaliseRequest(input);
  // The order, the events and the pass-hash key are read together: one round trip on the way to a registration.
  // The access token (with the client secret on a cold container) is fetched meanwhile, for the POST after them.
  deps.uitpas.warmUp?.();
  const events = loadEvents(normalised, deps);
  events.catch(() => undefined);
  const passKey = ctx.passKey();
  passKey.catch(() => undefined);
  const existing = await findOrder(ctx, principal, normalised.orderId);
  // From here on the order is known by its key in the client's namespace (or its plain key from before).
  const request = { ...normalised, orderId: existing?.orderId ?? orderKey(principal, normalised.orderId) };
  if (existing) return resume(ctx, existing, request, principal);

  const plan = await planOrder(request, principal, deps, events);
  const order = orderOf(ctx, request, plan, principal, await passKey);
  if (await deps.orders.save(order)) return post(ctx, order, request, true);
  // An identical (or conflicting) request created it first.
  return resume(ctx, await reread(ctx, request.orderId), request, principal);
}

async function resume(
  ctx: Ctx,
  first: Order,
  request: OrderRequest,
  principal: Principal,
): Promise<RegisterResult> {
  // Another client's order under the same id is the same conflict as another body: nothing about it is told.
  if (!mayAccessOrder(principal, first)) throw orderConflict(request.orderId);
  if (first.requestHash !== requestHash(request)) {
    if (nothingRegistered(first, ctx.now())) return replaceRefused(ctx, first, request, principal);
    throw orderConflict(request.orderId);
  }
  let order = first;
  for (;;) {
    if (isRegistered(order)) return storedResult(ctx, order);
    if (leaseIsLive(order, ctx.now())) {
      order = await waitWhileLeased(ctx, order);
      continue;
    }
    if (order.status === 'REFUSED' && order.uncertainSince === undefined) {
      // Nothing was registered: check the request again (things may have changed) and try once more.
      const plan = await planOrder(request, principal, ctx.deps);
      const leased = await takeLease(ctx, order, plan);
      if (!leased) {
        order = await reread(ctx, order.orderId);
        continue;
      }
      return post(ctx, leased, request, true);
    }
    // An earlier attempt may have posted: find out first, never post blindly.
    const settled = await settleUncertain(ctx, order);
    if (settled.outcome === 'busy') {
      order = settled.order;
      continue;
    }
    if (settled.outcome === 'registered') return answerRegistered(ctx, settled.order, false);
    if (settled.outcome === 'unknown') {
      throw registrationUnavailable(
        'unknown',
        order.orderId,
        undefined,
        retryAfterSeconds(settled.order, ctx.now()),
      );
    }
    // Nothing was registered (proven: the grace is over). A cancellation asked meanwhile closes the order for good,
    // as the client asked: never a POST after it.
    if (settled.order.cancelRequestedAt) {
      return { created: false, order: ctx.view(await closeUnderLease(ctx, settled.order)) };
    }
    // Otherwise this request may register, under the lease it holds.
    return postAfterReconciliation(ctx, settled.order, request, principal);
  }
}

/**
 * The stored result of a registered order, without calling UiTPAS: the order, or, when it was refused for a price
 * drift, the same 422 as the request that found the drift (made from the stored order, so it is the same answer).
 */
function storedResult(ctx: Ctx, order: Order): RegisterResult {
  if (order.priceDriftRefusedAt) throw priceDriftRefused(order);
  return { created: false, order: ctx.view(order) };
}

/**
 * The answer once the order's sales are known. What is to be cancelled (a cancellation asked meanwhile, orphaned
 * sales, or every sale of an order refused for a price drift) is cancelled now rather than at the next sweep; what
 * UiTPAS cannot take now stays CANCEL_PENDING, in the sweep's index, written before the answer.
 */
async function answerRegistered(ctx: Ctx, order: Order, created: boolean): Promise<RegisterResult> {
  const done = hasPendingCancellation(order) ? await runCancellations(ctx, order) : order;
  if (done.priceDriftRefusedAt) throw priceDriftRefused(done);
  return { created, order: ctx.view(done) };
}

async function postAfterReconciliation(
  ctx: Ctx,
  leased: Order,
  request: OrderRequest,
  principal: Principal,
): Promise<RegisterResult> {
  let plan: PlannedLine[];
  try {
    plan = await planOrder(request, principal, ctx.deps);
  } catch (error) {
    await recordRefused(ctx, leased, { reconciliation: leased.reconciliation, settled: true });
    throw error;
  }
  // A fresh lease for the POST (the search may have taken a while); it also records what the search found. The
  // earlier attempt is settled (nothing after the grace), so this POST is the only one that can be uncertain now.
  const renewed = await takeLease(ctx, leased, plan, { settled: true });
  if (!renewed) {
    const current = await reread(ctx, leased.orderId);
    // Still ours: only a cancellation can have been asked meanwhile (cancel.ts), and it wins over the POST.
    if (current.attempt?.owner === leased.attempt?.owner && current.cancelRequestedAt) {
      return { created: false, order: ctx.view(await closeUnderLease(ctx, current)) };
    }
    return resume(ctx, current, request, principal);
  }
  return post(ctx, renewed, request, true);
}

/** A new order for the request, with its first attempt starting now. */
function orderOf(
  ctx: Ctx,
  request: OrderRequest,
  plan: PlannedLine[],
  principal: Principal,
  passKey: string,
): Order {
  const now = ctx.now();
  return newOrder({
    request,
    plan,
    masked: request.lines.map((line) => maskUitpasNumber(line.uitpasNumber)),
    principal,
    attempt: ctx.newAttempt(now),
    now,
    passKey,
  });
}

/**
 * A refusal with nothing uncertain about it (UiTPAS refused the POST, all or nothing, or a lost POST was proven not
 * applied) leaves nothing at UiTPAS: the order may then carry another request, such as the basket with the tariff
 * corrected. Anything that may have registered a sale keeps the request it was sent with.
 */
function nothingRegistered(order: Order, now: Date): boolean {
  return order.status === 'REFUSED' && order.uncertainSince === undefined && !leaseIsLive(order, now);
}

/** The order made anew from the corrected request, replacing the refused one (conditional on its version). */
async function replaceRefused(
  ctx: Ctx,
  refused: Order,
  request: OrderRequest,
  principal: Principal,
): Promise<RegisterResult> {
  const plan = await planOrder(request, principal, ctx.deps);
  const fresh = orderOf(ctx, request, plan, principal, await ctx.passKey());
  const replacement: Order = { ...fresh, createdAt: refused.createdAt, version: refused.version + 1 };
  if (await ctx.deps.orders.save(replacement)) return post(ctx, replacement, request, true);
  return resume(ctx, await reread(ctx, request.orderId), request, principal);
}

/** The POST, under the lease the order holds, and what its outcome makes of the order. */
async function post(
  ctx: Ctx,
  order: Order,
  request: OrderRequest,
  created: boolean,
): Promise<RegisterResult> {
  const numbers = request.lines.map((line) => line.uitpasNumber);
  const at = () => ctx.now().toISOString();
  let answer: Awaited<ReturnType<TicketSalesDeps['uitpas']['registerTicketSales']>>;
  try {
    answer = await ctx.deps.uitpas.registerTicketSales(salesToRegister(order.lines, numbers), {
      deadline: ctx.deps.answerBy,
    });
  } catch (error) {
    if (error instanceof UpstreamProblem) {
      // Refused: all or nothing, so nothing of this attempt was registered.
      const failing = failingSale(error.schemaErrors);
      const index = failing ? lineOfSale(order.lines, failing.index) : undefined;
      const line = index === undefined ? undefined : order.lines[index];
      await recordRefused(ctx, order, {
        error: {
          at: at(),
          type: error.type,
          status: error.status,
          // UiTPAS's detail may name the pass: stored masked, like every log line.
          detail: error.detail === undefined ? undefined : redactString(error.detail),
          lineId: line?.lineId,
        },
      });
      const problem = registrationRefused(error, failing?.field, line?.tariffId);
      throw line && index !== undefined ? forLine(problem, index, line.lineId, failing?.field) : problem;
    }
    if (!(error instanceof UpstreamUnavailable)) throw error;
    const lastError = { at: at(), type: `unavailable:${error.reason}`, status: error.status ?? 503 };
    if (!error.mayHaveApplied) {
      await recordRefused(ctx, order, { error: lastError });
      throw registrationUnavailable('not-sent', order.orderId, error);
    }
    // This attempt (its start to its lease end) is the uncertain one. A search right now that finds nothing does
    // not settle it: UiTPAS may still apply the POST. Only a sale found does.
    const settled = await settleReconciled(ctx, order, await reconcileOrder(ctx, order), {
      error: lastError,
    });
    if (settled.outcome === 'registered') return answerRegistered(ctx, settled.order, created);
    if (settled.outcome === 'none') {
      // Only once the grace is over, which one attempt never outlasts; kept for completeness.
      await recordRefused(ctx, settled.order, {
        reconciliation: settled.order.reconciliation,
        settled: true,
      });
      throw registrationUnavailable('not-registered', order.orderId, error);
    }
    throw registrationUnavailable(
      'unknown',
      order.orderId,
      error,
      retryAfterSeconds(settled.order, ctx.now()),
    );
  }

  const assignments = assignRegisteredSales(order, answer, await ctx.passKey());
  if (!assignments) {
    needsAPerson(
      'ticket-sale-unexpected-answer',
      'UiTPAS answered a registration with sales that do not fit the request',
      {
        orderId: order.orderId,
        expected: order.lines.reduce((sum, line) => sum + line.quantity, 0),
        received: answer.length,
      },
    );
    const window = reconcileWindow(order);
    const unknown = await recordUnknown(ctx, order, {
      at: at(),
      outcome: 'unknown',
      reason: 'unexpected-answer',
      since: new Date(window.since).toISOString(),
      until: new Date(window.until).toISOString(),
      found: {},
    });
    throw registrationUnavailable('unknown', order.orderId, undefined, retryAfterSeconds(unknown, ctx.now()));
  }
  // Claims before HELD: a reconciliation running for another order meanwhile can never take these sales.
  await claimAll(ctx, order, assignments, 'registration');
  const held = await recordRegistered(ctx, order, assignments);
  // Settled by another request meanwhile (the sales are orphaned and being cancelled): its result, not ours.
  return answerRegistered(ctx, held, created && holdsSales(held, assignments));
}

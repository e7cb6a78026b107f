/**
 * Register the discounted sales of a basket at UiTPAS, exactly once per orderId.
 *
 * 1. The request is checked (lib/ticket-sales/plan.ts); a bad one changes nothing.
 * 2. The order is claimed with a conditional create: REGISTERING, with a lease. Of two identical requests at the
 *    same moment one creates it, the other waits for its result.
 * 3. One `POST /ticket-sales` with every ticket. UiTPAS's answer decides: sales -> HELD (and each sale claimed for
 *    the order); a refusal -> REFUSED, the problem naming the line; no answer -> UiTPAS's sales are searched
 *    (reconciled) before anything is decided, and never posted again while that search cannot tell.
 *
 * The same request again answers the stored order (200) without calling UiTPAS once it is registered; after a
 * refusal it tries again; after an unknown outcome it reconciles first. Another body under the same orderId is a 409.
 */
import type { Principal } from '../domain/access.js';
import { UpstreamProblem, UpstreamUnavailable } from '../domain/errors.js';
import {
  assignRegisteredSales,
  failingSale,
  forLine,
  isRegistered,
  leaseIsLive,
  lineOfSale,
  mayAccessOrder,
  newOrder,
  type Order,
  type OrderRequest,
  type OrderView,
  orderConflict,
  type PlannedLine,
  registrationUnavailable,
  requestHash,
  salesToRegister,
  uncertainStart,
} from '../domain/ticket-sales.js';
import { problemFromUpstream } from '../domain/upstream-errors.js';
import { logger, maskUitpasNumber, redactString } from '../logger.js';
import { type Ctx, context, reread, type TicketSalesDeps } from './deps.js';
import { loadEvents, normaliseRequest, planOrder } from './plan.js';
import {
  claimAll,
  reconcileOrder,
  recordRefused,
  recordRegistered,
  recordUnknown,
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
  const request = normaliseRequest(input);
  // The order and the events are read together: one round trip on the way to a new registration.
  const events = loadEvents(request, deps);
  events.catch(() => undefined);
  const existing = await deps.orders.get(request.orderId, { consistent: true });
  if (existing) return resume(ctx, existing, request, principal);

  const plan = await planOrder(request, principal, deps, events);
  const now = ctx.now();
  const order = newOrder({
    request,
    plan,
    masked: request.lines.map((line) => maskUitpasNumber(line.uitpasNumber)),
    principal,
    attempt: ctx.newAttempt(now),
    now,
  });
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
  if (first.requestHash !== requestHash(request) || !mayAccessOrder(principal, first)) {
    throw orderConflict(request.orderId);
  }
  let order = first;
  for (;;) {
    if (isRegistered(order)) return { created: false, order: ctx.view(order) };
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
    if (settled.outcome === 'registered') return { created: false, order: ctx.view(settled.order) };
    if (settled.outcome === 'unknown') throw registrationUnavailable('unknown', order.orderId);
    // Nothing was registered: this request may register, under the lease it holds.
    return postAfterReconciliation(ctx, settled.order, request, principal);
  }
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
    await recordRefused(ctx, leased, { reconciliation: leased.reconciliation });
    throw error;
  }
  // A fresh lease for the POST (the search may have taken a while); it also records what the search found.
  const renewed = await takeLease(ctx, leased, plan);
  if (!renewed) return resume(ctx, await reread(ctx, leased.orderId), request, principal);
  return post(ctx, renewed, request, true);
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
    answer = await ctx.deps.uitpas.registerTicketSales(salesToRegister(order.lines, numbers));
  } catch (error) {
    if (error instanceof UpstreamProblem) {
      // Refused: all or nothing, so nothing of this attempt was registered.
      const failing = failingSale(error.schemaErrors, error.detail);
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
      const problem = problemFromUpstream(error);
      throw line && index !== undefined ? forLine(problem, index, line.lineId, failing?.field) : problem;
    }
    if (!(error instanceof UpstreamUnavailable)) throw error;
    const lastError = { at: at(), type: `unavailable:${error.reason}`, status: error.status ?? 503 };
    if (!error.mayHaveApplied) {
      await recordRefused(ctx, order, { error: lastError });
      throw registrationUnavailable('not-sent', order.orderId, error);
    }
    const uncertain: Order = { ...order, uncertainSince: uncertainStart(order), lastError };
    const decision = await reconcileOrder(ctx, uncertain);
    if (decision.outcome === 'found') {
      const held = await recordRegistered(ctx, uncertain, decision.assignments, decision.record);
      return { created, order: ctx.view(held) };
    }
    if (decision.outcome === 'none') {
      await recordRefused(ctx, uncertain, { reconciliation: decision.record });
      throw registrationUnavailable('not-registered', order.orderId, error);
    }
    await recordUnknown(ctx, uncertain, decision.record);
    throw registrationUnavailable('unknown', order.orderId, error);
  }

  const assignments = assignRegisteredSales(order, answer);
  if (!assignments) {
    logger.error('UiTPAS answered a registration with sales that do not fit the request', {
      alarm: 'ticket-sale-unexpected-answer',
      orderId: order.orderId,
      expected: order.lines.reduce((sum, line) => sum + line.quantity, 0),
      received: answer.length,
    });
    const uncertain: Order = { ...order, uncertainSince: uncertainStart(order) };
    await recordUnknown(ctx, uncertain, {
      at: at(),
      outcome: 'unknown',
      reason: 'unexpected-answer',
      since: uncertainStart(order),
      found: {},
    });
    throw registrationUnavailable('unknown', order.orderId);
  }
  // Claims before HELD: a reconciliation running for another order meanwhile can never take these sales.
  await claimAll(ctx, order, assignments, 'registration');
  return { created, order: ctx.view(await recordRegistered(ctx, order, assignments)) };
}

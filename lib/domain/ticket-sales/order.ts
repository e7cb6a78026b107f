/**
 * Ticket-sale orders: the rules that make "register the discounted sales of a basket at UiTPAS" happen exactly once.
 * UiTPAS has no idempotency key and no field for our reference (brief §4.4-4.6), so an order remembers what it asked
 * for, what UiTPAS answered, and, when the answer got lost, what a search of UiTPAS's sales found afterwards.
 *
 * Plain data in, decision or problem out: no I/O here. The use cases (lib/use-cases/ticket-sales) do the reading and writing.
 *
 * Order statuses (lines use the same words; the order's status follows from its lines once it is registered):
 *
 *   REGISTERING --POST 200--------------------------------> HELD --confirm--> CONFIRMED
 *        |  \--refused / not sent---------------------------> REFUSED (the same request again re-attempts)
 *        \----no answer: unknown, or nothing found yet------> UNKNOWN (reconciled again before anything else)
 *   UNKNOWN --found--> HELD;  --nothing found once APPLY_GRACE_MS is over--> REFUSED, or CANCELLED if cancel asked
 *   HELD | CONFIRMED --cancel / heldUntil passed--> CANCELLING --all sales gone--> CANCELLED
 *                                                      \--UiTPAS cannot take it now--> CANCEL_PENDING --retried--> CANCELLED
 *   REGISTERING | UNKNOWN --sales registered at another price than charged, PRICE_DRIFT=refuse--> CANCELLING (as above)
 */
import type { Principal } from '../access.js';
import {
  DEFAULT_PRICE_DRIFT_POLICY,
  lineDrift,
  type PriceDriftPolicy,
  registeredPriceOf,
} from './price-drift.js';
import { orderNotHeld } from './problems.js';
import { type LineAssignment, passHash, requestHash } from './request.js';
import type {
  Attempt,
  Order,
  OrderLine,
  OrderRequest,
  OrderStatus,
  PlannedLine,
  Reconciliation,
} from './types.js';

/** Statuses in which the registration is settled: a replay of the request answers the stored order. */
export const REGISTERED_STATUSES: readonly OrderStatus[] = [
  'HELD',
  'CONFIRMED',
  'CANCELLING',
  'CANCEL_PENDING',
  'CANCELLED',
];

// --- building an order ------------------------------------------------------------------------------------------

export function newOrder(input: {
  request: OrderRequest;
  plan: PlannedLine[];
  masked: string[];
  principal: Principal;
  attempt: Attempt;
  now: Date;
  passKey: string;
}): Order {
  const at = input.now.toISOString();
  return {
    orderId: input.request.orderId,
    requestHash: requestHash(input.request),
    organisationIds: organisationsOf(input.plan),
    clientName: input.principal.clientName,
    keyId: input.principal.keyId,
    status: 'REGISTERING',
    lines: input.request.lines.map((line, i) => {
      const planned = input.plan[i] as PlannedLine;
      return {
        lineId: line.lineId,
        eventId: line.eventId,
        organisationId: planned.organisationId,
        uitdatabankId: planned.uitdatabankId,
        uitpasNumberMasked: input.masked[i] ?? '',
        uitpasNumberHash: passHash(input.passKey, input.request.orderId, line.uitpasNumber),
        tariffId: line.tariffId,
        tariffName: null,
        tariffPrice: null,
        regularPrice: line.regularPrice,
        ...(line.regularPriceLabel === undefined ? {} : { regularPriceLabel: line.regularPriceLabel }),
        quantity: line.quantity,
        ...(line.chargedPrice === undefined ? {} : { chargedPrice: line.chargedPrice }),
        status: 'REGISTERING',
        ticketSaleIds: [],
        cancelledTicketSaleIds: [],
      };
    }),
    attempt: input.attempt,
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

export function organisationsOf(plan: readonly PlannedLine[]): string[] {
  return [...new Set(plan.map((line) => line.organisationId))].sort();
}

/** The lines as a fresh plan sees them (an event's UiTdatabank id or organisation may have changed since). */
export function replan(order: Order, plan: readonly PlannedLine[]): Order {
  return {
    ...order,
    organisationIds: organisationsOf(plan),
    lines: order.lines.map((line, i) => {
      const planned = plan[i];
      return planned
        ? { ...line, organisationId: planned.organisationId, uitdatabankId: planned.uitdatabankId }
        : line;
    }),
  };
}

/** What a write returns to: the next version, with the order-level status following the lines. */
export function touch(order: Order, now: Date): Order {
  return { ...order, updatedAt: now.toISOString(), version: order.version + 1 };
}

/** Every line in the same pre-registration status as the order (REGISTERING, UNKNOWN or REFUSED). */
export function withUnregisteredStatus(order: Order, status: 'REGISTERING' | 'UNKNOWN' | 'REFUSED'): Order {
  return { ...order, status, lines: order.lines.map((line) => ({ ...line, status })) };
}

/** The order's status once its lines are registered. */
export function statusOfLines(lines: readonly OrderLine[]): OrderStatus {
  if (lines.some((line) => line.status === 'CANCEL_PENDING')) return 'CANCEL_PENDING';
  if (lines.some((line) => line.status === 'CANCELLING')) return 'CANCELLING';
  if (lines.every((line) => line.status === 'CANCELLED')) return 'CANCELLED';
  if (lines.some((line) => line.status === 'HELD')) return 'HELD';
  return 'CONFIRMED';
}

export function withLines(order: Order, lines: OrderLine[]): Order {
  return { ...order, lines, status: statusOfLines(lines) };
}

export function isRegistered(order: Order): boolean {
  return REGISTERED_STATUSES.includes(order.status);
}

export function leaseIsLive(order: Order, now: Date): boolean {
  return (
    order.status === 'REGISTERING' &&
    order.attempt !== undefined &&
    Date.parse(order.attempt.leaseUntil) > now.getTime()
  );
}

// --- registered --------------------------------------------------------------------------------------------------

/** Whether a cancellation asked before the outcome was known covers this line. */
export function cancelRequestedFor(order: Order, lineId: string): boolean {
  return (
    order.cancelRequestedAt !== undefined &&
    (order.cancelLineIds === undefined || order.cancelLineIds.includes(lineId))
  );
}

/**
 * The order with its lines registered: HELD until `heldUntil`, or, for the lines a cancellation was asked for
 * meanwhile, straight to cancelling. The uncertain attempt is settled with it (its sales are these).
 *
 * Each line keeps the price UiTPAS registered; a line whose `chargedPrice` UiTPAS did not register drifted
 * (price-drift.ts). With `priceDrift: 'refuse'` (the default) one drifted line refuses the whole registration: every
 * line goes to CANCELLING in this same write, so the sales are on record to be cancelled before anything else
 * happens, and `priceDriftRefusedAt` says why. With `'flag'` the lines are HELD as usual, the drift on the line.
 */
export function registered(
  order: Order,
  assignments: readonly LineAssignment[],
  options: {
    now: Date;
    heldUntil: Date;
    reconciliation?: Reconciliation | undefined;
    priceDrift?: PriceDriftPolicy | undefined;
  },
): Order {
  const at = options.now.toISOString();
  const priced = order.lines.map((line, i) => {
    const assignment = assignments[i] as LineAssignment;
    const prices = assignment.salePrices ?? assignment.ticketSaleIds.map(() => assignment.tariffPrice);
    const drift = lineDrift(line.chargedPrice, prices);
    return { line, assignment, drift, registeredPrice: registeredPriceOf(drift, prices) };
  });
  const refuse =
    (options.priceDrift ?? DEFAULT_PRICE_DRIFT_POLICY) === 'refuse' && priced.some(({ drift }) => drift);
  const lines = priced.map(({ line, assignment, drift, registeredPrice }): OrderLine => {
    const cancelling = refuse || cancelRequestedFor(order, line.lineId);
    return {
      ...line,
      ticketSaleIds: assignment.ticketSaleIds,
      tariffName: assignment.tariffName,
      tariffPrice: assignment.tariffPrice,
      registeredPrice,
      ...(drift ? { priceDrift: drift } : {}),
      status: refuse ? 'CANCELLING' : cancelling ? 'CANCEL_PENDING' : 'HELD',
      ...(cancelling ? { cancelSince: at } : {}),
    };
  });
  const {
    attempt: _attempt,
    uncertainSince: _uncertain,
    uncertainUntil: _uncertainUntil,
    lastError: _lastError,
    reconciliation: previous,
    ...rest
  } = order;
  return withLines(
    {
      ...rest,
      heldUntil: options.heldUntil.toISOString(),
      ...((options.reconciliation ?? previous) ? { reconciliation: options.reconciliation ?? previous } : {}),
      ...(refuse ? { priceDriftRefusedAt: at } : {}),
    },
    lines,
  );
}

// --- confirming -------------------------------------------------------------------------------------------------

/** HELD lines become CONFIRMED; undefined when there is nothing to confirm (already confirmed: idempotent). */
export function confirm(order: Order, now: Date): Order | undefined {
  if (order.expiredAt || !isRegistered(order)) throw orderNotHeld(order);
  if (!order.lines.some((line) => line.status === 'HELD')) {
    if (order.lines.some((line) => line.status === 'CONFIRMED')) return undefined;
    throw orderNotHeld(order);
  }
  // Past heldUntil the sweep may be cancelling these sales right now: a confirm then would promise a discount that
  // is about to disappear at UiTPAS. The sweep's own test is the same (expired once heldUntil < now).
  if (order.heldUntil && Date.parse(order.heldUntil) < now.getTime()) throw orderNotHeld(order, true);
  return withLines(
    { ...order, confirmedAt: now.toISOString() },
    order.lines.map((line) => (line.status === 'HELD' ? { ...line, status: 'CONFIRMED' } : line)),
  );
}

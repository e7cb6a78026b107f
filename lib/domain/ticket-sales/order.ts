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
 */
import type { Principal } from '../access.js';
import { orderNotHeld } from './problems.js';
import { type LineAssignment, passHash, requestHash } from './request.js';

export const ORDER_STATUSES = [
  'REGISTERING',
  'UNKNOWN',
  'REFUSED',
  'HELD',
  'CONFIRMED',
  'CANCELLING',
  'CANCEL_PENDING',
  'CANCELLED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type LineStatus = OrderStatus;

/** Statuses in which the registration is settled: a replay of the request answers the stored order. */
export const REGISTERED_STATUSES: readonly OrderStatus[] = [
  'HELD',
  'CONFIRMED',
  'CANCELLING',
  'CANCEL_PENDING',
  'CANCELLED',
];

export interface OrderLineRequest {
  lineId: string;
  /** The ticketing system's event id. */
  eventId: string;
  uitpasNumber: string;
  tariffId: string;
  regularPrice: number;
  regularPriceLabel?: string | undefined;
  quantity: number;
}

export interface OrderRequest {
  orderId: string;
  lines: OrderLineRequest[];
}

export interface OrderLine {
  lineId: string;
  eventId: string;
  organisationId: string;
  uitdatabankId: string;
  /** `0900******513`: enough for support, never the number itself (personal data). */
  uitpasNumberMasked: string;
  /**
   * `hmac-sha256:` + HMAC-SHA256 of `<orderId>:<uitpasNumber>` under the pass-hash key (`passHash`): lets a later
   * reconciliation recognise the pass among UiTPAS's sales. Orders stored before the key existed hold a plain
   * SHA-256 (no prefix).
   */
  uitpasNumberHash: string;
  tariffId: string;
  /** From UiTPAS's answer to the registration; null until registered. */
  tariffName: string | null;
  tariffPrice: number | null;
  regularPrice: number;
  regularPriceLabel?: string | undefined;
  quantity: number;
  status: LineStatus;
  /** The UiTPAS ticket sales of this line (`quantity` of them once registered). */
  ticketSaleIds: string[];
  cancelledTicketSaleIds: string[];
  /** Set while the line is CANCELLING or CANCEL_PENDING: when its cancellation was asked. */
  cancelSince?: string | undefined;
  lastCancelError?: { at: string; detail: string } | undefined;
}

/** The registration attempt that holds the order; nobody else posts or reconciles while `leaseUntil` is ahead. */
export interface Attempt {
  owner: string;
  leaseUntil: string;
  startedAt: string;
}

export interface Reconciliation {
  at: string;
  outcome: 'found' | 'none' | 'unknown';
  /** Why the outcome stays unknown. */
  reason?: ReconcileReason | undefined;
  /** The earliest creation time a sale of ours can have (the uncertain attempt's start minus the clock skew). */
  since: string;
  /** The latest creation time a sale of ours can have (the uncertain attempt's lease end plus the clock skew). */
  until?: string | undefined;
  /** Ticket-sale ids found per line id. */
  found: Record<string, string[]>;
}

export type ReconcileReason =
  /** Nothing found, but the POST may still be applied late (APPLY_GRACE_MS is not over): not proof yet. */
  | 'may-still-apply'
  /** The search itself failed. */
  | 'uitpas-unreachable'
  /** The listing kept changing while it was paged. */
  | 'listing-unstable'
  /** Some lines found their sales, others not (UiTPAS registers all or nothing: not ours to guess). */
  | 'partial-match'
  /** More candidates than tickets: another sale of the same pass, tariff and price cannot be told apart. */
  | 'ambiguous-match'
  /** Found, but another order claimed one of the sales first. */
  | 'claimed-meanwhile'
  /** UiTPAS answered the registration with sales that do not fit the request. */
  | 'unexpected-answer';

export interface OrderError {
  at: string;
  type: string;
  status: number;
  detail?: string | undefined;
  lineId?: string | undefined;
}

export interface Order {
  orderId: string;
  /** SHA-256 of the canonical request body: the same orderId with another body is a conflict. */
  requestHash: string;
  /** The organisations of the lines' events: who may see and cancel the order. */
  organisationIds: string[];
  clientName: string;
  keyId: string;
  status: OrderStatus;
  lines: OrderLine[];
  attempt?: Attempt | undefined;
  /**
   * The start of an attempt whose POST may have been applied without us knowing. While set, UiTPAS's sales are
   * searched before anything is posted again.
   */
  uncertainSince?: string | undefined;
  /** That attempt's lease end: its POST was sent before it. A sale of ours is dated between the two (± skew). */
  uncertainUntil?: string | undefined;
  heldUntil?: string | undefined;
  confirmedAt?: string | undefined;
  /** Set by the sweep when it cancels an order that was not confirmed in time. */
  expiredAt?: string | undefined;
  /**
   * A cancellation asked while the registration was running or its outcome unknown: done as soon as it is known.
   * Nothing registered after all: the order is closed (CANCELLED without sales), whichever lines were asked.
   */
  cancelRequestedAt?: string | undefined;
  /** The lines that cancellation is for; absent: every line. */
  cancelLineIds?: string[] | undefined;
  /** While a cancellation is pending: when the sweep retries it next (its place in the sweep's queue). */
  cancelRetryAt?: string | undefined;
  /** Failed attempts of the pending cancellation so far; the sweep's backoff grows with it. */
  cancelAttempts?: number | undefined;
  /**
   * UiTPAS sales registered for this order that none of its lines holds: an attempt whose answer came after the
   * order had been settled otherwise (closed, or registered by another attempt). They are cancelled like a pending
   * cancellation, and an alarm is logged.
   */
  orphanedSales?: OrphanedSale[] | undefined;
  reconciliation?: Reconciliation | undefined;
  lastError?: OrderError | undefined;
  createdAt: string;
  updatedAt: string;
  /** 1 on create, +1 on every write; every write is conditional on the version read. */
  version: number;
}

export interface OrphanedSale {
  ticketSaleId: string;
  lineId: string;
  foundAt: string;
  cancelledAt?: string | undefined;
}

export interface PlannedLine {
  lineId: string;
  eventId: string;
  organisationId: string;
  uitdatabankId: string;
}

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
 */
export function registered(
  order: Order,
  assignments: readonly LineAssignment[],
  options: { now: Date; heldUntil: Date; reconciliation?: Reconciliation | undefined },
): Order {
  const at = options.now.toISOString();
  const lines = order.lines.map((line, i): OrderLine => {
    const assignment = assignments[i] as LineAssignment;
    const cancelling = cancelRequestedFor(order, line.lineId);
    return {
      ...line,
      ticketSaleIds: assignment.ticketSaleIds,
      tariffName: assignment.tariffName,
      tariffPrice: assignment.tariffPrice,
      status: cancelling ? 'CANCEL_PENDING' : 'HELD',
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
  return withLines(
    { ...order, confirmedAt: now.toISOString() },
    order.lines.map((line) => (line.status === 'HELD' ? { ...line, status: 'CONFIRMED' } : line)),
  );
}

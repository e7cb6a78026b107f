/**
 * Ticket-sale orders: the rules that make "register the discounted sales of a basket at UiTPAS" happen exactly once.
 * UiTPAS has no idempotency key and no field for our reference (brief §4.4-4.6), so an order remembers what it asked
 * for, what UiTPAS answered, and, when the answer got lost, what a search of UiTPAS's sales found afterwards.
 *
 * Plain data in, decision or problem out: no I/O here. The use cases (lib/ticket-sales) do the reading and writing.
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
import { createHash, createHmac } from 'node:crypto';
import { mayActFor, type Principal } from './access.js';
import { AppError, type EndUserMessage, type SchemaError } from './errors.js';
import { isValidPrice, toCents } from './mappings.js';

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

/** How far outside an attempt's start and lease end a sale may be dated and still be ours: the two clocks differ. */
export const CLOCK_SKEW_MS = 2 * 60 * 1000;

/**
 * How long after an uncertain attempt started its POST may still be applied at UiTPAS (a request UiTPAS got but
 * applies late, after our client gave up). Until then, finding nothing among UiTPAS's sales proves nothing: the
 * outcome stays UNKNOWN, nothing is posted again and nothing is closed. It covers the longest lease (the register
 * function's timeout plus a margin, lib/ticket-sales/deps.ts checks it) and the clock skew, with room to spare.
 */
export const APPLY_GRACE_MS = 5 * 60 * 1000;

/**
 * When the sweep retries a cancellation UiTPAS could not take: 5 minutes after the attempt (the queue does the
 * quick retries), doubling with every failed attempt up to an hour. Each failure moves the order back in the sweep's
 * queue, so cancellations UiTPAS keeps refusing cannot crowd out the others.
 */
export function cancelRetryDelayMs(failedAttempts: number): number {
  return Math.min(60, 5 * 2 ** Math.max(0, failedAttempts - 1)) * 60_000;
}

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

/** One ticket to register at UiTPAS (the shape of `POST /ticket-sales`'s array items). */
export interface SaleToRegister {
  regularPrice: number;
  regularPriceLabel?: string;
  tariff: { id: string };
  /** The UiTdatabank event id. */
  eventId: string;
  uitpasNumber: string;
}

/** A ticket sale as UiTPAS answers it (registration response or search result). */
export interface RegisteredSale {
  id: string;
  creationDate?: string | undefined;
  regularPrice: number;
  tariff: { id: string; name?: string | undefined; price?: number | undefined };
  eventId: string;
  uitpasNumber: string;
}

export interface PlannedLine {
  lineId: string;
  eventId: string;
  organisationId: string;
  uitdatabankId: string;
}

// --- request identity -------------------------------------------------------------------------------------------

/** JSON with object keys sorted at every level; array order is kept (the lines' order is part of the request). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The request's identity: orderId and lines, whatever the key order of the JSON it came in. */
export function requestHash(request: OrderRequest): string {
  return sha256(
    canonicalJson({
      orderId: request.orderId,
      lines: request.lines.map((line) => ({
        lineId: line.lineId,
        eventId: line.eventId,
        uitpasNumber: line.uitpasNumber,
        tariffId: line.tariffId,
        regularPrice: line.regularPrice,
        regularPriceLabel: line.regularPriceLabel,
        quantity: line.quantity,
      })),
    }),
  );
}

const PASS_HASH_PREFIX = 'hmac-sha256:';

/**
 * A pseudonym of the pass, per order, keyed with a secret (PASS_HASH_KEY / its SSM parameter). A plain hash of a
 * 13-digit number (10^6 candidates once the masked digits are known) is found back by trying them all; without the
 * key it is not.
 */
export function passHash(key: string, orderId: string, uitpasNumber: string): string {
  return `${PASS_HASH_PREFIX}${createHmac('sha256', key).update(`${orderId}:${uitpasNumber}`, 'utf8').digest('hex')}`;
}

/**
 * How the order's lines hash a pass, to compare a sale's pass with them: keyed, or the plain SHA-256 of orders
 * stored before the key existed (so an order still unsettled at that change is still recognised).
 */
function passHasher(order: Pick<Order, 'orderId' | 'lines'>, key: string): (uitpasNumber: string) => string {
  const legacy = order.lines.some((line) => !line.uitpasNumberHash.startsWith(PASS_HASH_PREFIX));
  return legacy
    ? (uitpasNumber) => sha256(`${order.orderId}:${uitpasNumber}`)
    : (uitpasNumber) => passHash(key, order.orderId, uitpasNumber);
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

// --- the POST and its answer ------------------------------------------------------------------------------------

/** N tickets at one tariff are N identical objects (UiTPAS has no quantity field), in line order. */
export function salesToRegister(
  lines: readonly Pick<
    OrderLine,
    'uitdatabankId' | 'tariffId' | 'regularPrice' | 'regularPriceLabel' | 'quantity'
  >[],
  uitpasNumbers: readonly string[],
): SaleToRegister[] {
  return lines.flatMap((line, i) =>
    Array.from({ length: line.quantity }, () => ({
      regularPrice: line.regularPrice,
      ...(line.regularPriceLabel === undefined ? {} : { regularPriceLabel: line.regularPriceLabel }),
      tariff: { id: line.tariffId },
      eventId: line.uitdatabankId,
      uitpasNumber: uitpasNumbers[i] as string,
    })),
  );
}

/** Which line the `index`-th object of the POST body came from. */
export function lineOfSale(lines: readonly Pick<OrderLine, 'quantity'>[], index: number): number | undefined {
  let end = 0;
  for (const [i, line] of lines.entries()) {
    end += line.quantity;
    if (index < end) return i;
  }
  return undefined;
}

const UPSTREAM_FIELDS: Record<string, string> = {
  eventId: 'eventId',
  uitpasNumber: 'uitpasNumber',
  tariff: 'tariffId',
  tariffId: 'tariffId',
  regularPrice: 'regularPrice',
  regularPriceLabel: 'regularPriceLabel',
};

/**
 * The object of the POST that UiTPAS refused, and the field: from `schemaErrors[].jsonPointer` (`/<index>/<field>`)
 * or, failing that, a `detail` starting with `Ticket sale /<index>`.
 */
export function failingSale(
  schemaErrors: readonly SchemaError[],
  detail: string | undefined,
): { index: number; field: string | undefined } | undefined {
  for (const error of schemaErrors) {
    const match = /^\/(\d+)(?:\/([^/]+))?/.exec(error.jsonPointer);
    if (match) return { index: Number(match[1]), field: match[2] && UPSTREAM_FIELDS[match[2]] };
  }
  const fromDetail = detail ? /Ticket sale \/(\d+)/.exec(detail) : null;
  return fromDetail ? { index: Number(fromDetail[1]), field: undefined } : undefined;
}

const sameEvent = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

export interface LineAssignment {
  ticketSaleIds: string[];
  tariffName: string | null;
  tariffPrice: number | null;
}

/**
 * The registered sales per line. UiTPAS answers the sales in the order they were sent (the sandbox does, and the
 * OpenAPI shows no reordering), so position decides; should an answer ever come back in another order, the sales are
 * matched on event, pass, tariff and price instead. Undefined when the answer cannot be made to fit the request.
 */
export function assignRegisteredSales(
  order: Pick<Order, 'orderId' | 'lines'>,
  sales: readonly RegisteredSale[],
  passKey: string,
): LineAssignment[] | undefined {
  const { lines } = order;
  const total = lines.reduce((sum, line) => sum + line.quantity, 0);
  if (sales.length !== total) return undefined;
  const hash = passHasher(order, passKey);
  const fits = (line: OrderLine, sale: RegisteredSale) =>
    sameEvent(sale.eventId, line.uitdatabankId) &&
    sale.tariff.id === line.tariffId &&
    hash(sale.uitpasNumber) === line.uitpasNumberHash &&
    samePrice(sale.regularPrice, line.regularPrice);

  const positional = sales.every((sale, i) => {
    const line = lines[lineOfSale(lines, i) ?? -1];
    return line !== undefined && fits(line, sale);
  });
  const taken = new Set<number>();
  const assignments: LineAssignment[] = [];
  let offset = 0;
  for (const line of lines) {
    const picked: RegisteredSale[] = [];
    if (positional) {
      picked.push(...sales.slice(offset, offset + line.quantity));
      offset += line.quantity;
    } else {
      for (const [i, sale] of sales.entries()) {
        if (picked.length === line.quantity) break;
        if (!taken.has(i) && fits(line, sale)) {
          taken.add(i);
          picked.push(sale);
        }
      }
      if (picked.length !== line.quantity) return undefined;
    }
    const first = picked[0];
    assignments.push({
      ticketSaleIds: picked.map((sale) => sale.id),
      tariffName: first?.tariff.name ?? null,
      tariffPrice: first?.tariff.price ?? null,
    });
  }
  return assignments;
}

function samePrice(a: number, b: number): boolean {
  return isValidPrice(a) && isValidPrice(b) && toCents(a) === toCents(b);
}

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

// --- reconciliation ---------------------------------------------------------------------------------------------

export type ReconcileDecision =
  | { outcome: 'found'; assignments: LineAssignment[]; record: Reconciliation }
  | { outcome: 'none'; record: Reconciliation }
  | { outcome: 'unknown'; record: Reconciliation };

/** When the attempt whose outcome is uncertain started. */
export function uncertainStart(order: Order): string {
  return order.uncertainSince ?? order.attempt?.startedAt ?? order.createdAt;
}

/**
 * When that attempt's lease ended: its POST was sent before. An order recorded before the bound was kept falls back
 * to the longest an attempt may run (the grace).
 */
export function uncertainEnd(order: Order): string {
  if (order.uncertainUntil) return order.uncertainUntil;
  if (order.uncertainSince === undefined && order.attempt) return order.attempt.leaseUntil;
  return new Date(Date.parse(uncertainStart(order)) + APPLY_GRACE_MS).toISOString();
}

/** From then on, finding nothing among UiTPAS's sales proves that the uncertain attempt registered nothing. */
export function applyGraceEnds(order: Order): Date {
  return new Date(Date.parse(uncertainStart(order)) + APPLY_GRACE_MS);
}

export function applyGraceOver(order: Order, now: Date): boolean {
  return now.getTime() >= applyGraceEnds(order).getTime();
}

/** What a client waits before asking again about an unknown outcome: the rest of the grace, at least 5 s. */
export function retryAfterSeconds(order: Order, now: Date): number {
  return Math.max(5, Math.ceil((applyGraceEnds(order).getTime() - now.getTime()) / 1000));
}

/** The creation times a sale of the uncertain attempt can have, in UiTPAS's clock (epoch ms). */
export function reconcileWindow(order: Order): { since: number; until: number } {
  return {
    since: Date.parse(uncertainStart(order)) - CLOCK_SKEW_MS,
    until: Date.parse(uncertainEnd(order)) + CLOCK_SKEW_MS,
  };
}

function lineKey(uitdatabankId: string, hash: string, tariffId: string, regularPrice: number): string {
  return [
    uitdatabankId.toLowerCase(),
    hash,
    tariffId,
    isValidPrice(regularPrice) ? toCents(regularPrice) : NaN,
  ].join('|');
}

/**
 * The sales that could be this order's: same event, pass, tariff and regular price, created while the uncertain
 * attempt could post (from its start to its lease end, widened by the clock skew). A later sale of the same pass,
 * tariff and price is another channel's (a box office, a second basket), never ours to adopt or cancel. A sale
 * without a creation date cannot be ruled out.
 */
export function reconciliationCandidates(
  order: Order,
  sales: readonly RegisteredSale[],
  passKey: string,
): RegisteredSale[] {
  const { since, until } = reconcileWindow(order);
  const hash = passHasher(order, passKey);
  const keys = new Set(
    order.lines.map((line) =>
      lineKey(line.uitdatabankId, line.uitpasNumberHash, line.tariffId, line.regularPrice),
    ),
  );
  const seen = new Set<string>();
  return sales.filter((sale) => {
    if (seen.has(sale.id)) return false;
    seen.add(sale.id);
    const created = sale.creationDate === undefined ? Number.NaN : Date.parse(sale.creationDate);
    if (!Number.isNaN(created) && (created < since || created > until)) return false;
    return keys.has(lineKey(sale.eventId, hash(sale.uitpasNumber), sale.tariff.id, sale.regularPrice));
  });
}

/**
 * What UiTPAS's sales say about an attempt whose answer was lost. UiTPAS registers all or nothing, so either every
 * line finds exactly its quantity among the candidates (found), or none finds any (none); anything else (some lines,
 * or more candidates than tickets) is not decided by guessing: the outcome stays unknown.
 * `claimedElsewhere` are candidates that already belong to another order: never ours.
 */
export function decideReconciliation(
  order: Order,
  candidates: readonly RegisteredSale[],
  claimedElsewhere: ReadonlySet<string>,
  now: Date,
  passKey: string,
): ReconcileDecision {
  const window = reconcileWindow(order);
  const since = new Date(window.since).toISOString();
  const until = new Date(window.until).toISOString();
  const hash = passHasher(order, passKey);
  const pools = new Map<string, { expected: number; sales: RegisteredSale[] }>();
  const keyOf = (line: OrderLine) =>
    lineKey(line.uitdatabankId, line.uitpasNumberHash, line.tariffId, line.regularPrice);
  for (const line of order.lines) {
    const pool = pools.get(keyOf(line)) ?? { expected: 0, sales: [] };
    pool.expected += line.quantity;
    pools.set(keyOf(line), pool);
  }
  for (const sale of candidates) {
    if (claimedElsewhere.has(sale.id)) continue;
    const key = lineKey(sale.eventId, hash(sale.uitpasNumber), sale.tariff.id, sale.regularPrice);
    pools.get(key)?.sales.push(sale);
  }
  const byAge = (a: RegisteredSale, b: RegisteredSale) =>
    (a.creationDate ?? '').localeCompare(b.creationDate ?? '') ||
    a.id.localeCompare(b.id, 'en', { numeric: true });
  for (const pool of pools.values()) pool.sales.sort(byAge);

  const all = [...pools.values()];
  const found: Record<string, string[]> = {};
  const record = (outcome: Reconciliation['outcome'], reason?: ReconcileReason): Reconciliation => ({
    at: now.toISOString(),
    outcome,
    ...(reason ? { reason } : {}),
    since,
    until,
    found,
  });

  if (all.every((pool) => pool.sales.length === 0)) return { outcome: 'none', record: record('none') };
  if (all.some((pool) => pool.sales.length > pool.expected)) {
    for (const line of order.lines)
      found[line.lineId] = (pools.get(keyOf(line))?.sales ?? []).map((s) => s.id);
    return { outcome: 'unknown', record: record('unknown', 'ambiguous-match') };
  }
  const assignments: LineAssignment[] = [];
  const used = new Map<string, number>();
  for (const line of order.lines) {
    const key = keyOf(line);
    const pool = pools.get(key) as { sales: RegisteredSale[] };
    const start = used.get(key) ?? 0;
    const picked = pool.sales.slice(start, start + line.quantity);
    used.set(key, start + picked.length);
    found[line.lineId] = picked.map((sale) => sale.id);
    assignments.push({
      ticketSaleIds: picked.map((sale) => sale.id),
      tariffName: picked[0]?.tariff.name ?? null,
      tariffPrice: picked[0]?.tariff.price ?? null,
    });
  }
  if (all.some((pool) => pool.sales.length < pool.expected)) {
    return { outcome: 'unknown', record: record('unknown', 'partial-match') };
  }
  return { outcome: 'found', assignments, record: record('found') };
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

// --- access and views -------------------------------------------------------------------------------------------

/** An order belongs to the organisations of its events; a key sees it only when it may act for all of them. */
export function mayAccessOrder(principal: Principal, order: Pick<Order, 'organisationIds'>): boolean {
  return order.organisationIds.every((organisationId) => mayActFor(principal, organisationId));
}

export interface OrderLineView {
  lineId: string;
  eventId: string;
  status: LineStatus;
  uitpasNumber: string;
  tariff: { id: string; name: string | null; price: number | null };
  regularPrice: number;
  regularPriceLabel?: string;
  quantity: number;
  ticketSaleIds: string[];
  cancelledTicketSaleIds: string[];
}

export interface OrderView {
  orderId: string;
  status: OrderStatus;
  heldUntil: string | null;
  confirmedAt: string | null;
  createdAt: string;
  updatedAt: string;
  lines: OrderLineView[];
  /** What the last search of UiTPAS's sales found, when one was needed. */
  reconciliation?: Reconciliation;
  /** A cancellation asked before the registration's outcome was known, done as soon as it is. */
  cancelRequested?: { at: string; lineIds: string[] | null };
  /** Sales registered for the order that no line holds (a late answer): cancelled by us. */
  orphanedSales?: { ticketSaleId: string; lineId: string; cancelled: boolean }[];
  /** The shared "UiTPAS kansentarief" ticket type the registered lines are sold as (product rule 3). */
  uitpasTicketTypeId?: string;
}

export function orderView(order: Order, uitpasTicketTypeId?: string): OrderView {
  return {
    orderId: order.orderId,
    status: order.status,
    heldUntil: order.heldUntil ?? null,
    confirmedAt: order.confirmedAt ?? null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    lines: order.lines.map((line) => ({
      lineId: line.lineId,
      eventId: line.eventId,
      status: line.status,
      uitpasNumber: line.uitpasNumberMasked,
      tariff: { id: line.tariffId, name: line.tariffName, price: line.tariffPrice },
      regularPrice: line.regularPrice,
      ...(line.regularPriceLabel === undefined ? {} : { regularPriceLabel: line.regularPriceLabel }),
      quantity: line.quantity,
      ticketSaleIds: line.ticketSaleIds,
      cancelledTicketSaleIds: line.cancelledTicketSaleIds,
    })),
    ...(order.reconciliation ? { reconciliation: order.reconciliation } : {}),
    ...(order.cancelRequestedAt
      ? { cancelRequested: { at: order.cancelRequestedAt, lineIds: order.cancelLineIds ?? null } }
      : {}),
    ...(order.orphanedSales?.length
      ? {
          orphanedSales: order.orphanedSales.map((sale) => ({
            ticketSaleId: sale.ticketSaleId,
            lineId: sale.lineId,
            cancelled: sale.cancelledAt !== undefined,
          })),
        }
      : {}),
    ...(uitpasTicketTypeId ? { uitpasTicketTypeId } : {}),
  };
}

// --- problems ---------------------------------------------------------------------------------------------------

/** A problem about one line: names it (`lineId`) and points at it (`/lines/<i>/<field>`). */
export function forLine(error: AppError, index: number, lineId: string, field?: string): AppError {
  const pointer = `/lines/${index}${field ? `/${field}` : ''}`;
  const existing = error.extensions.invalidParams;
  const invalidParams =
    Array.isArray(existing) && existing.length > 0
      ? existing
      : [{ pointer, detail: error.detail ?? error.title }];
  return new AppError(error.slug, error.status, error.title, {
    detail: `Line ${lineId} (${pointer}): ${error.detail ?? error.title}`,
    ...(error.endUserMessage ? { endUserMessage: error.endUserMessage } : {}),
    extensions: { ...error.extensions, lineId, invalidParams },
    headers: error.headers,
    cause: error.cause ?? error,
  });
}

export function orderNotFound(orderId: string): AppError {
  return new AppError('order-not-found', 404, 'Unknown order', {
    detail: `There is no order ${orderId} among the organisations this API key may act for.`,
  });
}

export function lineNotFound(orderId: string, lineId: string): AppError {
  return new AppError('line-not-found', 404, 'Unknown order line', {
    detail: `Order ${orderId} has no line ${lineId}.`,
    extensions: { invalidParams: [{ pointer: 'query.lineId', detail: 'not a line of this order' }] },
  });
}

export function orderConflict(orderId: string): AppError {
  return new AppError('order-conflict', 409, 'This orderId is already used for another request', {
    detail: `Order ${orderId} was registered with a different body (or by another client). Nothing was registered now. Send exactly the same body to get that order's result, or use a new orderId for a new basket.`,
  });
}

export function registrationInProgress(orderId: string, retryAfterSeconds: number): AppError {
  return new AppError('registration-in-progress', 409, 'The order is being registered right now', {
    detail: `Another request for order ${orderId} is registering it at UiTPAS. Send the same request again in ${retryAfterSeconds} s to get its result.`,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });
}

const NOT_HELD_REASONS: Partial<Record<OrderStatus, string>> = {
  REGISTERING: 'it is still being registered; send the registration again to get its result first',
  UNKNOWN:
    'its registration outcome is not known yet; send the registration again (it is checked with UiTPAS first)',
  REFUSED: 'nothing was registered for it at UiTPAS',
  CANCELLING: 'it is being cancelled',
  CANCEL_PENDING: 'it is being cancelled',
  CANCELLED: 'it was cancelled',
};

export function orderNotHeld(order: Order): AppError {
  const reason = order.expiredAt
    ? `it was not confirmed before ${order.heldUntil}, so the sweep cancelled its UiTPAS sales at ${order.expiredAt}. Register the basket again under a new orderId`
    : (NOT_HELD_REASONS[order.status] ?? `its status is ${order.status}`);
  return new AppError('order-not-held', 409, 'The order cannot be confirmed', {
    detail: `Order ${order.orderId} cannot be confirmed: ${reason}.`,
    extensions: { orderStatus: order.status },
  });
}

export function quantityNotAvailable(
  requested: number,
  remaining: number,
  tariffId: string,
  endUserMessage: EndUserMessage | undefined,
): AppError {
  return new AppError('quantity-not-available', 422, 'Not that many tickets at this tariff', {
    detail: `UiTPAS allows ${remaining} more ticket(s) at tariff ${tariffId} for this pass and event, not ${requested}. More than one ticket per line is only possible for group passes.`,
    ...(endUserMessage ? { endUserMessage } : {}),
    extensions: { requested, remaining },
  });
}

const UNAVAILABLE_MESSAGE: EndUserMessage = {
  nl: 'UiTPAS is tijdelijk niet bereikbaar. Probeer het over enkele ogenblikken opnieuw, of verkoop aan het gewone tarief.',
  en: 'UiTPAS is temporarily unavailable. Try again in a moment, or sell at the regular price.',
};

/**
 * UiTPAS did not answer the registration. `not-sent`: UiTPAS said it did not take it, so the same request may simply
 * be sent again. `not-registered`: nothing was found among UiTPAS's sales after the grace a late POST gets (so it is
 * proof). `unknown`: not known yet (nothing found so far proves nothing while the POST may still be applied, or the
 * search failed); the same request again, after Retry-After, checks first and never registers twice.
 */
export function registrationUnavailable(
  outcome: 'not-sent' | 'not-registered' | 'unknown',
  orderId: string,
  cause?: unknown,
  retryAfterSeconds = 5,
): AppError {
  const detail = {
    'not-sent': `UiTPAS could not take the registration of order ${orderId}; nothing was registered. Send the same request again in a moment.`,
    'not-registered': `UiTPAS did not answer the registration of order ${orderId} in time, and its sales still show nothing registered for it after the time a late registration can take. Send the same request again in a moment.`,
    unknown: `UiTPAS did not answer the registration of order ${orderId} in time and it is not known yet whether it was applied (UiTPAS may still apply it). Send the same request again in ${retryAfterSeconds} s: it is checked with UiTPAS first and never registers twice.`,
  }[outcome];
  return new AppError('uitpas-unavailable', 503, 'UiTPAS is temporarily unavailable', {
    detail,
    endUserMessage: UNAVAILABLE_MESSAGE,
    extensions: { orderId, outcome },
    headers: { 'Retry-After': String(retryAfterSeconds) },
    cause,
  });
}

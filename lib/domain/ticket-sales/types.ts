/**
 * The data of an order: what is stored, what a request asks, and the statuses both go through. Types only (and the
 * list of statuses they are made from), so every rule file can use them without importing another rule file.
 */
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

export interface OrderLineRequest {
  lineId: string;
  /** The ticketing system's event id. */
  eventId: string;
  uitpasNumber: string;
  tariffId: string;
  regularPrice: number;
  regularPriceLabel?: string | undefined;
  quantity: number;
  /** What the till charged the buyer per ticket, EUR: checked against the price UiTPAS registers (price-drift.ts). */
  chargedPrice?: number | undefined;
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
  /** As the request gave it: what the till charged per ticket. */
  chargedPrice?: number | undefined;
  /**
   * The price UiTPAS registered the line's sales at (its answer's tariff price; a drifted sale's when one drifted),
   * null when the answer gave none; kept through cancellation. Absent until registered, and on orders stored before it.
   */
  registeredPrice?: number | null | undefined;
  /** Set when UiTPAS registered another price than `chargedPrice` (refused or flagged, as PRICE_DRIFT says). */
  priceDrift?: PriceDrift | undefined;
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

/** What the till charged against what UiTPAS registered (null: UiTPAS's answer gave no price). */
export interface PriceDrift {
  charged: number;
  registered: number | null;
}

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
  /**
   * Set when the registration was refused because a line drifted (PRICE_DRIFT=refuse): every line went to
   * cancelling in the same write that recorded the sales, and the same request again answers the same 422.
   */
  priceDriftRefusedAt?: string | undefined;
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

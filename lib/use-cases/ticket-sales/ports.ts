/**
 * What the ticket-sale use cases need from the outside, in their own words: the orders and their sale claims, the
 * UiTPAS calls of this feature, and the cancellation queue. The table's order repository, the UiTPAS client and the
 * SQS queue (lib/adapters) provide them; the events come through the basket's port.
 */
import type { UitpasTariffs } from '../../domain/tariffs.js';
import type { Order, RegisteredSale, SaleToRegister } from '../../domain/ticket-sales/index.js';
import type { TariffQuery, UpstreamCall } from '../basket/ports.js';

// --- orders -------------------------------------------------------------------------------------------------------

/** The sweep's work lists: orders held past their time, with a cancellation pending, or with an unsettled outcome. */
export type OrderQueue = 'HELD' | 'CANCEL_PENDING' | 'UNSETTLED';

/** Which order and line an UiTPAS ticket sale belongs to: one owner per sale, so no sale is ever counted twice. */
export interface SaleClaim {
  ticketSaleId: string;
  orderId: string;
  lineId: string;
  /** `registration`: UiTPAS's answer named it; `reconciliation`: found by searching after a lost answer. */
  source: 'registration' | 'reconciliation';
  claimedAt: string;
  /**
   * The line's organisation and event, and when the attempt that registered the sale started: with these the claim
   * is listed in the organisation's sales ledger (gsi1 `SALES#<organisationId>`), which the reimbursement export
   * reads. Claims written before they existed carry none and are not listed.
   */
  organisationId?: string | undefined;
  eventId?: string | undefined;
  registeredAt?: string | undefined;
}

export type ClaimResult = { outcome: 'claimed' } | { outcome: 'taken'; claim: SaleClaim | undefined };

export interface OrderRepository {
  /** `consistent` when a conditional write follows. */
  get(orderId: string, options?: { consistent?: boolean }): Promise<Order | undefined>;
  /**
   * Create (version 1: only if absent) or replace the stored `version - 1`. False when that lost a race: every write
   * is conditional on the version read, so concurrent writers never overwrite each other.
   */
  save(order: Order): Promise<boolean>;
  /** Claims the sale for this order and line, unless another order holds it (the same order again may re-claim). */
  claimSale(claim: SaleClaim): Promise<ClaimResult>;
  getClaim(ticketSaleId: string): Promise<SaleClaim | undefined>;
  /** The orders of one of the sweep's lists that are due before `before`, oldest first, at most `limit`. */
  listDue(queue: OrderQueue, before: Date, limit: number): Promise<Order[]>;
}

// --- UiTPAS -------------------------------------------------------------------------------------------------------

/** `call.deadline`: when the call, retries included, must have ended (epoch ms); see `answerBy` in deps.ts. */
export interface UitpasTicketSales {
  /** Starts what the first call needs (the access token) without waiting; optional for fakes. */
  warmUp?(): void;
  /** All or nothing, and never retried: a retried POST could register the sales twice. */
  registerTicketSales(sales: SaleToRegister[], call?: UpstreamCall): Promise<RegisteredSale[]>;
  searchTicketSales(
    query: { eventId: string; start?: number; limit?: number },
    call?: UpstreamCall,
  ): Promise<{ totalItems: number | undefined; member: RegisteredSale[] }>;
  /** 404 `ticket-sale-not-found` when the sale is unknown or already cancelled. */
  cancelTicketSale(id: string, call?: UpstreamCall): Promise<void>;
  /** For quantities above 1: how many more tickets the pass may have at a tariff. */
  getTariffs(query: TariffQuery, call?: UpstreamCall): Promise<UitpasTariffs>;
}

// --- the cancellation queue ---------------------------------------------------------------------------------------

/**
 * A cancellation UiTPAS could not take now, to retry soon. The queue only speeds things up: the order is written
 * CANCEL_PENDING (and listed for the sweep) before anything is enqueued, and the sweep retries every pending
 * cancellation it finds, so a message that could not be sent, or a stack without a queue, loses nothing.
 */
export interface CancellationMessage {
  orderId: string;
  /** The line the cancellation was asked for; absent for the whole order. The consumer retries every pending line. */
  lineId?: string | undefined;
}

export interface CancellationQueue {
  enqueue(message: CancellationMessage, delaySeconds?: number): Promise<void>;
}

/** Makes a received message visible again after `delaySeconds` instead of the queue's visibility timeout. */
export interface CancellationRedelivery {
  retryLater(receiptHandle: string, delaySeconds: number): Promise<void>;
}

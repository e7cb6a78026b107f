/**
 * What the ticket-sale use cases need from the outside, and the small helpers they share: the clock, the lease, and
 * the read-change-write loop that every order write goes through.
 */
import { randomUUID } from 'node:crypto';
import type { BasketEvent } from '../basket/lookup-tariffs.js';
import type { UitpasTariffs } from '../domain/tariffs.js';
import {
  type Attempt,
  type Order,
  type OrderView,
  orderView,
  type RegisteredSale,
  type SaleToRegister,
  touch,
} from '../domain/ticket-sales.js';
import { logger } from '../logger.js';
import type { CancellationMessage, CancellationQueue } from '../queue/cancellation-queue.js';
import type { OrderRepository } from '../store/orders.js';

/** The UiTPAS calls of this feature (lib/uitpas/client.ts provides them). */
export interface UitpasTicketSales {
  /** All or nothing, never retried by the client. */
  registerTicketSales(sales: SaleToRegister[]): Promise<RegisteredSale[]>;
  searchTicketSales(query: {
    eventId: string;
    start?: number;
    limit?: number;
  }): Promise<{ totalItems: number; member: RegisteredSale[] }>;
  /** 404 `ticket-sale-not-found` when the sale is unknown or already cancelled. */
  cancelTicketSale(id: string): Promise<void>;
  getTariffs(query: { eventId: string; uitpasNumber: string; regularPrice: number }): Promise<UitpasTariffs>;
}

export interface TicketSalesDeps {
  orders: OrderRepository;
  events: { getForBasket(eventId: string): Promise<BasketEvent | undefined> };
  uitpas: UitpasTicketSales;
  /** Absent where nothing is enqueued (registration): the CANCEL_PENDING index and the sweep carry it then. */
  queue?: CancellationQueue | undefined;
  /** How long a registered order waits for its confirmation before the sweep cancels it. */
  heldTimeoutMinutes: number;
  uitpasTicketTypeId?: string | undefined;
  now?: () => Date;
  /**
   * How long an attempt holds the order. It must exceed the longest a POST to UiTPAS can take (the client's
   * per-request deadline), so nobody reconciles while a POST of the holder may still be on its way. Default 30 s.
   */
  leaseMs?: number;
  /** How long a request waits for a concurrent identical request to finish. Default 8 s. */
  waitMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_LEASE_MS = 30_000;
export const DEFAULT_WAIT_MS = 8_000;
export const DEFAULT_POLL_MS = 150;
/** Lost races in a row before giving up (a 500): only a flood of writes on one order gets there. */
const MAX_WRITE_ATTEMPTS = 6;

export interface Ctx {
  deps: TicketSalesDeps;
  now(): Date;
  sleep(ms: number): Promise<void>;
  leaseMs: number;
  waitMs: number;
  pollMs: number;
  heldMs: number;
  newAttempt(now: Date): Attempt;
  view(order: Order): OrderView;
}

export function context(deps: TicketSalesDeps): Ctx {
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  return {
    deps,
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    leaseMs,
    waitMs: deps.waitMs ?? DEFAULT_WAIT_MS,
    pollMs: deps.pollMs ?? DEFAULT_POLL_MS,
    heldMs: deps.heldTimeoutMinutes * 60_000,
    newAttempt: (now) => ({
      owner: randomUUID(),
      startedAt: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
    }),
    view: (order) => orderView(order, deps.uitpasTicketTypeId),
  };
}

export async function reread(ctx: Ctx, orderId: string): Promise<Order> {
  const order = await ctx.deps.orders.get(orderId, { consistent: true });
  // Orders are never deleted: a missing order after it was read is a bug, not a race.
  if (!order) throw new Error(`order ${orderId} disappeared`);
  return order;
}

/**
 * Read, change, write conditionally; on a lost race, read again and apply the change to what is there now, so
 * concurrent writers add up instead of overwriting each other. `change` returns undefined for "nothing to write".
 */
export async function mutate(
  ctx: Ctx,
  start: Order,
  change: (order: Order) => Order | undefined,
): Promise<Order> {
  let current = start;
  for (let attempt = 1; ; attempt += 1) {
    const next = change(current);
    if (!next) return current;
    const written = touch(next, ctx.now());
    if (await ctx.deps.orders.save(written)) return written;
    if (attempt >= MAX_WRITE_ATTEMPTS) throw new Error(`order ${start.orderId}: too many concurrent writes`);
    current = await reread(ctx, start.orderId);
  }
}

/** Enqueue for a quick retry; a failure only delays the retry until the sweep (the order is CANCEL_PENDING already). */
export async function enqueueRetry(ctx: Ctx, message: CancellationMessage): Promise<boolean> {
  if (!ctx.deps.queue) return false;
  try {
    await ctx.deps.queue.enqueue(message);
    return true;
  } catch (error) {
    logger.error('could not enqueue a pending cancellation; the sweep will retry it', {
      orderId: message.orderId,
      lineId: message.lineId,
      error,
    });
    return false;
  }
}

/**
 * What the ticket-sale use cases are given (the ports of ports.ts and the settings), and the small helpers they
 * share: the clock, the lease, and the read-change-write loop that every order write goes through.
 */
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../domain/access.js';
import {
  APPLY_GRACE_MS,
  type Attempt,
  CLOCK_SKEW_MS,
  isLegacyOrderOf,
  type Order,
  type OrderView,
  orderKey,
  orderView,
  type PriceDriftPolicy,
  touch,
} from '../../domain/ticket-sales/index.js';
import { logger } from '../../logger.js';
import type { EventsForBasket } from '../basket/ports.js';
import type { CancellationMessage, CancellationQueue, OrderRepository, UitpasTicketSales } from './ports.js';

export interface TicketSalesDeps {
  orders: OrderRepository;
  events: EventsForBasket;
  uitpas: UitpasTicketSales;
  /** Absent where nothing is enqueued (registration): the CANCEL_PENDING index and the sweep carry it then. */
  queue?: CancellationQueue | undefined;
  /** How long a registered order waits for its confirmation before the sweep cancels it. */
  heldTimeoutMinutes: number;
  /**
   * What a line registered at another price than its `chargedPrice` does (PRICE_DRIFT): `refuse` (the default) the
   * registration, cancelling the order's sales, or `flag` it on the line (lib/domain/ticket-sales/price-drift.ts).
   */
  priceDrift?: PriceDriftPolicy | undefined;
  uitpasTicketTypeId?: string | undefined;
  now?: () => Date;
  /**
   * The key of the pass pseudonyms (`passHash`): PASS_HASH_KEY or its SSM parameter, read once per container. No
   * default: a pseudonym keyed with a known key is as easy to reverse as an unkeyed one, so each environment brings
   * its own, and only the configuration may decide that the sandbox's public key will do.
   */
  passHashKey: () => Promise<string>;
  /**
   * When this Lambda invocation is cut off (epoch ms: `context.getRemainingTimeInMillis()` at its start). An attempt's
   * lease then lasts the rest of the invocation plus a margin: nobody else reconciles or posts while anything of
   * this invocation, its POST included, may still run, however long the token fetch, the POST and a 401 retry take.
   */
  deadline?: number | undefined;
  /**
   * When this invocation's UiTPAS calls must have ended (epoch ms), so the answer still goes out before `deadline`
   * (see `answerBy` in lib/adapters/http/handler.ts). Absent (the sweep, the queue consumer): each call's own limits.
   */
  answerBy?: number | undefined;
  /**
   * A fixed lease instead (tests). Without it or a deadline (the sweep, which never posts): 30 s. Either way it must
   * fit in APPLY_GRACE_MS with the clock skew, as the grace for a late POST counts from the attempt's start.
   */
  leaseMs?: number;
  /** How long a request waits for a concurrent identical request to finish. Default 8 s. */
  waitMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_LEASE_MS = 30_000;
/** Added to the rest of an invocation: the invocation's own writes after its POST, and clock jitter. */
export const LEASE_MARGIN_MS = 5_000;
export const DEFAULT_WAIT_MS = 8_000;
export const DEFAULT_POLL_MS = 150;
/** Lost races in a row before giving up (a 500): only a flood of writes on one order gets there. */
const MAX_WRITE_ATTEMPTS = 6;

export interface Ctx {
  deps: TicketSalesDeps;
  now(): Date;
  sleep(ms: number): Promise<void>;
  waitMs: number;
  pollMs: number;
  heldMs: number;
  newAttempt(now: Date): Attempt;
  view(order: Order): OrderView;
  /** The pass-hash key (fetched once per container by its source). */
  passKey(): Promise<string>;
}

export function context(deps: TicketSalesDeps): Ctx {
  const { deadline } = deps;
  // Measured on the real clock (the invocation's), whatever clock the order's times are written with.
  const leaseMs = () =>
    deps.leaseMs ??
    (deadline === undefined ? DEFAULT_LEASE_MS : Math.max(0, deadline - Date.now()) + LEASE_MARGIN_MS);
  return {
    deps,
    now: deps.now ?? (() => new Date()),
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    waitMs: deps.waitMs ?? DEFAULT_WAIT_MS,
    pollMs: deps.pollMs ?? DEFAULT_POLL_MS,
    heldMs: deps.heldTimeoutMinutes * 60_000,
    newAttempt: (now) => {
      const lease = leaseMs();
      // "Nothing found" becomes proof APPLY_GRACE_MS after an attempt started; an attempt still running then, or a
      // sale it causes dated beyond the window, would make that proof wrong. A function timeout this long is a
      // deployment mistake: it fails loudly here, before anything is posted.
      if (lease + CLOCK_SKEW_MS >= APPLY_GRACE_MS) {
        throw new Error(
          `a lease of ${lease} ms (function timeout + margin) does not fit in the ${APPLY_GRACE_MS} ms grace for a late POST`,
        );
      }
      return {
        owner: randomUUID(),
        startedAt: now.toISOString(),
        leaseUntil: new Date(now.getTime() + lease).toISOString(),
      };
    },
    view: (order) => orderView(order, deps.uitpasTicketTypeId),
    passKey: deps.passHashKey,
  };
}

/**
 * The client's order `orderId`: under its own key (see lib/domain/ticket-sales/order-key.ts), or stored before order
 * ids were namespaced by that same client. Both are read at once, so the second costs no time.
 */
export async function findOrder(
  ctx: Ctx,
  principal: Pick<Principal, 'clientName'>,
  orderId: string,
): Promise<Order | undefined> {
  const [own, plain] = await Promise.all([
    ctx.deps.orders.get(orderKey(principal, orderId), { consistent: true }),
    ctx.deps.orders.get(orderId, { consistent: true }),
  ]);
  return own ?? (plain && isLegacyOrderOf(principal, plain) ? plain : undefined);
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

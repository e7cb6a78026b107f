/**
 * Reading an order, and confirming it once the buyer has paid: HELD -> CONFIRMED, after which the sweep leaves its
 * sales alone. Confirming twice is fine; confirming an order the sweep already cancelled is a 409 that says so.
 */
import type { Principal } from '../../domain/access.js';
import {
  confirm,
  mayAccessOrder,
  type Order,
  type OrderView,
  orderNotFound,
} from '../../domain/ticket-sales/index.js';
import { type Ctx, context, findOrder, mutate, type TicketSalesDeps } from './deps.js';
import { waitWhileLeased } from './settle.js';

async function load(ctx: Ctx, orderId: string, principal: Principal): Promise<Order> {
  const order = await findOrder(ctx, principal, orderId);
  // Another key's order is as unknown as a missing one: a key must not learn what exists elsewhere.
  if (!order || !mayAccessOrder(principal, order)) throw orderNotFound(orderId);
  return order;
}

export async function getTicketSales(
  orderId: string,
  principal: Principal,
  deps: TicketSalesDeps,
): Promise<OrderView> {
  const ctx = context(deps);
  return ctx.view(await load(ctx, orderId, principal));
}

export async function confirmTicketSales(
  orderId: string,
  principal: Principal,
  deps: TicketSalesDeps,
): Promise<OrderView> {
  const ctx = context(deps);
  // A registration that is still running gets a moment to finish before we say it is not held.
  const order = await waitWhileLeased(ctx, await load(ctx, orderId, principal));
  const now = ctx.now();
  return ctx.view(await mutate(ctx, order, (current) => confirm(current, now)));
}

/**
 * Ticket-sale orders and the claims on UiTPAS ticket sales.
 *
 * Key layout (same table as the mappings; see lib/adapters/dynamodb/mappings.ts for theirs):
 *
 * | item       | pk                  | sk           | gsi1pk (index 'gsi1')   | gsi1sk                             |
 * |------------|---------------------|--------------|-------------------------|------------------------------------|
 * | order      | `ORDER#<orderId>`   | `ORDER`      | `ORDERS#HELD`           | `<heldUntil ISO>#<orderId>`        |
 * |            |                     |              | `ORDERS#CANCEL_PENDING` | `<next retry ISO>#<orderId>`       |
 * |            |                     |              | `ORDERS#UNSETTLED`      | `<due ISO>#<orderId>`              |
 * | sale claim | `TICKETSALE#<id>`   | `TICKETSALE` | `SALES#<organisationId>`| `<registeredAt ISO>#<id>`          |
 *
 * - One item per order holds all its lines, so a registration costs the same few writes whatever the basket holds.
 * - The gsi1 keys are sparse and follow the status, so the sweep finds its work with one Query per partition:
 *   HELD orders by `heldUntil`; orders with a pending cancellation (CANCELLING/CANCEL_PENDING lines, or orphaned
 *   sales) by when the sweep must retry it next (moved on after every failed attempt, and no later than `heldUntil`
 *   while a sibling line is still HELD: `pendingCancellationDueAt`); REGISTERING (by lease end), UNKNOWN and
 *   REFUSED-after-an-uncertain-attempt orders (by last update) in UNSETTLED. Confirmed, cancelled and plainly
 *   refused orders leave the index.
 * - A sale claim says which order and line an UiTPAS ticket sale belongs to. It is written with
 *   `attribute_not_exists` (or by the same order again), so a reconciliation can never hand one sale to two orders.
 *   The same PutItem lists it in its organisation's sales ledger (gsi1 `SALES#<organisationId>`, by when the sale
 *   was registered): the reimbursement export (lib/adapters/dynamodb/sales-ledger.ts) pages through it by time and
 *   reads the orders to know which sales still stand. No extra write on the registration's path; claims written
 *   before the ledger existed have no gsi1 keys and are not listed.
 *
 * Every order write is a whole-item Put, conditional on the version read (`attribute_not_exists` for a create). No
 * transactions, no TTL: each write touches one item, and orders are kept (they are the record of what was sold).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  hasPendingCancellation,
  type Order,
  pendingCancellationDueAt,
} from '../../domain/ticket-sales/index.js';
import type { OrderQueue, OrderRepository, SaleClaim } from '../../use-cases/ticket-sales/ports.js';
import { queryPartition, type Table } from './table.js';

const ORDER = (orderId: string) => ({ pk: `ORDER#${orderId}`, sk: 'ORDER' });
const CLAIM = (ticketSaleId: string) => ({ pk: `TICKETSALE#${ticketSaleId}`, sk: 'TICKETSALE' });
const PARTITIONS: Record<OrderQueue, string> = {
  HELD: 'ORDERS#HELD',
  CANCEL_PENDING: 'ORDERS#CANCEL_PENDING',
  UNSETTLED: 'ORDERS#UNSETTLED',
};
const KEY_ATTRIBUTES = new Set(['pk', 'sk', 'kind', 'gsi1pk', 'gsi1sk']);

/** Where the order sits in the sweep's index, if anywhere: follows from its status alone. */
export function orderIndexKeys(order: Order): { gsi1pk: string; gsi1sk: string } | undefined {
  const at = (partition: OrderQueue, time: string | undefined) =>
    time === undefined ? undefined : { gsi1pk: PARTITIONS[partition], gsi1sk: `${time}#${order.orderId}` };
  // A pending cancellation comes first, whatever the status: its HELD siblings expire through it (see the due time).
  if (hasPendingCancellation(order)) return at('CANCEL_PENDING', pendingCancellationDueAt(order));
  switch (order.status) {
    case 'HELD':
      return at('HELD', order.heldUntil);
    case 'CANCELLING':
    case 'CANCEL_PENDING':
      return at('CANCEL_PENDING', pendingCancellationDueAt(order));
    case 'REGISTERING':
      return at('UNSETTLED', order.attempt?.leaseUntil ?? order.updatedAt);
    case 'UNKNOWN':
      return at('UNSETTLED', order.updatedAt);
    case 'REFUSED':
      // Only a refusal after an attempt that may have applied is looked at again, by the sweep.
      return order.uncertainSince ? at('UNSETTLED', order.updatedAt) : undefined;
    case 'CONFIRMED':
    case 'CANCELLED':
      return undefined;
  }
}

/** Where a sale claim sits in its organisation's sales ledger (gsi1), when it says whose and when. */
export function claimLedgerKeys(claim: SaleClaim): { gsi1pk: string; gsi1sk: string } | undefined {
  if (claim.organisationId === undefined || claim.registeredAt === undefined) return undefined;
  return {
    gsi1pk: salesPartition(claim.organisationId),
    gsi1sk: `${claim.registeredAt}#${claim.ticketSaleId}`,
  };
}

export const salesPartition = (organisationId: string) => `SALES#${organisationId}`;

function toOrder(item: Record<string, unknown>): Order {
  const order: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(name)) order[name] = value;
  return order as unknown as Order;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** `get` is one GetItem; `listDue` queries the list's gsi1 partition, sorted by when each order is due. */
export function createOrderRepository(table: Table): OrderRepository {
  const { doc, name: TableName } = table;

  return {
    async get(orderId, options = {}) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: ORDER(orderId), ConsistentRead: options.consistent ?? false }),
      );
      return Item ? toOrder(Item) : undefined;
    },

    async save(order) {
      const create = order.version === 1;
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: { ...ORDER(order.orderId), kind: 'order', ...orderIndexKeys(order), ...order },
            ConditionExpression: create ? 'attribute_not_exists(pk)' : '#version = :previous',
            ...(create
              ? {}
              : {
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: { ':previous': order.version - 1 },
                }),
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async claimSale(claim) {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              ...CLAIM(claim.ticketSaleId),
              kind: 'ticket-sale-claim',
              ...claimLedgerKeys(claim),
              ...claim,
            },
            ConditionExpression: 'attribute_not_exists(pk) OR orderId = :orderId',
            ExpressionAttributeValues: { ':orderId': claim.orderId },
          }),
        );
        return { outcome: 'claimed' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return { outcome: 'taken', claim: await this.getClaim(claim.ticketSaleId) };
      }
    },

    async getClaim(ticketSaleId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: CLAIM(ticketSaleId), ConsistentRead: true }),
      );
      if (!Item) return undefined;
      return {
        ticketSaleId: String(Item.ticketSaleId),
        orderId: String(Item.orderId),
        lineId: String(Item.lineId),
        source: Item.source === 'registration' ? 'registration' : 'reconciliation',
        claimedAt: String(Item.claimedAt),
        ...(typeof Item.organisationId === 'string' ? { organisationId: Item.organisationId } : {}),
        ...(typeof Item.eventId === 'string' ? { eventId: Item.eventId } : {}),
        ...(typeof Item.registeredAt === 'string' ? { registeredAt: Item.registeredAt } : {}),
      };
    },

    async listDue(queue, before, limit) {
      const items = await queryPartition(table, PARTITIONS[queue], {
        sortKeyBelow: before.toISOString(),
        limit,
      });
      return items.map(toOrder);
    },
  };
}

/**
 * The organisations' sales ledgers, for the reimbursement export: the sale claims (lib/adapters/dynamodb/orders.ts)
 * carry gsi1 keys `SALES#<organisationId>` / `<registeredAt ISO>#<ticketSaleId>`, written in the claim's own
 * PutItem. A page is one Query of that partition between the window's bounds; its orders are read through the order
 * repository (GetItem, not consistent), each once, a few at a time (a page of 500 claims is at most 500 orders,
 * usually far fewer). Reads only: Query on gsi1 (`SALES#` partitions) and GetItem on orders.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerClaim, Order } from '../../domain/ticket-sales/index.js';
import type { SalesLedger } from '../../use-cases/reports/ports.js';
import type { OrderRepository } from '../../use-cases/ticket-sales/ports.js';
import { createOrderRepository, salesPartition } from './orders.js';
import { GSI1, type Table } from './table.js';

/** Order reads in flight at once. */
const READS_IN_FLIGHT = 16;

function toClaim(item: Record<string, unknown>): LedgerClaim {
  return {
    ticketSaleId: String(item.ticketSaleId),
    orderId: String(item.orderId),
    lineId: String(item.lineId),
    organisationId: String(item.organisationId),
    eventId: String(item.eventId),
    registeredAt: String(item.registeredAt),
  };
}

/** The index key of the claim a page ended on: its gsi1sk says it all (`<ISO>#<ticketSaleId>`). */
function startKey(organisationId: string, after: string): Record<string, string> {
  const ticketSaleId = after.slice(after.indexOf('#') + 1);
  return {
    pk: `TICKETSALE#${ticketSaleId}`,
    sk: 'TICKETSALE',
    gsi1pk: salesPartition(organisationId),
    gsi1sk: after,
  };
}

export function createSalesLedger(
  table: Table,
  orders: Pick<OrderRepository, 'get'> = createOrderRepository(table),
): SalesLedger {
  const { doc, name: TableName } = table;
  return {
    async claims({ organisationId, since, until, limit, after }) {
      const claims: LedgerClaim[] = [];
      let start: Record<string, unknown> | undefined = after ? startKey(organisationId, after) : undefined;
      // A page may come back short of the limit (DynamoDB's 1 MB page): read on until the limit or the end.
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName,
            IndexName: GSI1,
            // `until` is the next day's midnight: every key of that instant has `#<id>` after it, so BETWEEN leaves
            // it out and the window is [since, until).
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :since AND :until',
            ExpressionAttributeValues: {
              ':pk': salesPartition(organisationId),
              ':since': since,
              ':until': until,
            },
            Limit: limit - claims.length,
            ExclusiveStartKey: start,
          }),
        );
        claims.push(...(page.Items ?? []).map(toClaim));
        start = page.LastEvaluatedKey;
      } while (start && claims.length < limit);
      return { claims, after: start ? String(start.gsi1sk) : undefined };
    },

    async orders(orderIds) {
      const found = new Map<string, Order>();
      for (let i = 0; i < orderIds.length; i += READS_IN_FLIGHT) {
        await Promise.all(
          orderIds.slice(i, i + READS_IN_FLIGHT).map(async (orderId) => {
            const order = await orders.get(orderId);
            if (order) found.set(orderId, order);
          }),
        );
      }
      return found;
    },
  };
}

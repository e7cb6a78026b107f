/**
 * What a reconciliation run reads and writes in the table (lib/use-cases/reconciliation/ports.ts).
 *
 * | item                  | pk                        | sk          | gsi1pk | gsi1sk |
 * |-----------------------|---------------------------|-------------|--------|--------|
 * | reconciliation result | `RECON#<organisationId>`  | `<eventId>` |        |        |
 *
 * - One item per organisation and event: the last run's result, overwritten (unconditional Put) by the next run, so
 *   running twice leaves one result. The stored result is the JSON of the answer, under `result`.
 * - Reads: the sales ledger (lib/adapters/dynamodb/sales-ledger.ts), a sale claim by id (`TICKETSALE#<id>`), a
 *   ticketing event (`EVENT#<id>`), the organisations (gsi1 `ORGS`), and the results (Query on `RECON#<org>`).
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventReconciliation, ReconciliationStore } from '../../use-cases/reconciliation/ports.js';
import { createSalesLedger } from './sales-ledger.js';
import { queryPartition, type Table } from './table.js';

export const reconciliationPartition = (organisationId: string) => `RECON#${organisationId}`;

export function createReconciliationStore(table: Table): ReconciliationStore {
  const { doc, name: TableName } = table;
  return {
    ledger: createSalesLedger(table),

    async claimOf(ticketSaleId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: { pk: `TICKETSALE#${ticketSaleId}`, sk: 'TICKETSALE' } }),
      );
      if (!Item) return undefined;
      return { ticketSaleId, orderId: String(Item.orderId), lineId: String(Item.lineId) };
    },

    async event(eventId) {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' } }),
      );
      if (!Item) return undefined;
      return {
        eventId,
        organisationId: String(Item.organisationId),
        uitdatabankId: typeof Item.uitdatabankId === 'string' ? Item.uitdatabankId : null,
      };
    },

    async organisations() {
      const items = await queryPartition(table, 'ORGS');
      return items.map((item) => String(item.organisationId ?? item.gsi1sk)).sort();
    },

    async save(result: EventReconciliation) {
      await doc.send(
        new PutCommand({
          TableName,
          Item: {
            pk: reconciliationPartition(result.organisationId),
            sk: result.eventId,
            kind: 'reconciliation',
            result: JSON.stringify(result),
          },
        }),
      );
    },

    async results(organisationId) {
      const found: EventReconciliation[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': reconciliationPartition(organisationId) },
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? [])
          found.push(JSON.parse(String(item.result)) as EventReconciliation);
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}

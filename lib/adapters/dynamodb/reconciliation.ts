/**
 * What a reconciliation run reads and writes in the table (lib/use-cases/reconciliation/ports.ts).
 *
 * | item                  | pk                        | sk          | gsi1pk | gsi1sk |
 * |-----------------------|---------------------------|-------------|--------|--------|
 * | reconciliation result | `RECON#<organisationId>`  | `<eventId>` |        |        |
 *
 * - One item per organisation and event: the last run's result, overwritten (unconditional Put) by the next run, so
 *   running twice leaves one result. The stored result is the JSON of the answer, under `result`.
 * - Reads: the sales ledger (lib/adapters/dynamodb/sales-ledger.ts), a sale claim by id and the orders (through the
 *   order repository), a ticketing event and the organisations (through the mapping repository), and the results
 *   (Query on `RECON#<org>`).
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventReconciliation, ReconciliationStore } from '../../use-cases/reconciliation/ports.js';
import { createMappingRepository } from './mappings.js';
import { createOrderRepository } from './orders.js';
import { createSalesLedger } from './sales-ledger.js';
import type { Table } from './table.js';

export const reconciliationPartition = (organisationId: string) => `RECON#${organisationId}`;

export function createReconciliationStore(table: Table): ReconciliationStore {
  const { doc, name: TableName } = table;
  const orders = createOrderRepository(table);
  const mappings = createMappingRepository(table);
  return {
    ledger: createSalesLedger(table, orders),

    async claimOf(ticketSaleId) {
      const claim = await orders.getClaim(ticketSaleId);
      return claim && { ticketSaleId, orderId: claim.orderId, lineId: claim.lineId };
    },

    async event(eventId) {
      const event = await mappings.getEvent(eventId);
      return (
        event && {
          eventId,
          organisationId: event.organisationId,
          uitdatabankId: event.uitdatabankId ?? null,
        }
      );
    },

    async organisations() {
      return (await mappings.listAllOrganisations())
        .map((organisation) => organisation.organisationId)
        .sort();
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
        for (const item of page.Items ?? []) {
          const stored = JSON.parse(String(item.result)) as EventReconciliation;
          // Results stored before `cancellingAtUitpas` existed say nothing of it: none was counted then.
          found.push({ ...stored, cancellingAtUitpas: stored.cancellingAtUitpas ?? 0 });
        }
        start = page.LastEvaluatedKey;
      } while (start);
      return found;
    },
  };
}

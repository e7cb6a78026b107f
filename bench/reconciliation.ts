/**
 * Reconciliation of 10,000 sales over 100 events on the local stack (DynamoDB in its own process, the sandbox in
 * this one): the ledger (sale claims with their gsi1 keys, and 1,000 orders of 10 tickets) is written straight into
 * the table and the same sales straight into the sandbox, with a few discrepancies of each kind. Then one run of the
 * organisation (lib/use-cases/reconciliation/run.ts) over today: its time, the UiTPAS calls per event (searches of 500
 * a page, cancellations) and the DynamoDB commands. Figures only.
 */

import { BatchWriteCommand, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { TicketSaleRecord } from '@uitpas-ticketing/sandbox';
import { createReconciliationStore } from '../lib/adapters/dynamodb/reconciliation.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { Order, OrderLine } from '../lib/domain/ticket-sales/index.js';
import { reconcileOrganisation } from '../lib/use-cases/reconciliation/run.js';
import { startDynamoProcess } from '../local/dynamo.js';
import { startTestStack } from '../test-support/test-stack.js';
import { countedTable, ms } from './stats.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100);
const SALES_PER_EVENT = Number(process.env.BENCH_SALES_PER_EVENT ?? 100);
const TICKETS_PER_ORDER = 10;
const ORGANISATION = 'bench-org';

async function writeAll(table: Table, items: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, unknown>[] | undefined = items.slice(i, i + 25);
    while (pending && pending.length > 0) {
      const answer: BatchWriteCommandOutput = await table.doc.send(
        new BatchWriteCommand({
          RequestItems: { [table.name]: pending.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      pending = answer.UnprocessedItems?.[table.name]?.map((request) => request.PutRequest?.Item ?? {});
    }
  }
}

export async function benchReconciliation(): Promise<void> {
  const stack = await startTestStack({
    tableName: 'bench-reconciliation',
    timeoutMs: 4000,
    dynamo: await startDynamoProcess(),
    seed: false,
  });
  try {
    const now = new Date();
    const at = now.toISOString();
    const items: Record<string, unknown>[] = [];
    const sales: TicketSaleRecord[] = [];
    let saleId = 1_000_000;
    let expected = 0;
    for (let e = 0; e < EVENTS; e++) {
      const eventId = `bench-event-${e}`;
      const uitdatabankId = `00000000-0000-4000-8000-${String(e).padStart(12, '0')}`;
      for (let o = 0; o < SALES_PER_EVENT / TICKETS_PER_ORDER; o++) {
        const orderId = `bench/${eventId}-${o}`;
        const ids = Array.from({ length: TICKETS_PER_ORDER }, () => String(saleId++));
        const line = {
          lineId: 'l1',
          eventId,
          organisationId: ORGANISATION,
          uitdatabankId,
          tariffId: 'SOCIALTARIFF',
          tariffName: 'Kansentarief',
          tariffPrice: 2,
          registeredPrice: 2,
          regularPrice: 10,
          quantity: TICKETS_PER_ORDER,
          status: 'CONFIRMED',
          ticketSaleIds: ids,
          cancelledTicketSaleIds: [],
        } as unknown as OrderLine;
        const order = {
          orderId,
          organisationIds: [ORGANISATION],
          status: 'CONFIRMED',
          lines: [line],
        } as unknown as Order;
        items.push({ pk: `ORDER#${orderId}`, sk: 'ORDER', kind: 'order', ...order });
        ids.forEach((id, index) => {
          items.push({
            pk: `TICKETSALE#${id}`,
            sk: 'TICKETSALE',
            kind: 'ticket-sale-claim',
            gsi1pk: `SALES#${ORGANISATION}`,
            gsi1sk: `${at}#${id}`,
            ticketSaleId: id,
            orderId,
            lineId: 'l1',
            organisationId: ORGANISATION,
            eventId,
            registeredAt: at,
          });
          // One order in ten per event: its first sale UiTPAS lost, its second at another price.
          const lost = o === 0 && index === 0;
          const repriced = o === 0 && index === 1;
          if (lost || repriced) expected += 1;
          if (lost) return;
          sales.push({
            id,
            creationDate: at,
            createdAtMs: now.getTime(),
            regularPrice: 10,
            tariff: {
              id: 'SOCIALTARIFF',
              name: 'Kansentarief',
              price: repriced ? 3 : 2,
              type: 'SOCIALTARIFF',
            },
            eventId: uitdatabankId,
            eventTitle: eventId,
            uitpasNumber: '0900000067513',
            passholderId: 'bench',
            cancelled: false,
          });
        });
      }
      // And one sale of another channel per event.
      sales.push({ ...(sales.at(-1) as TicketSaleRecord), id: String(saleId++) });
      expected += 1;
    }
    const seedStart = performance.now();
    await writeAll(stack.table, items);
    stack.sandbox.state.addTicketSales(sales);
    const seeded = performance.now() - seedStart;

    const { table, dynamo } = countedTable(stack);
    const calls = { searches: 0, cancellations: 0 };
    const uitpas = {
      searchTicketSales: (...args: Parameters<typeof stack.uitpas.searchTicketSales>) => {
        calls.searches += 1;
        return stack.uitpas.searchTicketSales(...args);
      },
      cancelTicketSale: (...args: Parameters<typeof stack.uitpas.cancelTicketSale>) => {
        calls.cancellations += 1;
        return stack.uitpas.cancelTicketSale(...args);
      },
    };
    const deps = { store: createReconciliationStore(table), uitpas };
    const start = performance.now();
    const result = await reconcileOrganisation(deps, { organisationId: ORGANISATION });
    const elapsed = performance.now() - start;
    const found = result.events.reduce((sum, event) => sum + event.discrepancies.length, 0);
    const total = EVENTS * SALES_PER_EVENT;
    console.log(`\nreconciliation: ${total} sales of ours over ${EVENTS} events (${sales.length} at UiTPAS)`);
    console.log(`  seeded in ${ms(seeded)} (not measured)`);
    console.log(`  one run: ${ms(elapsed)}, ${ms(elapsed / EVENTS)} per event`);
    console.log(
      `  UiTPAS calls: ${calls.searches} searches (${(calls.searches / EVENTS).toFixed(2)} per event, 500 a page), ${calls.cancellations} cancellations`,
    );
    console.log(
      `  DynamoDB: ${dynamo.total()} commands (${[...dynamo.counts].map(([name, n]) => `${name.replace('Command', '')} ${n}`).join(', ')})`,
    );
    console.log(
      `  discrepancies: ${found} found, ${expected} planted; ${result.events.length} events stored`,
    );
  } finally {
    await stack.close();
  }
}

/**
 * cancelTicketSales's composition root, built at cold start: the table, one UiTPAS client, the pass-hash key source
 * and the cancellation queue. What it does: lib/handlers/cancel-ticket-sales.ts.
 */
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { cancellationQueueFromConfig } from '../lib/adapters/sqs/sqs.js';
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { ticketSalesDeps } from '../lib/composition/ticket-sales.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/cancel-ticket-sales.js';

const config = loadConfig(['publiq', 'table', 'ticketing', 'ticketSales', 'http']);
const deps = ticketSalesDeps(config, {
  table: createTable(config.table),
  uitpas: uitpasFromConfig(config.publiq),
  queue: cancellationQueueFromConfig(config.ticketSales),
});

export const handler = createHandler(() => deps, config.http);

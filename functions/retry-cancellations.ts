/**
 * retryCancellations's composition root, built at cold start: the table, one UiTPAS client, the pass-hash key source
 * and the queue (to back a failed message off; it never enqueues). What it does: lib/handlers/retry-cancellations.ts.
 */
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { cancellationQueueFromConfig } from '../lib/adapters/sqs/sqs.js';
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { ticketSalesDeps } from '../lib/composition/ticket-sales.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/retry-cancellations.js';

const config = loadConfig(['publiq', 'table', 'ticketSales']);
const deps = {
  ...ticketSalesDeps(config, { table: createTable(config.table), uitpas: uitpasFromConfig(config.publiq) }),
  redelivery: cancellationQueueFromConfig(config.ticketSales),
  maxReceives: config.ticketSales.maxReceives,
};

export const handler = createHandler(() => deps);

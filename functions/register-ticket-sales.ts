/**
 * registerTicketSales's composition root, built at cold start: the table, one UiTPAS client, the pass-hash key
 * source and the price-drift policy (PRICE_DRIFT, in the ticketSales section); no queue (a registration never
 * enqueues). What it does: lib/handlers/register-ticket-sales.ts.
 */
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { ticketSalesDeps } from '../lib/composition/ticket-sales.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/register-ticket-sales.js';

const config = loadConfig(['publiq', 'table', 'ticketing', 'ticketSales', 'http']);
const deps = ticketSalesDeps(config, {
  table: createTable(config.table),
  uitpas: uitpasFromConfig(config.publiq),
});

export const handler = createHandler(() => deps, config.http);

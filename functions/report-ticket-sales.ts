/**
 * reportTicketSales's composition root, built at cold start: the table's sales ledger (sale claims by organisation
 * and time, and the orders they point at) and its mappings (each event's organizer). Nothing of publiq: the export reads only what we recorded. What it does:
 * lib/handlers/report-ticket-sales.ts.
 */
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createSalesLedger } from '../lib/adapters/dynamodb/sales-ledger.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/report-ticket-sales.js';

const config = loadConfig(['table', 'http']);
const table = createTable(config.table);
const deps = { ledger: createSalesLedger(table), mappings: createMappingRepository(table) };

export const handler = createHandler(() => deps, config.http);

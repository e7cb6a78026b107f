/**
 * reconcileSales's composition root, built at cold start: the table's reconciliation store (the sales ledger, sale
 * claims, events, organisations and stored results) and the UiTPAS client (its ticket-sale search and cancellation).
 * What it does: lib/handlers/reconcile-sales.ts.
 */
import { createReconciliationStore } from '../lib/adapters/dynamodb/reconciliation.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { uitpasClientFromConfig } from '../lib/adapters/uitpas/client.js';
import { tokenProviderFromConfig } from '../lib/adapters/uitpas/token.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/reconcile-sales.js';

const config = loadConfig(['publiq', 'table', 'http']);
const uitpas = uitpasClientFromConfig(config.publiq, tokenProviderFromConfig(config.publiq));
const deps = { store: createReconciliationStore(createTable(config.table)), uitpas };

export const handler = createHandler(() => deps, config.http);

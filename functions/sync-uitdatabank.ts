/**
 * syncUitdatabank's composition root, built at cold start: the table's repositories, one token shared by the UiTPAS,
 * Entry and Search clients (the UiTdatabank ones with the sync's own, longer timeout: SYNC_UPSTREAM_TIMEOUT_MS), and
 * the permissions cache. What it does: lib/handlers/sync-uitdatabank.ts.
 */
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createSyncStore } from '../lib/adapters/dynamodb/sync.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { entryClientFromConfig, searchClientFromConfig } from '../lib/adapters/uitdatabank/client.js';
import { uitpasClientFromConfig } from '../lib/adapters/uitpas/client.js';
import { tokenProviderFromConfig } from '../lib/adapters/uitpas/token.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/sync-uitdatabank.js';
import type { SyncDeps } from '../lib/use-cases/sync/deps.js';

const config = loadConfig(['publiq', 'table', 'sync']);
const table = createTable(config.table);
const tokens = tokenProviderFromConfig(config.publiq);
const uitdatabank = { ...config.publiq, timeoutMs: config.sync.upstreamTimeoutMs };
const uitpas = uitpasClientFromConfig(config.publiq, tokens);

export const deps: SyncDeps = {
  mappings: createMappingRepository(table),
  audit: createAuditRepository(table),
  store: createSyncStore(table),
  entry: entryClientFromConfig(uitdatabank, tokens),
  search: searchClientFromConfig(uitdatabank),
  uitpas,
  permissions: createPermissionsCache({ table, uitpas }),
};

export const handler = createHandler(() => deps);

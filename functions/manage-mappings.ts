/**
 * manageMappings's composition root, built at cold start: the table's mapping and audit repositories and the
 * UiTdatabank Entry client that checks a mapped id exists and whose event it is. What it does: lib/handlers/manage-mappings.ts.
 */
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { entryClientFromConfig } from '../lib/adapters/uitdatabank/client.js';
import { uitdatabankExistence } from '../lib/adapters/uitdatabank/existence.js';
import { tokenProviderFromConfig } from '../lib/adapters/uitpas/token.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/manage-mappings.js';

const config = loadConfig(['publiq', 'table', 'http']);
const table = createTable(config.table);
const uitdatabank = uitdatabankExistence(
  entryClientFromConfig(config.publiq, tokenProviderFromConfig(config.publiq)),
);
const deps = {
  mappings: createMappingRepository(table),
  audit: createAuditRepository(table),
  uitdatabankEvents: uitdatabank.events,
  uitdatabankOrganizers: uitdatabank.organizers,
};

export const handler = createHandler(() => deps, config.http);

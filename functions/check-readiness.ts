/**
 * checkReadiness's composition root, built at cold start: the table, one token shared by the UiTPAS and UiTdatabank
 * Entry clients, and the permissions cache. What it does: lib/handlers/check-readiness.ts.
 */
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createPermissionsCache } from '../lib/adapters/dynamodb/permissions.js';
import { createReadinessRepository } from '../lib/adapters/dynamodb/readiness.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { uitpasAndEntryFromConfig } from '../lib/composition/publiq.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/check-readiness.js';

const config = loadConfig(['publiq', 'table', 'http']);
const table = createTable(config.table);
const { uitpas, entry } = uitpasAndEntryFromConfig(config.publiq);
const deps = {
  mappings: createMappingRepository(table),
  snapshots: createReadinessRepository(table),
  uitdatabank: entry,
  uitpas,
  permissions: createPermissionsCache({ table, uitpas }),
};

export const handler = createHandler(() => deps, config.http);

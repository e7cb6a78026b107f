/** authorize's composition root, built at cold start: the API keys in the table. What it does: lib/handlers/authorize.ts. */
import { createApiKeyRepository } from '../lib/adapters/dynamodb/api-keys.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { loadConfig } from '../lib/config.js';
import { createHandler } from '../lib/handlers/authorize.js';

const config = loadConfig(['table']);
const deps = { keys: createApiKeyRepository(createTable(config.table)), cache: new Map() };

export const handler = createHandler(() => deps);

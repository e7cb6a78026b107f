/**
 * Creates an API key and prints it once; only its hash is stored.
 *
 *   npm run apikey -- --name box-office --role basket --org ORG1 [--org ORG2] [--rotate]
 *
 * A name belongs to one client: its orders are kept under it. `--rotate` makes another key for the client of that
 * name (to replace a key); without it, a name that exists is refused.
 *
 * Writes to TABLE_NAME (with DYNAMODB_ENDPOINT for a local DynamoDB). With neither set, it writes to the local
 * stack started by `npm start`.
 */
import { parseArgs } from 'node:util';
import { createApiKeyRepository } from '../lib/adapters/dynamodb/api-keys.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { parseTableConfig } from '../lib/config.js';
import { ROLES, type Role } from '../lib/domain/access.js';
import { generateApiKey, hashApiKey, keyIdOf } from '../lib/domain/api-key.js';
import { LOCAL_DYNAMODB_ENDPOINT, LOCAL_TABLE_NAME } from '../local/settings.js';

const USAGE =
  'Usage: npm run apikey -- --name <client name> --role basket|admin --org <organisation id> [--org ...] [--rotate]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    role: { type: 'string' },
    org: { type: 'string', multiple: true },
    rotate: { type: 'boolean' },
  },
  strict: true,
});

if (!values.name?.trim()) fail('--name is required.');
if (!ROLES.includes(values.role as Role)) fail(`--role must be one of: ${ROLES.join(', ')}.`);
const organisations = (values.org ?? []).map((org) => org.trim()).filter(Boolean);
if (organisations.length === 0)
  fail('At least one --org is required (use --org "*" for every organisation).');

const env = process.env.TABLE_NAME
  ? process.env
  : {
      ...process.env,
      TABLE_NAME: LOCAL_TABLE_NAME,
      DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT || LOCAL_DYNAMODB_ENDPOINT,
    };
const config = parseTableConfig(env);
const key = generateApiKey();
const hash = hashApiKey(key);
const keys = createApiKeyRepository(createTable(config));
const at = new Date().toISOString();
try {
  await keys.claimClientName(values.name.trim(), { sameClient: values.rotate === true, at });
} catch (error) {
  fail(error instanceof Error && 'detail' in error ? String(error.detail) : String(error));
}
await keys.put({
  hash,
  clientName: values.name.trim(),
  role: values.role as Role,
  organisations,
  createdAt: at,
});

console.error(
  `Created key ${keyIdOf(hash)} for ${values.name} (role ${values.role}, organisations ${organisations.join(', ')}) in table ${config.tableName}.`,
);
console.error('Store it now: it is shown only this once.');
console.log(key);

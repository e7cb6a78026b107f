/**
 * The whole local stack in one process, for integration tests and benchmarks: dynalite with a fresh table and the
 * demo data, the sandbox, and real clients pointed at it. Short timeouts and tiny backoffs keep fault tests fast.
 */

import { type Sandbox, startSandbox } from '@uitpas-ticketing/sandbox';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import type { Table } from '../lib/adapters/dynamodb/table.js';
import type { BackoffOptions } from '../lib/adapters/http-client/upstream.js';
import {
  createEntryClient,
  createSearchClient,
  type EntryClient,
  type SearchClient,
} from '../lib/adapters/uitdatabank/client.js';
import { createUitpasClient, type UitpasClient } from '../lib/adapters/uitpas/client.js';
import { createTokenProvider, type TokenProvider } from '../lib/adapters/uitpas/token.js';
import { parsePubliqConfig } from '../lib/config.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { seedDemoData } from '../local/seed.js';

export interface TestStack {
  dynamo: LocalDynamo;
  table: Table;
  sandbox: Sandbox;
  tokens: TokenProvider;
  uitpas: UitpasClient;
  entry: EntryClient;
  search: SearchClient;
  mappings: ReturnType<typeof createMappingRepository>;
  /** Another table on the same DynamoDB, seeded as `table` was: for tests that must never meet each other's writes. */
  newTable(): Promise<Table>;
  close(): Promise<void>;
}

export interface Transport {
  timeoutMs: number;
  retries: number;
  backoff?: BackoffOptions;
}

export interface TestStackOptions {
  tableName?: string;
  /** A DynamoDB already running elsewhere (e.g. in another process); default: dynalite in this process. */
  dynamo?: LocalDynamo;
  /** The clients' transport: default 500 ms per attempt, 2 retries, backoff of 1 to 10 ms. */
  timeoutMs?: number;
  retries?: number;
  backoff?: BackoffOptions;
  /** The token provider's transport, where it must differ from the clients' (default: the same). */
  tokenTransport?: Transport;
  /** What each table starts with: the demo data (default), nothing (`false`), or what this function writes. */
  seed?: false | ((table: Table) => Promise<void>);
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const [dynamo, sandbox] = await Promise.all([
    options.dynamo ?? startLocalDynamo(),
    startSandbox({ port: 0 }),
  ]);
  const tableName = options.tableName ?? 'test-stack';
  const seed = options.seed ?? seedDemoData;
  let tables = 0;
  const newTable = async (): Promise<Table> => {
    tables += 1;
    const name = tables === 1 ? tableName : `${tableName}-${tables}`;
    const table = await createLocalTable(dynamo.endpoint, name);
    if (seed) await seed(table);
    return table;
  };
  const table = await newTable();
  const config = parsePubliqConfig({ PUBLIQ_ENV: 'sandbox', SANDBOX_URL: sandbox.url });
  const transport: Transport = {
    timeoutMs: options.timeoutMs ?? 500,
    retries: options.retries ?? 2,
    backoff: options.backoff ?? { baseMs: 1, maxMs: 10 },
  };
  const tokens = createTokenProvider({
    tokenUrl: config.urls.token,
    clientId: config.clientId,
    getClientSecret: async () => config.clientSecret ?? '',
    ...(options.tokenTransport ?? transport),
  });
  return {
    dynamo,
    table,
    sandbox,
    tokens,
    uitpas: createUitpasClient({ baseUrl: config.urls.uitpas, tokens, ...transport }),
    entry: createEntryClient({ baseUrl: config.urls.entry, tokens, ...transport }),
    search: createSearchClient({ baseUrl: config.urls.search, clientId: config.clientId, ...transport }),
    mappings: createMappingRepository(table),
    newTable,
    async close() {
      await Promise.all([sandbox.close(), dynamo.close()]);
    },
  };
}

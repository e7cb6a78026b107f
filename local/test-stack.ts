/**
 * The whole local stack in one process, for integration tests and benchmarks: dynalite with a fresh table and the
 * demo data, the sandbox, and real clients pointed at it. Short timeouts and tiny backoffs keep fault tests fast.
 */
import { parsePubliqConfig } from '../lib/config.js';
import { createMappingRepository } from '../lib/store/mappings.js';
import type { Table } from '../lib/store/table.js';
import {
  createEntryClient,
  createSearchClient,
  type EntryClient,
  type SearchClient,
} from '../lib/uitdatabank/client.js';
import { createUitpasClient, type UitpasClient } from '../lib/uitpas/client.js';
import { createTokenProvider, type TokenProvider } from '../lib/uitpas/token.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from './dynamo.js';
import { type Sandbox, startSandbox } from './sandbox/index.js';
import { seedDemoData } from './seed.js';

export interface TestStack {
  dynamo: LocalDynamo;
  table: Table;
  sandbox: Sandbox;
  tokens: TokenProvider;
  uitpas: UitpasClient;
  entry: EntryClient;
  search: SearchClient;
  mappings: ReturnType<typeof createMappingRepository>;
  close(): Promise<void>;
}

export interface TestStackOptions {
  tableName?: string;
  /** A DynamoDB already running elsewhere (e.g. in another process); default: dynalite in this process. */
  dynamo?: LocalDynamo;
  timeoutMs?: number;
  retries?: number;
  seed?: boolean;
}

export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const [dynamo, sandbox] = await Promise.all([
    options.dynamo ?? startLocalDynamo(),
    startSandbox({ port: 0 }),
  ]);
  const table = await createLocalTable(dynamo.endpoint, options.tableName ?? 'test-stack');
  if (options.seed !== false) await seedDemoData(table);
  const config = parsePubliqConfig({ PUBLIQ_ENV: 'sandbox', SANDBOX_URL: sandbox.url });
  const transport = {
    timeoutMs: options.timeoutMs ?? 500,
    retries: options.retries ?? 2,
    backoff: { baseMs: 1, maxMs: 10 },
  };
  const tokens = createTokenProvider({
    tokenUrl: config.urls.token,
    clientId: config.clientId,
    getClientSecret: async () => config.clientSecret ?? '',
    ...transport,
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
    async close() {
      await Promise.all([sandbox.close(), dynamo.close()]);
    },
  };
}

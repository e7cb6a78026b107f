/**
 * The embedded DynamoDB: dynalite, in memory, on a loopback port. Used by `npm start` and by the integration tests.
 */
import type { AddressInfo } from 'node:net';
import dynalite from 'dynalite';
import type { TableConfig } from '../lib/config.js';
import { createDynamoClient, createTable, ensureTable, type Table } from '../lib/store/table.js';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(port = 0): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A fresh table on a running local DynamoDB; tests use one table name per file so they never see each other. */
export async function createLocalTable(
  endpoint: string,
  tableName: string,
): Promise<Table & { config: TableConfig }> {
  const config: TableConfig = { tableName, endpoint, region: 'eu-west-1' };
  const client = createDynamoClient(config);
  await ensureTable(client, tableName);
  return { ...createTable(config, client), config };
}

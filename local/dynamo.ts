/**
 * The embedded DynamoDB: dynalite, in memory, on a loopback port. Used by `npm start` and by the integration tests.
 */
import { spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoClient, createTable, ensureTable, type Table } from '../lib/adapters/dynamodb/table.js';
import type { TableConfig } from '../lib/config.js';

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
  // dynalite answers CreateTable while the table is still CREATING and turns it ACTIVE a moment later; a write in
  // between fails with ResourceNotFoundException.
  for (let attempt = 0; ; attempt += 1) {
    const { Table: description } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (description?.TableStatus === 'ACTIVE') break;
    if (attempt > 200) throw new Error(`table ${tableName} did not become active`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { ...createTable(config, client), config };
}

/**
 * dynalite in a child process: a DynamoDB that does not share this process's event loop, as the real one would not.
 * The benchmarks use it so that time spent waiting on DynamoDB is not counted as our own CPU time.
 */
export async function startDynamoProcess(): Promise<LocalDynamo> {
  const cli = fileURLToPath(new URL('../node_modules/dynalite/cli.js', import.meta.url));
  const probe = await startLocalDynamo();
  const port = Number(new URL(probe.endpoint).port);
  await probe.close();
  const child = spawn(
    process.execPath,
    [cli, '--host', '127.0.0.1', '--port', String(port), '--createTableMs', '0'],
    {
      stdio: 'ignore',
    },
  );
  const endpoint = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    try {
      await fetch(endpoint, { method: 'POST' });
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    endpoint,
    close: async () => {
      child.kill();
    },
  };
}

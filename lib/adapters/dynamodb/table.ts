/**
 * The one table. Single-table design: every item has `pk`/`sk`, and items that must be listed another way carry
 * `gsi1pk`/`gsi1sk` (a sparse index: each listing has its own partition prefix). The key layout of each item kind lives in its repository; this module only
 * knows the table's shape, which is read by serverless.yml as well (table-definition.json), so local and AWS agree.
 *
 * No transactions and no TTL: every invariant is kept with conditional writes.
 */

import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TableConfig } from '../../config.js';
import definition from './table-definition.json' with { type: 'json' };

export const GSI1 = 'gsi1';

export interface Table {
  name: string;
  doc: DynamoDBDocumentClient;
}

export function createDynamoClient(config: TableConfig): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint
      ? {
          endpoint: config.endpoint,
          // A local DynamoDB accepts any credentials; fixed ones keep the SDK from searching for real ones.
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        }
      : {}),
    maxAttempts: 3,
  });
}

export function createTable(config: TableConfig, client: DynamoDBClient = createDynamoClient(config)): Table {
  return {
    name: config.tableName,
    doc: DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    }),
  };
}

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    ...(definition as Omit<CreateTableCommandInput, 'TableName'>),
  };
}

/** Creates the table if it does not exist yet (local stack and tests; in AWS, CloudFormation owns it). */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new CreateTableCommand(tableDefinition(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
}

/**
 * The items of one gsi1 partition, page after page, optionally only those with a sort key below `sortKeyBelow`.
 * Stops after `limit` items when one is given.
 */
export async function queryPartition(
  table: Table,
  partition: string,
  options: { sortKeyBelow?: string; limit?: number } = {},
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  const { sortKeyBelow, limit } = options;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await table.doc.send(
      new QueryCommand({
        TableName: table.name,
        IndexName: GSI1,
        KeyConditionExpression:
          sortKeyBelow === undefined ? 'gsi1pk = :pk' : 'gsi1pk = :pk AND gsi1sk < :below',
        ExpressionAttributeValues: {
          ':pk': partition,
          ...(sortKeyBelow === undefined ? {} : { ':below': sortKeyBelow }),
        },
        ...(limit === undefined ? {} : { Limit: limit - items.length }),
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && (limit === undefined || items.length < limit));
  return items;
}

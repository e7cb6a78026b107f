/**
 * The floor the bundles benchmark measures our functions against: the least a handler of this shape can be, a middy
 * handler with a bundled DynamoDB document client that reads one item. Built by bench/bundles.ts with the same
 * esbuild options as the functions; never deployed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';

// The cold-start benchmark points it at the local DynamoDB; the bundles benchmark only loads it.
const endpoint = process.env.DYNAMODB_ENDPOINT;
const doc = DynamoDBDocumentClient.from(
  new DynamoDBClient(
    endpoint
      ? { endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {},
  ),
);

export const handler = middy(async () => {
  const TableName = process.env.FLOOR_TABLE ?? 'floor';
  const { Item } = await doc.send(new GetCommand({ TableName, Key: { pk: 'floor', sk: 'floor' } }));
  return Item ?? null;
});

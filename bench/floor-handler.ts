/**
 * The floor the bundles benchmark measures our functions against: the least a handler of this shape can be, a middy
 * handler with a bundled DynamoDB document client that reads one item. Built by bench/bundles.ts with the same
 * esbuild options as the functions; never deployed.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';

const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

export const handler = middy(async () => {
  const { Item } = await doc.send(new GetCommand({ TableName: 'floor', Key: { pk: 'floor', sk: 'floor' } }));
  return Item ?? null;
});

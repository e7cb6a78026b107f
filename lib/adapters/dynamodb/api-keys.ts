/**
 * API key records. Key layout: pk `APIKEY#<sha256 of the key>`, sk `APIKEY`. The key itself is never stored.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal, Role } from '../../domain/access.js';
import { keyIdOf } from '../../domain/api-key.js';
import { AppError } from '../../domain/errors.js';
import type { Table } from './table.js';

export interface ApiKeyRecord {
  hash: string;
  clientName: string;
  role: Role;
  organisations: string[];
  createdAt: string;
  disabled?: boolean;
}

const key = (hash: string) => ({ pk: `APIKEY#${hash}`, sk: 'APIKEY' });

export function createApiKeyRepository(table: Table) {
  return {
    /** Stores a new key; refuses to overwrite one with the same hash. */
    async put(record: ApiKeyRecord): Promise<void> {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...key(record.hash), kind: 'apikey', ...record },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new AppError('api-key-exists', 409, 'This API key exists already');
        }
        throw error;
      }
    },

    async findPrincipal(hash: string): Promise<Principal | undefined> {
      const { Item } = await table.doc.send(new GetCommand({ TableName: table.name, Key: key(hash) }));
      if (!Item || Item.disabled) return undefined;
      return {
        keyId: keyIdOf(hash),
        clientName: String(Item.clientName),
        role: Item.role as Role,
        organisations: (Item.organisations as string[] | undefined) ?? [],
      };
    },
  };
}

export type ApiKeyRepository = ReturnType<typeof createApiKeyRepository>;

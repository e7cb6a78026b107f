/**
 * API key records. Key layout: pk `APIKEY#<sha256 of the key>`, sk `APIKEY`. The key itself is never stored.
 * Client names: pk `APICLIENT#<name>`, sk `CLIENT`, one per name. A client's orders live under its name
 * (lib/domain/ticket-sales/order-key.ts), so a second client must not get a name that exists: only a key meant for
 * the same client (a successor of a key being replaced) may share it.
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
const clientKey = (name: string) => ({ pk: `APICLIENT#${name}`, sk: 'CLIENT' });

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

    /**
     * Takes `name` for a new client, or, with `sameClient`, for another key of the client of that name. A name taken
     * by another client is a 409: its keys would see that client's orders.
     */
    async claimClientName(name: string, options: { sameClient: boolean; at: string }): Promise<void> {
      try {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: { ...clientKey(name), kind: 'apiclient', clientName: name, claimedAt: options.at },
            ...(options.sameClient ? {} : { ConditionExpression: 'attribute_not_exists(pk)' }),
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) {
          throw new AppError('client-name-taken', 409, 'A client has this name already', {
            detail: `The client ${name} exists. Its orders are kept under its name, so a key of another client must have another name; a new key for the same client (replacing one) takes --rotate.`,
          });
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

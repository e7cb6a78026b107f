/**
 * The publiq clients of this container, built once from the configuration so a warm container reuses its token and
 * connections. Every function that talks to UiTPAS or UiTdatabank takes its clients from here.
 */

import { createMappingRepository } from './adapters/dynamodb/mappings.js';
import { createOrderRepository } from './adapters/dynamodb/orders.js';
import { createPermissionsCache } from './adapters/dynamodb/permissions.js';
import { createTable, type Table } from './adapters/dynamodb/table.js';
import { cancellationQueueFromConfig } from './adapters/sqs/sqs.js';
import {
  type EntryClient,
  entryClientFromConfig,
  type SearchClient,
  searchClientFromConfig,
} from './adapters/uitdatabank/client.js';
import { type UitpasClient, uitpasClientFromConfig } from './adapters/uitpas/client.js';
import { secretSource } from './adapters/uitpas/secret.js';
import { type TokenProvider, tokenProviderFromConfig } from './adapters/uitpas/token.js';
import { publiqConfig, tableConfig, ticketingConfig, ticketSalesConfig } from './config.js';
import { once } from './once.js';
import type { BasketEvent } from './use-cases/basket/lookup-tariffs.js';
import type { TicketSalesDeps } from './use-cases/ticket-sales/deps.js';

export const tokens = once<TokenProvider>(() => tokenProviderFromConfig(publiqConfig()));
export const uitpas = once<UitpasClient>(() => uitpasClientFromConfig(publiqConfig(), tokens()));
export const entry = once<EntryClient>(() => entryClientFromConfig(publiqConfig(), tokens()));
export const search = once<SearchClient>(() => searchClientFromConfig(publiqConfig()));
export const table = once<Table>(() => createTable(tableConfig()));
export const mappings = once(() => createMappingRepository(table()));

/** The basket's view of an event: one GetItem, with the organizer permission of its last readiness check. */
export const basketEvents = once(() => ({
  getForBasket: (eventId: string): Promise<BasketEvent | undefined> => mappings().getEventForBasket(eventId),
}));

/** `GET /permissions`, cached in memory and in the table. */
export const permissions = once(() => createPermissionsCache({ table: table(), uitpas: uitpas() }));

export const orders = once(() => createOrderRepository(table()));

/** The key of the pass pseudonyms: PASS_HASH_KEY locally, its SSM SecureString in AWS (fetched once, cached). */
export const passHashKey = once(() =>
  secretSource(
    { value: ticketSalesConfig().passHashKey, parameter: ticketSalesConfig().passHashKeyParameter },
    { value: 'PASS_HASH_KEY', parameter: 'PASS_HASH_KEY_PARAMETER' },
  ),
);

export const cancellationQueue = once(() =>
  cancellationQueueFromConfig({
    queueUrl: ticketSalesConfig().cancellationQueueUrl,
    region: ticketSalesConfig().region,
  }),
);

/**
 * The ticket-sale functions' dependencies. `withQueue: false` for the functions that never enqueue (their role has
 * no sqs:SendMessage); `api: true` for the HTTP functions, whose answers name the shared UiTPAS ticket type.
 */
export function ticketSalesDeps(options: { withQueue: boolean; api: boolean }): TicketSalesDeps {
  return {
    orders: orders(),
    events: basketEvents(),
    uitpas: uitpas(),
    queue: options.withQueue ? cancellationQueue() : undefined,
    heldTimeoutMinutes: ticketSalesConfig().heldTimeoutMinutes,
    passHashKey: passHashKey(),
    uitpasTicketTypeId: options.api ? ticketingConfig().uitpasTicketTypeId : undefined,
  };
}

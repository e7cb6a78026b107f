/**
 * The dependencies of the four ticket-sale functions (register, cancel, the queue consumer, the sweep), built once
 * per container by their composition roots. The queue is passed in by the roots that enqueue, so the registration's
 * bundle carries no SQS client.
 */

import { createMappingRepository } from '../adapters/dynamodb/mappings.js';
import { createOrderRepository } from '../adapters/dynamodb/orders.js';
import type { Table } from '../adapters/dynamodb/table.js';
import type { UitpasClient } from '../adapters/uitpas/client.js';
import { secretSource } from '../adapters/uitpas/secret.js';
import type { TicketingConfig, TicketSalesConfig } from '../config.js';
import type { TicketSalesDeps } from '../use-cases/ticket-sales/deps.js';

export interface TicketSalesAdapters {
  table: Table;
  uitpas: UitpasClient;
  queue?: TicketSalesDeps['queue'];
}

export function ticketSalesDeps(
  config: { ticketSales: TicketSalesConfig; ticketing?: TicketingConfig },
  adapters: TicketSalesAdapters,
): TicketSalesDeps {
  const mappings = createMappingRepository(adapters.table);
  return {
    orders: createOrderRepository(adapters.table),
    events: { getForBasket: (eventId) => mappings.getEventForBasket(eventId) },
    uitpas: adapters.uitpas,
    queue: adapters.queue,
    heldTimeoutMinutes: config.ticketSales.heldTimeoutMinutes,
    // PRICE_DRIFT: whoever finds a registration's sales (the POST's answer, or a reconciliation) applies the same rule.
    priceDrift: config.ticketSales.priceDrift,
    // PASS_HASH_KEY locally, its SSM SecureString in AWS (fetched once, cached).
    passHashKey: secretSource(
      {
        value: config.ticketSales.passHashKey,
        parameter: config.ticketSales.passHashKeyParameter,
        region: config.ticketSales.region,
      },
      { value: 'PASS_HASH_KEY', parameter: 'PASS_HASH_KEY_PARAMETER' },
    ),
    // Only the HTTP functions' answers name the shared UiTPAS ticket type.
    uitpasTicketTypeId: config.ticketing?.uitpasTicketTypeId,
  };
}

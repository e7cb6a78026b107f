/**
 * lookupTariffs's composition root, built at cold start: the table, one UiTPAS client, the events this container
 * has seen and the static tariffs it keeps. What it does: lib/handlers/lookup-tariffs.ts.
 */
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { createTable } from '../lib/adapters/dynamodb/table.js';
import { uitpasFromConfig } from '../lib/composition/publiq.js';
import { loadConfig } from '../lib/config.js';
import { createHandler, type LookupTariffsHandlerDeps } from '../lib/handlers/lookup-tariffs.js';
import { SeenEvents } from '../lib/use-cases/basket/lookup-tariffs.js';
import { StaticTariffsCache } from '../lib/use-cases/basket/uitpas-prices.js';

const config = loadConfig(['publiq', 'table', 'ticketing', 'http']);
const mappings = createMappingRepository(createTable(config.table));
const deps: LookupTariffsHandlerDeps = {
  events: { getForBasket: (eventId) => mappings.getEventForBasket(eventId) },
  seen: new SeenEvents(),
  staticTariffs: new StaticTariffsCache(),
  uitpas: uitpasFromConfig(config.publiq),
  uitpasTicketTypeId: config.ticketing.uitpasTicketTypeId,
};

export const handler = createHandler(() => deps, config.http);

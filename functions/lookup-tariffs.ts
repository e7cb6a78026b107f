/**
 * lookupTariffs: `POST /v1/tariffs` (role basket).
 * Input: `{ eventId, uitpasNumber, regularPrice? }`. Output: the tariffs UiTPAS offers this passholder for the
 * event's standard ticket type, the shared UiTPAS ticket type to switch to, and UiTPAS's message for the buyer.
 * Side effects: none; one DynamoDB read (the event) and one call to UiTPAS `GET /tariffs`, overlapped when the
 * container has seen the event before (see lib/use-cases/basket/lookup-tariffs.ts).
 */
import { z } from 'zod';
import { httpHandler, ok } from '../lib/adapters/http/handler.js';
import { ticketingConfig } from '../lib/config.js';
import { isTicketingId, isValidPrice, TICKETING_ID_RULE } from '../lib/domain/mappings.js';
import { type LookupTariffsDeps, lookupTariffs, SeenEvents } from '../lib/use-cases/basket/lookup-tariffs.js';
import { basketEvents, uitpas } from '../lib/wiring.js';

export const lookupTariffsBody = z.object({
  eventId: z.string().refine(isTicketingId, TICKETING_ID_RULE),
  uitpasNumber: z.string().min(1).max(32),
  regularPrice: z.number().refine(isValidPrice, 'a price in EUR, >= 0, with at most 2 decimals').optional(),
});

export function createHandler(deps: () => LookupTariffsDeps) {
  return httpHandler({ auth: { roles: ['basket'] }, body: lookupTariffsBody }, async ({ body, principal }) =>
    ok(await lookupTariffs(body, principal, deps())),
  );
}

const seen = new SeenEvents();

export const handler = createHandler(() => ({
  events: basketEvents(),
  seen,
  uitpas: uitpas(),
  uitpasTicketTypeId: ticketingConfig().uitpasTicketTypeId,
}));

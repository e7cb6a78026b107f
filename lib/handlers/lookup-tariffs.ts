/**
 * lookupTariffs: `POST /v1/tariffs` (role basket).
 * Input: `{ eventId, uitpasNumber, regularPrice? }`. Output: the tariffs UiTPAS offers this passholder for the
 * event's standard ticket type, the shared UiTPAS ticket type to switch to, and UiTPAS's message for the buyer.
 * Side effects: none; one DynamoDB read (the event) and one call to UiTPAS `GET /tariffs`, overlapped when the
 * container has seen the event before (see lib/use-cases/basket/lookup-tariffs.ts).
 */
import * as z from 'zod';
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { count } from '../metrics.js';
import { type LookupTariffsDeps, lookupTariffs } from '../use-cases/basket/lookup-tariffs.js';
import { price, ticketingId } from './fields.js';

export const lookupTariffsBody = z.strictObject({
  eventId: ticketingId,
  uitpasNumber: z.string().min(1).max(32),
  regularPrice: price.optional(),
});

export function createHandler(deps: () => LookupTariffsDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'POST /v1/tariffs': route(
        { auth: { roles: ['basket'] }, body: lookupTariffsBody },
        async ({ body, principal, answerBy }) => {
          const answer = await lookupTariffs(body, principal, deps(), { deadline: answerBy });
          count('Lookups');
          return ok(answer);
        },
      ),
    },
    options,
  );
}

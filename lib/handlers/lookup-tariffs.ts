/**
 * lookupTariffs (role basket), two routes:
 * - `POST /v1/tariffs` `{ eventId, uitpasNumber, regularPrice? }`: the tariffs UiTPAS offers this passholder for the
 *   event's standard ticket type, the shared UiTPAS ticket type to switch to, and UiTPAS's message for the buyer. One
 *   DynamoDB read (the event) and one call to UiTPAS `GET /tariffs`, overlapped when the container has seen the event
 *   before (see lib/use-cases/basket/lookup-tariffs.ts).
 * - `GET /v1/events/{eventId}/uitpas-prices`: the webshop's indicative price, what UiTPAS would offer at the standard
 *   price without a pass number (`GET /tariffs/static`), with the event's hint for the buyer. One DynamoDB read every
 *   time; UiTPAS's answer is kept a few minutes per event and mapping version (see lib/use-cases/basket/uitpas-prices.ts).
 * Side effects: none.
 */
import { type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { count } from '../metrics.js';
import { type LookupTariffsDeps, lookupTariffs } from '../use-cases/basket/lookup-tariffs.js';
import { getUitpasPrices, type UitpasPricesDeps } from '../use-cases/basket/uitpas-prices.js';
import * as z from '../zod.js';
import { price, ticketingId } from './fields.js';

export const lookupTariffsBody = z.strictObject({
  eventId: ticketingId,
  uitpasNumber: z.string().check(z.minLength(1), z.maxLength(32)),
  regularPrice: z.optional(price),
});

const eventPath = z.object({ eventId: ticketingId });
const basket = { roles: ['basket'] } as const;

/** Both routes' dependencies: one `uitpas` client answers the passholder's tariffs and the static ones. */
export type LookupTariffsHandlerDeps = LookupTariffsDeps & UitpasPricesDeps;

export function createHandler(deps: () => LookupTariffsHandlerDeps, options?: HttpOptions) {
  return httpRouter(
    {
      'POST /v1/tariffs': route(
        { auth: basket, body: lookupTariffsBody },
        async ({ body, principal, answerBy }) => {
          const answer = await lookupTariffs(body, principal, deps(), { deadline: answerBy });
          count('Lookups');
          return ok(answer);
        },
      ),
      'GET /v1/events/{eventId}/uitpas-prices': route(
        { auth: basket, path: eventPath },
        async ({ path, principal, answerBy }) =>
          ok(await getUitpasPrices(path.eventId, principal, deps(), { deadline: answerBy })),
      ),
    },
    options,
  );
}

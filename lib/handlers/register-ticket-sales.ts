/**
 * registerTicketSales: the basket's ticket sales at UiTPAS (role basket).
 * Trigger: HTTP API.
 * - `POST /v1/ticket-sales` `{ orderId, lines: [{ lineId, eventId, uitpasNumber, tariffId, regularPrice,
 *   regularPriceLabel?, quantity, chargedPrice? }] }`: registers every line in one UiTPAS `POST /ticket-sales`,
 *   exactly once per orderId. 201 with the order (HELD until `heldUntil`) when this request registered it; 200 with
 *   the stored order for the same request again; 409 for the same orderId with another body; 422 naming the line
 *   UiTPAS or our rules refused (with UiTPAS's `endUserMessage`), or whose `chargedPrice` UiTPAS did not register
 *   (`price-drift`: the order's sales are cancelled; with PRICE_DRIFT=flag a 201 with `priceDrift` on the line
 *   instead); 503 when UiTPAS did not answer (`outcome` says what we found out;
 *   `unknown` comes with a Retry-After covering the time UiTPAS may still apply the POST: nothing is posted again
 *   before that).
 * - `POST /v1/ticket-sales/{orderId}/confirm`: the buyer paid; HELD -> CONFIRMED (idempotent; 409 when it was
 *   cancelled meanwhile).
 * - `GET /v1/ticket-sales/{orderId}`: the order, its lines and their states.
 * Side effects: the order item and one claim item per UiTPAS sale in DynamoDB (conditional writes); UiTPAS
 * `POST /ticket-sales`, `GET /tariffs` for quantities above 1, `GET /ticket-sales` to reconcile a lost answer,
 * `DELETE /ticket-sales/{id}` for sales registered after a cancellation was asked (or orphaned by a late answer, or
 * refused for a price drift).
 */
import { created, type HttpOptions, httpRouter, ok, route } from '../adapters/http/handler.js';
import { freeText, hasControlCharacter } from '../domain/text.js';
import { count } from '../metrics.js';
import { confirmTicketSales, getTicketSales } from '../use-cases/ticket-sales/confirm.js';
import type { TicketSalesDeps } from '../use-cases/ticket-sales/deps.js';
import { registerTicketSales } from '../use-cases/ticket-sales/register.js';
import * as z from '../zod.js';
import { price, ticketingId } from './fields.js';

const basket = { roles: ['basket'] } as const;

export const MAX_LINES = 50;
export const MAX_QUANTITY = 50;

const lineSchema = z.strictObject({
  lineId: ticketingId,
  eventId: ticketingId,
  uitpasNumber: z.string().check(z.minLength(1), z.maxLength(32)),
  tariffId: z.string().check(
    z.minLength(1),
    z.maxLength(100),
    z.refine((id) => !hasControlCharacter(id), 'must not contain control characters'),
  ),
  regularPrice: price,
  regularPriceLabel: z.optional(freeText(100)),
  quantity: z._default(z.number().check(z.int(), z.gte(1), z.lte(MAX_QUANTITY)), 1),
  /** What the till charged per ticket: UiTPAS registering another price is a price drift (PRICE_DRIFT). */
  chargedPrice: z.optional(
    price.check(
      z.meta({
        description:
          'What the till charged the buyer per ticket, EUR, with at most 2 decimals. When UiTPAS registers the sale at another price, the registration is refused (422 `price-drift`) and its sales cancelled, or, as the operator configured, registered with `priceDrift` on the line. Without it the price is not checked.',
      }),
    ),
  ),
});

export const registerBody = z.strictObject({
  orderId: ticketingId,
  lines: z.array(lineSchema).check(
    z.minLength(1),
    z.maxLength(MAX_LINES),
    z.superRefine((lines, issues) => {
      const seen = new Set<string>();
      lines.forEach((line, i) => {
        if (seen.has(line.lineId)) {
          issues.addIssue({
            code: 'custom',
            path: [i, 'lineId'],
            message: `lineId ${line.lineId} is used twice`,
          });
        }
        seen.add(line.lineId);
      });
    }),
  ),
});

export const orderPath = z.object({ orderId: ticketingId });

export function createHandler(deps: () => TicketSalesDeps, options?: HttpOptions) {
  return httpRouter(
    {
      // The lease of a registration must cover everything this invocation may still do (token fetch with retries,
      // the POST, a 401 refresh and a second POST): only the invocation's deadline says how long that is.
      'POST /v1/ticket-sales': route(
        { auth: basket, body: registerBody },
        async ({ body, principal, deadline, answerBy }) => {
          const result = await registerTicketSales(body, principal, { ...deps(), deadline, answerBy });
          if (result.created) count('Registrations');
          return result.created ? created(result.order) : ok(result.order);
        },
      ),
      'POST /v1/ticket-sales/{orderId}/confirm': route(
        { auth: basket, path: orderPath },
        async ({ path, principal }) => ok(await confirmTicketSales(path.orderId, principal, deps())),
      ),
      'GET /v1/ticket-sales/{orderId}': route(
        { auth: basket, path: orderPath },
        async ({ path, principal }) => ok(await getTicketSales(path.orderId, principal, deps())),
      ),
    },
    options,
  );
}

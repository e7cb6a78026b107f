/**
 * Fields the routes share: the ticketing id of the admin API (one pattern, one message, one JSON Schema), a price
 * whose bounds JSON Schema shows (only "at most 2 decimals" is a refinement the document states in words), and the
 * rule of a window of days.
 */
import { daysFrom } from '../domain/days.js';
import { isValidPrice, MAX_PRICE, TICKETING_ID_RULE } from '../domain/mappings.js';
import { ticketingId as mappingId } from '../use-cases/mapping-admin/ids.js';
import * as z from '../zod.js';

/** An id of the ticketing system's own (order, line, event). */
export const ticketingId = mappingId.check(
  z.meta({
    description: `The ticketing system's id: ${TICKETING_ID_RULE}.`,
  }),
);

const PRICE_RULE = 'a price in EUR, >= 0, with at most 2 decimals';

/** A price in EUR, as the till shows it. */
export const price = z
  .number()
  .check(
    z.gte(0, PRICE_RULE),
    z.lte(MAX_PRICE, PRICE_RULE),
    z.refine(isValidPrice, PRICE_RULE),
    z.meta({ description: 'A price in EUR, with at most 2 decimals.' }),
  );

/**
 * A refinement of a query or body with a window of UTC days (`from`, `to`, both `YYYY-MM-DD`): `to` not before
 * `from`, and at most `maxDays` days from it; `hint` is added to the message of a window too long. Either bound may be
 * absent (then nothing is checked).
 */
export function dayWindowRule(maxDays: number, hint = '') {
  return (
    window: { from?: string | undefined; to?: string | undefined },
    context: z.core.$RefinementCtx,
  ): void => {
    if (window.from === undefined || window.to === undefined) return;
    const days = daysFrom(window.from, window.to);
    if (days < 0) context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
    else if (days >= maxDays)
      context.addIssue({
        code: 'custom',
        path: ['to'],
        message: `must be at most ${maxDays} days from from${hint ? ` (${hint})` : ''}`,
      });
  };
}

/**
 * Fields the basket routes share, with what the OpenAPI document says of them: a refinement is invisible to JSON
 * Schema, so the rule it checks is stated again in `meta` (pattern, bounds), from the same constants.
 */
import * as z from 'zod';
import {
  isTicketingId,
  isValidPrice,
  MAX_PRICE,
  TICKETING_ID_PATTERN,
  TICKETING_ID_RULE,
} from '../domain/mappings.js';

/** An id of the ticketing system's own (order, line, event). */
export const ticketingId = z
  .string()
  .refine(isTicketingId, TICKETING_ID_RULE)
  .meta({
    pattern: TICKETING_ID_PATTERN.source,
    description: `The ticketing system's id: ${TICKETING_ID_RULE}.`,
  });

/** A price in EUR, as the till shows it. */
export const price = z
  .number()
  .refine(isValidPrice, 'a price in EUR, >= 0, with at most 2 decimals')
  .meta({ minimum: 0, maximum: MAX_PRICE, description: 'A price in EUR, with at most 2 decimals.' });

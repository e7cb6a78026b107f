/**
 * Fields the basket routes share: the ticketing id of the admin API (one pattern, one message, one JSON Schema), and
 * a price whose bounds JSON Schema shows; only "at most 2 decimals" is a refinement the document states in words.
 */
import * as z from 'zod';
import { isValidPrice, MAX_PRICE, TICKETING_ID_RULE } from '../domain/mappings.js';
import { ticketingId as mappingId } from '../use-cases/mapping-admin/schemas.js';

/** An id of the ticketing system's own (order, line, event). */
export const ticketingId = mappingId.meta({
  description: `The ticketing system's id: ${TICKETING_ID_RULE}.`,
});

const PRICE_RULE = 'a price in EUR, >= 0, with at most 2 decimals';

/** A price in EUR, as the till shows it. */
export const price = z
  .number()
  .min(0, PRICE_RULE)
  .max(MAX_PRICE, PRICE_RULE)
  .refine(isValidPrice, PRICE_RULE)
  .meta({ description: 'A price in EUR, with at most 2 decimals.' });

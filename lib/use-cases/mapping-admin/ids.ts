/**
 * The ids every route checks (the ticketing system's own, UiTdatabank's) and the paths made of them, apart from the
 * admin API's bodies in schemas.ts: the basket, export and reconciliation functions need these alone, and every
 * schema of a module they import is built at their cold start (schemas.ts took lookupTariffs' import 2% more
 * instructions, counted with callgrind).
 */
import {
  TICKETING_ID_PATTERN,
  TICKETING_ID_RULE,
  UITDATABANK_ID_PATTERN,
  UITDATABANK_ID_RULE,
} from '../../domain/mappings.js';
import * as z from '../../zod.js';

export const ticketingId = z.string().check(z.regex(TICKETING_ID_PATTERN, `must be ${TICKETING_ID_RULE}`));
export const uitdatabankId = z
  .string()
  .check(z.regex(UITDATABANK_ID_PATTERN, `must be ${UITDATABANK_ID_RULE}`));

export const eventPathSchema = z.object({ eventId: ticketingId });
export const organisationPathSchema = z.object({ organisationId: ticketingId });
export const promotorPathSchema = z.object({ promotorId: ticketingId });

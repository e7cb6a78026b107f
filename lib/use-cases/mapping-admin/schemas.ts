/**
 * The admin API's input, as zod schemas: the HTTP stack turns every failure into a 400 problem that names the field.
 * Bodies are strict, so a misspelt field (`uitdatabankID`) is an error and not silently dropped; the read-only
 * fields of a stored item are accepted and ignored, so a client can GET an item, edit it and PUT it back.
 */
import * as z from 'zod';
import { isValidPrice, MAPPING_LABELS, MAX_PRICE } from '../../domain/mappings.js';
import { freeText as text } from '../../domain/text.js';
import { ticketingId, uitdatabankId } from './ids.js';

export {
  eventPathSchema,
  organisationPathSchema,
  promotorPathSchema,
  ticketingId,
  uitdatabankId,
} from './ids.js';

const dateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with an offset' });
/** `version` in a body: the version the client read (same as `If-Match`). */
const version = z.number().int().positive().optional();
/** Written by the service; accepted in a body so GET-edit-PUT works, never stored from it. */
const readOnly = z.unknown().optional();

/** UiTdatabank term ids look like `0.50.4.0.0`; some are other short strings. */
const termId = z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be an UiTdatabank term id, e.g. 0.50.4.0.0');

const ticketType = z.strictObject({
  id: ticketingId,
  name: text(200),
  price: z
    .number()
    .min(0, 'must be 0 or more')
    .max(MAX_PRICE)
    .refine(isValidPrice, 'must be in EUR with at most 2 decimals'),
  standard: z.boolean(),
});

export const eventBodySchema = z
  .strictObject({
    eventId: ticketingId.optional(),
    name: text(300),
    startDate: dateTime,
    endDate: dateTime.optional(),
    organisationId: ticketingId,
    promotorId: ticketingId.nullish(),
    labels: z.array(text(100)).max(50),
    placeId: uitdatabankId.nullish(),
    eventTypeId: termId.nullish(),
    ticketTypes: z.array(ticketType).max(100),
    hint: text(1000, { lines: true }).nullish(),
    /** Absent: keep what is stored (a sync-set id stays). A string: a manual mapping. Null: remove it. */
    uitdatabankId: uitdatabankId.nullable().optional(),
    version,
    uitdatabankIdSource: readOnly,
    organizerCheck: readOnly,
    createdAt: readOnly,
    updatedAt: readOnly,
    updatedBy: readOnly,
  })
  .superRefine((body, ctx) => {
    if (body.endDate && Date.parse(body.endDate) < Date.parse(body.startDate))
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must not be before startDate' });
    const seen = new Set<string>();
    body.ticketTypes.forEach((type, index) => {
      if (seen.has(type.id))
        ctx.addIssue({ code: 'custom', path: ['ticketTypes', index, 'id'], message: 'must be unique' });
      seen.add(type.id);
    });
  });
export type EventBody = z.output<typeof eventBodySchema>;

export const organisationBodySchema = z.strictObject({
  organisationId: ticketingId.optional(),
  name: text(300),
  uitdatabankOrganizerId: uitdatabankId.nullish(),
  defaultPlaceId: uitdatabankId.nullish(),
  version,
  createdAt: readOnly,
  updatedAt: readOnly,
  updatedBy: readOnly,
});
export type OrganisationBody = z.output<typeof organisationBodySchema>;

export const promotorBodySchema = z.strictObject({
  promotorId: ticketingId.optional(),
  name: text(300),
  organisationId: ticketingId,
  uitdatabankOrganizerId: uitdatabankId.nullish(),
  version,
  createdAt: readOnly,
  updatedAt: readOnly,
  updatedBy: readOnly,
});
export type PromotorBody = z.output<typeof promotorBodySchema>;

const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.union([schema, z.array(schema)]).transform((value) => (Array.isArray(value) ? value : [value]));
const limit = z.coerce.number().int().min(1).max(100).default(50);
const cursor = z.string().min(1).max(2000).optional();

export const eventListQuerySchema = z.object({
  /** Repeated: `label=UiTPAS&label=uitDB` means either. Only these two: the list shows nothing else. */
  label: oneOrMany(z.enum(MAPPING_LABELS)).optional(),
  mapped: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  organisationId: ticketingId.optional(),
  cursor,
  limit,
});
export type EventListQueryInput = z.output<typeof eventListQuerySchema>;

export const promotorListQuerySchema = z.object({ organisationId: ticketingId.optional() });

export const auditQuerySchema = z.object({
  entity: z.enum(['event', 'organisation', 'promotor']),
  id: ticketingId,
  cursor,
  limit,
});

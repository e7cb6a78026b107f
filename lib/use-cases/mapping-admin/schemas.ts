/**
 * The admin API's input, as zod schemas: the HTTP stack turns every failure into a 400 problem that names the field.
 * Bodies are strict, so a misspelt field (`uitdatabankID`) is an error and not silently dropped; the read-only
 * fields of a stored item are accepted and ignored, so a client can GET an item, edit it and PUT it back.
 */
import { isValidPrice, MAPPING_LABELS, MAX_PRICE } from '../../domain/mappings.js';
import { freeText as text } from '../../domain/text.js';
import * as z from '../../zod.js';
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
const version = z.optional(z.number().check(z.int(), z.positive()));
/** Written by the service; accepted in a body so GET-edit-PUT works, never stored from it. */
const readOnly = z.optional(z.unknown());

/** UiTdatabank term ids look like `0.50.4.0.0`; some are other short strings. */
const termId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be an UiTdatabank term id, e.g. 0.50.4.0.0'));

const ticketType = z.strictObject({
  id: ticketingId,
  name: text(200),
  price: z
    .number()
    .check(
      z.gte(0, 'must be 0 or more'),
      z.lte(MAX_PRICE),
      z.refine(isValidPrice, 'must be in EUR with at most 2 decimals'),
    ),
  standard: z.boolean(),
});

export const eventBodySchema = z
  .strictObject({
    eventId: z.optional(ticketingId),
    name: text(300),
    startDate: dateTime,
    endDate: z.optional(dateTime),
    organisationId: ticketingId,
    promotorId: z.nullish(ticketingId),
    labels: z.array(text(100)).check(z.maxLength(50)),
    placeId: z.nullish(uitdatabankId),
    eventTypeId: z.nullish(termId),
    ticketTypes: z.array(ticketType).check(z.maxLength(100)),
    hint: z.nullish(text(1000, { lines: true })),
    /** Absent: keep what is stored (a sync-set id stays). A string: a manual mapping. Null: remove it. */
    uitdatabankId: z.optional(z.nullable(uitdatabankId)),
    version,
    uitdatabankIdSource: readOnly,
    organizerCheck: readOnly,
    createdAt: readOnly,
    updatedAt: readOnly,
    updatedBy: readOnly,
  })
  .check(
    z.superRefine((body, ctx) => {
      if (body.endDate && Date.parse(body.endDate) < Date.parse(body.startDate))
        ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'must not be before startDate' });
      const seen = new Set<string>();
      body.ticketTypes.forEach((type, index) => {
        if (seen.has(type.id))
          ctx.addIssue({ code: 'custom', path: ['ticketTypes', index, 'id'], message: 'must be unique' });
        seen.add(type.id);
      });
    }),
  );
export type EventBody = z.output<typeof eventBodySchema>;

export const organisationBodySchema = z.strictObject({
  organisationId: z.optional(ticketingId),
  name: text(300),
  uitdatabankOrganizerId: z.nullish(uitdatabankId),
  defaultPlaceId: z.nullish(uitdatabankId),
  version,
  createdAt: readOnly,
  updatedAt: readOnly,
  updatedBy: readOnly,
});
export type OrganisationBody = z.output<typeof organisationBodySchema>;

export const promotorBodySchema = z.strictObject({
  promotorId: z.optional(ticketingId),
  name: text(300),
  organisationId: ticketingId,
  uitdatabankOrganizerId: z.nullish(uitdatabankId),
  version,
  createdAt: readOnly,
  updatedAt: readOnly,
  updatedBy: readOnly,
});
export type PromotorBody = z.output<typeof promotorBodySchema>;

const oneOrMany = <T extends z.ZodMiniType>(schema: T) =>
  z.pipe(
    z.union([schema, z.array(schema)]),
    z.transform((value) => (Array.isArray(value) ? value : [value])),
  );
const limit = z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50);
const cursor = z.optional(z.string().check(z.minLength(1), z.maxLength(2000)));

export const eventListQuerySchema = z.object({
  /** Repeated: `label=UiTPAS&label=uitDB` means either. Only these two: the list shows nothing else. */
  label: z.optional(oneOrMany(z.enum(MAPPING_LABELS))),
  mapped: z.optional(
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((value) => value === 'true'),
    ),
  ),
  organisationId: z.optional(ticketingId),
  cursor,
  limit,
});
export type EventListQueryInput = z.output<typeof eventListQuerySchema>;

export const promotorListQuerySchema = z.object({ organisationId: z.optional(ticketingId) });

export const auditQuerySchema = z.object({
  entity: z.enum(['event', 'organisation', 'promotor']),
  id: ticketingId,
  cursor,
  limit,
});

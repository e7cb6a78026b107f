/**
 * UiTdatabank v3 read models (Entry and Search), reduced to what the integration reads. Loose objects: everything
 * else the API sends is kept. Enums are open (see lib/adapters/http-client/schema-helpers.ts). Requests are typed in
 * client.ts.
 */
import * as z from '../../zod.js';
import { lazily, openEnum } from '../http-client/schema-helpers.js';

export const LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const WORKFLOW_STATUSES = [
  'DRAFT',
  'READY_FOR_VALIDATION',
  'APPROVED',
  'REJECTED',
  'DELETED',
] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export const CALENDAR_TYPES = ['single', 'multiple', 'periodic', 'permanent'] as const;

export const localizedTextSchema = lazily(() =>
  z.looseObject({
    nl: z.optional(z.string()),
    fr: z.optional(z.string()),
    de: z.optional(z.string()),
    en: z.optional(z.string()),
  }),
);
export type LocalizedText = z.infer<ReturnType<typeof localizedTextSchema>>;

/** Legacy items sometimes carry a plain string where a localized object is expected. */
const nameSchema = lazily(() => z.union([localizedTextSchema(), z.string()]));

export const priceInfoSchema = lazily(() =>
  z.looseObject({
    /** `base`: the standard price; `tariff`: extra categories; `uitpas`: read-only, only with embedUitpasPrices. */
    category: openEnum(['base', 'tariff', 'uitpas'] as const),
    price: z.number(),
    priceCurrency: z.optional(z.string()),
    name: z.optional(localizedTextSchema()),
    groupPrice: z.optional(z.boolean()),
  }),
);
export type PriceInfo = z.infer<ReturnType<typeof priceInfoSchema>>;

const labelsSchema = lazily(() => z.array(z.string()));

/** The organizer as embedded in an event. Dummy (legacy) organizers have no `@id`: no organizer link. */
export const embeddedOrganizerSchema = lazily(() =>
  z.looseObject({
    '@id': z.optional(z.string()),
    name: z.optional(nameSchema()),
    labels: z.optional(labelsSchema()),
    hiddenLabels: z.optional(labelsSchema()),
  }),
);

export const eventSchema = lazily(() =>
  z.looseObject({
    '@id': z.string(),
    mainLanguage: openEnum(LANGUAGES),
    /** A localized object; legacy events (and some imports) carry a plain string. */
    name: nameSchema(),
    calendarType: openEnum(CALENDAR_TYPES),
    startDate: z.optional(z.string()),
    endDate: z.optional(z.string()),
    availableFrom: z.optional(z.string()),
    /** Missing means 2100-01-01T00:00:00+00:00. */
    availableTo: z.optional(z.string()),
    workflowStatus: z.optional(openEnum(WORKFLOW_STATUSES)),
    status: z.optional(
      z.looseObject({
        type: openEnum(['Available', 'TemporarilyUnavailable', 'Unavailable'] as const),
        reason: z.optional(localizedTextSchema()),
      }),
    ),
    priceInfo: z.optional(z.array(priceInfoSchema())),
    organizer: z.optional(embeddedOrganizerSchema()),
    location: z.optional(z.looseObject({ '@id': z.optional(z.string()), name: z.optional(nameSchema()) })),
    terms: z.optional(
      z.array(
        z.looseObject({ id: z.string(), label: z.optional(z.string()), domain: z.optional(z.string()) }),
      ),
    ),
    labels: z.optional(labelsSchema()),
    hiddenLabels: z.optional(labelsSchema()),
    created: z.optional(z.string()),
    modified: z.optional(z.string()),
  }),
);
export type UitdatabankEvent = z.infer<ReturnType<typeof eventSchema>>;

/**
 * Entry's own read of one event or organizer: the OpenAPI does not mark `@id` required there. We asked by id, so a
 * body without it still names what it is; the client fills it in. A Search member keeps `@id` required: without it
 * the member names nothing, and becomes an invalid member of its page.
 */
export const entryEventSchema = lazily(() => z.extend(eventSchema(), { '@id': z.optional(z.string()) }));

export const organizerSchema = lazily(() =>
  z.looseObject({
    '@id': z.string(),
    name: nameSchema(),
    mainLanguage: z.optional(openEnum(LANGUAGES)),
    url: z.optional(z.string()),
    labels: z.optional(labelsSchema()),
    hiddenLabels: z.optional(labelsSchema()),
    workflowStatus: z.optional(openEnum(['ACTIVE', 'DELETED'] as const)),
    created: z.optional(z.string()),
    modified: z.optional(z.string()),
  }),
);
export type UitdatabankOrganizer = z.infer<ReturnType<typeof organizerSchema>>;
export const entryOrganizerSchema = lazily(() =>
  z.extend(organizerSchema(), { '@id': z.optional(z.string()) }),
);

/** Search without `embed=true` returns only references. */
export const eventReferenceSchema = lazily(() =>
  z.looseObject({ '@id': z.string(), '@type': z.optional(z.string()) }),
);
export type EventReference = z.infer<ReturnType<typeof eventReferenceSchema>>;

export function pagedCollectionSchema<T extends z.ZodMiniType>(member: T) {
  return z.looseObject({
    '@context': z.optional(z.unknown()),
    '@type': z.optional(z.string()),
    itemsPerPage: z.number().check(z.int()),
    totalItems: z.number().check(z.int()),
    member: z.array(member),
  });
}
export interface PagedCollection<T> {
  itemsPerPage: number;
  totalItems: number;
  member: T[];
  [key: string]: unknown;
}

/**
 * A member of a Search page that does not match `eventSchema()`. The page is read member by member, so one malformed
 * event anywhere in UiTdatabank never makes the whole page unreadable; what could be read of it is kept, so a
 * change feed can still move past it and tell whose it was.
 */
export interface InvalidMember {
  /** Its place in the page's `member` array (the valid members keep their order around it). */
  index: number;
  '@id'?: string;
  modified?: string;
  /** What did not match (paths and expectations, never values). */
  detail: string;
}

/** An embedded Search page: the events that match the schema, and those that do not. */
export interface EventPage extends PagedCollection<UitdatabankEvent> {
  invalid: InvalidMember[];
}

/** `POST /events` answers 201 with the new id. */
export const createdEventSchema = lazily(() =>
  z.looseObject({
    id: z.string(),
    url: z.optional(z.string()),
  }),
);

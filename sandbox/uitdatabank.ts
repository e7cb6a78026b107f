/**
 * UiTdatabank Entry API v3 routes (prefix `/entry`) and the JSON-LD rendering shared with Search.
 *
 * `@id`s are built from the sandbox's own base URL (`${baseUrl}/entry/events/{id}`), the way the real API
 * uses its own host (`https://io-test.uitdatabank.be/events/{id}`).
 */
import * as z from 'zod';
import { optionalToken, requireToken } from './auth.js';
import type { SandboxContext } from './context.js';
import { basePrice } from './fixtures.js';
import { json, noContent, parseBody, type Router, readJson, type SandboxRequest } from './http.js';
import type { EventRecord, Language, OrganizerRecord, PlaceRecord, PriceInfoEntry } from './model.js';
import { fail, invalidData, Messages, ProblemTypes, resourceNotFound, urlNotFound } from './problems.js';
import { FAR_FUTURE, PUBLISHED_STATUSES, type SandboxState } from './state.js';
import { socialTariffPrice } from './tariffs.js';
import { formatUdbDate, idFromUri, parseBool } from './util.js';

const LANGUAGES = ['nl', 'fr', 'de', 'en'] as const;

// --- Schemas (after the Entry OAS; only what the sandbox needs to be strict about) ------------------------

const dateTime = z.iso.datetime({ offset: true });
const localizedName = z.string().max(90).regex(/\S/, 'Must contain a non-whitespace character.');
const LocalizedNameSchema = z
  .object({
    nl: localizedName.optional(),
    fr: localizedName.optional(),
    de: localizedName.optional(),
    en: localizedName.optional(),
  })
  .refine((name) => Object.values(name).some((v) => v !== undefined), 'At least one language is required.');

const StatusSchema = z.object({
  type: z.enum(['Available', 'TemporarilyUnavailable', 'Unavailable']),
  reason: z.record(z.string(), z.string()).optional(),
});
const BookingAvailabilitySchema = z.object({
  type: z.enum(['Available', 'Unavailable']).optional(),
  capacity: z.number().int().nonnegative().optional(),
  remainingCapacity: z.number().int().nonnegative().optional(),
});
const SubEventSchema = z.looseObject({
  startDate: dateTime,
  endDate: dateTime,
  status: StatusSchema.optional(),
  bookingAvailability: BookingAvailabilitySchema.optional(),
});
const OpeningHoursSchema = z.array(
  z.looseObject({
    opens: z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/),
    closes: z.string().regex(/^([01]?\d|2[0-3]):[0-5]\d$/),
    dayOfWeek: z
      .array(z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']))
      .min(1),
  }),
);

const calendarFields = {
  calendarType: z.enum(['single', 'multiple', 'periodic', 'permanent']),
  startDate: dateTime.optional(),
  endDate: dateTime.optional(),
  subEvent: z.array(SubEventSchema).min(1).optional(),
  openingHours: OpeningHoursSchema.optional(),
  status: StatusSchema.optional(),
  bookingAvailability: BookingAvailabilitySchema.optional(),
};

type CalendarInput = {
  calendarType: EventRecord['calendarType'];
  startDate?: string;
  endDate?: string;
  subEvent?: unknown[];
};

/** single/multiple need `subEvent`; periodic needs `startDate` + `endDate` (the OAS if/then rules). */
function checkCalendar(value: CalendarInput, ctx: z.core.$RefinementCtx): void {
  const missing: string[] = [];
  if ((value.calendarType === 'single' || value.calendarType === 'multiple') && !value.subEvent) {
    missing.push('subEvent');
  }
  if (value.calendarType === 'periodic') {
    if (!value.startDate) missing.push('startDate');
    if (!value.endDate) missing.push('endDate');
  }
  if (missing.length > 0) {
    ctx.addIssue({
      code: 'custom',
      path: [],
      message: `The required properties (${missing.join(', ')}) are missing.`,
    });
  }
}

const PriceInfoItemSchema = z.object({
  category: z.enum(['base', 'tariff', 'uitpas']),
  price: z.number().min(0),
  priceCurrency: z.literal('EUR').optional(),
  name: LocalizedNameSchema.optional(),
  groupPrice: z.boolean().optional(),
});
const PriceInfoSchema = z
  .array(PriceInfoItemSchema)
  .min(1)
  .superRefine((items, ctx) => {
    const bases = items.filter((i) => i.category === 'base').length;
    if (bases !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: `Exactly one price with category "base" is required (got ${bases}).`,
      });
    }
    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      if (item.category !== 'tariff') return;
      if (!item.name) {
        ctx.addIssue({
          code: 'custom',
          path: [index],
          message: 'The required properties (name) are missing.',
        });
        return;
      }
      for (const [lang, text] of Object.entries(item.name)) {
        const k = `${lang}:${text}`;
        if (seen.has(k)) {
          ctx.addIssue({
            code: 'custom',
            path: [index, 'name', lang],
            message: `Tariff name "${text}" must be unique.`,
          });
        }
        seen.set(k, index);
      }
    });
  });

const EventCreateSchema = z
  .looseObject({
    mainLanguage: z.enum(LANGUAGES),
    name: LocalizedNameSchema,
    terms: z.array(z.looseObject({ id: z.string().min(1) })).min(1),
    location: z.looseObject({
      '@id': z.string().refine((v) => idFromUri(v, 'places') !== undefined, 'Must be a place URI.'),
    }),
    organizer: z
      .looseObject({
        '@id': z
          .string()
          .refine((v) => idFromUri(v, 'organizers') !== undefined, 'Must be an organizer URI.'),
      })
      .optional(),
    priceInfo: PriceInfoSchema.optional(),
    // New events are DRAFT unless published on creation; moderation statuses cannot be set by a client.
    workflowStatus: z.enum(['DRAFT', 'READY_FOR_VALIDATION']).optional(),
    audience: z.object({ audienceType: z.enum(['everyone', 'members', 'education']) }).optional(),
    availableFrom: dateTime.optional(),
    labels: z.array(z.string().min(1)).optional(),
    hiddenLabels: z.array(z.string().min(1)).optional(),
    ...calendarFields,
  })
  .superRefine((value, ctx) => {
    checkCalendar(value, ctx);
    if (value.name[value.mainLanguage] === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['name'],
        message: `The required properties (${value.mainLanguage}) are missing.`,
      });
    }
  });

const CalendarSchema = z.looseObject(calendarFields).superRefine(checkCalendar);
const NameSchema = z.strictObject({ name: localizedName.min(1) });
const WorkflowStatusSchema = z.looseObject({
  workflowStatus: z.enum(['DRAFT', 'READY_FOR_VALIDATION', 'APPROVED', 'REJECTED', 'DELETED']),
});

/** Keys of the create body that are stored as fields; everything else (minus read-only keys) is echoed. */
const MODELLED_KEYS = new Set([
  ...Object.keys(calendarFields),
  'mainLanguage',
  'name',
  'terms',
  'location',
  'organizer',
  'priceInfo',
  'workflowStatus',
  'audience',
  'availableFrom',
  'labels',
  'hiddenLabels',
]);
const READ_ONLY_KEYS = new Set([
  '@id',
  '@context',
  '@type',
  'availableTo',
  'created',
  'modified',
  'creator',
  'completeness',
  'languages',
  'completedLanguages',
  'calendarSummary',
]);

// --- Routes ---------------------------------------------------------------------------------------------

export function registerEntryRoutes(router: Router, ctx: SandboxContext): void {
  const { state } = ctx;
  const auth = (req: SandboxRequest) => requireToken(ctx.tokens, req);
  const eventOr404 = (id: string) => state.getEvent(id) ?? resourceNotFound(id);

  const getEvent = (req: SandboxRequest) => {
    // The OAS declares no security here; a token that is sent must still be valid.
    optionalToken(ctx.tokens, req);
    const event = eventOr404(req.params.eventId ?? '');
    const embedUitpasPrices = parseBool(req.query.get('embedUitpasPrices')) === true;
    return json(200, renderEvent(ctx, event, { embedUitpasPrices }));
  };
  router.add('GET', '/entry/events/{eventId}', getEvent);
  // The guide's example uses the singular `/event/{id}`.
  router.add('GET', '/entry/event/{eventId}', getEvent);

  router.add('GET', '/entry/organizers/{organizerId}', (req) => {
    auth(req);
    const id = req.params.organizerId ?? '';
    const organizer = state.getOrganizer(id) ?? resourceNotFound(id);
    return json(200, renderOrganizer(ctx, organizer));
  });

  router.add('GET', '/entry/places/{placeId}', (req) => {
    optionalToken(ctx.tokens, req);
    const id = req.params.placeId ?? '';
    return json(200, renderPlace(ctx, state.getPlace(id) ?? resourceNotFound(id)));
  });

  router.add('POST', '/entry/events', (req) => {
    auth(req);
    const input = readJson(req);
    const body = parseBody(EventCreateSchema, input, 'parent');
    const organizerId = body.organizer ? idFromUri(body.organizer['@id'], 'organizers') : undefined;
    const organizer = organizerId ? state.getOrganizer(organizerId) : undefined;
    if (organizerId && !organizer) {
      invalidData([
        { jsonPointer: '/organizer/@id', error: `Organizer with id "${organizerId}" was not found.` },
      ]);
    }
    const placeId = idFromUri(body.location['@id'], 'places') ?? '';
    const nowStamp = formatUdbDate(state.nowMs());
    const extra = Object.fromEntries(
      Object.entries(body).filter(([k]) => !MODELLED_KEYS.has(k) && !READ_ONLY_KEYS.has(k)),
    );
    const event: EventRecord = {
      id: crypto.randomUUID(),
      seq: state.allocateSeq(),
      mainLanguage: body.mainLanguage,
      name: body.name,
      ...calendarRecord(body),
      status: body.status ?? { type: 'Available' },
      bookingAvailability: body.bookingAvailability?.type
        ? { type: body.bookingAvailability.type }
        : { type: 'Available' },
      locationId: state.ensurePlace(placeId).id,
      organizerId: organizer?.id,
      priceInfo: body.priceInfo ? storedPriceInfo(body.priceInfo) : [],
      terms: body.terms.map((t) => ({
        id: t.id,
        label: stringOrUndefined(t.label),
        domain: stringOrUndefined(t.domain),
      })),
      workflowStatus: body.workflowStatus ?? 'DRAFT',
      audienceType: body.audience?.audienceType ?? 'everyone',
      labels: body.labels ?? [],
      hiddenLabels: body.hiddenLabels ?? [],
      availableFrom: body.availableFrom ?? nowStamp,
      created: nowStamp,
      modified: nowStamp,
      extra,
    };
    state.insertEvent(event);
    // Published events of UiTPAS organizers are registered in UiTPAS after `uitpasRegistrationDelayMs`.
    if (PUBLISHED_STATUSES.includes(event.workflowStatus) && state.isUitpasOrganizer(event.organizerId)) {
      state.registerEventInUitpas(event.id);
    }
    const url = eventUri(ctx, event.id);
    // 201 per the OAS; `eventId` and `commandId` are deprecated but still part of the response.
    return json(
      201,
      { id: event.id, eventId: event.id, url, commandId: crypto.randomUUID() },
      { Location: url },
    );
  });

  router.add('PUT', '/entry/events/{eventId}/name/{language}', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    const language = req.params.language ?? '';
    if (!isLanguage(language)) {
      urlNotFound(`The language "${language}" is not supported (use nl, fr, de or en).`);
    }
    const body = parseBody(NameSchema, readJson(req), 'parent');
    state.updateEvent(event.id, { name: { ...event.name, [language]: body.name } });
    return noContent();
  });

  router.add('PUT', '/entry/events/{eventId}/calendar', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    const body = parseBody(CalendarSchema, readJson(req), 'parent');
    state.updateEvent(event.id, {
      ...calendarRecord(body),
      ...(body.status ? { status: body.status } : {}),
      ...(body.bookingAvailability?.type
        ? { bookingAvailability: { type: body.bookingAvailability.type } }
        : {}),
    });
    return noContent();
  });

  router.add('PUT', '/entry/events/{eventId}/price-info', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    const body = parseBody(PriceInfoSchema, readJson(req), 'parent');
    state.updateEvent(event.id, { priceInfo: storedPriceInfo(body) });
    return noContent();
  });

  const changeOrganizer = (req: SandboxRequest, organizerId: string | null) => {
    const event = eventOr404(req.params.eventId ?? '');
    if (organizerId !== null && !state.getOrganizer(organizerId)) resourceNotFound(organizerId);
    const unchanged = (event.organizerId ?? null)?.toLowerCase() === organizerId?.toLowerCase();
    if (!unchanged && state.hasTicketSales(event.id)) {
      fail({
        type: ProblemTypes.eventHasUitpasTicketSales,
        title: 'Event has UiTPAS ticket sales',
        status: 400,
        detail: `The organizer of event ${event.id} cannot be changed because it has UiTPAS ticket sales.`,
        endUserMessage: Messages.eventHasTicketSales,
      });
    }
    const organizer = organizerId === null ? null : (state.getOrganizer(organizerId)?.id ?? organizerId);
    state.updateEvent(event.id, { organizerId: organizer });
    return noContent();
  };

  router.add('PUT', '/entry/events/{eventId}/organizer/{organizerId}', (req) => {
    auth(req);
    return changeOrganizer(req, req.params.organizerId ?? '');
  });

  router.add('DELETE', '/entry/events/{eventId}/organizer/{organizerId}', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    if (event.organizerId?.toLowerCase() !== (req.params.organizerId ?? '').toLowerCase()) {
      resourceNotFound(req.params.organizerId ?? '');
    }
    return changeOrganizer(req, null);
  });

  router.add('PUT', '/entry/events/{eventId}/workflow-status', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    const { workflowStatus } = parseBody(WorkflowStatusSchema, readJson(req), 'parent');
    // Transitions only move forward; clients cannot approve or reject (moderation).
    const allowed =
      workflowStatus === 'DELETED' ||
      (workflowStatus === 'READY_FOR_VALIDATION' && event.workflowStatus === 'DRAFT') ||
      workflowStatus === event.workflowStatus;
    if (!allowed) {
      invalidData([
        {
          jsonPointer: '/workflowStatus',
          error: `Cannot change workflowStatus from ${event.workflowStatus} to ${workflowStatus}.`,
        },
      ]);
    }
    state.updateEvent(event.id, { workflowStatus });
    return noContent();
  });

  router.add('DELETE', '/entry/events/{eventId}', (req) => {
    auth(req);
    const event = eventOr404(req.params.eventId ?? '');
    // Soft delete; deleting twice is a no-op.
    if (event.workflowStatus !== 'DELETED') state.updateEvent(event.id, { workflowStatus: 'DELETED' });
    return noContent();
  });
}

// --- Rendering ------------------------------------------------------------------------------------------

export function eventUri(ctx: SandboxContext, id: string): string {
  return `${ctx.baseUrl()}/entry/events/${id}`;
}

export function organizerUri(ctx: SandboxContext, id: string): string {
  return `${ctx.baseUrl()}/entry/organizers/${id}`;
}

export function placeUri(ctx: SandboxContext, id: string): string {
  return `${ctx.baseUrl()}/entry/places/${id}`;
}

/** `availableTo` is derived from the calendar; permanent events are available until 2100. */
export function eventAvailableTo(event: EventRecord): string {
  if (event.calendarType === 'permanent') return FAR_FUTURE;
  return event.endDate ?? FAR_FUTURE;
}

export function renderEvent(
  ctx: SandboxContext,
  event: EventRecord,
  options: { embedUitpasPrices?: boolean } = {},
): Record<string, unknown> {
  const { state } = ctx;
  const organizer = event.organizerId ? state.getOrganizer(event.organizerId) : undefined;
  const place = state.getPlace(event.locationId);
  const priceInfo = [...event.priceInfo, ...(options.embedUitpasPrices ? uitpasPrices(state, event) : [])];
  const hiddenLabels = state.effectiveEventHiddenLabels(event);
  const languages = Object.keys(event.name);
  return {
    ...event.extra,
    '@id': eventUri(ctx, event.id),
    '@type': 'Event',
    '@context': '/contexts/event',
    mainLanguage: event.mainLanguage,
    name: event.name,
    calendarType: event.calendarType,
    ...(event.startDate ? { startDate: event.startDate } : {}),
    ...(event.endDate ? { endDate: event.endDate } : {}),
    ...(event.subEvent
      ? {
          subEvent: event.subEvent.map((sub, id) => ({
            id,
            status: { type: 'Available' },
            bookingAvailability: { type: 'Available' },
            ...sub,
          })),
        }
      : {}),
    ...(event.openingHours ? { openingHours: event.openingHours } : {}),
    status: event.status,
    bookingAvailability: event.bookingAvailability,
    availableFrom: event.availableFrom,
    availableTo: eventAvailableTo(event),
    location: place ? renderPlace(ctx, place) : { '@id': placeUri(ctx, event.locationId) },
    ...(organizer ? { organizer: renderOrganizer(ctx, organizer) } : {}),
    terms: event.terms.map((t) => Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined))),
    ...(priceInfo.length > 0 ? { priceInfo } : {}),
    workflowStatus: event.workflowStatus,
    audience: { audienceType: event.audienceType },
    ...(event.labels.length > 0 ? { labels: event.labels } : {}),
    ...(hiddenLabels.length > 0 ? { hiddenLabels } : {}),
    languages,
    completedLanguages: languages,
    created: event.created,
    modified: formatUdbDate(state.effectiveEventModifiedMs(event)),
  };
}

/**
 * `category: "uitpas"` prices, one per enabled card system, computed from the base price with the sandbox's
 * social tariff rule. Only for events UiTPAS knows and that have a base price.
 */
function uitpasPrices(state: SandboxState, event: EventRecord): PriceInfoEntry[] {
  const base = event.priceInfo.find((p) => p.category === 'base');
  if (!base) return [];
  return state.enabledCardSystems(event.id).map((cardSystem) => ({
    category: 'uitpas',
    price: socialTariffPrice(base.price),
    priceCurrency: 'EUR',
    name: { nl: cardSystem.name, fr: cardSystem.name, de: cardSystem.name, en: cardSystem.name },
  }));
}

export function renderOrganizer(ctx: SandboxContext, organizer: OrganizerRecord): Record<string, unknown> {
  const hiddenLabels = ctx.state.effectiveOrganizerHiddenLabels(organizer);
  const languages = Object.keys(organizer.name);
  return {
    '@id': organizerUri(ctx, organizer.id),
    '@type': 'Organizer',
    '@context': '/contexts/organizer',
    mainLanguage: organizer.mainLanguage,
    name: organizer.name,
    url: organizer.url,
    ...(organizer.address ? { address: organizer.address } : {}),
    ...(organizer.labels.length > 0 ? { labels: organizer.labels } : {}),
    ...(hiddenLabels.length > 0 ? { hiddenLabels } : {}),
    languages,
    completedLanguages: languages,
    workflowStatus: organizer.workflowStatus,
    created: organizer.created,
    modified: organizer.modified,
  };
}

export function renderPlace(ctx: SandboxContext, place: PlaceRecord): Record<string, unknown> {
  return {
    '@id': placeUri(ctx, place.id),
    '@type': 'Place',
    mainLanguage: place.mainLanguage,
    name: place.name,
    ...(place.address ? { address: place.address } : {}),
  };
}

// --- helpers --------------------------------------------------------------------------------------------

function isLanguage(value: string): value is Language {
  return (LANGUAGES as readonly string[]).includes(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** `uitpas` prices are system-generated and read-only: ignore them on write. Base gets its standard name. */
function storedPriceInfo(items: z.infer<typeof PriceInfoSchema>): PriceInfoEntry[] {
  return items
    .filter((item) => item.category !== 'uitpas')
    .map((item) => ({
      category: item.category,
      price: item.price,
      priceCurrency: 'EUR',
      name: item.name ?? (item.category === 'base' ? basePrice(item.price).name : {}),
      ...(item.groupPrice !== undefined ? { groupPrice: item.groupPrice } : {}),
    }));
}

/** Normalised calendar fields: single/multiple take start/end from their sub-events. */
function calendarRecord(body: {
  calendarType: EventRecord['calendarType'];
  startDate?: string;
  endDate?: string;
  subEvent?: { startDate: string; endDate: string }[];
  openingHours?: unknown[];
}): Pick<EventRecord, 'calendarType' | 'startDate' | 'endDate' | 'subEvent' | 'openingHours'> {
  if (body.calendarType === 'single' || body.calendarType === 'multiple') {
    const subEvent = (body.subEvent ?? []).map((s) => ({ ...s }));
    const starts = subEvent.map((s) => Date.parse(s.startDate));
    const ends = subEvent.map((s) => Date.parse(s.endDate));
    return {
      calendarType: body.calendarType,
      subEvent,
      startDate: formatUdbDate(Math.min(...starts)),
      endDate: formatUdbDate(Math.max(...ends)),
      openingHours: undefined,
    };
  }
  if (body.calendarType === 'periodic') {
    return {
      calendarType: 'periodic',
      startDate: body.startDate,
      endDate: body.endDate,
      subEvent: undefined,
      openingHours: body.openingHours,
    };
  }
  return {
    calendarType: 'permanent',
    startDate: undefined,
    endDate: undefined,
    subEvent: undefined,
    openingHours: body.openingHours,
  };
}

/**
 * UiTdatabank v3 clients: Entry (read and write events, read organizers; the UiTPAS client token gives access) and
 * Search (events, identified by `x-client-id`). Same plumbing and error model as the UiTPAS client: validated data,
 * or `UpstreamProblem` / `UpstreamUnavailable` (policy table in lib/adapters/http-client/upstream.ts). Creating an event is
 * never retried; the PUT updates are idempotent and retried like DELETE.
 */
import type { PubliqConfig } from '../../config.js';
import { UpstreamProblem } from '../../domain/errors.js';
import { SEARCH_LIMIT_MAX, SEARCH_START_MAX } from '../../domain/uitdatabank-search.js';
import * as z from '../../zod.js';
import { lazily } from '../http-client/schema-helpers.js';
import {
  type AccessTokens,
  type BackoffOptions,
  buildUrl,
  createUpstream,
  transportFromConfig,
  type UpstreamRequest,
} from '../http-client/upstream.js';
import { boundedInt, requireText } from '../http-client/validate.js';
import { idFromUri, isUitdatabankId, uitdatabankUri } from './ids.js';
import {
  createdEventSchema,
  type EventPage,
  type EventReference,
  entryEventSchema,
  entryOrganizerSchema,
  eventReferenceSchema,
  eventSchema,
  type InvalidMember,
  type Language,
  type PagedCollection,
  pagedCollectionSchema,
  type UitdatabankEvent,
  type UitdatabankOrganizer,
  type WorkflowStatus,
} from './schemas.js';

interface ClientTransportOptions {
  /** e.g. `https://io-test.uitdatabank.be` / `https://search-test.uitdatabank.be` (a path prefix is allowed). */
  baseUrl: string;
  timeoutMs: number;
  retries: number;
  backoff?: BackoffOptions;
  deadlineMs?: number;
}

export interface EntryClientOptions extends ClientTransportOptions {
  tokens: AccessTokens;
}

export interface SearchClientOptions extends ClientTransportOptions {
  /** Sent as `x-client-id`. */
  clientId: string;
}

export type LocalizedName = Partial<Record<Language, string>>;

/** Dates are ISO 8601 date-times with an offset, e.g. `2026-09-01T20:00:00+02:00`. */
export type CalendarInput =
  | { calendarType: 'single'; startDate: string; endDate: string }
  | { calendarType: 'periodic'; startDate: string; endDate: string }
  | { calendarType: 'permanent' };

/** Exactly one `base` entry; `tariff` entries need a name. `uitpas` prices are read-only. */
export interface PriceInfoInput {
  category: 'base' | 'tariff';
  price: number;
  priceCurrency?: 'EUR';
  name?: LocalizedName;
  groupPrice?: boolean;
}

export interface CreateEventInput {
  mainLanguage: Language;
  /** Must contain the main language. */
  name: LocalizedName;
  calendar: CalendarInput;
  /** Bare UiTdatabank place id: sent as the place URI. */
  locationId: string;
  /** Exactly one term of the `eventtype` domain, plus optional themes/facilities. */
  terms: { id: string }[];
  /** Bare UiTdatabank organizer id. */
  organizerId?: string;
  priceInfo?: PriceInfoInput[];
  /** Default (absent) is a draft. `READY_FOR_VALIDATION` publishes at once: UiTPAS only registers published events. */
  workflowStatus?: 'DRAFT' | 'READY_FOR_VALIDATION';
}

export interface EntryClient {
  /** null on 404. */
  getEvent(id: string, options?: { embedUitpasPrices?: boolean }): Promise<UitdatabankEvent | null>;
  /** null on 404. */
  getOrganizer(id: string): Promise<UitdatabankOrganizer | null>;
  /** Returns the bare id of the new event. Never retried. */
  createEvent(input: CreateEventInput): Promise<string>;
  updateName(id: string, language: Language, name: string): Promise<void>;
  updateCalendar(id: string, calendar: CalendarInput): Promise<void>;
  updatePriceInfo(id: string, priceInfo: PriceInfoInput[]): Promise<void>;
  /** Refused with `UpstreamProblem` `.../uitdatabank/event-has-uitpas-ticket-sales` once the event has sales. */
  updateOrganizer(id: string, organizerId: string): Promise<void>;
}

export type SortField = 'modified' | 'created' | 'availableTo' | 'score' | 'distance';
export type SortOrder = 'asc' | 'desc';

export interface SearchEventsParams {
  q?: string;
  id?: string;
  organizerId?: string;
  /** true: only UiTPAS events; false: only non-UiTPAS events. */
  uitpas?: boolean;
  /** Date objects are sent as UTC ISO strings; strings as given (a `+` offset is percent-encoded). */
  modifiedFrom?: string | Date;
  modifiedTo?: string | Date;
  /** Keys in priority order: `{ modified: 'asc', created: 'desc' }` -> `sort[modified]=asc&sort[created]=desc`. */
  sort?: Partial<Record<SortField, SortOrder>>;
  embed?: boolean;
  /** Needs `embed: true`. */
  embedUitpasPrices?: boolean;
  /** Turn off the default filters (workflowStatus, availability window, country, audience): needed for sync. */
  disableDefaultFilters?: boolean;
  workflowStatus?: (WorkflowStatus | '*')[];
  /** 0..10000. */
  start?: number;
  /** 0..2000. */
  limit?: number;
}

export interface SearchClient {
  /** Embedded: the members that match the event schema, and the others in `invalid` (see `InvalidMember`). */
  searchEvents(params: SearchEventsParams & { embed: true }): Promise<EventPage>;
  searchEvents(params: SearchEventsParams & { embed?: false }): Promise<PagedCollection<EventReference>>;
  searchEvents(params: SearchEventsParams): Promise<EventPage | PagedCollection<EventReference>>;
}

export { SEARCH_LIMIT_MAX, SEARCH_START_MAX };

function transport(options: ClientTransportOptions) {
  return {
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.deadlineMs ? { deadlineMs: options.deadlineMs } : {}),
  };
}

export function createEntryClient(options: EntryClientOptions): EntryClient {
  const upstream = createUpstream({
    service: 'uitdatabank-entry',
    tokens: options.tokens,
    ...transport(options),
  });
  const url = (path: string, query?: URLSearchParams) => buildUrl(options.baseUrl, path, query);
  const eventPath = (id: string, suffix = '') =>
    `/events/${encodeURIComponent(checkedId('event id', id))}${suffix}`;

  async function getOrNull<S extends z.ZodMiniType>(
    schema: S,
    request: UpstreamRequest,
  ): Promise<z.output<S> | null> {
    try {
      const response = await upstream.send(request);
      return upstream.parse(schema, response, request);
    } catch (error) {
      if (error instanceof UpstreamProblem && error.status === 404) return null;
      throw error;
    }
  }

  async function put(path: string, json?: unknown): Promise<void> {
    await upstream.send({
      method: 'PUT',
      url: url(path),
      retry: 'idempotent',
      ...(json === undefined ? {} : { json }),
    });
  }

  return {
    async getEvent(id, getOptions = {}) {
      const query = getOptions.embedUitpasPrices
        ? new URLSearchParams({ embedUitpasPrices: 'true' })
        : undefined;
      const event = await getOrNull(entryEventSchema(), {
        method: 'GET',
        url: url(eventPath(id), query),
        retry: 'safe',
      });
      return event && { ...event, '@id': event['@id'] ?? uitdatabankUri(options.baseUrl, 'event', id) };
    },

    async getOrganizer(id) {
      const path = `/organizers/${encodeURIComponent(checkedId('organizer id', id))}`;
      const organizer = await getOrNull(entryOrganizerSchema(), {
        method: 'GET',
        url: url(path),
        retry: 'safe',
      });
      return (
        organizer && {
          ...organizer,
          '@id': organizer['@id'] ?? uitdatabankUri(options.baseUrl, 'organizer', id),
        }
      );
    },

    async createEvent(input) {
      if (!input.name[input.mainLanguage]) throw new RangeError('name must contain the main language');
      if (input.terms.length === 0) throw new RangeError('terms needs at least the event type');
      const body = {
        mainLanguage: input.mainLanguage,
        name: input.name,
        ...calendarBody(input.calendar),
        location: { '@id': uitdatabankUri(options.baseUrl, 'place', input.locationId) },
        terms: input.terms.map((term) => ({ id: term.id })),
        ...(input.organizerId
          ? { organizer: { '@id': uitdatabankUri(options.baseUrl, 'organizer', input.organizerId) } }
          : {}),
        ...(input.priceInfo ? { priceInfo: priceInfoBody(input.priceInfo) } : {}),
        ...(input.workflowStatus ? { workflowStatus: input.workflowStatus } : {}),
      };
      const request: UpstreamRequest = { method: 'POST', url: url('/events'), retry: 'never', json: body };
      const created = upstream.parse(createdEventSchema(), await upstream.send(request), request);
      return idFromUri(created.id, 'event') ?? created.id;
    },

    async updateName(id, language, name) {
      requireText('name', name);
      return put(eventPath(id, `/name/${encodeURIComponent(language)}`), { name });
    },

    async updateCalendar(id, calendar) {
      return put(eventPath(id, '/calendar'), calendarBody(calendar));
    },

    async updatePriceInfo(id, priceInfo) {
      return put(eventPath(id, '/price-info'), priceInfoBody(priceInfo));
    },

    async updateOrganizer(id, organizerId) {
      return put(eventPath(id, `/organizer/${encodeURIComponent(checkedId('organizer id', organizerId))}`));
    },
  };
}

export function createSearchClient(options: SearchClientOptions): SearchClient {
  requireText('clientId', options.clientId);
  const upstream = createUpstream({
    service: 'uitdatabank-search',
    headers: { 'x-client-id': options.clientId },
    ...transport(options),
  });
  // Embedded members are checked one by one (`eventsPage`): a single malformed event must not make a page unreadable.
  const eventsPage = lazily(() => pagedCollectionSchema(z.unknown()));
  const referencesPage = lazily(() => pagedCollectionSchema(eventReferenceSchema()));

  function searchEvents(params: SearchEventsParams & { embed: true }): Promise<EventPage>;
  function searchEvents(
    params: SearchEventsParams & { embed?: false },
  ): Promise<PagedCollection<EventReference>>;
  function searchEvents(params: SearchEventsParams): Promise<EventPage | PagedCollection<EventReference>>;
  async function searchEvents(
    params: SearchEventsParams,
  ): Promise<EventPage | PagedCollection<EventReference>> {
    const query = searchEventsQuery(params);
    const request: UpstreamRequest = {
      method: 'GET',
      url: buildUrl(options.baseUrl, '/events', query),
      retry: 'safe',
    };
    const response = await upstream.send(request);
    if (!params.embed) return upstream.parse(referencesPage(), response, request);
    const { member, ...page } = upstream.parse(eventsPage(), response, request);
    const valid: UitdatabankEvent[] = [];
    const invalid: InvalidMember[] = [];
    member.forEach((raw, index) => {
      const parsed = eventSchema().safeParse(raw);
      if (parsed.success) valid.push(parsed.data);
      else invalid.push(invalidMember(raw, index, parsed.error));
    });
    return { ...page, member: valid, invalid };
  }

  return { searchEvents };
}

/** The query string of `GET /events`; bounds are checked here because Search answers a 404 for them. */
export function searchEventsQuery(params: SearchEventsParams): URLSearchParams {
  if (params.embedUitpasPrices && !params.embed) throw new RangeError('embedUitpasPrices needs embed: true');
  const query = new URLSearchParams();
  const set = (name: string, value: string | boolean | undefined) => {
    if (value !== undefined) query.set(name, String(value));
  };
  set('q', params.q);
  set('id', params.id);
  set('organizerId', params.organizerId);
  set('uitpas', params.uitpas);
  set('modifiedFrom', dateTime(params.modifiedFrom));
  set('modifiedTo', dateTime(params.modifiedTo));
  set('embed', params.embed);
  set('embedUitpasPrices', params.embedUitpasPrices);
  set('disableDefaultFilters', params.disableDefaultFilters);
  if (params.workflowStatus?.length) set('workflowStatus', params.workflowStatus.join(','));
  // Object key order is insertion order for these non-numeric keys, and the order of sort params sets priority.
  for (const [field, order] of Object.entries(params.sort ?? {})) {
    if (order !== 'asc' && order !== 'desc') throw new RangeError(`sort[${field}] must be asc or desc`);
    query.append(`sort[${field}]`, order);
  }
  if (params.start !== undefined)
    set('start', String(boundedInt('start', params.start, 0, SEARCH_START_MAX)));
  if (params.limit !== undefined)
    set('limit', String(boundedInt('limit', params.limit, 0, SEARCH_LIMIT_MAX)));
  return query;
}

/** The Entry client for this environment; it shares the UiTPAS token provider. */
export function entryClientFromConfig(config: PubliqConfig, tokens: AccessTokens): EntryClient {
  return createEntryClient({ baseUrl: config.urls.entry, tokens, ...transportFromConfig(config) });
}

export function searchClientFromConfig(config: PubliqConfig): SearchClient {
  return createSearchClient({
    baseUrl: config.urls.search,
    clientId: config.clientId,
    ...transportFromConfig(config),
  });
}

/** What can be read of a member that does not match the schema: its id and `modified` (or `created`), if strings. */
function invalidMember(raw: unknown, index: number, error: z.core.$ZodError): InvalidMember {
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const id = text(record['@id']);
  const modified = text(record.modified) ?? text(record.created);
  // Zod's messages name the path and the expected type, never the value received.
  const detail = error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.map(String).join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { index, ...(id ? { '@id': id } : {}), ...(modified ? { modified } : {}), detail };
}

function checkedId(what: string, id: string): string {
  if (!isUitdatabankId(id)) throw new RangeError(`${what} is not a UiTdatabank id`);
  return id;
}

function dateTime(value: string | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new RangeError('invalid date');
    return value.toISOString();
  }
  requireText('date-time', value);
  return value;
}

/**
 * Calendar fields as the OpenAPI wants them: `periodic` needs startDate/endDate, `single` needs one `subEvent`
 * (the top-level startDate/endDate are sent too; they are valid properties and some readers use them).
 */
function calendarBody(calendar: CalendarInput): Record<string, unknown> {
  switch (calendar.calendarType) {
    case 'single':
      return {
        calendarType: 'single',
        startDate: calendar.startDate,
        endDate: calendar.endDate,
        subEvent: [{ startDate: calendar.startDate, endDate: calendar.endDate }],
      };
    case 'periodic':
      return { calendarType: 'periodic', startDate: calendar.startDate, endDate: calendar.endDate };
    case 'permanent':
      return { calendarType: 'permanent' };
  }
}

function priceInfoBody(priceInfo: PriceInfoInput[]): Record<string, unknown>[] {
  if (priceInfo.filter((item) => item.category === 'base').length !== 1) {
    throw new RangeError('priceInfo needs exactly one base price');
  }
  return priceInfo.map((item) => {
    if (!Number.isFinite(item.price) || item.price < 0)
      throw new RangeError('a price must be a finite number >= 0');
    if (item.category === 'tariff' && !item.name) throw new RangeError('a tariff price needs a name');
    return {
      category: item.category,
      price: item.price,
      priceCurrency: item.priceCurrency ?? 'EUR',
      ...(item.name ? { name: item.name } : {}),
      ...(item.groupPrice === undefined ? {} : { groupPrice: item.groupPrice }),
    };
  });
}

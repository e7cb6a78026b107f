/**
 * UiTdatabank Search API v3 routes (prefix `/search`): `GET /events` and `GET /organizers`.
 *
 * Default filters (unless `disableDefaultFilters=true` or overridden per parameter, `*` = off):
 * workflowStatus READY_FOR_VALIDATION,APPROVED; availableFrom/availableTo = now (the event's publication
 * window must contain now); audienceType everyone; addressCountry BE (a location without a country passes).
 * `modifiedFrom`/`modifiedTo` are inclusive and compare the effective `modified` (see SandboxState).
 * Every request must identify the client: `x-client-id` / `clientId` (legacy `x-api-key` / `apiKey`) or a token.
 */
import { requireClientIdentification } from './auth.js';
import type { SandboxContext } from './context.js';
import { json, type Router } from './http.js';
import type { EventRecord, OrganizerRecord } from './model.js';
import { urlNotFound } from './problems.js';
import {
  type FieldAccessor,
  type FieldValues,
  matchQuery,
  parseQuery,
  type QueryNode,
  QuerySyntaxError,
} from './query.js';
import { eventAvailableTo, eventUri, organizerUri, renderEvent, renderOrganizer } from './uitdatabank.js';
import { formatUdbDate, parseBool, parseDateTime } from './util.js';

const MAX_START = 10000;
const MAX_LIMIT = 2000;
const DEFAULT_LIMIT = 30;
const HYDRA_CONTEXT = 'http://www.w3.org/ns/hydra/context.jsonld';

export function registerSearchRoutes(router: Router, ctx: SandboxContext): void {
  const { state } = ctx;

  router.add('GET', '/search/events', (req) => {
    requireClientIdentification(ctx.tokens, req);
    const q = req.query;
    const { start, limit } = paging(q);
    const embed = bool(q, 'embed') ?? false;
    const embedUitpasPrices = bool(q, 'embedUitpasPrices') ?? false;
    const defaults = !(bool(q, 'disableDefaultFilters') ?? false);
    const nowMs = state.nowMs();

    const workflowStatuses = listParam(
      q.get('workflowStatus') ?? (defaults ? 'READY_FOR_VALIDATION,APPROVED' : '*'),
    );
    const availableFrom = dateParam(q, 'availableFrom', defaults ? nowMs : undefined);
    const availableTo = dateParam(q, 'availableTo', defaults ? nowMs : undefined);
    const audienceType = q.get('audienceType') ?? (defaults ? 'everyone' : '*');
    const addressCountry = q.get('addressCountry') ?? (defaults ? 'BE' : '*');
    const modifiedFrom = dateParam(q, 'modifiedFrom');
    const modifiedTo = dateParam(q, 'modifiedTo');
    const createdFrom = dateParam(q, 'createdFrom');
    const createdTo = dateParam(q, 'createdTo');
    const uitpas = bool(q, 'uitpas');
    const organizerId = q.get('organizerId')?.toLowerCase();
    const id = q.get('id')?.toLowerCase();
    const locationId = q.get('locationId')?.toLowerCase();
    const labels = [...q.getAll('labels[]'), ...q.getAll('labels')];
    const organizerLabels = [...q.getAll('organizerLabels[]'), ...q.getAll('organizerLabels')];
    const text = q.get('text') ?? undefined;
    const price = numberParam(q, 'price');
    const minPrice = numberParam(q, 'minPrice');
    const maxPrice = numberParam(q, 'maxPrice');
    const query = queryParam(q.get('q'));
    const textQuery = text ? queryParam(text) : undefined;
    const sorts = sortParams(q, ['modified', 'created', 'availableTo', 'score']);

    const rows = state
      .listEvents()
      .map((event) => ({ event, modifiedMs: state.effectiveEventModifiedMs(event) }));
    const matches = rows.filter(({ event, modifiedMs }) => {
      if (workflowStatuses && !workflowStatuses.includes(event.workflowStatus)) return false;
      if (availableFrom !== undefined && Date.parse(eventAvailableTo(event)) < availableFrom) return false;
      if (availableTo !== undefined && Date.parse(event.availableFrom) > availableTo) return false;
      if (audienceType !== '*' && event.audienceType !== audienceType) return false;
      if (addressCountry !== '*' && !locationInCountry(event, addressCountry)) return false;
      if (modifiedFrom !== undefined && modifiedMs < modifiedFrom) return false;
      if (modifiedTo !== undefined && modifiedMs > modifiedTo) return false;
      if (createdFrom !== undefined && Date.parse(event.created) < createdFrom) return false;
      if (createdTo !== undefined && Date.parse(event.created) > createdTo) return false;
      if (uitpas !== undefined && state.isUitpasEvent(event) !== uitpas) return false;
      if (organizerId !== undefined && event.organizerId?.toLowerCase() !== organizerId) return false;
      if (id !== undefined && event.id.toLowerCase() !== id) return false;
      if (locationId !== undefined && event.locationId.toLowerCase() !== locationId) return false;
      if (
        labels.length > 0 &&
        !hasAllLabels([...event.labels, ...state.effectiveEventHiddenLabels(event)], labels)
      ) {
        return false;
      }
      if (organizerLabels.length > 0) {
        const organizer = event.organizerId ? state.getOrganizer(event.organizerId) : undefined;
        const all = organizer
          ? [...organizer.labels, ...state.effectiveOrganizerHiddenLabels(organizer)]
          : [];
        if (!hasAllLabels(all, organizerLabels)) return false;
      }
      const base = event.priceInfo.find((p) => p.category === 'base')?.price;
      if (price !== undefined && base !== price) return false;
      if (minPrice !== undefined && (base === undefined || base < minPrice)) return false;
      if (maxPrice !== undefined && (base === undefined || base > maxPrice)) return false;
      const access = eventFields(event, modifiedMs);
      if (query && !evaluate(query, access)) return false;
      if (textQuery && !evaluate(textQuery, access)) return false;
      return true;
    });

    const sortValue = (row: (typeof rows)[number], field: string): number => {
      if (field === 'modified') return row.modifiedMs;
      if (field === 'created') return Date.parse(row.event.created);
      if (field === 'availableTo') return Date.parse(eventAvailableTo(row.event));
      return 0; // score: every match scores the same here
    };
    matches.sort((a, b) => {
      for (const { field, direction } of sorts) {
        const diff = sortValue(a, field) - sortValue(b, field);
        if (diff !== 0) return direction === 'asc' ? diff : -diff;
      }
      return a.event.seq - b.event.seq;
    });

    const member = matches
      .slice(start, start + limit)
      .map(({ event }) =>
        embed
          ? renderEvent(ctx, event, { embedUitpasPrices })
          : { '@id': eventUri(ctx, event.id), '@type': 'Event' },
      );
    return json(200, pagedCollection(limit, matches.length, member));
  });

  router.add('GET', '/search/organizers', (req) => {
    requireClientIdentification(ctx.tokens, req);
    const q = req.query;
    const { start, limit } = paging(q);
    const embed = bool(q, 'embed') ?? false;
    const defaults = !(bool(q, 'disableDefaultFilters') ?? false);
    const workflowStatuses = listParam(q.get('workflowStatus') ?? (defaults ? 'ACTIVE' : '*'));
    const name = q.get('name')?.toLowerCase();
    const website = q.get('website');
    const id = q.get('id')?.toLowerCase();
    const labels = [...q.getAll('labels[]'), ...q.getAll('labels')];
    const query = queryParam(q.get('q'));
    const sorts = sortParams(q, ['modified', 'created', 'score']);

    const matches = state.listOrganizers().filter((organizer) => {
      if (workflowStatuses && !workflowStatuses.includes(organizer.workflowStatus)) return false;
      if (id !== undefined && organizer.id.toLowerCase() !== id) return false;
      // `name` is an autocomplete: any localized name containing the text.
      if (name !== undefined && !Object.values(organizer.name).some((n) => n?.toLowerCase().includes(name))) {
        return false;
      }
      if (website !== null && normalizeWebsite(organizer.url) !== normalizeWebsite(website)) return false;
      if (labels.length > 0) {
        const all = [...organizer.labels, ...state.effectiveOrganizerHiddenLabels(organizer)];
        if (!hasAllLabels(all, labels)) return false;
      }
      if (query && !evaluate(query, organizerFields(organizer))) return false;
      return true;
    });
    matches.sort((a, b) => {
      for (const { field, direction } of sorts) {
        if (field === 'score') continue;
        const key = field === 'created' ? 'created' : 'modified';
        const diff = Date.parse(a[key]) - Date.parse(b[key]);
        if (diff !== 0) return direction === 'asc' ? diff : -diff;
      }
      return 0;
    });
    const member = matches
      .slice(start, start + limit)
      .map((o) =>
        embed ? renderOrganizer(ctx, o) : { '@id': organizerUri(ctx, o.id), '@type': 'Organizer' },
      );
    return json(200, pagedCollection(limit, matches.length, member));
  });

  // --- field access for `q` ------------------------------------------------------------------------------

  function eventFields(event: EventRecord, modifiedMs: number): FieldAccessor {
    return (field) => {
      if (field === undefined) return text(Object.values(event.name));
      const organizer = event.organizerId ? state.getOrganizer(event.organizerId) : undefined;
      const localized = /^(name|organizer\.name)\.(\*|nl|fr|de|en)$/.exec(field);
      if (localized) {
        const names = localized[1] === 'name' ? event.name : (organizer?.name ?? {});
        const lang = localized[2] as 'nl' | 'fr' | 'de' | 'en' | '*';
        return text(lang === '*' ? Object.values(names) : [names[lang]]);
      }
      switch (field) {
        case 'id':
          return keyword([event.id]);
        case 'organizer.id':
          return keyword([event.organizerId]);
        case 'location.id':
          return keyword([event.locationId]);
        case 'workflowStatus':
          return keyword([event.workflowStatus]);
        case 'audienceType':
          return keyword([event.audienceType]);
        case 'calendarType':
          return keyword([event.calendarType]);
        case 'mainLanguage':
          return keyword([event.mainLanguage]);
        case 'labels':
          return keyword([...event.labels, ...state.effectiveEventHiddenLabels(event)]);
        case 'organizer.labels':
          return keyword(
            organizer ? [...organizer.labels, ...state.effectiveOrganizerHiddenLabels(organizer)] : [],
          );
        case 'modified':
          return date([formatUdbDate(modifiedMs)]);
        case 'created':
          return date([event.created]);
        case 'availableFrom':
          return date([event.availableFrom]);
        case 'availableTo':
          return date([eventAvailableTo(event)]);
        case 'price':
          return {
            type: 'number',
            values: event.priceInfo.filter((p) => p.category === 'base').map((p) => String(p.price)),
          };
        default:
          return undefined;
      }
    };
  }

  function organizerFields(organizer: OrganizerRecord): FieldAccessor {
    return (field) => {
      if (field === undefined) return text(Object.values(organizer.name));
      const localized = /^name\.(\*|nl|fr|de|en)$/.exec(field);
      if (localized) {
        const lang = localized[1] as 'nl' | 'fr' | 'de' | 'en' | '*';
        return text(lang === '*' ? Object.values(organizer.name) : [organizer.name[lang]]);
      }
      switch (field) {
        case 'id':
          return keyword([organizer.id]);
        case 'url':
          return keyword([organizer.url]);
        case 'workflowStatus':
          return keyword([organizer.workflowStatus]);
        case 'labels':
          return keyword([...organizer.labels, ...state.effectiveOrganizerHiddenLabels(organizer)]);
        case 'modified':
          return date([organizer.modified]);
        case 'created':
          return date([organizer.created]);
        default:
          return undefined;
      }
    };
  }

  function locationInCountry(event: EventRecord, country: string): boolean {
    const address = state.getPlace(event.locationId)?.address;
    const countries = Object.values(address ?? {}).map((a) => a?.addressCountry);
    return countries.length === 0 || countries.includes(country);
  }
}

// --- parameter parsing ----------------------------------------------------------------------------------

function pagedCollection(limit: number, totalItems: number, member: unknown[]) {
  return { '@context': HYDRA_CONTEXT, '@type': 'PagedCollection', itemsPerPage: limit, totalItems, member };
}

/** Out-of-range or invalid `start`/`limit` is a 404 `url/not-found` (Search docs). */
function paging(q: URLSearchParams): { start: number; limit: number } {
  const parse = (name: string, fallback: number, max: number) => {
    const raw = q.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < 0 || value > max) {
      urlNotFound(`The "${name}" parameter should be between 0 and ${max}`);
    }
    return value;
  };
  return { start: parse('start', 0, MAX_START), limit: parse('limit', DEFAULT_LIMIT, MAX_LIMIT) };
}

function bool(q: URLSearchParams, name: string): boolean | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const value = parseBool(raw);
  if (value === undefined) urlNotFound(`The "${name}" parameter should be true or false (got "${raw}").`);
  return value;
}

/** `undefined` = no filter (absent or `*`). A date that does not parse (e.g. an unencoded `+`) is a 404. */
function dateParam(q: URLSearchParams, name: string, fallback?: number): number | undefined {
  const raw = q.get(name);
  if (raw === null) return fallback;
  if (raw === '*') return undefined;
  const ms = parseDateTime(raw);
  if (ms === undefined) {
    urlNotFound(`The "${name}" parameter should be an ISO-8601 date-time (got "${raw}"; encode "+" as %2B).`);
  }
  return ms;
}

function numberParam(q: URLSearchParams, name: string): number | undefined {
  const raw = q.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    urlNotFound(`The "${name}" parameter should be a number.`);
  }
  return value;
}

/** Comma-separated OR list; `undefined` when it contains `*`. */
function listParam(raw: string): string[] | undefined {
  const values = raw
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return values.includes('*') ? undefined : values;
}

function sortParams(q: URLSearchParams, fields: string[]): { field: string; direction: 'asc' | 'desc' }[] {
  const sorts: { field: string; direction: 'asc' | 'desc' }[] = [];
  // URLSearchParams keeps the order of the query string, which sets the sort priority.
  for (const [name, value] of q) {
    const match = /^sort\[(\w+)\]$/.exec(name);
    if (!match?.[1]) continue;
    if (!fields.includes(match[1])) urlNotFound(`Sorting on "${match[1]}" is not supported.`);
    if (value !== 'asc' && value !== 'desc') urlNotFound(`The "${name}" parameter should be asc or desc.`);
    sorts.push({ field: match[1], direction: value });
  }
  return sorts;
}

function queryParam(raw: string | null): QueryNode | undefined {
  if (raw === null || raw.trim() === '') return undefined;
  try {
    return parseQuery(raw);
  } catch (error) {
    if (error instanceof QuerySyntaxError) urlNotFound(error.message);
    throw error;
  }
}

function evaluate(query: QueryNode, access: FieldAccessor): boolean {
  try {
    return matchQuery(query, access);
  } catch (error) {
    if (error instanceof QuerySyntaxError) urlNotFound(error.message);
    throw error;
  }
}

function hasAllLabels(actual: string[], wanted: string[]): boolean {
  const lower = actual.map((l) => l.toLowerCase());
  return wanted.every((w) => lower.includes(w.replace(/^"|"$/g, '').toLowerCase()));
}

function normalizeWebsite(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/\/+$/, '');
}

function keyword(values: (string | undefined)[]): FieldValues {
  return { type: 'keyword', values: values.filter((v): v is string => v !== undefined) };
}

function text(values: (string | undefined)[]): FieldValues {
  return { type: 'text', values: values.filter((v): v is string => v !== undefined) };
}

function date(values: string[]): FieldValues {
  return { type: 'date', values };
}

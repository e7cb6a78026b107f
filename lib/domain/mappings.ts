/**
 * What the ticketing system tells us about its events, organisations and promotors, and the UiTdatabank ids they are
 * mapped to. Plain data and pure rules: the store, the admin API, the basket flow and the sync all share these types.
 */
import { AppError } from './errors.js';

/** Labels as the ticketing system writes them; case matters (`uitpas` is not `UiTPAS`). */
export const UITPAS_LABEL = 'UiTPAS';
export const UITDB_LABEL = 'uitDB';
/** The labels that put an event in the external-mapping list (product rule 6). */
export const MAPPING_LABELS = [UITPAS_LABEL, UITDB_LABEL] as const;
export type MappingLabel = (typeof MAPPING_LABELS)[number];

export type UitdatabankIdSource = 'sync' | 'manual';

/** Kept on every stored item: optimistic concurrency (`version`) and who touched it last. */
export interface Versioned {
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
  /** 1 on create, +1 on every change; every write is conditional on the version it read. */
  version: number;
}

/**
 * What saving a manual mapping found when it compared the UiTdatabank event's organizer with the event's own
 * (product rule 4). A mismatch is never stored: the save is refused. `unverified` is stored when the comparison could
 * not be made (UiTdatabank unreachable, or no organizer resolved on our side), and the till refuses the event until a
 * later readiness check, by an administrator or the sync, finds the organizers equal.
 */
export interface OrganizerCheck {
  status: 'match' | 'unverified';
  /** The UiTdatabank id compared (the event's, when the check was made). */
  uitdatabankId: string;
  reason?: 'uitdatabank-unreachable' | 'organizer-unresolved';
  checkedAt: string;
}

export interface TicketType {
  id: string;
  name: string;
  /** EUR, at most 2 decimals, >= 0. Compare with `toCents`, never as floats. */
  price: number;
  /** The one ticket type that may be discounted (product rule 1). */
  standard: boolean;
}

export interface TicketingEvent extends Versioned {
  eventId: string;
  organisationId: string;
  promotorId?: string;
  name: string;
  /** ISO 8601 date-times with an offset. */
  startDate: string;
  endDate?: string;
  labels: string[];
  /** UiTdatabank place id of the venue (the sync needs it to create the event). */
  placeId?: string;
  /** UiTdatabank event type term id, e.g. `0.50.4.0.0`. */
  eventTypeId?: string;
  ticketTypes: TicketType[];
  /** Shown in the online flow (product rule 7). */
  hint?: string;
  uitdatabankId?: string;
  /** Set whenever `uitdatabankId` is: `manual` ids are never overwritten by the sync. */
  uitdatabankIdSource?: UitdatabankIdSource;
  /** Manual mappings only: the organizer rule as the last save found it. */
  organizerCheck?: OrganizerCheck;
}

export interface Organisation extends Versioned {
  organisationId: string;
  name: string;
  uitdatabankOrganizerId?: string;
  /** Used by the sync when an event has no place of its own. */
  defaultPlaceId?: string;
}

export interface Promotor extends Versioned {
  promotorId: string;
  name: string;
  uitdatabankOrganizerId?: string;
  /** The organisation it belongs to: who may see and change it. */
  organisationId: string;
}

export type EntityKind = 'event' | 'organisation' | 'promotor';

/** Ids of the ticketing system (events, organisations, promotors, ticket types): safe in keys, paths and logs. */
export const TICKETING_ID_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
export const TICKETING_ID_RULE = '1-100 characters: letters, digits, dot, underscore, colon or hyphen';

export function isTicketingId(value: unknown): value is string {
  return typeof value === 'string' && TICKETING_ID_PATTERN.test(value);
}

/**
 * UiTdatabank ids are UUIDs in most cases but not always (legacy `D04BE067-FBE7-6633-2351893716796CB5`): letters,
 * digits and hyphens, not starting or ending with a hyphen, at most 64 characters. The same shape the UiTdatabank
 * client accepts in a URL path.
 */
export const UITDATABANK_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?$/;
export const UITDATABANK_ID_RULE =
  'an UiTdatabank id: a UUID or a legacy id of letters, digits and hyphens (at most 64), not a URL';

export function isUitdatabankId(value: unknown): value is string {
  return typeof value === 'string' && UITDATABANK_ID_PATTERN.test(value);
}

/** Far above any ticket price; keeps `price * 100` well inside the range where doubles are exact integers. */
export const MAX_PRICE = 100_000;

/**
 * True when `price` is a finite amount >= 0 written with at most 2 decimals. A JSON number such as `12.34` parses to
 * the double nearest 12.34, and `toFixed(2)` gives that decimal back, so the round trip is exact for valid prices and
 * fails for `12.345` or `0.1 + 0.2`.
 */
export function isValidPrice(price: number): boolean {
  return Number.isFinite(price) && price >= 0 && price <= MAX_PRICE && Number(price.toFixed(2)) === price;
}

/** The price in integer cents. Throws for a price with more than 2 decimals: there is no right way to round it. */
export function toCents(price: number): number {
  if (!isValidPrice(price)) throw new RangeError(`not a price in EUR with at most 2 decimals: ${price}`);
  return Math.round(price * 100);
}

/** Two valid prices that are the same amount of cents; false when either is not a valid price. */
export function samePrice(a: number, b: number): boolean {
  return isValidPrice(a) && isValidPrice(b) && toCents(a) === toCents(b);
}

/** Zero or several is a configuration error the readiness check reports; it is never resolved by guessing. */
export function standardTicketTypes(event: Pick<TicketingEvent, 'ticketTypes'>): TicketType[] {
  return event.ticketTypes.filter((ticketType) => ticketType.standard);
}

export function hasMappingLabel(labels: readonly string[]): boolean {
  return labels.some((label) => (MAPPING_LABELS as readonly string[]).includes(label));
}

export function isMapped(event: Pick<TicketingEvent, 'uitdatabankId'>): boolean {
  return event.uitdatabankId !== undefined;
}

const METADATA = new Set(['createdAt', 'updatedAt', 'updatedBy', 'version']);

/** JSON with object keys sorted at every level: DynamoDB does not keep the key order of maps. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** Before and after of every field that differs, metadata left out; for the audit trail and no-op detection. */
export function changedFields(
  before: object | undefined,
  after: object | undefined,
): Record<string, { before?: unknown; after?: unknown }> {
  const old = (before ?? {}) as Record<string, unknown>;
  const next = (after ?? {}) as Record<string, unknown>;
  const changes: Record<string, { before?: unknown; after?: unknown }> = {};
  for (const field of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (METADATA.has(field)) continue;
    const was = old[field];
    const is = next[field];
    if (canonical(was) === canonical(is)) continue;
    changes[field] = {
      ...(was === undefined ? {} : { before: was }),
      ...(is === undefined ? {} : { after: is }),
    };
  }
  return changes;
}

// The problems of this feature. Missing and "not yours" are the same 404: a key must not learn what exists elsewhere.

export function notFound(kind: EntityKind, id: string): AppError {
  return new AppError(`${kind}-not-found`, 404, `Unknown ${kind}`, {
    detail: `There is no ${kind} ${id} among the organisations this API key may act for.`,
  });
}

/** Two admins saved at once, or the form was stale: nothing was changed, reload and try again. */
export function versionConflict(kind: EntityKind, id: string, currentVersion?: number): AppError {
  return new AppError('version-conflict', 409, 'Changed by someone else', {
    detail:
      currentVersion === undefined
        ? `The ${kind} ${id} was changed or removed while you were saving; nothing was saved. Reload it and try again.`
        : `The ${kind} ${id} is at version ${currentVersion} now, not the version you edited; nothing was saved. Reload it and try again.`,
    extensions: currentVersion === undefined ? {} : { currentVersion },
  });
}

export function organisationNotAllowed(organisationId: string): AppError {
  return new AppError('organisation-not-allowed', 403, 'This API key may not act for this organisation', {
    detail: `Your API key may not act for organisation ${organisationId}. Ask the operator for a key that may.`,
  });
}

/** A field that is well-formed on its own but contradicts the request (the body's id against the path's): a 400. */
export function invalidField(pointer: string, detail: string): AppError {
  return new AppError('invalid-request', 400, 'The request is invalid', {
    detail: `Fix the body: ${pointer} ${detail}.`,
    extensions: { invalidParams: [{ pointer, detail }] },
  });
}

/** A reference in the body that cannot be followed: a 422 naming the field, as the 400s do. */
export function invalidReference(slug: string, title: string, pointer: string, detail: string): AppError {
  return new AppError(slug, 422, title, {
    detail,
    extensions: { invalidParams: [{ pointer, detail }] },
  });
}

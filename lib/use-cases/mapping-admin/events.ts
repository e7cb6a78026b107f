/**
 * Ticketing events and their UiTdatabank mapping, as administrators manage them. A key only sees events of the
 * organisations it may act for; any other event is "not found", so a key cannot learn what exists elsewhere.
 */

import { mayActFor, type Principal } from '../../domain/access.js';
import { SYNC_ACTOR } from '../../domain/audit.js';
import { AppError, UpstreamUnavailable } from '../../domain/errors.js';
import {
  invalidField,
  invalidReference,
  MAPPING_LABELS,
  type MappingLabel,
  notFound,
  type Organisation,
  type OrganizerCheck,
  organisationNotAllowed,
  type Promotor,
  type TicketingEvent,
  UITDB_LABEL,
  type UitdatabankIdSource,
} from '../../domain/mappings.js';
import { matchOrganizer, organizerMismatch, resolveOrganizer } from '../../domain/organizer.js';
import type { Page } from '../../domain/page.js';
import { sameUitdatabankId } from '../../domain/uitdatabank-ids.js';
import {
  checkExpectedVersion,
  type MappingDeps,
  organisationsInScope,
  recordChange,
  retryLostRaces,
  type SaveResult,
} from './deps.js';
import { deleteItem, saveItem, visibleOrNotFound } from './entity.js';
import { checkOrganisationExists } from './organisations.js';
import type { SyncedIdResult, UitdatabankClaim } from './ports.js';
import type { EventBody, EventListQueryInput } from './schemas.js';

export interface SaveEventInput {
  eventId: string;
  body: EventBody;
  /** From `If-Match` or the body's `version`; undefined: last writer wins. */
  expectedVersion?: number | undefined;
  principal: Principal;
}

async function visibleEvent(
  deps: MappingDeps,
  eventId: string,
  principal: Principal,
  consistent: boolean,
): Promise<TicketingEvent> {
  return visibleOrNotFound(
    'event',
    eventId,
    principal,
    await deps.mappings.getEvent(eventId, { consistent }),
  );
}

/**
 * PUT: create the event, or replace it. `uitdatabankId` absent keeps what is stored (an id the sync set stays); a
 * string is a manual mapping and must exist in UiTdatabank; null removes a manual mapping.
 */
export async function saveEvent(
  input: SaveEventInput,
  deps: MappingDeps,
): Promise<SaveResult<TicketingEvent>> {
  const { eventId, body, principal } = input;
  if (body.eventId !== undefined && body.eventId !== eventId) {
    throw invalidField('/eventId', `must be the id in the path (${eventId}), or be left out`);
  }
  const lookup = uitdatabankLookup(deps);

  return retryLostRaces(input.expectedVersion !== undefined, async () => {
    const existing = await deps.mappings.getEvent(eventId, { consistent: true });
    if (existing && !mayActFor(principal, existing.organisationId)) throw notFound('event', eventId);
    if (!mayActFor(principal, body.organisationId)) throw organisationNotAllowed(body.organisationId);
    checkExpectedVersion('event', eventId, existing, input.expectedVersion);

    const organisation = await checkOrganisationExists(deps, body.organisationId);
    let promotor: Promotor | undefined;
    if (body.promotorId) {
      promotor = await deps.mappings.getPromotor(body.promotorId);
      if (!promotor || !mayActFor(principal, promotor.organisationId)) {
        throw invalidReference(
          'unknown-promotor',
          'Unknown promotor',
          '/promotorId',
          `There is no promotor ${body.promotorId}. Save it first with PUT /v1/promotors/${body.promotorId}.`,
        );
      }
    }

    const mapping = await mappingFor(body.uitdatabankId, existing, deps, lookup, {
      eventId,
      labels: body.labels,
    });
    const organizerCheck = await checkOrganizer(
      { organisationId: body.organisationId, promotorId: body.promotorId ?? undefined },
      { existing, mapping, organisation, promotor, lookup, now: deps.now?.() ?? new Date() },
    );
    if (mapping.uitdatabankIdSource === 'manual' && mapping.uitdatabankId !== undefined) {
      await claimUitdatabankEvent(deps, mapping.uitdatabankId, {
        organisationId: body.organisationId,
        eventId,
      });
    }
    return saveItem(deps, {
      entity: 'event',
      entityId: eventId,
      principal,
      existing,
      fields: {
        eventId,
        organisationId: body.organisationId,
        ...(body.promotorId ? { promotorId: body.promotorId } : {}),
        name: body.name,
        startDate: body.startDate,
        ...(body.endDate ? { endDate: body.endDate } : {}),
        labels: [...new Set(body.labels)],
        ...(body.placeId ? { placeId: body.placeId } : {}),
        ...(body.eventTypeId ? { eventTypeId: body.eventTypeId } : {}),
        ticketTypes: body.ticketTypes,
        ...(body.hint ? { hint: body.hint } : {}),
        ...mapping,
        ...(organizerCheck ? { organizerCheck } : {}),
      },
      put: (next, previousVersion) => deps.mappings.putEvent(next, previousVersion),
    });
  });
}

type Mapping = { uitdatabankId?: string; uitdatabankIdSource?: UitdatabankIdSource };

/** What UiTdatabank said about an event id, once per save (a lost race's retry asks again for nothing). */
type Lookup = (uitdatabankId: string) => Promise<{ organizerId: string | null } | undefined | 'unreachable'>;

function uitdatabankLookup(deps: Pick<MappingDeps, 'uitdatabankEvents'>): Lookup {
  const answers = new Map<string, Awaited<ReturnType<Lookup>>>();
  return async (uitdatabankId) => {
    if (!answers.has(uitdatabankId)) {
      try {
        answers.set(uitdatabankId, await deps.uitdatabankEvents.find(uitdatabankId));
      } catch (error) {
        if (!(error instanceof UpstreamUnavailable)) throw error;
        answers.set(uitdatabankId, 'unreachable');
      }
    }
    return answers.get(uitdatabankId);
  };
}

const uitdatabankEventNotFound = (uitdatabankId: string) =>
  invalidReference(
    'uitdatabank-event-not-found',
    'No such event in UiTdatabank',
    '/uitdatabankId',
    `UiTdatabank has no event ${uitdatabankId} (or it was deleted). Copy the id from the event's page in UiTdatabank.`,
  );

/**
 * One organisation per UiTdatabank event: a manual mapping claims it (on every save, so mappings stored before
 * claims existed get theirs). A claim whose event no longer maps the id, or belongs to another organisation now, is
 * left over (an event remapped or deleted, a save that failed after claiming) and is taken over. The answer does not
 * say which organisation holds it.
 */
async function claimUitdatabankEvent(
  deps: Pick<MappingDeps, 'mappings'>,
  uitdatabankId: string,
  owner: UitdatabankClaim,
): Promise<void> {
  const first = await deps.mappings.claimUitdatabankEvent(uitdatabankId, owner);
  if (first.claimed) return;
  const holder = first.holder;
  if (holder) {
    const held = await deps.mappings.getEvent(holder.eventId, { consistent: true });
    const leftOver =
      held === undefined ||
      held.organisationId !== holder.organisationId ||
      held.uitdatabankId === undefined ||
      !sameUitdatabankId(held.uitdatabankId, uitdatabankId);
    if (leftOver && (await deps.mappings.claimUitdatabankEvent(uitdatabankId, owner, holder)).claimed) return;
  }
  const detail = `UiTdatabank event ${uitdatabankId} is mapped by another organisation of this service, and an UiTdatabank event belongs to one organisation only. Check the id: copy it from the page of your own event in UiTdatabank.`;
  throw new AppError('uitdatabank-event-taken', 409, 'Another organisation maps this UiTdatabank event', {
    detail,
    extensions: { invalidParams: [{ pointer: '/uitdatabankId', detail }] },
  });
}

/**
 * The organizer rule for a manual mapping (product rule 4): the UiTdatabank event must be organised by the organizer
 * resolved from the event's promotor or organisation. A mismatch is refused; when the comparison cannot be made the
 * mapping is stored `unverified`, and the till refuses it until a readiness check passes (GET readiness, or the
 * sync's refresh, which assesses every changed mapping). A save that changes neither the id nor whose event it is
 * keeps the check it had, and asks UiTdatabank nothing (a mapping stored before saves checked is checked now); an
 * id the sync set needs none (the sync creates the UiTdatabank event with our organizer, and its refresh checks it
 * from then on).
 */
async function checkOrganizer(
  event: Pick<TicketingEvent, 'organisationId' | 'promotorId'>,
  input: {
    existing: TicketingEvent | undefined;
    mapping: Mapping;
    organisation: Organisation;
    promotor: Promotor | undefined;
    lookup: Lookup;
    now: Date;
  },
): Promise<OrganizerCheck | undefined> {
  const { existing, mapping } = input;
  const uitdatabankId = mapping.uitdatabankId;
  if (uitdatabankId === undefined || mapping.uitdatabankIdSource !== 'manual') return undefined;
  const unchanged =
    existing !== undefined &&
    existing.uitdatabankId === uitdatabankId &&
    existing.organisationId === event.organisationId &&
    existing.promotorId === event.promotorId;
  if (unchanged && existing.organizerCheck !== undefined) return existing.organizerCheck;
  const checked = { uitdatabankId, checkedAt: input.now.toISOString() };
  const found = await input.lookup(uitdatabankId);
  if (found === undefined) throw uitdatabankEventNotFound(uitdatabankId);
  // A mapping saved before saves checked, edited while UiTdatabank is down: left as it was (its readiness checks
  // decide), rather than stopping sales that ran until now.
  if (found === 'unreachable') {
    return unchanged ? undefined : { status: 'unverified', reason: 'uitdatabank-unreachable', ...checked };
  }
  const resolution = resolveOrganizer(event, input.organisation, input.promotor);
  if (!resolution.ok) return { status: 'unverified', reason: 'organizer-unresolved', ...checked };
  if (matchOrganizer(resolution, found.organizerId) !== 'match') {
    throw organizerMismatch(uitdatabankId, found.organizerId, resolution, event);
  }
  return { status: 'match', ...checked };
}

async function mappingFor(
  requested: string | null | undefined,
  existing: TicketingEvent | undefined,
  deps: MappingDeps,
  lookup: Lookup,
  event: { eventId: string; labels: readonly string[] },
): Promise<Mapping> {
  const stored: Mapping =
    existing?.uitdatabankId !== undefined
      ? {
          uitdatabankId: existing.uitdatabankId,
          uitdatabankIdSource: existing.uitdatabankIdSource ?? 'manual',
        }
      : {};
  if (requested === undefined) return stored;
  if (requested === null) {
    // Dropping an id the sync stored would make the sync create the event in UiTdatabank a second time.
    if (stored.uitdatabankIdSource === 'sync') {
      throw invalidReference(
        'uitdatabank-id-from-sync',
        'This UiTdatabank id was set by the sync',
        '/uitdatabankId',
        `The UiTdatabank sync created or found ${stored.uitdatabankId} for this event; removing it would create the event again. Enter another id to map it by hand instead.`,
      );
    }
    // A manual id over an event the sync created before: without an id, a uitDB event goes back to the sync, which
    // takes the event it created again (it never creates a second one). "No id" is not what the admin would get.
    if (stored.uitdatabankId !== undefined && event.labels.includes(UITDB_LABEL)) {
      const synced = await lastSyncedUitdatabankId(event.eventId, deps);
      if (synced !== undefined) {
        throw invalidReference(
          'uitdatabank-id-from-sync',
          'The sync created this event in UiTdatabank before',
          '/uitdatabankId',
          `The UiTdatabank sync created ${synced} for this event before it was mapped by hand. Without an id the sync would map it to ${synced} again, so the id cannot be cleared: enter ${synced} to map it back, or remove the uitDB label if the event should not be in UiTdatabank.`,
        );
      }
    }
    return {};
  }
  // Sending back the id that is stored (GET, edit, PUT) is not a new mapping: keep its source.
  if (requested === stored.uitdatabankId) return stored;
  // Unreachable: stored all the same, as unverified (see checkOrganizer).
  if ((await lookup(requested)) === undefined) throw uitdatabankEventNotFound(requested);
  return { uitdatabankId: requested, uitdatabankIdSource: 'manual' };
}

export function getEvent(
  input: { eventId: string; principal: Principal },
  deps: MappingDeps,
): Promise<TicketingEvent> {
  return visibleEvent(deps, input.eventId, input.principal, false);
}

export function deleteEvent(
  input: { eventId: string; expectedVersion?: number | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<void> {
  const { eventId, principal } = input;
  return deleteItem(deps, {
    entity: 'event',
    entityId: eventId,
    expectedVersion: input.expectedVersion,
    principal,
    read: () => visibleEvent(deps, eventId, principal, true),
    remove: (version) => deps.mappings.deleteEvent(eventId, version),
  });
}

/** The external-mapping list (product rule 6): events labelled UiTPAS and/or uitDB of the caller's organisations. */
export async function listMappingEvents(
  input: EventListQueryInput & { principal: Principal },
  deps: MappingDeps,
): Promise<Page<TicketingEvent>> {
  const organisationIds = await organisationsInScope(input.principal, deps.mappings, input.organisationId);
  const labels = new Set(input.label ?? MAPPING_LABELS);
  const label: MappingLabel | undefined =
    labels.size === 1 ? (labels.values().next().value as MappingLabel) : undefined;
  return deps.mappings.listMappingEvents({
    organisationIds,
    mapped: input.mapped,
    label,
    limit: input.limit,
    cursor: input.cursor,
  });
}

/**
 * The UiTdatabank id the sync last stored for this event, from the event's audit trail (which outlives the event: a
 * DELETE and a new PUT of the same id still find it); undefined when the sync never stored one. One Query, rarely
 * more: the trail is read newest first.
 */
export async function lastSyncedUitdatabankId(
  eventId: string,
  deps: Pick<MappingDeps, 'audit'>,
): Promise<string | undefined> {
  let cursor: string | undefined;
  do {
    const page = await deps.audit.list('event', eventId, { limit: 100, cursor, organisationIds: 'all' });
    for (const entry of page.items) {
      const stored = entry.changes.uitdatabankId?.after;
      if (entry.actor.keyId === SYNC_ACTOR && typeof stored === 'string') return stored;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return undefined;
}

/**
 * For the UiTdatabank sync: store the id it created or found, unless a person mapped the event by hand, and record
 * the change like any other.
 */
export async function recordSyncedUitdatabankId(
  input: { eventId: string; uitdatabankId: string; expectedVersion: number },
  deps: Pick<MappingDeps, 'mappings' | 'audit' | 'now'>,
): Promise<SyncedIdResult> {
  const result = await deps.mappings.setSyncedUitdatabankId(
    input.eventId,
    input.uitdatabankId,
    input.expectedVersion,
    deps.now?.() ?? new Date(),
  );
  if (result.outcome === 'stored') {
    await recordChange(deps, {
      entity: 'event',
      entityId: input.eventId,
      action: 'update',
      at: result.event.updatedAt,
      version: result.event.version,
      actor: { clientName: SYNC_ACTOR, keyId: SYNC_ACTOR },
      before: result.previous,
      after: result.event,
    });
  }
  return result;
}

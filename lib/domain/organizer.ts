/**
 * Which UiTdatabank organizer an event belongs to (product rule 4): the promotor's UiTdatabank id when the event has
 * a promotor that has one; otherwise the id of the organisation that owns the event; otherwise none, with the reason
 * and what to fix. The sync sends this organizer to UiTdatabank and the readiness check compares it with the
 * UiTdatabank event's organizer.
 */
import { AppError } from './errors.js';
import type { Organisation, Promotor, TicketingEvent } from './mappings.js';
import { sameUitdatabankId } from './uitdatabank-ids.js';

export type OrganizerSource = 'promotor' | 'organisation';

export type UnresolvedOrganizerCode =
  | 'organisation-unknown'
  | 'promotor-unknown'
  | 'organisation-without-uitdatabank-id'
  | 'promotor-and-organisation-without-uitdatabank-id';

export interface UnresolvedOrganizer {
  code: UnresolvedOrganizerCode;
  /** What an administrator should do, for the readiness report (Dutch and English). */
  fix: { nl: string; en: string };
  organisationId: string;
  promotorId?: string;
}

export type OrganizerResolution =
  | { ok: true; organizerId: string; source: OrganizerSource }
  | { ok: false; reason: UnresolvedOrganizer };

/**
 * `organisation` and `promotor` are the stored records for `event.organisationId` and `event.promotorId` (undefined
 * when not found). A promotor the event names but we do not know is an error, not a fall back to the organisation:
 * the event was meant to be organised by someone else, and guessing would send it to UiTdatabank under the wrong name.
 */
export function resolveOrganizer(
  event: Pick<TicketingEvent, 'organisationId' | 'promotorId'>,
  organisation: Pick<Organisation, 'organisationId' | 'uitdatabankOrganizerId'> | undefined,
  promotor: Pick<Promotor, 'promotorId' | 'uitdatabankOrganizerId'> | undefined,
): OrganizerResolution {
  const organisationId = event.organisationId;
  const promotorId = event.promotorId;

  if (promotorId !== undefined) {
    if (!promotor) {
      return unresolved('promotor-unknown', organisationId, promotorId, {
        nl: `Promotor ${promotorId} is niet gekend. Sla de promotor op met zijn UiTdatabank-organisator-id, of haal de promotor weg bij het evenement.`,
        en: `Promotor ${promotorId} is unknown. Save the promotor with its UiTdatabank organizer id, or remove the promotor from the event.`,
      });
    }
    if (promotor.uitdatabankOrganizerId) {
      return { ok: true, organizerId: promotor.uitdatabankOrganizerId, source: 'promotor' };
    }
  }

  if (!organisation) {
    return unresolved('organisation-unknown', organisationId, promotorId, {
      nl: `Organisatie ${organisationId} is niet gekend. Sla de organisatie op met haar UiTdatabank-organisator-id.`,
      en: `Organisation ${organisationId} is unknown. Save the organisation with its UiTdatabank organizer id.`,
    });
  }
  if (organisation.uitdatabankOrganizerId) {
    return { ok: true, organizerId: organisation.uitdatabankOrganizerId, source: 'organisation' };
  }

  if (promotorId !== undefined) {
    return unresolved('promotor-and-organisation-without-uitdatabank-id', organisationId, promotorId, {
      nl: `Noch promotor ${promotorId} noch organisatie ${organisationId} heeft een UiTdatabank-organisator-id. Vul dat in bij de promotor (die gaat voor) of bij de organisatie.`,
      en: `Neither promotor ${promotorId} nor organisation ${organisationId} has an UiTdatabank organizer id. Enter it on the promotor (which takes precedence) or on the organisation.`,
    });
  }
  return unresolved('organisation-without-uitdatabank-id', organisationId, undefined, {
    nl: `Organisatie ${organisationId} heeft geen UiTdatabank-organisator-id. Vul het in bij de organisatie.`,
    en: `Organisation ${organisationId} has no UiTdatabank organizer id. Enter it on the organisation.`,
  });
}

/**
 * The organizer rule: the UiTdatabank event's organizer (null when it has none) must be the one we resolved. An
 * organizer we cannot resolve cannot be compared: `unresolved`.
 */
export type OrganizerMatch = 'match' | 'mismatch' | 'unresolved';

export function matchOrganizer(
  resolution: OrganizerResolution,
  uitdatabankOrganizerId: string | null,
): OrganizerMatch {
  if (!resolution.ok) return 'unresolved';
  return uitdatabankOrganizerId !== null && sameUitdatabankId(uitdatabankOrganizerId, resolution.organizerId)
    ? 'match'
    : 'mismatch';
}

/**
 * What one check found about the organizer rule for one UiTdatabank id, and when: a readiness check (an admin's or
 * the sync's) or the save of a manual mapping (`unverified` when it could not compare). It concerns the mapping, not
 * one version of the event: an edit that keeps the id, organisation and promotor does not make it stale.
 */
export interface OrganizerVerdict {
  uitdatabankId: string;
  match: OrganizerMatch | 'unverified';
  checkedAt: string;
}

/** The latest verdict about `uitdatabankId` (a verdict about another id says nothing about this one). */
export function latestVerdict(
  uitdatabankId: string,
  verdicts: readonly (OrganizerVerdict | undefined)[],
): OrganizerVerdict | undefined {
  return verdicts
    .filter(
      (v): v is OrganizerVerdict => v !== undefined && sameUitdatabankId(v.uitdatabankId, uitdatabankId),
    )
    .reduce<OrganizerVerdict | undefined>(
      (latest, v) => (latest === undefined || v.checkedAt > latest.checkedAt ? v : latest),
      undefined,
    );
}

function unresolved(
  code: UnresolvedOrganizerCode,
  organisationId: string,
  promotorId: string | undefined,
  fix: { nl: string; en: string },
): OrganizerResolution {
  return {
    ok: false,
    reason: { code, fix, organisationId, ...(promotorId === undefined ? {} : { promotorId }) },
  };
}

/**
 * The 422 of a manual mapping to an UiTdatabank event of another organizer: what UiTdatabank says, what we resolved
 * and from where, and the ids that can be fixed.
 */
export function organizerMismatch(
  uitdatabankId: string,
  uitdatabankOrganizerId: string | null,
  resolved: { organizerId: string; source: OrganizerSource },
  event: Pick<TicketingEvent, 'organisationId' | 'promotorId'>,
): AppError {
  const owner =
    resolved.source === 'promotor'
      ? { name: `promotor ${event.promotorId}`, fix: `PUT /v1/promotors/${event.promotorId}` }
      : {
          name: `organisation ${event.organisationId}`,
          fix: `PUT /v1/organisations/${event.organisationId}`,
        };
  const found =
    uitdatabankOrganizerId === null
      ? `UiTdatabank event ${uitdatabankId} has no organizer`
      : `UiTdatabank event ${uitdatabankId} belongs to organizer ${uitdatabankOrganizerId}`;
  const detail = `${found}, but this event's organizer is ${resolved.organizerId} (the UiTdatabank organizer id of ${owner.name}). Put the id of this organisation's own UiTdatabank event in uitdatabankId; or, if ${resolved.organizerId} is wrong, correct it with ${owner.fix}; or set organizer ${resolved.organizerId} on the event in UiTdatabank.`;
  return new AppError('organizer-mismatch', 422, 'The UiTdatabank event belongs to another organizer', {
    detail,
    extensions: {
      invalidParams: [{ pointer: '/uitdatabankId', detail }],
      uitdatabankOrganizerId,
      expectedOrganizerId: resolved.organizerId,
      expectedFrom: resolved.source,
    },
  });
}

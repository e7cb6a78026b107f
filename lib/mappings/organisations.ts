/**
 * Ticketing organisations and their UiTdatabank organizer id (the organizer of their events unless a promotor's id
 * takes over: lib/domain/organizer.ts). A key reads and writes only the organisations it may act for.
 */
import { ALL_ORGANISATIONS, mayActFor, type Principal } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import {
  changedFields,
  invalidField,
  invalidReference,
  notFound,
  type Organisation,
  organisationNotAllowed,
} from '../domain/mappings.js';
import {
  actorOf,
  checkExpectedVersion,
  type MappingDeps,
  recordChange,
  retryLostRaces,
  type SaveResult,
} from './deps.js';
import type { OrganisationBody } from './schemas.js';

/** An organizer id must exist in UiTdatabank, when we can ask (a new or changed id only). */
export async function checkOrganizerExists(
  deps: Pick<MappingDeps, 'uitdatabankOrganizers'>,
  organizerId: string | undefined,
  storedId: string | undefined,
): Promise<void> {
  if (!organizerId || organizerId === storedId || !deps.uitdatabankOrganizers) return;
  if (await deps.uitdatabankOrganizers.exists(organizerId)) return;
  throw invalidReference(
    'uitdatabank-organizer-not-found',
    'No such organizer in UiTdatabank',
    '/uitdatabankOrganizerId',
    `UiTdatabank has no organizer ${organizerId} (or it was deleted). Copy the id from the organizer's page in UiTdatabank.`,
  );
}

/** PUT: create or replace. Optional fields left out (or null) are removed: the body is the whole organisation. */
export async function saveOrganisation(
  input: {
    organisationId: string;
    body: OrganisationBody;
    expectedVersion?: number | undefined;
    principal: Principal;
  },
  deps: MappingDeps,
): Promise<SaveResult<Organisation>> {
  const { organisationId, body, principal } = input;
  if (body.organisationId !== undefined && body.organisationId !== organisationId) {
    throw invalidField('/organisationId', `must be the id in the path (${organisationId}), or be left out`);
  }
  // Refused whether or not it exists, so the answer says nothing about organisations of others.
  if (!mayActFor(principal, organisationId)) throw organisationNotAllowed(organisationId);
  let checked = false;

  return retryLostRaces(input.expectedVersion !== undefined, async () => {
    const existing = await deps.mappings.getOrganisation(organisationId, { consistent: true });
    checkExpectedVersion('organisation', organisationId, existing, input.expectedVersion);
    if (!checked) {
      await checkOrganizerExists(
        deps,
        body.uitdatabankOrganizerId ?? undefined,
        existing?.uitdatabankOrganizerId,
      );
      checked = true;
    }
    const now = (deps.now?.() ?? new Date()).toISOString();
    const next: Organisation = {
      organisationId,
      name: body.name,
      ...(body.uitdatabankOrganizerId ? { uitdatabankOrganizerId: body.uitdatabankOrganizerId } : {}),
      ...(body.defaultPlaceId ? { defaultPlaceId: body.defaultPlaceId } : {}),
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
      updatedBy: principal.clientName,
      version: (existing?.version ?? 0) + 1,
    };
    if (existing && Object.keys(changedFields(existing, next)).length === 0)
      return { item: existing, created: false };

    await deps.mappings.putOrganisation(next, existing?.version);
    await recordChange(deps, {
      entity: 'organisation',
      entityId: organisationId,
      action: existing ? 'update' : 'create',
      at: now,
      version: next.version,
      actor: actorOf(principal),
      before: existing,
      after: next,
    });
    return { item: next, created: !existing };
  });
}

async function visibleOrganisation(
  deps: MappingDeps,
  organisationId: string,
  principal: Principal,
  consistent: boolean,
): Promise<Organisation> {
  const organisation = mayActFor(principal, organisationId)
    ? await deps.mappings.getOrganisation(organisationId, { consistent })
    : undefined;
  if (!organisation) throw notFound('organisation', organisationId);
  return organisation;
}

export function getOrganisation(
  input: { organisationId: string; principal: Principal },
  deps: MappingDeps,
): Promise<Organisation> {
  return visibleOrganisation(deps, input.organisationId, input.principal, false);
}

/**
 * Refused while the organisation still has promotors or events in the external-mapping list: they would point at
 * nothing. Events without the UiTPAS or uitDB label are not indexed per organisation and are not checked; they are
 * no UiTPAS events, and saving one again needs the organisation to exist.
 */
export async function deleteOrganisation(
  input: { organisationId: string; expectedVersion?: number | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<void> {
  const { organisationId, principal } = input;
  await retryLostRaces(input.expectedVersion !== undefined, async () => {
    const existing = await visibleOrganisation(deps, organisationId, principal, true);
    checkExpectedVersion('organisation', organisationId, existing, input.expectedVersion);
    const [promotors, events] = await Promise.all([
      deps.mappings.hasPromotors(organisationId),
      deps.mappings.hasMappingEvents(organisationId),
    ]);
    if (promotors || events) {
      throw new AppError('organisation-in-use', 409, 'The organisation is still in use', {
        detail: `Organisation ${organisationId} still has ${promotors ? 'promotors' : 'UiTPAS or uitDB events'}. Delete or move them first.`,
      });
    }
    await deps.mappings.deleteOrganisation(organisationId, existing.version);
    await recordChange(deps, {
      entity: 'organisation',
      entityId: organisationId,
      action: 'delete',
      at: (deps.now?.() ?? new Date()).toISOString(),
      version: existing.version,
      actor: actorOf(principal),
      before: existing,
      after: undefined,
    });
  });
}

/** The key's organisations that are stored, by id; every organisation for a key that may act for all. */
export async function listOrganisations(
  input: { principal: Principal },
  deps: MappingDeps,
): Promise<Organisation[]> {
  const { principal } = input;
  if (principal.organisations.includes(ALL_ORGANISATIONS)) return deps.mappings.listAllOrganisations();
  const ids = [...new Set(principal.organisations)].sort();
  const found = await Promise.all(ids.map((id) => deps.mappings.getOrganisation(id)));
  return found.filter((organisation) => organisation !== undefined);
}

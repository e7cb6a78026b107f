/**
 * Ticketing organisations and their UiTdatabank organizer id (the organizer of their events unless a promotor's id
 * takes over: lib/domain/organizer.ts). A key reads and writes only the organisations it may act for.
 */
import { ALL_ORGANISATIONS, mayActFor, type Principal } from '../../domain/access.js';
import { AppError } from '../../domain/errors.js';
import {
  invalidField,
  invalidReference,
  notFound,
  type Organisation,
  organisationNotAllowed,
} from '../../domain/mappings.js';
import { checkExpectedVersion, type MappingDeps, retryLostRaces, type SaveResult } from './deps.js';
import { deleteItem, saveItem } from './entity.js';
import type { OrganisationBody } from './schemas.js';

/** An event or promotor belongs to a stored organisation. */
export async function checkOrganisationExists(
  deps: Pick<MappingDeps, 'mappings'>,
  organisationId: string,
): Promise<Organisation> {
  const organisation = await deps.mappings.getOrganisation(organisationId);
  if (organisation) return organisation;
  throw invalidReference(
    'unknown-organisation',
    'Unknown organisation',
    '/organisationId',
    `There is no organisation ${organisationId}. Save it first with PUT /v1/organisations/${organisationId}.`,
  );
}

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
    return saveItem(deps, {
      entity: 'organisation',
      entityId: organisationId,
      principal,
      existing,
      fields: {
        organisationId,
        name: body.name,
        ...(body.uitdatabankOrganizerId ? { uitdatabankOrganizerId: body.uitdatabankOrganizerId } : {}),
        ...(body.defaultPlaceId ? { defaultPlaceId: body.defaultPlaceId } : {}),
      },
      put: (next, previousVersion) => deps.mappings.putOrganisation(next, previousVersion),
    });
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
export function deleteOrganisation(
  input: { organisationId: string; expectedVersion?: number | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<void> {
  const { organisationId, principal } = input;
  return deleteItem(deps, {
    entity: 'organisation',
    entityId: organisationId,
    expectedVersion: input.expectedVersion,
    principal,
    read: () => visibleOrganisation(deps, organisationId, principal, true),
    refuse: async () => {
      const [promotors, events] = await Promise.all([
        deps.mappings.hasPromotors(organisationId),
        deps.mappings.hasMappingEvents(organisationId),
      ]);
      if (promotors || events) {
        throw new AppError('organisation-in-use', 409, 'The organisation is still in use', {
          detail: `Organisation ${organisationId} still has ${promotors ? 'promotors' : 'UiTPAS or uitDB events'}. Delete or move them first.`,
        });
      }
    },
    remove: (version) => deps.mappings.deleteOrganisation(organisationId, version),
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

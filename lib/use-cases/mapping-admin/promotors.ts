/**
 * Promotors: who organises an event on behalf of an organisation. A promotor's UiTdatabank organizer id, when it
 * has one, is the organizer of its events (lib/domain/organizer.ts). A promotor belongs to one organisation, which
 * decides who may see and change it.
 */
import { mayActFor, type Principal } from '../../domain/access.js';
import { invalidField, notFound, organisationNotAllowed, type Promotor } from '../../domain/mappings.js';
import {
  checkExpectedVersion,
  type MappingDeps,
  organisationsInScope,
  retryLostRaces,
  type SaveResult,
} from './deps.js';
import { deleteItem, saveItem, visibleOrNotFound } from './entity.js';
import { checkOrganisationExists, checkOrganizerExists } from './organisations.js';
import type { PromotorBody } from './schemas.js';

async function visiblePromotor(
  deps: MappingDeps,
  promotorId: string,
  principal: Principal,
  consistent: boolean,
): Promise<Promotor> {
  return visibleOrNotFound(
    'promotor',
    promotorId,
    principal,
    await deps.mappings.getPromotor(promotorId, { consistent }),
  );
}

/** PUT: create or replace. Moving a promotor to another organisation needs the key to act for both. */
export async function savePromotor(
  input: {
    promotorId: string;
    body: PromotorBody;
    expectedVersion?: number | undefined;
    principal: Principal;
  },
  deps: MappingDeps,
): Promise<SaveResult<Promotor>> {
  const { promotorId, body, principal } = input;
  if (body.promotorId !== undefined && body.promotorId !== promotorId) {
    throw invalidField('/promotorId', `must be the id in the path (${promotorId}), or be left out`);
  }
  let checked = false;

  return retryLostRaces(input.expectedVersion !== undefined, async () => {
    const stored = await deps.mappings.getPromotor(promotorId, { consistent: true });
    if (stored && !mayActFor(principal, stored.organisationId)) throw notFound('promotor', promotorId);
    if (!mayActFor(principal, body.organisationId)) throw organisationNotAllowed(body.organisationId);
    checkExpectedVersion('promotor', promotorId, stored, input.expectedVersion);
    await checkOrganisationExists(deps, body.organisationId);
    if (!checked) {
      await checkOrganizerExists(
        deps,
        body.uitdatabankOrganizerId ?? undefined,
        stored?.uitdatabankOrganizerId,
      );
      checked = true;
    }
    return saveItem(deps, {
      entity: 'promotor',
      entityId: promotorId,
      principal,
      existing: stored,
      fields: {
        promotorId,
        name: body.name,
        organisationId: body.organisationId,
        ...(body.uitdatabankOrganizerId ? { uitdatabankOrganizerId: body.uitdatabankOrganizerId } : {}),
      },
      put: (next, previousVersion) => deps.mappings.putPromotor(next, previousVersion),
    });
  });
}

export function getPromotor(
  input: { promotorId: string; principal: Principal },
  deps: MappingDeps,
): Promise<Promotor> {
  return visiblePromotor(deps, input.promotorId, input.principal, false);
}

/**
 * Not refused while events name the promotor (they are not indexed by promotor): the readiness check reports such an
 * event as "promotor unknown", with what to fix.
 */
export function deletePromotor(
  input: { promotorId: string; expectedVersion?: number | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<void> {
  const { promotorId, principal } = input;
  return deleteItem(deps, {
    entity: 'promotor',
    entityId: promotorId,
    expectedVersion: input.expectedVersion,
    principal,
    read: () => visiblePromotor(deps, promotorId, principal, true),
    remove: (version) => deps.mappings.deletePromotor(promotorId, version),
  });
}

/** The promotors of one organisation, or of all the key's organisations, by organisation and id. */
export async function listPromotors(
  input: { organisationId?: string | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<Promotor[]> {
  const organisationIds = await organisationsInScope(input.principal, deps.mappings, input.organisationId);
  const lists = await Promise.all(
    [...new Set(organisationIds)].sort().map((id) => deps.mappings.listPromotors(id)),
  );
  return lists.flat();
}

/**
 * Promotors: who organises an event on behalf of an organisation. A promotor's UiTdatabank organizer id, when it
 * has one, is the organizer of its events (lib/domain/organizer.ts). A promotor belongs to one organisation, which
 * decides who may see and change it.
 */
import { mayActFor, type Principal } from '../domain/access.js';
import {
  changedFields,
  invalidField,
  invalidReference,
  notFound,
  organisationNotAllowed,
  type Promotor,
} from '../domain/mappings.js';
import {
  actorOf,
  checkExpectedVersion,
  type MappingDeps,
  organisationsInScope,
  recordChange,
  retryLostRaces,
  type SaveResult,
} from './deps.js';
import { checkOrganizerExists } from './organisations.js';
import type { PromotorBody } from './schemas.js';

async function visiblePromotor(
  deps: MappingDeps,
  promotorId: string,
  principal: Principal,
  consistent: boolean,
): Promise<Promotor | undefined> {
  const promotor = await deps.mappings.getPromotor(promotorId, { consistent });
  return promotor && mayActFor(principal, promotor.organisationId) ? promotor : undefined;
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
    if (!(await deps.mappings.getOrganisation(body.organisationId))) {
      throw invalidReference(
        'unknown-organisation',
        'Unknown organisation',
        '/organisationId',
        `There is no organisation ${body.organisationId}. Save it first with PUT /v1/organisations/${body.organisationId}.`,
      );
    }
    if (!checked) {
      await checkOrganizerExists(
        deps,
        body.uitdatabankOrganizerId ?? undefined,
        stored?.uitdatabankOrganizerId,
      );
      checked = true;
    }
    const now = (deps.now?.() ?? new Date()).toISOString();
    const next: Promotor = {
      promotorId,
      name: body.name,
      organisationId: body.organisationId,
      ...(body.uitdatabankOrganizerId ? { uitdatabankOrganizerId: body.uitdatabankOrganizerId } : {}),
      createdAt: stored?.createdAt ?? now,
      updatedAt: now,
      updatedBy: principal.clientName,
      version: (stored?.version ?? 0) + 1,
    };
    if (stored && Object.keys(changedFields(stored, next)).length === 0)
      return { item: stored, created: false };

    await deps.mappings.putPromotor(next, stored?.version);
    await recordChange(deps, {
      entity: 'promotor',
      entityId: promotorId,
      action: stored ? 'update' : 'create',
      at: now,
      version: next.version,
      actor: actorOf(principal),
      before: stored,
      after: next,
    });
    return { item: next, created: !stored };
  });
}

export async function getPromotor(
  input: { promotorId: string; principal: Principal },
  deps: MappingDeps,
): Promise<Promotor> {
  const promotor = await visiblePromotor(deps, input.promotorId, input.principal, false);
  if (!promotor) throw notFound('promotor', input.promotorId);
  return promotor;
}

/**
 * Not refused while events name the promotor (they are not indexed by promotor): the readiness check reports such an
 * event as "promotor unknown", with what to fix.
 */
export async function deletePromotor(
  input: { promotorId: string; expectedVersion?: number | undefined; principal: Principal },
  deps: MappingDeps,
): Promise<void> {
  const { promotorId, principal } = input;
  await retryLostRaces(input.expectedVersion !== undefined, async () => {
    const existing = await visiblePromotor(deps, promotorId, principal, true);
    if (!existing) throw notFound('promotor', promotorId);
    checkExpectedVersion('promotor', promotorId, existing, input.expectedVersion);
    await deps.mappings.deletePromotor(promotorId, existing.version);
    await recordChange(deps, {
      entity: 'promotor',
      entityId: promotorId,
      action: 'delete',
      at: (deps.now?.() ?? new Date()).toISOString(),
      version: existing.version,
      actor: actorOf(principal),
      before: existing,
      after: undefined,
    });
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

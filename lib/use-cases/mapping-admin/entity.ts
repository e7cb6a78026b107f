/**
 * The read, save and delete steps that events, organisations and promotors go through alike. Each entity's module
 * keeps what is its own: its checks, its refusals and how a body becomes an item.
 */
import { mayActFor, type Principal } from '../../domain/access.js';
import { changedFields, type EntityKind, notFound, type Versioned } from '../../domain/mappings.js';
import {
  actorOf,
  checkExpectedVersion,
  type MappingDeps,
  recordChange,
  retryLostRaces,
  type SaveResult,
} from './deps.js';

/** A stored item: its organisation decides who may see it, its version guards every write. */
type Item = Versioned & { organisationId: string };

/** Missing and not-the-key's are the same 404, so a key cannot learn what exists elsewhere. */
export function visibleOrNotFound<T extends { organisationId: string }>(
  entity: EntityKind,
  id: string,
  principal: Principal,
  item: T | undefined,
): T {
  if (!item || !mayActFor(principal, item.organisationId)) throw notFound(entity, id);
  return item;
}

/**
 * The end of a PUT, once the entity's own checks passed. Saving what is stored again changes nothing (no new version,
 * no audit entry); otherwise the write is conditional on the version that was read, so a lost race is a conflict.
 */
export async function saveItem<T extends Item>(
  deps: Pick<MappingDeps, 'audit' | 'now'>,
  change: {
    entity: EntityKind;
    entityId: string;
    principal: Principal;
    existing: T | undefined;
    fields: Omit<T, keyof Versioned>;
    put: (next: T, previousVersion: number | undefined) => Promise<void>;
  },
): Promise<SaveResult<T>> {
  const { existing, principal } = change;
  const now = (deps.now?.() ?? new Date()).toISOString();
  // TypeScript cannot see that a generic T's other fields plus the stamp make a whole T.
  const next = {
    ...change.fields,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    updatedBy: principal.clientName,
    version: (existing?.version ?? 0) + 1,
  } as T;
  if (existing && Object.keys(changedFields(existing, next)).length === 0)
    return { item: existing, created: false };

  await change.put(next, existing?.version);
  await recordChange(deps, {
    entity: change.entity,
    entityId: change.entityId,
    action: existing ? 'update' : 'create',
    at: now,
    version: next.version,
    actor: actorOf(principal),
    before: existing,
    after: next,
  });
  return { item: next, created: !existing };
}

/**
 * DELETE: deleting a missing item is a 404, like reading it. The delete is conditional on the version that was read;
 * without an expected version a lost race reads and decides again.
 */
export function deleteItem<T extends Item>(
  deps: Pick<MappingDeps, 'audit' | 'now'>,
  target: {
    entity: EntityKind;
    entityId: string;
    expectedVersion: number | undefined;
    principal: Principal;
    /** A consistent read of the item the key may see; throws the 404 otherwise. */
    read: () => Promise<T>;
    /** The entity's own reasons to keep the item, checked after the version. */
    refuse?: () => Promise<void>;
    remove: (version: number) => Promise<void>;
  },
): Promise<void> {
  return retryLostRaces(target.expectedVersion !== undefined, async () => {
    const existing = await target.read();
    checkExpectedVersion(target.entity, target.entityId, existing, target.expectedVersion);
    await target.refuse?.();
    await target.remove(existing.version);
    await recordChange(deps, {
      entity: target.entity,
      entityId: target.entityId,
      action: 'delete',
      at: (deps.now?.() ?? new Date()).toISOString(),
      version: existing.version,
      actor: actorOf(target.principal),
      before: existing,
      after: undefined,
    });
  });
}

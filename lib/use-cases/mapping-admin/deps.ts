/**
 * What the mapping use cases share: their dependencies (the ports of ports.ts), the caller's scope, the audit step
 * and the retry of lost races.
 */

import { ALL_ORGANISATIONS, mayActFor, type Principal } from '../../domain/access.js';
import type { AuditActor, AuditEntry } from '../../domain/audit.js';
import { AppError } from '../../domain/errors.js';
import { changedFields, type EntityKind, isTicketingId, versionConflict } from '../../domain/mappings.js';
import { logger } from '../../logger.js';
import type { AuditTrail, MappingStore, UitdatabankEventsPort, UitdatabankOrganizersPort } from './ports.js';

export interface MappingDeps {
  mappings: MappingStore;
  audit: AuditTrail;
  uitdatabankEvents: UitdatabankEventsPort;
  /** Optional: without it, an organizer id is only checked for its shape. */
  uitdatabankOrganizers?: UitdatabankOrganizersPort | undefined;
  now?: () => Date;
}

export interface SaveResult<T> {
  item: T;
  /** True when the PUT created the item (201), false when it replaced it or changed nothing (200). */
  created: boolean;
}

/** A save without a version that loses a race reads again and retries: last writer wins, but atomically. */
const MAX_ATTEMPTS = 3;

export function isVersionConflict(error: unknown): boolean {
  return error instanceof AppError && error.slug === 'version-conflict';
}

/**
 * Runs `attempt` (read, decide, conditional write) again when it lost a race, unless the caller guarded the write
 * with a version: then the conflict is the answer.
 */
export async function retryLostRaces<T>(guarded: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (guarded || tries >= MAX_ATTEMPTS || !isVersionConflict(error)) throw error;
    }
  }
}

/** `If-Match` / `version`: the client edited this version; anything else means its form is stale. */
export function checkExpectedVersion(
  kind: EntityKind,
  id: string,
  current: { version: number } | undefined,
  expectedVersion: number | undefined,
): void {
  if (expectedVersion === undefined) return;
  if (!current) throw versionConflict(kind, id);
  if (current.version !== expectedVersion) throw versionConflict(kind, id, current.version);
}

/**
 * The organisations a request looks at: the one asked for (if the key may act for it), else all of the key's. A key
 * for `*` lists every stored organisation.
 */
export async function organisationsInScope(
  principal: Principal,
  mappings: Pick<MappingStore, 'listAllOrganisations'>,
  organisationId?: string,
): Promise<string[]> {
  if (organisationId !== undefined) {
    if (!mayActFor(principal, organisationId)) {
      throw new AppError('organisation-not-allowed', 403, 'This API key may not act for this organisation', {
        detail: `Your API key may not act for organisation ${organisationId}. Leave organisationId out to see all of yours.`,
      });
    }
    return [organisationId];
  }
  if (principal.organisations.includes(ALL_ORGANISATIONS))
    return (await mappings.listAllOrganisations()).map((organisation) => organisation.organisationId);
  return principal.organisations.filter(isTicketingId);
}

export function actorOf(principal: Principal): AuditActor {
  return { clientName: principal.clientName, keyId: principal.keyId };
}

/**
 * Records a change that has been made. The change is not undone when this fails (there are no transactions): the
 * caller still gets its answer, and the full entry goes to the error log so it can be restored from there.
 */
export async function recordChange(
  deps: Pick<MappingDeps, 'audit'>,
  change: Omit<AuditEntry, 'organisationIds' | 'changes'> & {
    before: ({ organisationId: string } & object) | undefined;
    after: ({ organisationId: string } & object) | undefined;
  },
): Promise<void> {
  const { before, after, ...rest } = change;
  const entry = {
    ...rest,
    organisationIds: [
      ...new Set([before?.organisationId, after?.organisationId].filter((id) => id !== undefined)),
    ],
    changes: changedFields(before, after),
  };
  try {
    await deps.audit.record(entry);
  } catch (error) {
    logger.error('Audit entry not written', { auditEntry: entry, error: error as Error });
  }
}

/**
 * The audit trail of one event, organisation or promotor, newest first: only the entries of organisations the key
 * may act for, so another organisation's history stays invisible (an empty list, as for an unknown id).
 */

import { ALL_ORGANISATIONS, type Principal } from '../../domain/access.js';
import type { AuditEntry } from '../../domain/audit.js';
import type { EntityKind } from '../../domain/mappings.js';
import type { Page } from '../../domain/page.js';
import type { MappingDeps } from './deps.js';

export function listAudit(
  input: { entity: EntityKind; id: string; limit: number; cursor?: string | undefined; principal: Principal },
  deps: Pick<MappingDeps, 'audit'>,
): Promise<Page<AuditEntry>> {
  const { principal } = input;
  return deps.audit.list(input.entity, input.id, {
    limit: input.limit,
    cursor: input.cursor,
    organisationIds: principal.organisations.includes(ALL_ORGANISATIONS) ? 'all' : principal.organisations,
  });
}

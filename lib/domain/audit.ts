/**
 * The audit trail's vocabulary: who changed an event, organisation or promotor, when, and which fields. The mapping
 * admin writes entries and reads them back; the table keeps them (lib/adapters/dynamodb/audit.ts).
 */
import type { EntityKind } from './mappings.js';

export type AuditAction = 'create' | 'update' | 'delete';

export interface AuditActor {
  clientName: string;
  keyId: string;
}

/** Who the UiTdatabank sync writes as: its `updatedBy`, and its actor in the audit trail. */
export const SYNC_ACTOR = 'uitdatabank-sync';

export interface AuditEntry {
  entity: EntityKind;
  entityId: string;
  action: AuditAction;
  /** ISO time of the change: the `updatedAt` it wrote (or the time of the delete). */
  at: string;
  /** The version the change produced; for a delete, the version it removed. */
  version: number;
  actor: AuditActor;
  /** The entity's organisation before and after the change (one id unless it moved). */
  organisationIds: string[];
  /** Only the fields that changed. */
  changes: Record<string, { before?: unknown; after?: unknown }>;
}

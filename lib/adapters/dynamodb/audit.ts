/**
 * The audit trail: one item per change of an event, organisation or promotor: who, when, what.
 *
 * Key layout: pk `AUDIT#<kind>#<id>`, sk `<at>#<version, 10 digits>#<action>`. One partition per entity, so its
 * history is one Query, newest first. The sort key is made of the change itself (its time, the version it produced
 * or removed, and the action), so writing the same entry again (an SDK retry after a timeout) hits the same key and
 * the conditional put turns the duplicate into a no-op.
 *
 * Entries carry the organisations the entity belonged to before and after the change, so a key only sees the history
 * of what it may act for, also after the entity was deleted or moved to another organisation.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit.js';
import type { EntityKind } from '../../domain/mappings.js';
import { cursorJson, encodeCursor, invalidCursor, type Page } from '../../domain/page.js';
import type { AuditListQuery } from '../../use-cases/mapping-admin/ports.js';
import * as z from '../../zod.js';
import type { Table } from './table.js';

export type { AuditAction, AuditActor, AuditEntry } from '../../domain/audit.js';
export type { AuditListQuery } from '../../use-cases/mapping-admin/ports.js';

const partition = (entity: EntityKind, entityId: string) => `AUDIT#${entity}#${entityId}`;
const sortKey = (entry: Pick<AuditEntry, 'at' | 'version' | 'action'>) =>
  `${entry.at}#${String(entry.version).padStart(10, '0')}#${entry.action}`;

const cursorSchema = z.strictObject({ s: z.string().check(z.minLength(1), z.maxLength(100)) });

function decodeCursor(raw: string): string {
  const parsed = cursorSchema.safeParse(cursorJson(raw));
  if (parsed.success) return parsed.data.s;
  throw invalidCursor('Use the nextCursor of the previous page; or leave cursor out to start over.');
}

export function createAuditRepository(table: Table) {
  const { doc, name: TableName } = table;

  return {
    /** Writes the entry once; writing the same entry again is a no-op. */
    async record(entry: AuditEntry): Promise<void> {
      try {
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              pk: partition(entry.entity, entry.entityId),
              sk: sortKey(entry),
              kind: 'audit',
              ...entry,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    /** The entity's history, newest first, limited to the organisations the caller may see. */
    async list(entity: EntityKind, entityId: string, query: AuditListQuery): Promise<Page<AuditEntry>> {
      const organisations = query.organisationIds === 'all' ? undefined : [...query.organisationIds];
      if (organisations?.length === 0) return { items: [], nextCursor: null };
      const filter = organisations?.map((_, i) => `contains(organisationIds, :o${i})`).join(' OR ');
      const pk = partition(entity, entityId);
      let start: Record<string, unknown> | undefined = query.cursor
        ? { pk, sk: decodeCursor(query.cursor) }
        : undefined;
      const items: AuditEntry[] = [];
      do {
        const page = await doc.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'pk = :pk',
            ...(filter ? { FilterExpression: filter } : {}),
            ExpressionAttributeValues: {
              ':pk': pk,
              ...Object.fromEntries((organisations ?? []).map((id, i) => [`:o${i}`, id])),
            },
            ScanIndexForward: false,
            Limit: query.limit - items.length,
            ExclusiveStartKey: start,
          }),
        );
        for (const { pk: _pk, sk: _sk, kind: _kind, ...entry } of page.Items ?? [])
          items.push(entry as AuditEntry);
        start = page.LastEvaluatedKey;
      } while (start && items.length < query.limit);
      return {
        items,
        nextCursor: start ? encodeCursor({ s: String(start.sk) }) : null,
      };
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;

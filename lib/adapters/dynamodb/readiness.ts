/**
 * The last readiness check of an event, kept ON the event item (pk `EVENT#<eventId>`, sk `EVENT`, see
 * lib/adapters/dynamodb/mappings.ts) in the attribute `readiness`, so the basket reads it with the event in its one GetItem
 * (`getEventForBasket`).
 *
 * The snapshot (lib/domain/readiness-snapshot.ts) is small on purpose: the basket's read costs by item size. It holds the event version it was computed
 * for, and the basket ignores it once the event has another version (an admin changed the event since). It is written
 * by an UpdateItem that sets only `readiness`, conditioned on the event still being at that version, so a check that
 * raced with an admin save is dropped rather than attached to an event it did not look at; and it never replaces a
 * later check of the same version. It never changes `version`: storing a check is not an edit. One other write sets
 * it: the sync's store of the UiTdatabank id it created (lib/adapters/dynamodb/sync.ts `storeSyncedId`), with the
 * assessment of the version that write makes, which no other check can have reached yet.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';
import { EVENT_KEY } from './mappings.js';
import type { Table } from './table.js';

export { type ReadinessSnapshot, toSnapshot } from '../../domain/readiness-snapshot.js';

export const READINESS_ATTRIBUTE = 'readiness';
/** The organizer rule's last verdict on the event's mapping (lib/domain/organizer.ts `OrganizerVerdict`). */
export const ORGANIZER_VERDICT_ATTRIBUTE = 'organizerVerdict';

export type StoreSnapshotResult =
  | { stored: true }
  /** The event is gone, or at another version, or a later check of this version is stored already. */
  | { stored: false };

/**
 * The parts of the UpdateItem that stores a readiness snapshot, for this repository and for the sync, which writes
 * its own record of the assessment in the same call (lib/adapters/dynamodb/sync.ts). Only over an older check of the
 * same event version, or any check of another version: a slow check never replaces a newer one. The organizer
 * verdict is kept beside the snapshot only, not in it twice (the basket's read costs by item size), and only when
 * this check reached one: a check that could not read UiTdatabank leaves the last verdict standing.
 */
export function snapshotUpdate(snapshot: ReadinessSnapshot): {
  set: string[];
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const written = snapshotSet(snapshot);
  return {
    set: written.set,
    condition:
      'attribute_exists(pk) AND #version = :version AND (attribute_not_exists(#readiness.#checkedAt)' +
      ' OR #readiness.#eventVersion <> :version OR #readiness.#checkedAt <= :checkedAt)',
    names: {
      ...written.names,
      '#version': 'version',
      '#checkedAt': 'checkedAt',
      '#eventVersion': 'eventVersion',
    },
    values: { ...written.values, ':version': snapshot.eventVersion, ':checkedAt': snapshot.checkedAt },
  };
}

/**
 * What `snapshotUpdate` sets, without its condition: for a write that makes the snapshot's version itself (the sync's
 * store of the id it created, lib/adapters/dynamodb/sync.ts `storeSyncedId`), where no other check of that version
 * can exist yet and the write's own condition pins the version it replaces.
 */
export function snapshotSet(snapshot: ReadinessSnapshot): {
  set: string[];
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const { organizer, ...stored } = snapshot;
  return {
    set: ['#readiness = :snapshot', ...(organizer ? ['#verdict = :verdict'] : [])],
    names: {
      '#readiness': READINESS_ATTRIBUTE,
      ...(organizer ? { '#verdict': ORGANIZER_VERDICT_ATTRIBUTE } : {}),
    },
    values: { ':snapshot': stored, ...(organizer ? { ':verdict': organizer } : {}) },
  };
}

export function createReadinessRepository(table: Table) {
  const { doc, name: TableName } = table;
  return {
    async storeSnapshot(eventId: string, snapshot: ReadinessSnapshot): Promise<StoreSnapshotResult> {
      const update = snapshotUpdate(snapshot);
      try {
        await doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: `SET ${update.set.join(', ')}`,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: update.values,
          }),
        );
        return { stored: true };
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return { stored: false };
        throw error;
      }
    },
  };
}

export type ReadinessRepository = ReturnType<typeof createReadinessRepository>;

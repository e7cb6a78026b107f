/**
 * Ticketing events, organisations and promotors, with their UiTdatabank ids.
 *
 * Key layout (one table, every key a string):
 *
 * | item         | pk                | sk         | gsi1pk (index 'gsi1')          | gsi1sk                                  |
 * |--------------|-------------------|------------|--------------------------------|-----------------------------------------|
 * | event        | `EVENT#<eventId>` | `EVENT`    | `ORG#<orgId>#EXTMAP`, sparse   | `MAPPED#<start, UTC>#<eventId>`, or     |
 * |              |                   |            |                                | `UNMAPPED#<start, UTC>#<eventId>`       |
 * | organisation | `ORG#<orgId>`     | `ORG`      | `ORGS`                         | `<orgId>`                               |
 * | promotor     | `PROMOTOR#<id>`   | `PROMOTOR` | `ORG#<orgId>#PROMOTORS`        | `<promotorId>`                          |
 * | claim        | `UITDBEVENT#<id>` | `CLAIM`    |                                |                                         |
 * | sync memory  | `SYNCRETIRED#<id>`| `SYNC`     | `ORG#<orgId>#SYNCRETIRED`      | `<eventId>`                             |
 *
 * - An event is read with one GetItem (the basket's hot path).
 * - Only events labelled `UiTPAS` or `uitDB` carry gsi1 keys: the external-mapping list is a Query per organisation,
 *   `mapped=true|false` is `begins_with(gsi1sk, 'MAPPED#' | 'UNMAPPED#')`, and within each it is ordered by start.
 *   A PUT replaces the whole item, so an event that loses its labels leaves the index by itself.
 * - `ORGS` lists every organisation, for keys that may act for all of them (`*`). Organisations are few.
 * - A claim says which organisation (and which of its events) maps an UiTdatabank event by hand (id in lower case):
 *   one organisation per UiTdatabank event. It has no version: it is taken over only from the holder it names.
 * - The sync's memory of a deleted event: deleting an event the sync created in UiTdatabank first stores the
 *   UiTdatabank id and what the sync last pushed to it (`syncPushed`), under the event's organisation. When the
 *   ticketing event is saved again, the sync maps it back to that UiTdatabank event instead of creating a second one,
 *   reading all of an organisation's with one Query per run (`RETIRED_SYNC`), and only in a run that creates.
 *
 * Writes are UpdateItem calls that set or remove only the attributes this repository owns, so other features may keep
 * their own attributes on the same item without an admin save wiping them: `readiness` and `organizerVerdict`
 * (lib/adapters/dynamodb/readiness.ts) and
 * `syncPushed`, `syncClaim`, `syncIssues`, `syncRefreshed` (lib/adapters/dynamodb/sync.ts). The sync stores an id it
 * created with the update built here (`syncedIdUpdate`), in the same UpdateItem as its own push state.
 *
 * Other item kinds of the table, kept by their own repositories: `APIKEY#<hash>` (api-keys.ts), `AUDIT#<kind>#<id>`
 * (audit.ts), `CACHE#UITPAS_PERMISSIONS` (permissions.ts), `SYNC#…` (sync.ts), `ORDER#<orderId>` and
 * `TICKETSALE#<id>` with the gsi1 partitions `ORDERS#…` (orders.ts).
 *
 * Every item has `version`; every write is conditional on the version read (or on absence, for a create), so a lost
 * race fails with a 409 instead of silently overwriting. No transactions: each write touches exactly one item.
 *
 * It is the store the mapping admin's and the readiness check's ports describe (lib/use-cases/mapping-admin/ports.ts,
 * lib/use-cases/readiness/ports.ts), plus the basket's read.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SYNC_ACTOR } from '../../domain/audit.js';
import {
  type EntityKind,
  hasMappingLabel,
  isMapped,
  isTicketingId,
  isUitdatabankId,
  type MappingLabel,
  type Organisation,
  type Promotor,
  type TicketingEvent,
  versionConflict,
} from '../../domain/mappings.js';
import type { OrganizerVerdict } from '../../domain/organizer.js';
import { cursorJson, encodeCursor, invalidCursor, type Page } from '../../domain/page.js';
import type { CardSystemCoverage, CardSystemRef, OrganizerPermissionSnapshot } from '../../domain/tariffs.js';
import type {
  EventListQuery,
  SyncedIdResult,
  UitdatabankClaim,
} from '../../use-cases/mapping-admin/ports.js';
import * as z from '../../zod.js';
import { GSI1, queryPartition, type Table } from './table.js';

/** Who the sync writes as, in `updatedBy`. */
export { SYNC_ACTOR } from '../../domain/audit.js';
export type { Page } from '../../domain/page.js';
export type { EventListQuery, SyncedIdResult } from '../../use-cases/mapping-admin/ports.js';

export const EVENT_KEY = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
const ORGANISATION = (organisationId: string) => ({ pk: `ORG#${organisationId}`, sk: 'ORG' });
const PROMOTOR = (promotorId: string) => ({ pk: `PROMOTOR#${promotorId}`, sk: 'PROMOTOR' });
/** The gsi1 partition of an organisation's events labelled UiTPAS or uitDB; the sync reads it too. */
export const EXTMAP = (organisationId: string) => `ORG#${organisationId}#EXTMAP`;
const PROMOTORS = (organisationId: string) => `ORG#${organisationId}#PROMOTORS`;
/** The gsi1 partition of what the sync remembers of an organisation's deleted events; the sync reads it. */
export const RETIRED_SYNC = (organisationId: string) => `ORG#${organisationId}#SYNCRETIRED`;
const RETIRED_SYNC_KEY = (eventId: string) => ({ pk: `SYNCRETIRED#${eventId}`, sk: 'SYNC' });
const ALL_ORGANISATIONS = 'ORGS';
const MAPPED_PREFIX = 'MAPPED#';
const UNMAPPED_PREFIX = 'UNMAPPED#';

/**
 * The attributes each item kind owns. Reads pick only these and writes set or remove only these, so attributes that
 * other features keep on the same item (the sync's push state, the readiness snapshot) survive an admin save untouched.
 */
export const EVENT_FIELDS = [
  'eventId',
  'organisationId',
  'promotorId',
  'name',
  'startDate',
  'endDate',
  'labels',
  'placeId',
  'eventTypeId',
  'ticketTypes',
  'hint',
  'uitdatabankId',
  'uitdatabankIdSource',
  'organizerCheck',
  'createdAt',
  'updatedAt',
  'updatedBy',
  'version',
] as const;
const ORGANISATION_FIELDS = [
  'organisationId',
  'name',
  'uitdatabankOrganizerId',
  'defaultPlaceId',
  'createdAt',
  'updatedAt',
  'updatedBy',
  'version',
] as const;
const PROMOTOR_FIELDS = [
  'promotorId',
  'name',
  'uitdatabankOrganizerId',
  'organisationId',
  'createdAt',
  'updatedAt',
  'updatedBy',
  'version',
] as const;
/** Fails to compile when a domain type gains a field that the list above does not store. */
type Complete<T, F extends readonly string[]> = Exclude<keyof T, F[number]> extends never ? true : false;
const _fieldListsComplete: [
  Complete<TicketingEvent, typeof EVENT_FIELDS>,
  Complete<Organisation, typeof ORGANISATION_FIELDS>,
  Complete<Promotor, typeof PROMOTOR_FIELDS>,
] = [true, true, true];
const INDEX_ATTRIBUTES = ['kind', 'gsi1pk', 'gsi1sk'] as const;

function pick<T>(item: Record<string, unknown>, fields: readonly string[]): T {
  const picked: Record<string, unknown> = {};
  for (const field of fields) if (item[field] !== undefined) picked[field] = item[field];
  return picked as T;
}

/** The start in UTC, so events sort by time whatever offset they were written with. */
function startKey(startDate: string): string {
  const time = Date.parse(startDate);
  return Number.isNaN(time) ? startDate : new Date(time).toISOString();
}

/** The attributes an event owns, its index keys included (absent when it is not in the list). */
function eventAttributes(event: TicketingEvent): Record<string, unknown> {
  const index = hasMappingLabel(event.labels)
    ? {
        gsi1pk: EXTMAP(event.organisationId),
        gsi1sk: `${isMapped(event) ? MAPPED_PREFIX : UNMAPPED_PREFIX}${startKey(event.startDate)}#${event.eventId}`,
      }
    : {};
  return { kind: 'event', ...index, ...event };
}

const cursorSchema = z.strictObject({
  /** The filter the cursor was made for: a cursor is only valid for the same question. */
  f: z.string().check(z.maxLength(40)),
  /** The organisation to go on with. */
  o: z.string().check(z.maxLength(100)),
  /** The position inside it (exclusive), absent to start at its beginning. */
  s: z.optional(z.string().check(z.maxLength(300))),
  e: z.optional(z.string().check(z.maxLength(100))),
});
type Cursor = z.infer<typeof cursorSchema>;

const invalidListCursor = () =>
  invalidCursor(
    'Use the nextCursor of the previous page, with the same filters; or leave cursor out to start over.',
  );

function decodeCursor(raw: string, filter: string, prefix: string): Cursor {
  const result = cursorSchema.safeParse(cursorJson(raw));
  if (!result.success || result.data.f !== filter) throw invalidListCursor();
  const { s, e } = result.data;
  // A position we did not hand out could make DynamoDB refuse the query with a 500: check its shape.
  if ((s === undefined) !== (e === undefined)) throw invalidListCursor();
  if (
    s !== undefined &&
    (!s.startsWith(prefix) ||
      !(s.startsWith(MAPPED_PREFIX) || s.startsWith(UNMAPPED_PREFIX)) ||
      !isTicketingId(e) ||
      !s.endsWith(`#${e}`))
  )
    throw invalidListCursor();
  return result.data;
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

type Key = Record<string, string>;
/** Which item a write is about, for the 409 a lost race becomes. */
type Target = { kind: EntityKind; id: string; key: Key };

// --- The item primitives ---------------------------------------------------------------------------------------

async function getItem<T>(
  table: Table,
  key: Key,
  fields: readonly string[],
  consistent: boolean,
): Promise<T | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: key, ConsistentRead: consistent }),
  );
  return Item ? pick<T>(Item, fields) : undefined;
}

/** A conditional write whose condition is the version: failing it means someone else wrote first. */
async function versioned(target: Target, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (isConditionFailure(error)) throw versionConflict(target.kind, target.id);
    throw error;
  }
}

/** SET what the item has of `fields` (and its index keys), REMOVE what it has not. */
function updateOf(attributes: Record<string, unknown>, fields: readonly string[]) {
  const names: Record<string, string> = { '#version': 'version' };
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  [...fields, ...INDEX_ATTRIBUTES].forEach((field, i) => {
    if (field === 'version') {
      set.push('#version = :version');
      values[':version'] = attributes.version;
      return;
    }
    names[`#a${i}`] = field;
    if (attributes[field] === undefined) remove.push(`#a${i}`);
    else {
      set.push(`#a${i} = :a${i}`);
      values[`:a${i}`] = attributes[field];
    }
  });
  return {
    UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * Create when `previousVersion` is undefined, else replace the item stored at exactly that version. An update
 * rather than a put: it sets or removes the attributes this repository owns and leaves any others alone.
 */
function writeItem(
  table: Table,
  target: Target,
  attributes: Record<string, unknown>,
  fields: readonly string[],
  previousVersion: number | undefined,
): Promise<void> {
  const update = updateOf(attributes, fields);
  if (previousVersion !== undefined) update.ExpressionAttributeValues[':previous'] = previousVersion;
  return versioned(target, () =>
    table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: target.key,
        ...update,
        ConditionExpression:
          previousVersion === undefined ? 'attribute_not_exists(pk)' : '#version = :previous',
      }),
    ),
  );
}

function removeItem(table: Table, target: Target, version: number): Promise<void> {
  return versioned(target, () =>
    table.doc.send(
      new DeleteCommand({
        TableName: table.name,
        Key: target.key,
        ConditionExpression: '#version = :version',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':version': version },
      }),
    ),
  );
}

/** Every item of a gsi1 partition (organisations and promotors are few: no paging for the caller). */
async function queryAll<T>(table: Table, partition: string, fields: readonly string[]): Promise<T[]> {
  return (await queryPartition(table, partition)).map((item) => pick<T>(item, fields));
}

async function anyIn(table: Table, partition: string): Promise<boolean> {
  const page = await table.doc.send(
    new QueryCommand({
      TableName: table.name,
      IndexName: GSI1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      Limit: 1,
    }),
  );
  return (page.Items ?? []).length > 0;
}

// --- Events ------------------------------------------------------------------------------------------------------

const eventTarget = (eventId: string): Target => ({ kind: 'event', id: eventId, key: EVENT_KEY(eventId) });

/**
 * The basket's one read: the event, the readiness snapshot kept on it and the organizer verdict beside it
 * (lib/adapters/dynamodb/readiness.ts). The snapshot's organizer permission is only trusted while it was computed for
 * this version of the event: after an admin change it is stale. The organizer verdict concerns the UiTdatabank id it
 * names, whatever the version (see `latestVerdict` in lib/domain/organizer.ts).
 */
/**
 * Strongly consistent: a mapping change must apply to the very next lookup, not the one after DynamoDB's replicas
 * caught up. It costs one read unit instead of half for an item under 4 KB.
 */
async function getEventForBasket(table: Table, eventId: string): Promise<BasketRead | undefined> {
  const { Item } = await table.doc.send(
    new GetCommand({ TableName: table.name, Key: EVENT_KEY(eventId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const event = pick<TicketingEvent>(Item, EVENT_FIELDS);
  const snapshot = Item.readiness as { eventVersion?: unknown } | undefined;
  const organizerPermission =
    snapshot?.eventVersion === event.version ? snapshotPermission(Item.readiness) : undefined;
  const organizerVerdict = storedVerdict(Item.organizerVerdict);
  return {
    event,
    ...(organizerPermission ? { organizerPermission } : {}),
    ...(organizerVerdict ? { organizerVerdict } : {}),
  };
}

type BasketRead = {
  event: TicketingEvent;
  organizerPermission?: OrganizerPermissionSnapshot;
  organizerVerdict?: OrganizerVerdict;
};

const VERDICTS: readonly unknown[] = ['match', 'mismatch', 'unresolved', 'unverified'];

function storedVerdict(value: unknown): OrganizerVerdict | undefined {
  const verdict = value as Record<string, unknown> | undefined;
  if (
    typeof verdict?.uitdatabankId !== 'string' ||
    typeof verdict.checkedAt !== 'string' ||
    !VERDICTS.includes(verdict.match)
  )
    return undefined;
  return {
    uitdatabankId: verdict.uitdatabankId,
    match: verdict.match as OrganizerVerdict['match'],
    checkedAt: verdict.checkedAt,
  };
}

/** The snapshot's organizer permission, when it has its shape. */
function snapshotPermission(readiness: {
  organizerPermission?: Record<string, unknown>;
}): OrganizerPermissionSnapshot | undefined {
  const permission = readiness.organizerPermission;
  if (
    !permission ||
    typeof permission.organizerId !== 'string' ||
    typeof permission.permitted !== 'boolean' ||
    typeof permission.checkedAt !== 'string'
  )
    return undefined;
  const cardSystems = snapshotCoverage(permission.cardSystems);
  return {
    organizerId: permission.organizerId,
    permitted: permission.permitted,
    ...(cardSystems ? { cardSystems } : {}),
    checkedAt: permission.checkedAt,
  };
}

/**
 * The card systems the permission covers, when the snapshot has them in their shape. Snapshots stored before they were
 * kept, or malformed, have none: the till then leaves the card systems to UiTPAS, as it did before.
 */
function snapshotCoverage(value: unknown): CardSystemCoverage | undefined {
  const coverage = value as Record<string, unknown> | undefined;
  const refs = (list: unknown): CardSystemRef[] | undefined => {
    if (!Array.isArray(list)) return undefined;
    const out: CardSystemRef[] = [];
    for (const entry of list as Record<string, unknown>[]) {
      if (typeof entry?.id !== 'number') return undefined;
      out.push({ id: entry.id, name: typeof entry.name === 'string' ? entry.name : null });
    }
    return out;
  };
  const covered = refs(coverage?.covered);
  const uncovered = refs(coverage?.uncovered);
  return covered && uncovered ? { covered, uncovered } : undefined;
}

/** Why the sync may not store `uitdatabankId` on this event, whatever its version. */
export function syncRefusal(
  current: TicketingEvent,
  uitdatabankId: string,
): Extract<SyncedIdResult, { outcome: 'manual-mapping-kept' | 'other-id-kept' }> | undefined {
  if (current.uitdatabankIdSource === 'manual') return { outcome: 'manual-mapping-kept', event: current };
  if (current.uitdatabankId !== undefined && current.uitdatabankId !== uitdatabankId)
    return { outcome: 'other-id-kept', event: current };
  return undefined;
}

/** The parts of the UpdateItem that stores an id the sync created or found, and the event it makes. */
export interface SyncedIdUpdate {
  /** The event once written: the next version, by the sync. */
  next: TicketingEvent;
  /** SET clauses: the mapping and its metadata only (and the index key that says it is mapped). */
  set: string[];
  condition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
}

/**
 * Stores `uitdatabankId` on `current` (the event as read, at `current.version`): only the mapping and its metadata,
 * so whatever else is on the item (the sync's own state) stays. The condition is the version read; never over a
 * manual mapping or another id (a run that lost a version race must not replace what the winner stored). The sync's
 * store adds its own attributes to the same write (lib/adapters/dynamodb/sync.ts `storeSyncedId`).
 */
export function syncedIdUpdate(current: TicketingEvent, uitdatabankId: string, now: Date): SyncedIdUpdate {
  if (!isUitdatabankId(uitdatabankId)) throw new RangeError('not an UiTdatabank id');
  const next: TicketingEvent = {
    ...current,
    uitdatabankId,
    uitdatabankIdSource: 'sync',
    updatedAt: now.toISOString(),
    updatedBy: SYNC_ACTOR,
    version: current.version + 1,
  };
  const gsi1sk = eventAttributes(next).gsi1sk as string | undefined;
  return {
    next,
    set: [
      'uitdatabankId = :id',
      '#source = :sync',
      'updatedAt = :at',
      'updatedBy = :by',
      '#version = :next',
      ...(gsi1sk === undefined ? [] : ['gsi1sk = :gsi1sk']),
    ],
    condition:
      '#version = :expected AND (attribute_not_exists(#source) OR #source <> :manual)' +
      ' AND (attribute_not_exists(uitdatabankId) OR uitdatabankId = :id)',
    names: { '#version': 'version', '#source': 'uitdatabankIdSource' },
    values: {
      ':id': uitdatabankId,
      ':sync': 'sync',
      ':at': next.updatedAt,
      ':by': next.updatedBy,
      ':next': next.version,
      ':expected': current.version,
      ':manual': 'manual',
      ...(gsi1sk === undefined ? {} : { ':gsi1sk': gsi1sk }),
    },
  };
}

/** One conditional write of `syncedIdUpdate`; false when its condition failed. */
async function writeSyncedId(table: Table, eventId: string, update: SyncedIdUpdate): Promise<boolean> {
  try {
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: EVENT_KEY(eventId),
        UpdateExpression: `SET ${update.set.join(', ')}`,
        ConditionExpression: update.condition,
        ExpressionAttributeNames: update.names,
        ExpressionAttributeValues: update.values,
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/**
 * The sync's way to store the UiTdatabank id it created or found. Refuses, by a condition on the write itself,
 * when the stored id was entered by hand, so a manual mapping wins even against a concurrent admin save.
 */
async function setSyncedUitdatabankId(
  table: Table,
  eventId: string,
  uitdatabankId: string,
  expectedVersion: number,
  now: Date,
): Promise<SyncedIdResult> {
  if (!isUitdatabankId(uitdatabankId)) throw new RangeError('not an UiTdatabank id');
  const current = await getItem<TicketingEvent>(table, EVENT_KEY(eventId), EVENT_FIELDS, true);
  if (!current) return { outcome: 'not-found' };
  const refused = syncRefusal(current, uitdatabankId);
  if (refused) return refused;
  if (current.version !== expectedVersion)
    return { outcome: 'version-conflict', currentVersion: current.version };
  if (current.uitdatabankId === uitdatabankId) return { outcome: 'unchanged', event: current };
  const update = syncedIdUpdate(current, uitdatabankId, now);
  if (await writeSyncedId(table, eventId, update))
    return { outcome: 'stored', event: update.next, previous: current };
  const stored = await getItem<TicketingEvent>(table, EVENT_KEY(eventId), EVENT_FIELDS, true);
  if (!stored) return { outcome: 'not-found' };
  return (
    syncRefusal(stored, uitdatabankId) ?? { outcome: 'version-conflict', currentVersion: stored.version }
  );
}

/** Where a cursor goes on: the organisation (an index into `organisations`) and the position inside it. */
function resumeAt(organisations: readonly string[], cursor: Cursor | undefined) {
  // An organisation in the cursor that is no longer in the list (or never was) is skipped, never queried.
  let index = cursor ? organisations.findIndex((id) => id >= cursor.o) : 0;
  if (index < 0) index = organisations.length;
  const start: Record<string, unknown> | undefined =
    cursor?.s !== undefined && cursor.e !== undefined && organisations[index] === cursor.o
      ? { gsi1pk: EXTMAP(cursor.o), gsi1sk: cursor.s, ...EVENT_KEY(cursor.e) }
      : undefined;
  return { index, start };
}

function queryMappingEvents(
  table: Table,
  organisationId: string,
  query: { prefix: string; label: MappingLabel | undefined; limit: number },
  start: Record<string, unknown> | undefined,
) {
  const { prefix, label } = query;
  return table.doc.send(
    new QueryCommand({
      TableName: table.name,
      IndexName: GSI1,
      KeyConditionExpression: prefix ? 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)' : 'gsi1pk = :pk',
      ...(label ? { FilterExpression: 'contains(labels, :label)' } : {}),
      ExpressionAttributeValues: {
        ':pk': EXTMAP(organisationId),
        ...(prefix ? { ':prefix': prefix } : {}),
        ...(label ? { ':label': label } : {}),
      },
      Limit: query.limit,
      ExclusiveStartKey: start,
    }),
  );
}

/**
 * The external-mapping list: events labelled `UiTPAS` or `uitDB` of the given organisations, one Query per
 * organisation on gsi1, organisation after organisation (in id order) and by start within each. The cursor holds
 * the organisation and the position in it, and is only accepted for the same filter.
 */
async function listMappingEvents(table: Table, query: EventListQuery): Promise<Page<TicketingEvent>> {
  const organisations = [...new Set(query.organisationIds)].sort();
  const prefix = query.mapped === undefined ? '' : query.mapped ? MAPPED_PREFIX : UNMAPPED_PREFIX;
  const filter = `m=${query.mapped ?? '*'};l=${query.label ?? '*'}`;
  let { index, start } = resumeAt(
    organisations,
    query.cursor ? decodeCursor(query.cursor, filter, prefix) : undefined,
  );

  const items: TicketingEvent[] = [];
  while (index < organisations.length) {
    const organisationId = organisations[index] as string;
    const wanted = query.limit - items.length;
    // One more than needed, to know whether this organisation has more without an extra (empty) page. Limit counts
    // items read before the filter: a filtered page may come back short, and we go on.
    const page = await queryMappingEvents(
      table,
      organisationId,
      { prefix, label: query.label, limit: wanted + 1 },
      start,
    );
    const found = page.Items ?? [];
    for (const item of found.slice(0, wanted)) items.push(pick<TicketingEvent>(item, EVENT_FIELDS));
    if (found.length > wanted) {
      const last = found[wanted - 1] as Record<string, unknown>;
      const position = { s: String(last.gsi1sk), e: String(last.eventId) };
      return { items, nextCursor: encodeCursor({ f: filter, o: organisationId, ...position }) };
    }
    start = page.LastEvaluatedKey;
    if (!start) index += 1;
    if (items.length >= query.limit) {
      if (start) {
        const position = { s: String(start.gsi1sk), e: String(start.pk).slice('EVENT#'.length) };
        return { items, nextCursor: encodeCursor({ f: filter, o: organisationId, ...position }) };
      }
      const next = organisations[index];
      return { items, nextCursor: next === undefined ? null : encodeCursor({ f: filter, o: next }) };
    }
  }
  return { items, nextCursor: null };
}

function eventMethods(table: Table) {
  return {
    /** One GetItem. `consistent` for a read that a conditional write will follow. */
    getEvent(eventId: string, options: { consistent?: boolean } = {}): Promise<TicketingEvent | undefined> {
      return getItem<TicketingEvent>(table, EVENT_KEY(eventId), EVENT_FIELDS, options.consistent ?? false);
    },

    /** The basket's one read: the event, and what its last readiness check found about the organizer if that check saw this version. */
    getEventForBasket(eventId: string): Promise<BasketRead | undefined> {
      return getEventForBasket(table, eventId);
    },

    /** Create (`previousVersion` undefined) or replace the version read; a lost race throws a 409 AppError. */
    putEvent(event: TicketingEvent, previousVersion: number | undefined): Promise<void> {
      return writeItem(
        table,
        eventTarget(event.eventId),
        eventAttributes(event),
        EVENT_FIELDS,
        previousVersion,
      );
    },

    /**
     * Deletes the version read. An event whose UiTdatabank event the sync created leaves the sync's memory of it
     * behind (see the header), written before the delete so that no crash between the two forgets it; a delete that
     * then loses its version race leaves a memory of a live event, which the sync only reads for events without id.
     */
    async deleteEvent(eventId: string, version: number): Promise<void> {
      const { Item } = await table.doc.send(
        new GetCommand({ TableName: table.name, Key: EVENT_KEY(eventId), ConsistentRead: true }),
      );
      const pushed = Item?.syncPushed as { uitdatabankId?: unknown } | undefined;
      if (Item?.version === version && typeof pushed?.uitdatabankId === 'string') {
        await table.doc.send(
          new PutCommand({
            TableName: table.name,
            Item: {
              ...RETIRED_SYNC_KEY(eventId),
              gsi1pk: RETIRED_SYNC(String(Item.organisationId)),
              gsi1sk: eventId,
              kind: 'sync-retired',
              eventId,
              pushed,
              retiredAt: new Date().toISOString(),
            },
          }),
        );
      }
      return removeItem(table, eventTarget(eventId), version);
    },

    /**
     * Claims the UiTdatabank event for `owner`'s organisation: taken when nobody holds it or that organisation already
     * does; with `takeOverFrom`, only while that holder still holds it. Otherwise answers who holds it.
     */
    async claimUitdatabankEvent(
      uitdatabankId: string,
      owner: UitdatabankClaim,
      takeOverFrom?: UitdatabankClaim,
    ): Promise<{ claimed: true } | { claimed: false; holder: UitdatabankClaim | undefined }> {
      const Key = { pk: `UITDBEVENT#${uitdatabankId.toLowerCase()}`, sk: 'CLAIM' };
      try {
        await table.doc.send(
          new UpdateCommand({
            TableName: table.name,
            Key,
            UpdateExpression: 'SET organisationId = :org, eventId = :event, claimedAt = :at',
            ConditionExpression: takeOverFrom
              ? 'organisationId = :fromOrg AND eventId = :fromEvent'
              : 'attribute_not_exists(pk) OR organisationId = :org',
            ExpressionAttributeValues: {
              ':org': owner.organisationId,
              ':event': owner.eventId,
              ':at': new Date().toISOString(),
              ...(takeOverFrom
                ? { ':fromOrg': takeOverFrom.organisationId, ':fromEvent': takeOverFrom.eventId }
                : {}),
            },
          }),
        );
        return { claimed: true };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        const { Item } = await table.doc.send(
          new GetCommand({ TableName: table.name, Key, ConsistentRead: true }),
        );
        return {
          claimed: false,
          holder: Item
            ? { organisationId: String(Item.organisationId), eventId: String(Item.eventId) }
            : undefined,
        };
      }
    },

    /** See `setSyncedUitdatabankId` above: a manual mapping always wins. */
    setSyncedUitdatabankId(
      eventId: string,
      uitdatabankId: string,
      expectedVersion: number,
      now: Date = new Date(),
    ): Promise<SyncedIdResult> {
      return setSyncedUitdatabankId(table, eventId, uitdatabankId, expectedVersion, now);
    },

    /** See `listMappingEvents` above. */
    listMappingEvents(query: EventListQuery): Promise<Page<TicketingEvent>> {
      return listMappingEvents(table, query);
    },

    /** True when the organisation still has an event in the external-mapping list. */
    hasMappingEvents(organisationId: string): Promise<boolean> {
      return anyIn(table, EXTMAP(organisationId));
    },
  };
}

// --- Organisations and promotors -----------------------------------------------------------------------------------

function organisationMethods(table: Table) {
  const target = (organisationId: string): Target => ({
    kind: 'organisation',
    id: organisationId,
    key: ORGANISATION(organisationId),
  });
  return {
    getOrganisation(
      organisationId: string,
      options: { consistent?: boolean } = {},
    ): Promise<Organisation | undefined> {
      return getItem<Organisation>(
        table,
        ORGANISATION(organisationId),
        ORGANISATION_FIELDS,
        options.consistent ?? false,
      );
    },

    putOrganisation(organisation: Organisation, previousVersion: number | undefined): Promise<void> {
      const { organisationId } = organisation;
      const attributes = {
        kind: 'organisation',
        gsi1pk: ALL_ORGANISATIONS,
        gsi1sk: organisationId,
        ...organisation,
      };
      return writeItem(table, target(organisationId), attributes, ORGANISATION_FIELDS, previousVersion);
    },

    deleteOrganisation(organisationId: string, version: number): Promise<void> {
      return removeItem(table, target(organisationId), version);
    },

    /** Every organisation, by id: for keys that may act for all. */
    listAllOrganisations(): Promise<Organisation[]> {
      return queryAll<Organisation>(table, ALL_ORGANISATIONS, ORGANISATION_FIELDS);
    },
  };
}

function promotorMethods(table: Table) {
  const target = (promotorId: string): Target => ({
    kind: 'promotor',
    id: promotorId,
    key: PROMOTOR(promotorId),
  });
  return {
    getPromotor(promotorId: string, options: { consistent?: boolean } = {}): Promise<Promotor | undefined> {
      return getItem<Promotor>(table, PROMOTOR(promotorId), PROMOTOR_FIELDS, options.consistent ?? false);
    },

    putPromotor(promotor: Promotor, previousVersion: number | undefined): Promise<void> {
      const { promotorId } = promotor;
      const attributes = {
        kind: 'promotor',
        gsi1pk: PROMOTORS(promotor.organisationId),
        gsi1sk: promotorId,
        ...promotor,
      };
      return writeItem(table, target(promotorId), attributes, PROMOTOR_FIELDS, previousVersion);
    },

    deletePromotor(promotorId: string, version: number): Promise<void> {
      return removeItem(table, target(promotorId), version);
    },

    /** The promotors of one organisation, by id. */
    listPromotors(organisationId: string): Promise<Promotor[]> {
      return queryAll<Promotor>(table, PROMOTORS(organisationId), PROMOTOR_FIELDS);
    },

    hasPromotors(organisationId: string): Promise<boolean> {
      return anyIn(table, PROMOTORS(organisationId));
    },
  };
}

export function createMappingRepository(table: Table) {
  return { ...eventMethods(table), ...organisationMethods(table), ...promotorMethods(table) };
}

export type MappingRepository = ReturnType<typeof createMappingRepository>;

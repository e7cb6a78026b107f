/**
 * The UiTdatabank sync's own state in the one table. Nothing here replaces what the mapping repository owns: the
 * sync reads event items through the mapping index and keeps a few attributes of its own on them, written with
 * UpdateItem calls that set only those attributes (the mapping repository does the same for its own, so an admin
 * save never wipes the sync's state and the sync never touches the event's fields). Two writes carry another
 * owner's attributes along, so that a created event costs one write after its POST and an assessment one write:
 * `storeSyncedId` sets the UiTdatabank id as the mapping repository builds that update (`syncedIdUpdate`, with its
 * conditions and the next `version`) together with the push state (and the first assessment of the event, when the
 * sync made one before storing the id), and `saveAssessment` sets the readiness snapshot as the readiness repository
 * writes it (`storeSnapshot`) together with `syncRefreshed`.
 *
 * | item        | pk           | sk     | attributes                                                              |
 * |-------------|--------------|--------|-------------------------------------------------------------------------|
 * | run lease   | `SYNC#LEASE` | `SYNC` | `owner`, `expiresAt` (epoch ms), `acquiredAt`                            |
 * | feed state  | `SYNC#STATE` | `SYNC` | `modifiedFrom` (the high-water mark), `modifiedFromMs`, `updatedAt`      |
 * | sweep state | `SYNC#SWEEP` | `SYNC` | `cycleStartedAt`, `after` (the last id checked; absent: cycle done)      |
 * | event (+)   | `EVENT#<id>` | `EVENT`| `syncPushed`, `syncClaim`, `syncIssues`, `syncRefreshed` (see below)     |
 *
 * On an event item:
 * - `syncPushed`: `{ fingerprint, uitdatabankId, at }`: what was last sent to UiTdatabank, per field.
 * - `syncClaim`: `{ owner, at, expiresAt, state, name, organizerId, placeId, startDate, fingerprint }`: set with a
 *   conditional write before `POST /events`, so no two runs create the same event; `state` becomes `uncertain` when
 *   the POST may have been applied without us getting the id (timeout, 5xx), and the next run looks for the orphan.
 * - `syncIssues`: refusals that are not retried until the wanted value changes (e.g. the organizer change refused
 *   with `event-has-uitpas-ticket-sales`).
 * - `syncRefreshed`: `{ uitdatabankId, version, organizerId, permissions, at, pending?, seen? }`: the event as it was
 *   when readiness was last assessed, so a change on our side (new mapping, new version, other organizer) is assessed
 *   again; `seen` is what it saw of the UiTdatabank event (`feedSeenKey`), so the feed's overlap is not assessed twice.
 *   What is already seen is kept per event, not in one list on the feed state: no item grows with a burst of changes.
 * The event's readiness snapshot (`readiness`, lib/adapters/dynamodb/readiness.ts) is read along, for its organizer
 * permission. The shapes of these attributes, and what the sync asks of this store, are the sync's port
 * (lib/use-cases/sync/ports.ts).
 *
 * Events are found through gsi1 (`ORG#<orgId>#EXTMAP`, which the mapping repository keeps on every event labelled
 * `UiTPAS` or `uitDB`; see lib/adapters/dynamodb/mappings.ts): one Query per organisation, never a Scan.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TicketingEvent } from '../../domain/mappings.js';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';
import type { SyncIssues } from '../../domain/sync.js';
import type {
  ClaimRef,
  EventSyncState,
  LeaseResult,
  PushClaim,
  PushedState,
  RefreshedState,
  StoreSyncedIdResult,
  SweepState,
  SyncEventItem,
  SyncStore,
} from '../../use-cases/sync/ports.js';
import { EVENT_FIELDS, EVENT_KEY, EXTMAP, RETIRED_SYNC, syncedIdUpdate, syncRefusal } from './mappings.js';
import { READINESS_ATTRIBUTE, snapshotSet, snapshotUpdate } from './readiness.js';
import { queryPartition, type Table } from './table.js';

const LEASE = { pk: 'SYNC#LEASE', sk: 'SYNC' };
const STATE = { pk: 'SYNC#STATE', sk: 'SYNC' };
const SWEEP = { pk: 'SYNC#SWEEP', sk: 'SYNC' };

function toSyncEventItem(item: Record<string, unknown>): SyncEventItem {
  const event: Record<string, unknown> = {};
  for (const field of EVENT_FIELDS) if (item[field] !== undefined) event[field] = item[field];
  const sync: EventSyncState = {};
  if (item.syncPushed) sync.pushed = item.syncPushed as PushedState;
  if (item.syncClaim) sync.claim = item.syncClaim as PushClaim;
  if (item.syncIssues && Object.keys(item.syncIssues).length > 0) sync.issues = item.syncIssues as SyncIssues;
  if (item.syncRefreshed) sync.refreshed = item.syncRefreshed as RefreshedState;
  const readiness = readinessOf(item[READINESS_ATTRIBUTE]);
  return { event: event as unknown as TicketingEvent, sync, ...(readiness ? { readiness } : {}) };
}

/** The snapshot's version and organizer permission, when they have the expected shape. */
function readinessOf(value: unknown): SyncEventItem['readiness'] {
  if (typeof value !== 'object' || value === null) return undefined;
  const { eventVersion, organizerPermission: permission } = value as Record<string, unknown>;
  if (typeof eventVersion !== 'number') return undefined;
  const p = permission as Record<string, unknown> | undefined;
  const valid =
    typeof p?.organizerId === 'string' && typeof p.permitted === 'boolean' && typeof p.checkedAt === 'string';
  return {
    eventVersion,
    ...(valid
      ? {
          organizerPermission: { organizerId: p.organizerId, permitted: p.permitted, checkedAt: p.checkedAt },
        }
      : {}),
  } as SyncEventItem['readiness'];
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

/** Runs a conditional write; false when its condition did not hold. */
async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** The sync's store on the one table: its attributes on our event items, the run lease, the feed and the sweep. */
export function createSyncStore(table: Table): SyncStore {
  return {
    ...eventReads(table),
    ...pushClaims(table),
    ...eventRecords(table),
    ...syncedIds(table),
    ...assessments(table),
    ...runLease(table),
    ...feedState(table),
  };
}

/** Our event items with the sync's state, through the mapping index or by key. */
function eventReads(
  table: Table,
): Pick<SyncStore, 'listOrganisationEvents' | 'getEventItem' | 'listRetiredPushes'> {
  const { doc, name: TableName } = table;
  return {
    /**
     * Every event of the organisation labelled `UiTPAS` or `uitDB`, with the sync's state: the mapping index
     * projects whole items, so this is the only read the push and the refresh need per organisation.
     */
    async listOrganisationEvents(organisationId: string): Promise<SyncEventItem[]> {
      return (await queryPartition(table, EXTMAP(organisationId))).map(toSyncEventItem);
    },

    /** What the organisation's deleted events had pushed, by event id: the memory deleteEvent leaves (mappings.ts). */
    async listRetiredPushes(organisationId: string): Promise<Map<string, PushedState>> {
      const retired = await queryPartition(table, RETIRED_SYNC(organisationId));
      return new Map(retired.map((item) => [String(item.eventId), item.pushed as PushedState]));
    },

    /** One consistent read of an event with the sync's state, after a conditional write lost. */
    async getEventItem(eventId: string): Promise<SyncEventItem | undefined> {
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: EVENT_KEY(eventId), ConsistentRead: true }),
      );
      return Item ? toSyncEventItem(Item) : undefined;
    },
  };
}

/** The claim on an event item that keeps two runs from creating the same UiTdatabank event. */
function pushClaims(table: Table): Pick<SyncStore, 'claimPush' | 'markClaimUncertain' | 'releaseClaim'> {
  const { doc, name: TableName } = table;
  return {
    /**
     * Claims the push of an unmapped event before `POST /events`. Holds only while the event still has no
     * UiTdatabank id, is still at the version the plan was made from, and carries no claim (or exactly the stale
     * claim `replacing` that this run inspected and found abandoned). False when another run or an admin got there
     * first.
     */
    claimPush(
      eventId: string,
      input: { version: number; claim: PushClaim; replacing?: ClaimRef },
    ): Promise<boolean> {
      const { replacing } = input;
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: 'SET syncClaim = :claim',
            ConditionExpression: `attribute_exists(pk) AND #version = :version AND attribute_not_exists(uitdatabankId) AND ${
              replacing
                ? 'syncClaim.#owner = :previousOwner AND syncClaim.#at = :previousAt'
                : 'attribute_not_exists(syncClaim)'
            }`,
            ExpressionAttributeNames: {
              '#version': 'version',
              ...(replacing ? { '#owner': 'owner', '#at': 'at' } : {}),
            },
            ExpressionAttributeValues: {
              ':claim': input.claim,
              ':version': input.version,
              ...(replacing ? { ':previousOwner': replacing.owner, ':previousAt': replacing.at } : {}),
            },
          }),
        ),
      );
    },

    /** The POST may have created the event: keep the claim, marked so the next run looks for it first. */
    async markClaimUncertain(eventId: string, claim: ClaimRef): Promise<boolean> {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: 'SET syncClaim.#state = :uncertain',
            ConditionExpression: 'syncClaim.#owner = :owner AND syncClaim.#at = :at',
            ExpressionAttributeNames: { '#state': 'state', '#owner': 'owner', '#at': 'at' },
            ExpressionAttributeValues: { ':uncertain': 'uncertain', ':owner': claim.owner, ':at': claim.at },
          }),
        ),
      );
    },

    /** The POST certainly did not create anything: drop the claim so the next run simply tries again. */
    async releaseClaim(eventId: string, claim: ClaimRef): Promise<boolean> {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: 'REMOVE syncClaim',
            ConditionExpression: 'syncClaim.#owner = :owner AND syncClaim.#at = :at',
            ExpressionAttributeNames: { '#owner': 'owner', '#at': 'at' },
            ExpressionAttributeValues: { ':owner': claim.owner, ':at': claim.at },
          }),
        ),
      );
    },
  };
}

/** SET what was pushed (and the refusals, if any), REMOVE the push claim (and the refusals, if none). */
function pushedState(pushed: PushedState, issues: SyncIssues | undefined) {
  const hasIssues = issues !== undefined && Object.keys(issues).length > 0;
  return {
    set: ['syncPushed = :pushed', ...(hasIssues ? ['syncIssues = :issues'] : [])],
    remove: ['syncClaim', ...(hasIssues ? [] : ['syncIssues'])],
    values: { ':pushed': pushed, ...(hasIssues ? { ':issues': issues } : {}) },
  };
}

/** What the sync pushed, had refused and last assessed, on the event item. */
function eventRecords(table: Table): Pick<SyncStore, 'savePushed' | 'saveIssues' | 'saveRefreshed'> {
  const { doc, name: TableName } = table;
  return {
    /**
     * What was pushed (and what was refused), after an update; drops the push claim. Never creates an item: an event
     * deleted meanwhile stays deleted (false).
     */
    savePushed(eventId: string, pushed: PushedState, issues: SyncIssues | undefined): Promise<boolean> {
      const state = pushedState(pushed, issues);
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: `SET ${state.set.join(', ')} REMOVE ${state.remove.join(', ')}`,
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: state.values,
          }),
        ),
      );
    },

    /** Refusals of an event that has no push to record (a refused create). Drops the claim too. */
    saveIssues(eventId: string, issues: SyncIssues, claim?: ClaimRef): Promise<boolean> {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: `SET syncIssues = :issues${claim ? ' REMOVE syncClaim' : ''}`,
            ConditionExpression: claim
              ? 'attribute_exists(pk) AND syncClaim.#owner = :owner AND syncClaim.#at = :at'
              : 'attribute_exists(pk)',
            ...(claim ? { ExpressionAttributeNames: { '#owner': 'owner', '#at': 'at' } } : {}),
            ExpressionAttributeValues: {
              ':issues': issues,
              ...(claim ? { ':owner': claim.owner, ':at': claim.at } : {}),
            },
          }),
        ),
      );
    },

    saveRefreshed(eventId: string, refreshed: RefreshedState): Promise<boolean> {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: 'SET syncRefreshed = :refreshed',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':refreshed': refreshed },
          }),
        ),
      );
    },
  };
}

/** The UiTdatabank id the sync created or found, stored with what was pushed: one write per create. */
function syncedIds(table: Table): Pick<SyncStore, 'storeSyncedId'> {
  const { doc, name: TableName } = table;
  return {
    /**
     * One UpdateItem: the mapping part as the mapping repository builds it (`syncedIdUpdate`: the id, its source,
     * `updatedAt`/`updatedBy`, the next version, the index key), plus `syncPushed`, the refusals, REMOVE
     * `syncClaim`, and the assessment of the version it makes, if one is given (`syncRefreshed` and the snapshot).
     * Conditional on the mapping repository's terms and on `updatedAt` as read, so the event this run read (from
     * the index, where it may lag) is exactly the one written over: the audit entry's "before" is true.
     * When `current` has the id already (a race with a run that stored the same one), only the sync's state is
     * written. A lost condition costs one consistent read, to say why.
     */
    async storeSyncedId({
      current,
      uitdatabankId,
      now,
      pushed,
      issues,
      assessment,
    }): Promise<StoreSyncedIdResult> {
      const { eventId } = current;
      const refused = syncRefusal(current, uitdatabankId);
      if (refused) return refused;
      const same = current.uitdatabankId === uitdatabankId;
      const mapping = same ? undefined : syncedIdUpdate(current, uitdatabankId, now);
      const state = pushedState(pushed, issues);
      // The assessment of the version this write makes: no check of it can be stored yet, and the condition below
      // pins the version it replaces, so the snapshot needs no condition of its own.
      const assessed =
        mapping && assessment && assessment.snapshot.eventVersion === mapping.next.version
          ? snapshotSet(assessment.snapshot)
          : undefined;
      const written = await conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: `SET ${[
              ...(mapping?.set ?? []),
              ...state.set,
              ...(assessed ? ['syncRefreshed = :refreshed', ...assessed.set] : []),
            ].join(', ')} REMOVE ${state.remove.join(', ')}`,
            ConditionExpression: `${mapping?.condition ?? '#version = :expected AND uitdatabankId = :id'} AND updatedAt = :readAt`,
            ExpressionAttributeNames: {
              ...(mapping?.names ?? { '#version': 'version' }),
              ...assessed?.names,
            },
            ExpressionAttributeValues: {
              ...(mapping?.values ?? { ':expected': current.version, ':id': uitdatabankId }),
              ...state.values,
              ':readAt': current.updatedAt,
              ...(assessed ? { ...assessed.values, ':refreshed': assessment?.refreshed } : {}),
            },
          }),
        ),
      );
      if (written)
        return mapping
          ? { outcome: 'stored', event: mapping.next, previous: current }
          : { outcome: 'unchanged', event: current };
      const { Item } = await doc.send(
        new GetCommand({ TableName, Key: EVENT_KEY(eventId), ConsistentRead: true }),
      );
      if (!Item) return { outcome: 'not-found' };
      const { event: stored } = toSyncEventItem(Item);
      return (
        syncRefusal(stored, uitdatabankId) ?? {
          outcome: 'version-conflict',
          currentVersion: stored.version,
          current: stored,
        }
      );
    },
  };
}

/** A readiness assessment: the snapshot the basket reads and the sync's record of it, one write. */
function assessments(table: Table): Pick<SyncStore, 'saveAssessment'> {
  const { doc, name: TableName } = table;
  return {
    /** `syncRefreshed` with the snapshot, in the readiness repository's own write (readiness.ts `snapshotUpdate`). */
    saveAssessment(
      eventId: string,
      refreshed: RefreshedState,
      snapshot: ReadinessSnapshot,
    ): Promise<boolean> {
      const update = snapshotUpdate(snapshot);
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: EVENT_KEY(eventId),
            UpdateExpression: `SET syncRefreshed = :refreshed, ${update.set.join(', ')}`,
            ConditionExpression: update.condition,
            ExpressionAttributeNames: update.names,
            ExpressionAttributeValues: { ...update.values, ':refreshed': refreshed },
          }),
        ),
      );
    },
  };
}

/** One run at a time: a lease item with its owner and expiry. */
function runLease(table: Table): Pick<SyncStore, 'acquireLease' | 'renewLease' | 'releaseLease'> {
  const { doc, name: TableName } = table;
  return {
    /**
     * The run lease: one run at a time. Taken when free, expired, or already ours; otherwise says who holds it and
     * until when.
     */
    async acquireLease(owner: string, ttlMs: number, nowMs: number): Promise<LeaseResult> {
      const acquired = await conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...LEASE, owner, expiresAt: nowMs + ttlMs, acquiredAt: new Date(nowMs).toISOString() },
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR #owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':now': nowMs, ':owner': owner },
          }),
        ),
      );
      if (acquired) return { acquired: true };
      const { Item } = await doc.send(new GetCommand({ TableName, Key: LEASE, ConsistentRead: true }));
      return {
        acquired: false,
        holder: String(Item?.owner ?? 'unknown'),
        expiresAt: Number(Item?.expiresAt ?? 0),
      };
    },

    /** Extends our lease; false when it is no longer ours (it expired and another run took it). */
    renewLease(owner: string, ttlMs: number, nowMs: number): Promise<boolean> {
      return conditional(() =>
        doc.send(
          new UpdateCommand({
            TableName,
            Key: LEASE,
            UpdateExpression: 'SET expiresAt = :expiresAt',
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':expiresAt': nowMs + ttlMs, ':owner': owner },
          }),
        ),
      );
    },

    async releaseLease(owner: string): Promise<void> {
      await conditional(() =>
        doc.send(
          new DeleteCommand({
            TableName,
            Key: LEASE,
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': owner },
          }),
        ),
      );
    },
  };
}

/** The change feed's high-water mark and the sweep's progress, one item each. */
function feedState(table: Table): Pick<SyncStore, 'getFeedMark' | 'saveFeedMark' | 'getSweep' | 'saveSweep'> {
  const { doc, name: TableName } = table;
  return {
    /** The change feed's high-water mark; undefined before the first run. */
    async getFeedMark(): Promise<string | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: STATE, ConsistentRead: true }));
      return typeof Item?.modifiedFrom === 'string' ? Item.modifiedFrom : undefined;
    },

    /**
     * Stores the mark as the feed moves on. Never moves it back: a slower concurrent run (without the lease) cannot
     * undo the progress of a faster one (false then). (An item written by an earlier version may still carry
     * `seenAtFrom`; the Put drops it.)
     */
    saveFeedMark(mark: string, now: Date): Promise<boolean> {
      const modifiedFromMs = Date.parse(mark);
      return conditional(() =>
        doc.send(
          new PutCommand({
            TableName,
            Item: { ...STATE, modifiedFrom: mark, modifiedFromMs, updatedAt: now.toISOString() },
            ConditionExpression: 'attribute_not_exists(pk) OR modifiedFromMs <= :ms',
            ExpressionAttributeValues: { ':ms': modifiedFromMs },
          }),
        ),
      );
    },

    async getSweep(): Promise<SweepState | undefined> {
      const { Item } = await doc.send(new GetCommand({ TableName, Key: SWEEP, ConsistentRead: true }));
      if (typeof Item?.cycleStartedAt !== 'string') return undefined;
      return {
        cycleStartedAt: Item.cycleStartedAt,
        ...(typeof Item.after === 'string' ? { after: Item.after } : {}),
      };
    },

    /** Last writer wins: two runs at once (without the lease) at worst check a batch twice. */
    async saveSweep(state: SweepState, now: Date): Promise<void> {
      await doc.send(
        new PutCommand({ TableName, Item: { ...SWEEP, ...state, updatedAt: now.toISOString() } }),
      );
    },
  };
}

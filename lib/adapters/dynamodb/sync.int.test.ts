import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import type { TicketingEvent } from '../../domain/mappings.js';
import type { ReadinessSnapshot } from '../../domain/readiness-snapshot.js';
import type { PushClaim, PushedState, RefreshedState, SyncStore } from '../../use-cases/sync/ports.js';
import { createMappingRepository, type MappingRepository } from './mappings.js';
import { createReadinessRepository } from './readiness.js';
import { createSyncStore } from './sync.js';
import type { Table } from './table.js';

let dynamo: LocalDynamo;
let table: Table;
let mappings: MappingRepository;
let store: SyncStore;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  table = await createLocalTable(dynamo.endpoint, 'store-sync-test');
  mappings = createMappingRepository(table);
  store = createSyncStore(table);
});
afterAll(() => dynamo.close());

const UDB = '5a0967f9-cc06-4c3c-9206-30481a767434';

function event(eventId: string, overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId,
    organisationId: 'org-s',
    name: eventId,
    startDate: '2030-10-01T20:00:00+02:00',
    labels: ['uitDB'],
    ticketTypes: [{ id: 'base', name: 'Basis', price: 10, standard: true }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'test',
    version: 1,
    ...overrides,
  };
}

const claim = (
  owner: string,
  at = '2026-09-01T10:00:00.000Z',
  overrides: Partial<PushClaim> = {},
): PushClaim => ({
  owner,
  at,
  expiresAt: Date.parse(at) + 60_000,
  state: 'in-flight',
  name: 'Concert',
  organizerId: 'org-id',
  placeId: 'place-id',
  startDate: '2030-10-01T20:00:00+02:00',
  fingerprint: { name: 'Concert' },
  ...overrides,
});

describe('the run lease', () => {
  it('is held by one run at a time until it expires or is released', async () => {
    const t0 = Date.parse('2026-09-01T10:00:00Z');
    expect(await store.acquireLease('run-1', 60_000, t0)).toEqual({ acquired: true });
    expect(await store.acquireLease('run-2', 60_000, t0 + 1000)).toEqual({
      acquired: false,
      holder: 'run-1',
      expiresAt: t0 + 60_000,
    });
    expect(await store.renewLease('run-1', 60_000, t0 + 30_000)).toBe(true);
    expect(await store.acquireLease('run-2', 60_000, t0 + 61_000)).toMatchObject({ acquired: false });
    // Expired (run-1 died): run-2 takes it, and run-1 can no longer renew it.
    expect(await store.acquireLease('run-2', 60_000, t0 + 91_000)).toEqual({ acquired: true });
    expect(await store.renewLease('run-1', 60_000, t0 + 92_000)).toBe(false);
    // Releasing someone else's lease does nothing; releasing one's own frees it.
    await store.releaseLease('run-1');
    expect(await store.acquireLease('run-3', 60_000, t0 + 93_000)).toMatchObject({
      acquired: false,
      holder: 'run-2',
    });
    await store.releaseLease('run-2');
    expect(await store.acquireLease('run-3', 60_000, t0 + 94_000)).toEqual({ acquired: true });
    await store.releaseLease('run-3');
  });
});

describe('push claims', () => {
  it('lets only one run claim an unmapped event', async () => {
    await mappings.putEvent(event('claim-once'), undefined);

    const results = await Promise.all([
      store.claimPush('claim-once', { version: 1, claim: claim('run-1') }),
      store.claimPush('claim-once', { version: 1, claim: claim('run-2') }),
    ]);

    expect(results.sort()).toEqual([false, true]);
  });

  it('refuses a claim on a mapped event, on a changed event, and on a missing event', async () => {
    await mappings.putEvent(
      event('claim-mapped', { uitdatabankId: UDB, uitdatabankIdSource: 'manual' }),
      undefined,
    );
    await mappings.putEvent(event('claim-changed', { version: 2 }), undefined);

    expect(await store.claimPush('claim-mapped', { version: 1, claim: claim('run-1') })).toBe(false);
    expect(await store.claimPush('claim-changed', { version: 1, claim: claim('run-1') })).toBe(false);
    expect(await store.claimPush('claim-missing', { version: 1, claim: claim('run-1') })).toBe(false);
    expect(await mappings.getEvent('claim-missing')).toBeUndefined();
  });

  it('replaces only the stale claim that was inspected', async () => {
    await mappings.putEvent(event('claim-stale'), undefined);
    const stale = claim('run-dead', '2026-09-01T09:00:00.000Z');
    await store.claimPush('claim-stale', { version: 1, claim: stale });

    expect(await store.claimPush('claim-stale', { version: 1, claim: claim('run-2') })).toBe(false);
    expect(
      await store.claimPush('claim-stale', {
        version: 1,
        claim: claim('run-2'),
        replacing: { owner: 'run-other', at: stale.at },
      }),
    ).toBe(false);
    expect(
      await store.claimPush('claim-stale', { version: 1, claim: claim('run-2'), replacing: stale }),
    ).toBe(true);
    expect((await store.getEventItem('claim-stale'))?.sync.claim?.owner).toBe('run-2');
  });

  it('marks a claim uncertain, and releases it, only for its owner', async () => {
    await mappings.putEvent(event('claim-owner'), undefined);
    const mine = claim('run-1');
    await store.claimPush('claim-owner', { version: 1, claim: mine });

    expect(await store.markClaimUncertain('claim-owner', { owner: 'run-2', at: mine.at })).toBe(false);
    expect(await store.markClaimUncertain('claim-owner', mine)).toBe(true);
    expect((await store.getEventItem('claim-owner'))?.sync.claim?.state).toBe('uncertain');
    expect(await store.releaseClaim('claim-owner', { owner: 'run-2', at: mine.at })).toBe(false);
    expect(await store.releaseClaim('claim-owner', mine)).toBe(true);
    expect((await store.getEventItem('claim-owner'))?.sync.claim).toBeUndefined();
  });
});

describe('push state on the event item', () => {
  it('survives an admin save, and leaves the event’s own fields and version alone', async () => {
    await mappings.putEvent(event('state-kept'), undefined);
    await store.savePushed(
      'state-kept',
      { fingerprint: { name: 'state-kept' }, uitdatabankId: UDB, at: '2026-09-01T10:00:00Z' },
      { organizer: { type: 't', status: 400, wanted: 'x', at: '2026-09-01T10:00:00Z' } },
    );
    await mappings.putEvent(event('state-kept', { name: 'renamed', version: 2 }), 1);

    const item = await store.getEventItem('state-kept');

    expect(item?.event).toMatchObject({ name: 'renamed', version: 2 });
    expect(item?.sync).toMatchObject({
      pushed: { fingerprint: { name: 'state-kept' }, uitdatabankId: UDB },
      issues: { organizer: { wanted: 'x' } },
    });
  });

  it('never brings a deleted event back as a stub', async () => {
    expect(
      await store.savePushed(
        'never-there',
        { fingerprint: {}, uitdatabankId: UDB, at: '2026-09-01T10:00:00Z' },
        undefined,
      ),
    ).toBe(false);
    expect(
      await store.saveRefreshed('never-there', {
        uitdatabankId: UDB,
        version: 1,
        at: '2026-09-01T10:00:00Z',
      }),
    ).toBe(false);
    expect(await store.getEventItem('never-there')).toBeUndefined();
  });

  it('lists an organisation’s events with their sync state, through the mapping index', async () => {
    await mappings.putEvent(event('listed-1', { organisationId: 'org-list' }), undefined);
    await mappings.putEvent(event('listed-2', { organisationId: 'org-list', labels: ['UiTPAS'] }), undefined);
    await mappings.putEvent(event('not-listed', { organisationId: 'org-list', labels: [] }), undefined);
    await store.saveRefreshed('listed-2', { uitdatabankId: UDB, version: 1, at: '2026-09-01T10:00:00Z' });

    const items = await store.listOrganisationEvents('org-list');

    expect(items.map((item) => item.event.eventId).sort()).toEqual(['listed-1', 'listed-2']);
    expect(items.find((item) => item.event.eventId === 'listed-2')?.sync.refreshed).toMatchObject({
      version: 1,
    });
    expect(Object.keys(items[0]?.event ?? {})).not.toContain('gsi1pk');
  });
});

describe('the UiTdatabank id the sync stores', () => {
  it('never replaces another id the sync stored meanwhile', async () => {
    const OTHER = '11111111-2222-4333-8444-555555555555';
    await mappings.putEvent(event('id-kept'), undefined);
    expect(await mappings.setSyncedUitdatabankId('id-kept', UDB, 1)).toMatchObject({ outcome: 'stored' });

    // A run that read version 1, lost the race and tries again on the version it now sees.
    const result = await mappings.setSyncedUitdatabankId('id-kept', OTHER, 2);

    expect(result).toMatchObject({ outcome: 'other-id-kept' });
    expect(await mappings.getEvent('id-kept', { consistent: true })).toMatchObject({
      uitdatabankId: UDB,
      version: 2,
    });
    expect(await mappings.setSyncedUitdatabankId('id-kept', UDB, 2)).toMatchObject({ outcome: 'unchanged' });
  });
});

const rawItem = async (eventId: string) =>
  (
    await table.doc.send(
      new GetCommand({
        TableName: table.name,
        Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' },
        ConsistentRead: true,
      }),
    )
  ).Item;

describe('the id of a created event, stored with its push state', () => {
  const pushed: PushedState = {
    fingerprint: { name: 'x' },
    uitdatabankId: UDB,
    at: '2026-09-01T10:00:01.000Z',
  };
  const now = new Date('2026-09-01T10:00:01.000Z');

  it('is one write: the mapping as the mapping repository stores it, the push state, and no claim', async () => {
    const read = event('store-created', { labels: ['uitDB', 'UiTPAS'] });
    await mappings.putEvent(read, undefined);
    await store.claimPush('store-created', { version: 1, claim: claim('run-1') });
    const issues = { organizer: { type: 't', status: 400, wanted: 'x', at: '2026-09-01T10:00:00Z' } };

    const result = await store.storeSyncedId({ current: read, uitdatabankId: UDB, now, pushed, issues });

    const next = {
      ...read,
      uitdatabankId: UDB,
      uitdatabankIdSource: 'sync',
      updatedAt: now.toISOString(),
      updatedBy: 'uitdatabank-sync',
      version: 2,
    };
    expect(result).toEqual({ outcome: 'stored', event: next, previous: read });
    expect(await mappings.getEvent('store-created', { consistent: true })).toEqual(next);
    const item = await rawItem('store-created');
    expect(item?.gsi1sk).toBe(`MAPPED#2030-10-01T18:00:00.000Z#store-created`);
    expect(item?.syncClaim).toBeUndefined();
    expect(item).toMatchObject({ syncPushed: pushed, syncIssues: issues });
    // The admin list sees it as mapped, as after the mapping repository's own write.
    const listed = await mappings.listMappingEvents({ organisationIds: ['org-s'], mapped: true, limit: 10 });
    expect(listed.items.map((e) => e.eventId)).toContain('store-created');
  });

  it('is refused, with the reason, when the event is not as this run read it', async () => {
    const read = event('store-raced');
    await mappings.putEvent(read, undefined);
    // An admin saved in between: the write is refused, and the answer carries the event as it is now.
    const saved = { ...read, name: 'renamed', updatedAt: '2026-09-01T10:00:00.500Z', version: 2 };
    await mappings.putEvent(saved, 1);
    const raced = await store.storeSyncedId({
      current: read,
      uitdatabankId: UDB,
      now,
      pushed,
      issues: undefined,
    });
    expect(raced).toEqual({ outcome: 'version-conflict', currentVersion: 2, current: saved });
    expect((await rawItem('store-raced'))?.syncPushed).toBeUndefined();
    // Tried again on it: stored on that version.
    expect(
      await store.storeSyncedId({ current: saved, uitdatabankId: UDB, now, pushed, issues: undefined }),
    ).toMatchObject({ outcome: 'stored', event: { name: 'renamed', version: 3 } });

    // Deleted and saved again at the same version: not the event that was read either.
    const first = event('store-recreated');
    await mappings.putEvent(first, undefined);
    await mappings.deleteEvent('store-recreated', 1);
    const again = { ...first, updatedAt: '2026-09-01T10:00:00.700Z' };
    await mappings.putEvent(again, undefined);
    expect(
      await store.storeSyncedId({ current: first, uitdatabankId: UDB, now, pushed, issues: undefined }),
    ).toEqual({ outcome: 'version-conflict', currentVersion: 1, current: again });
  });

  it('never replaces a manual mapping or another id, and never brings a deleted event back', async () => {
    const OTHER = '11111111-2222-4333-8444-555555555555';
    const read = event('store-manual');
    await mappings.putEvent(read, undefined);
    const manual = { ...read, uitdatabankId: OTHER, uitdatabankIdSource: 'manual' as const, version: 2 };
    await mappings.putEvent(manual, 1);
    expect(
      await store.storeSyncedId({ current: read, uitdatabankId: UDB, now, pushed, issues: undefined }),
    ).toEqual({ outcome: 'manual-mapping-kept', event: manual });

    const other = event('store-other');
    await mappings.putEvent(other, undefined);
    await mappings.setSyncedUitdatabankId('store-other', OTHER, 1);
    expect(
      await store.storeSyncedId({ current: other, uitdatabankId: UDB, now, pushed, issues: undefined }),
    ).toMatchObject({ outcome: 'other-id-kept', event: { uitdatabankId: OTHER } });
    expect(await mappings.getEvent('store-other', { consistent: true })).toMatchObject({
      uitdatabankId: OTHER,
    });

    expect(
      await store.storeSyncedId({
        current: event('store-gone'),
        uitdatabankId: UDB,
        now,
        pushed,
        issues: undefined,
      }),
    ).toEqual({ outcome: 'not-found' });
    expect(await rawItem('store-gone')).toBeUndefined();
  });

  it('only records the push state when the same id is stored already', async () => {
    await mappings.putEvent(event('store-same'), undefined);
    await mappings.setSyncedUitdatabankId('store-same', UDB, 1);
    const current = await mappings.getEvent('store-same', { consistent: true });
    if (!current) throw new Error('no event');

    const result = await store.storeSyncedId({ current, uitdatabankId: UDB, now, pushed, issues: undefined });

    expect(result).toEqual({ outcome: 'unchanged', event: current });
    expect(await rawItem('store-same')).toMatchObject({ version: 2, syncPushed: pushed });
  });
});

describe('an assessment, stored with its readiness snapshot', () => {
  const snapshot = (checkedAt: string, eventVersion = 1): ReadinessSnapshot => ({
    eventVersion,
    checkedAt,
    ready: true,
    errors: [],
    warnings: ['base-price'],
    organizerPermission: { organizerId: 'org-id', permitted: true, checkedAt },
    organizer: { uitdatabankId: UDB, match: 'match', checkedAt },
  });
  const refreshed = (version = 1): RefreshedState => ({
    uitdatabankId: UDB,
    version,
    organizerId: 'org-id',
    at: '2026-09-01T10:00:00.000Z',
  });

  it('is one write, the snapshot and the organizer verdict as the readiness repository writes them', async () => {
    await mappings.putEvent(event('assess-merged'), undefined);
    await mappings.putEvent(event('assess-twin'), undefined);

    expect(
      await store.saveAssessment('assess-merged', refreshed(), snapshot('2026-09-01T10:00:00.000Z')),
    ).toBe(true);
    await createReadinessRepository(table).storeSnapshot('assess-twin', snapshot('2026-09-01T10:00:00.000Z'));

    const merged = await rawItem('assess-merged');
    const twin = await rawItem('assess-twin');
    expect(merged?.readiness).toEqual(twin?.readiness);
    expect(merged?.organizerVerdict).toEqual(twin?.organizerVerdict);
    expect(merged?.syncRefreshed).toEqual(refreshed());
    expect(merged?.version).toBe(1);
    expect((await mappings.getEventForBasket('assess-merged'))?.organizerPermission).toMatchObject({
      permitted: true,
    });
  });

  it("goes into the write that stores a created event's id, when it is of the version that write makes", async () => {
    const now = new Date('2026-09-01T10:00:01.000Z');
    const pushed: PushedState = { fingerprint: { name: 'x' }, uitdatabankId: UDB, at: now.toISOString() };
    const read = event('assess-created', { labels: ['uitDB', 'UiTPAS'] });
    await mappings.putEvent(read, undefined);
    await mappings.putEvent(event('assess-created-twin'), undefined);
    const assessment = { refreshed: refreshed(2), snapshot: snapshot('2026-09-01T10:00:00.000Z', 2) };

    const result = await store.storeSyncedId({
      current: read,
      uitdatabankId: UDB,
      now,
      pushed,
      issues: undefined,
      assessment,
    });

    expect(result).toMatchObject({ outcome: 'stored', event: { version: 2 } });
    await createReadinessRepository(table).storeSnapshot(
      'assess-created-twin',
      snapshot('2026-09-01T10:00:00.000Z'),
    );
    const created = await rawItem('assess-created');
    const twin = await rawItem('assess-created-twin');
    expect(created).toMatchObject({ version: 2, syncPushed: pushed, syncRefreshed: refreshed(2) });
    expect(created?.readiness).toEqual({ ...twin?.readiness, eventVersion: 2 });
    expect(created?.organizerVerdict).toEqual(twin?.organizerVerdict);
    expect((await mappings.getEventForBasket('assess-created'))?.organizerPermission).toMatchObject({
      permitted: true,
    });

    // Of another version than the write makes: the id is stored, the assessment left to the refresh.
    const other = event('assess-created-stale', { labels: ['uitDB', 'UiTPAS'] });
    await mappings.putEvent(other, undefined);
    const stale = await store.storeSyncedId({
      current: other,
      uitdatabankId: UDB,
      now,
      pushed,
      issues: undefined,
      assessment: { refreshed: refreshed(1), snapshot: snapshot('2026-09-01T10:00:00.000Z', 1) },
    });
    expect(stale).toMatchObject({ outcome: 'stored', event: { version: 2 } });
    const item = await rawItem('assess-created-stale');
    expect(item).toMatchObject({ version: 2, uitdatabankId: UDB });
    expect(item).not.toHaveProperty('readiness');
    expect(item).not.toHaveProperty('syncRefreshed');
  });

  it('writes nothing for another version, over a later check of this version, or for a deleted event', async () => {
    await mappings.putEvent(event('assess-stale', { version: 2 }), undefined);
    expect(
      await store.saveAssessment('assess-stale', refreshed(), snapshot('2026-09-01T10:00:00.000Z')),
    ).toBe(false);
    expect(await rawItem('assess-stale')).not.toHaveProperty('syncRefreshed');

    await mappings.putEvent(event('assess-later'), undefined);
    await store.saveAssessment('assess-later', refreshed(), snapshot('2026-09-01T11:00:00.000Z'));
    expect(
      await store.saveAssessment('assess-later', refreshed(), snapshot('2026-09-01T10:00:00.000Z')),
    ).toBe(false);
    expect((await rawItem('assess-later'))?.readiness.checkedAt).toBe('2026-09-01T11:00:00.000Z');

    expect(await store.saveAssessment('assess-gone', refreshed(), snapshot('2026-09-01T10:00:00.000Z'))).toBe(
      false,
    );
    expect(await rawItem('assess-gone')).toBeUndefined();
  });
});

describe('the change feed mark', () => {
  it('is stored, and never moved back', async () => {
    expect(await store.getFeedMark()).toBeUndefined();
    const now = new Date('2026-09-01T10:00:00Z');
    expect(await store.saveFeedMark('2026-09-01T09:00:00+00:00', now)).toBe(true);
    expect(await store.saveFeedMark('2026-09-01T08:00:00+00:00', now)).toBe(false);
    expect(await store.saveFeedMark('2026-09-01T09:00:00.000Z', now)).toBe(true);

    expect(await store.getFeedMark()).toBe('2026-09-01T09:00:00.000Z');
  });
});

describe('the sweep state', () => {
  it('is stored as given, a finished cycle without a position', async () => {
    expect(await store.getSweep()).toBeUndefined();
    const now = new Date('2026-09-01T10:00:00Z');
    await store.saveSweep({ cycleStartedAt: now.toISOString(), after: 'abc' }, now);
    expect(await store.getSweep()).toEqual({ cycleStartedAt: now.toISOString(), after: 'abc' });
    await store.saveSweep({ cycleStartedAt: now.toISOString() }, now);
    expect(await store.getSweep()).toEqual({ cycleStartedAt: now.toISOString() });
  });
});

describe('what deleted events had pushed', () => {
  it('is kept per organisation when an event the sync created is deleted, and only then', async () => {
    const now = new Date('2026-09-01T10:00:01.000Z');
    const pushed = { fingerprint: { name: 'x' }, uitdatabankId: UDB, at: now.toISOString() };
    const synced = event('retired-synced', { organisationId: 'org-retired' });
    const never = event('retired-never', { organisationId: 'org-retired' });
    await mappings.putEvent(synced, undefined);
    await mappings.putEvent(never, undefined);
    await store.storeSyncedId({ current: synced, uitdatabankId: UDB, now, pushed, issues: undefined });
    // A delete that loses its version race deletes nothing; the memory it left is of a live event.
    await expect(mappings.deleteEvent('retired-synced', 1)).rejects.toMatchObject({ status: 409 });
    await mappings.deleteEvent('retired-synced', 2);
    await mappings.deleteEvent('retired-never', 1);

    expect(await store.listRetiredPushes('org-retired')).toEqual(new Map([['retired-synced', pushed]]));
    expect(await store.listRetiredPushes('org-s')).toEqual(new Map());
    expect(await rawItem('retired-synced')).toBeUndefined();
  });
});

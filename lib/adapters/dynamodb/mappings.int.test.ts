import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import type { TicketingEvent } from '../../domain/mappings.js';
import { createMappingRepository, type MappingRepository } from './mappings.js';

let dynamo: LocalDynamo;
let mappings: MappingRepository;
let table: Awaited<ReturnType<typeof createLocalTable>>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  table = await createLocalTable(dynamo.endpoint, 'store-mappings-test');
  mappings = createMappingRepository(table);
});
afterAll(() => dynamo.close());

const UDB_1 = '5a0967f9-cc06-4c3c-9206-30481a767434';
const UDB_2 = 'd83b5b8a-108a-45d6-9ac9-8bdc44a0a24a';

function event(eventId: string, overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId,
    organisationId: 'org-x',
    name: eventId,
    startDate: '2026-10-01T20:00:00+02:00',
    labels: ['UiTPAS'],
    ticketTypes: [{ id: 'base', name: 'Basis', price: 10, standard: true }],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'test',
    version: 1,
    ...overrides,
  };
}

describe('conditional writes', () => {
  it('creates an event once: a second create of the same id is a 409', async () => {
    await mappings.putEvent(event('create-once'), undefined);
    await expect(mappings.putEvent(event('create-once', { name: 'other' }), undefined)).rejects.toMatchObject(
      {
        status: 409,
        slug: 'version-conflict',
      },
    );
    await expect(mappings.getEvent('create-once')).resolves.toMatchObject({ name: 'create-once' });
  });

  it('replaces only the version it read: the second writer with the same version loses', async () => {
    await mappings.putEvent(event('race'), undefined);
    await mappings.putEvent(event('race', { name: 'first', version: 2 }), 1);
    await expect(mappings.putEvent(event('race', { name: 'second', version: 2 }), 1)).rejects.toMatchObject({
      status: 409,
    });
    await expect(mappings.getEvent('race', { consistent: true })).resolves.toMatchObject({
      name: 'first',
      version: 2,
    });
  });

  it('leaves attributes it does not own on the item, and out of what it returns', async () => {
    await mappings.putEvent(event('shared'), undefined);
    await table.doc.send(
      new UpdateCommand({
        TableName: table.name,
        Key: { pk: 'EVENT#shared', sk: 'EVENT' },
        UpdateExpression: 'SET syncPushed = :pushed, readiness = :readiness',
        ExpressionAttributeValues: { ':pushed': { at: 'then' }, ':readiness': { ready: true } },
      }),
    );
    await mappings.putEvent(event('shared', { name: 'renamed', labels: [], version: 2 }), 1);
    await mappings.setSyncedUitdatabankId('shared', UDB_1, 2);
    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.name, Key: { pk: 'EVENT#shared', sk: 'EVENT' } }),
    );
    expect(Item).toMatchObject({
      syncPushed: { at: 'then' },
      readiness: { ready: true },
      name: 'renamed',
      version: 3,
    });
    expect(Item).not.toHaveProperty('gsi1pk');
    const read = await mappings.getEvent('shared');
    expect(read).not.toHaveProperty('syncPushed');
    expect(read).not.toHaveProperty('pk');
  });

  it('deletes only the version it read', async () => {
    await mappings.putEvent(event('delete-me'), undefined);
    await expect(mappings.deleteEvent('delete-me', 7)).rejects.toMatchObject({ status: 409 });
    await mappings.deleteEvent('delete-me', 1);
    await expect(mappings.getEvent('delete-me')).resolves.toBeUndefined();
  });
});

describe('the UiTdatabank id the sync stores', () => {
  it('is stored with source sync and a new version', async () => {
    await mappings.putEvent(event('sync-new'), undefined);
    const result = await mappings.setSyncedUitdatabankId('sync-new', UDB_1, 1);
    expect(result).toMatchObject({
      outcome: 'stored',
      event: { uitdatabankId: UDB_1, uitdatabankIdSource: 'sync', version: 2, updatedBy: 'uitdatabank-sync' },
      previous: { version: 1 },
    });
    await expect(mappings.getEvent('sync-new', { consistent: true })).resolves.toMatchObject({
      uitdatabankId: UDB_1,
      uitdatabankIdSource: 'sync',
      version: 2,
    });
  });

  it('never overwrites an id entered by hand', async () => {
    await mappings.putEvent(
      event('sync-manual', { uitdatabankId: UDB_1, uitdatabankIdSource: 'manual' }),
      undefined,
    );
    const result = await mappings.setSyncedUitdatabankId('sync-manual', UDB_2, 1);
    expect(result.outcome).toBe('manual-mapping-kept');
    await expect(mappings.getEvent('sync-manual', { consistent: true })).resolves.toMatchObject({
      uitdatabankId: UDB_1,
      uitdatabankIdSource: 'manual',
      version: 1,
    });
  });

  it('loses, by the condition of its write, to an admin who maps the event by hand in between', async () => {
    await mappings.putEvent(event('sync-race'), undefined);
    let interleaved = false;
    // A table whose first sync write is preceded by an admin's manual mapping, after the sync's read.
    const racing = createMappingRepository({
      name: table.name,
      doc: {
        send: async (command: unknown) => {
          if (command instanceof UpdateCommand && !interleaved) {
            interleaved = true;
            await mappings.putEvent(
              event('sync-race', { uitdatabankId: UDB_2, uitdatabankIdSource: 'manual', version: 2 }),
              1,
            );
          }
          return table.doc.send(command as UpdateCommand);
        },
      } as unknown as typeof table.doc,
    });
    await expect(racing.setSyncedUitdatabankId('sync-race', UDB_1, 1)).resolves.toMatchObject({
      outcome: 'manual-mapping-kept',
    });
    await expect(mappings.getEvent('sync-race', { consistent: true })).resolves.toMatchObject({
      uitdatabankId: UDB_2,
      uitdatabankIdSource: 'manual',
    });
  });

  it('refuses a stale version and an unknown event', async () => {
    await mappings.putEvent(event('sync-stale'), undefined);
    await expect(mappings.setSyncedUitdatabankId('sync-stale', UDB_1, 5)).resolves.toEqual({
      outcome: 'version-conflict',
      currentVersion: 1,
    });
    await expect(mappings.setSyncedUitdatabankId('sync-none', UDB_1, 1)).resolves.toEqual({
      outcome: 'not-found',
    });
  });

  it('does not write again when the same id is stored already', async () => {
    await mappings.putEvent(
      event('sync-same', { uitdatabankId: UDB_1, uitdatabankIdSource: 'sync' }),
      undefined,
    );
    await expect(mappings.setSyncedUitdatabankId('sync-same', UDB_1, 1)).resolves.toMatchObject({
      outcome: 'unchanged',
      event: { version: 1 },
    });
  });
});

describe('the external-mapping list', () => {
  beforeAll(async () => {
    const day = (d: number) => `2026-11-${String(d).padStart(2, '0')}T20:00:00+01:00`;
    for (const [organisationId, prefix] of [
      ['list-a', 'a'],
      ['list-b', 'b'],
    ] as const) {
      await mappings.putEvent(event(`${prefix}-1`, { organisationId, startDate: day(3) }), undefined);
      await mappings.putEvent(
        event(`${prefix}-2`, {
          organisationId,
          startDate: day(1),
          labels: ['uitDB'],
          uitdatabankId: UDB_1,
          uitdatabankIdSource: 'sync',
        }),
        undefined,
      );
      await mappings.putEvent(
        event(`${prefix}-3`, { organisationId, startDate: day(2), labels: ['UiTPAS', 'uitDB'] }),
        undefined,
      );
      await mappings.putEvent(event(`${prefix}-plain`, { organisationId, labels: ['concert'] }), undefined);
    }
  });

  async function all(query: Parameters<MappingRepository['listMappingEvents']>[0]) {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mappings.listMappingEvents({ ...query, cursor });
      expect(page.items.length).toBeLessThanOrEqual(query.limit);
      ids.push(...page.items.map((item) => item.eventId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 20);
    return { ids, pages };
  }

  it('pages through several organisations, each by mapped state and start, without repeats', async () => {
    const { ids, pages } = await all({ organisationIds: ['list-b', 'list-a'], limit: 2 });
    expect(ids).toEqual(['a-2', 'a-3', 'a-1', 'b-2', 'b-3', 'b-1']);
    expect(pages).toBe(3);
  });

  it('filters on the mapped state with the sort key and on one label with a filter', async () => {
    expect((await all({ organisationIds: ['list-a', 'list-b'], mapped: false, limit: 1 })).ids).toEqual([
      'a-3',
      'a-1',
      'b-3',
      'b-1',
    ]);
    expect((await all({ organisationIds: ['list-a', 'list-b'], label: 'uitDB', limit: 1 })).ids).toEqual([
      'a-2',
      'a-3',
      'b-2',
      'b-3',
    ]);
    expect((await all({ organisationIds: ['list-a'], mapped: true, limit: 5 })).ids).toEqual(['a-2']);
  });

  it('takes an event out of the list when it loses its labels', async () => {
    await mappings.putEvent(event('leaves', { organisationId: 'list-c' }), undefined);
    expect((await all({ organisationIds: ['list-c'], limit: 5 })).ids).toEqual(['leaves']);
    await mappings.putEvent(event('leaves', { organisationId: 'list-c', labels: [], version: 2 }), 1);
    expect((await all({ organisationIds: ['list-c'], limit: 5 })).ids).toEqual([]);
  });

  it('refuses a cursor made for another filter, or not made by us', async () => {
    const page = await mappings.listMappingEvents({ organisationIds: ['list-a'], limit: 1 });
    expect(page.nextCursor).toEqual(expect.any(String));
    await expect(
      mappings.listMappingEvents({
        organisationIds: ['list-a'],
        mapped: false,
        limit: 1,
        cursor: page.nextCursor ?? '',
      }),
    ).rejects.toMatchObject({ status: 400, slug: 'invalid-cursor' });
    const forged = Buffer.from(JSON.stringify({ f: 'm=*;l=*', o: 'list-a', s: 'X', e: 'a-1' })).toString(
      'base64url',
    );
    await expect(
      mappings.listMappingEvents({ organisationIds: ['list-a'], limit: 1, cursor: forged }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      mappings.listMappingEvents({ organisationIds: ['list-a'], limit: 1, cursor: 'not base64 json' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('never reads an organisation that is not in the list, even when the cursor names it', async () => {
    const forged = Buffer.from(JSON.stringify({ f: 'm=*;l=*', o: 'list-b' })).toString('base64url');
    const page = await mappings.listMappingEvents({ organisationIds: ['list-a'], limit: 10, cursor: forged });
    expect(page).toEqual({ items: [], nextCursor: null });
  });
});

import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import type { TicketingEvent } from '../../domain/mappings.js';
import type { ReadinessReport } from '../../domain/readiness.js';
import { createMappingRepository, type MappingRepository } from './mappings.js';
import { createReadinessRepository, type ReadinessRepository, toSnapshot } from './readiness.js';
import type { Table } from './table.js';

let dynamo: LocalDynamo;
let table: Table;
let mappings: MappingRepository;
let snapshots: ReadinessRepository;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  table = await createLocalTable(dynamo.endpoint, 'store-readiness-test');
  mappings = createMappingRepository(table);
  snapshots = createReadinessRepository(table);
});
afterAll(() => dynamo.close());

const ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';

function event(eventId: string, overrides: Partial<TicketingEvent> = {}): TicketingEvent {
  return {
    eventId,
    organisationId: 'org-x',
    name: eventId,
    startDate: '2026-10-01T20:00:00+02:00',
    labels: ['UiTPAS'],
    ticketTypes: [{ id: 'base', name: 'Basis', price: 10, standard: true }],
    uitdatabankId: '5a0967f9-cc06-4c3c-9206-30481a767434',
    uitdatabankIdSource: 'manual',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'test',
    version: 1,
    ...overrides,
  };
}

function report(checkedAt: string, permitted: boolean): ReadinessReport {
  return {
    eventId: 'any',
    ready: permitted,
    checkedAt,
    items: [
      { id: 'uitdatabank-id', ok: true, severity: 'error', observed: {} },
      { id: 'base-price', ok: false, severity: 'warning', observed: {}, fix: { nl: 'x', en: 'x' } },
      {
        id: 'uitpas-permission',
        ok: permitted,
        severity: 'error',
        observed: {},
        ...(permitted ? {} : { fix: { nl: 'x', en: 'x' } }),
      },
    ],
    organizerPermission: { organizerId: ORGANIZER, permitted, checkedAt },
  };
}

const stored = async (eventId: string) =>
  (
    await table.doc.send(
      new GetCommand({ TableName: table.name, Key: { pk: `EVENT#${eventId}`, sk: 'EVENT' } }),
    )
  ).Item;

describe('readiness snapshots', () => {
  it('keeps a small snapshot on the event without changing its version or fields', async () => {
    const stale = event('snap-1');
    await mappings.putEvent(stale, undefined);
    const result = await snapshots.storeSnapshot(
      'snap-1',
      toSnapshot(report('2026-03-01T10:00:00.000Z', false), 1),
    );
    expect(result).toEqual({ stored: true });

    const item = await stored('snap-1');
    expect(item?.version).toBe(1);
    expect(item?.readiness).toEqual({
      eventVersion: 1,
      checkedAt: '2026-03-01T10:00:00.000Z',
      ready: false,
      errors: ['uitpas-permission'],
      warnings: ['base-price'],
      organizerPermission: {
        organizerId: ORGANIZER,
        permitted: false,
        checkedAt: '2026-03-01T10:00:00.000Z',
      },
    });
    await expect(mappings.getEvent('snap-1')).resolves.toEqual(stale);
  });

  it('drops a snapshot computed for another version of the event, or for an event that is gone', async () => {
    await mappings.putEvent(event('snap-2', { version: 2 }), undefined);
    const snapshot = toSnapshot(report('2026-03-01T10:00:00.000Z', true), 1);
    await expect(snapshots.storeSnapshot('snap-2', snapshot)).resolves.toEqual({ stored: false });
    expect((await stored('snap-2'))?.readiness).toBeUndefined();
    await expect(snapshots.storeSnapshot('snap-missing', snapshot)).resolves.toEqual({ stored: false });
    expect(await stored('snap-missing')).toBeUndefined();
  });

  it('never replaces a later check of the same version with an earlier one', async () => {
    await mappings.putEvent(event('snap-3'), undefined);
    await snapshots.storeSnapshot('snap-3', toSnapshot(report('2026-03-01T11:00:00.000Z', true), 1));
    const earlier = await snapshots.storeSnapshot(
      'snap-3',
      toSnapshot(report('2026-03-01T10:00:00.000Z', false), 1),
    );
    expect(earlier).toEqual({ stored: false });
    expect((await stored('snap-3'))?.readiness.checkedAt).toBe('2026-03-01T11:00:00.000Z');
  });

  it('survives an admin save, which leaves it stale', async () => {
    const first = event('snap-4');
    await mappings.putEvent(first, undefined);
    await snapshots.storeSnapshot('snap-4', toSnapshot(report('2026-03-01T10:00:00.000Z', false), 1));
    await mappings.putEvent({ ...first, name: 'renamed', version: 2 }, 1);
    expect((await stored('snap-4'))?.readiness.eventVersion).toBe(1);
    // A new check of the new version replaces it, whatever its time.
    const next = await snapshots.storeSnapshot(
      'snap-4',
      toSnapshot(report('2026-03-01T09:00:00.000Z', true), 2),
    );
    expect(next).toEqual({ stored: true });
  });
});

describe('getEventForBasket', () => {
  it('returns the event and the organizer permission of a snapshot of its version, in one read', async () => {
    const current = event('basket-1');
    await mappings.putEvent(current, undefined);
    await expect(mappings.getEventForBasket('basket-1')).resolves.toEqual({ event: current });

    await snapshots.storeSnapshot('basket-1', toSnapshot(report('2026-03-01T10:00:00.000Z', false), 1));
    await expect(mappings.getEventForBasket('basket-1')).resolves.toEqual({
      event: current,
      organizerPermission: {
        organizerId: ORGANIZER,
        permitted: false,
        checkedAt: '2026-03-01T10:00:00.000Z',
      },
    });
  });

  it('ignores a snapshot once the event changed: a stale one must not refuse a sale', async () => {
    const first = event('basket-2');
    await mappings.putEvent(first, undefined);
    await snapshots.storeSnapshot('basket-2', toSnapshot(report('2026-03-01T10:00:00.000Z', false), 1));
    const second = {
      ...first,
      ticketTypes: [{ id: 'base', name: 'Basis', price: 12, standard: true }],
      version: 2,
    };
    await mappings.putEvent(second, 1);
    await expect(mappings.getEventForBasket('basket-2')).resolves.toEqual({ event: second });
  });

  it('returns undefined for an unknown event', async () => {
    await expect(mappings.getEventForBasket('basket-none')).resolves.toBeUndefined();
  });
});

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../../../local/dynamo.js';
import { UpstreamUnavailable } from '../../domain/errors.js';
import type { OrganizerPermissions } from '../uitpas/schemas.js';
import { createPermissionsCache, normalisePermissions, PERMISSIONS_CACHE_KEY } from './permissions.js';
import type { Table } from './table.js';

const ORGANIZER = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const LINKED = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';
const MINUTE = 60_000;

let dynamo: LocalDynamo;
let table: Table;
let tableCount = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(() => dynamo.close());
beforeEach(async () => {
  tableCount += 1;
  table = await createLocalTable(dynamo.endpoint, `permissions-cache-${tableCount}`);
});

const response: OrganizerPermissions[] = [
  {
    organizer: { id: ORGANIZER, name: 'Test organizer' },
    permissions: ['PASSES_READ'],
    permissionDetails: [{ id: 'TARIFFS_READ' }, { id: 'TICKETSALES_REGISTER' }],
    linkedOrganizers: [
      { organizer: { id: LINKED, name: 'Linked' }, permissionDetails: [{ id: 'TARIFFS_READ' }] },
    ],
  },
];

/** A fake UiTPAS that counts its calls; `gate` holds answers back until released. */
function fakeUitpas() {
  const fake = {
    calls: 0,
    answer: response as OrganizerPermissions[] | Error,
    gate: undefined as Promise<void> | undefined,
    async getPermissions(): Promise<OrganizerPermissions[]> {
      fake.calls += 1;
      if (fake.gate) await fake.gate;
      if (fake.answer instanceof Error) throw fake.answer;
      return fake.answer;
    },
  };
  return fake;
}

function clock(start = Date.parse('2026-03-01T10:00:00.000Z')) {
  const state = { now: start };
  return { state, now: () => state.now };
}

describe('normalising GET /permissions', () => {
  it('flattens linked organizers and merges permissionDetails with the deprecated permissions', () => {
    expect(normalisePermissions(response)).toEqual([
      {
        organizerId: ORGANIZER,
        name: 'Test organizer',
        permissions: ['PASSES_READ', 'TARIFFS_READ', 'TICKETSALES_REGISTER'],
      },
      { organizerId: LINKED, name: 'Linked', permissions: ['TARIFFS_READ'] },
    ]);
  });

  it('gives an organizer listed twice (directly and linked) the union of its permissions', () => {
    const twice: OrganizerPermissions[] = [
      { organizer: { id: LINKED }, permissionDetails: [{ id: 'TICKETSALES_REGISTER' }] },
      ...response,
    ];
    const linked = normalisePermissions(twice).find((entry) => entry.organizerId === LINKED);
    expect(linked).toEqual({
      organizerId: LINKED,
      name: 'Linked',
      permissions: ['TARIFFS_READ', 'TICKETSALES_REGISTER'],
    });
  });
});

describe('the permissions cache', () => {
  it('asks UiTPAS once, stores the answer, and serves it from memory while fresh', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    const cache = createPermissionsCache({ table, uitpas, now: time.now });

    const first = await cache.getPermissions();
    time.state.now += 4 * MINUTE;
    const second = await cache.getPermissions();

    expect(uitpas.calls).toBe(1);
    expect(second).toEqual(first);
    expect(first.fetchedAt).toBe('2026-03-01T10:00:00.000Z');
    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.name, Key: PERMISSIONS_CACHE_KEY }),
    );
    expect(Item).toMatchObject({ fetchedAt: first.fetchedAt, organizers: first.organizers });
  });

  it('lets another container use the stored answer while it is younger than 15 minutes', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();

    time.state.now += 14 * MINUTE;
    const other = await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    expect(uitpas.calls).toBe(1);
    expect(other.fetchedAt).toBe('2026-03-01T10:00:00.000Z');

    time.state.now += 2 * MINUTE;
    const third = await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    expect(uitpas.calls).toBe(2);
    expect(third.fetchedAt).toBe('2026-03-01T10:16:00.000Z');
  });

  it('re-reads the table after 5 minutes in memory, so a refresh elsewhere reaches every container', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    const cache = createPermissionsCache({ table, uitpas, now: time.now });
    await cache.getPermissions();

    time.state.now += 1 * MINUTE;
    uitpas.answer = [];
    await createPermissionsCache({ table, uitpas, now: time.now }).refresh();

    time.state.now += 3 * MINUTE;
    expect((await cache.getPermissions()).organizers).toHaveLength(2);
    time.state.now += 2 * MINUTE;
    expect((await cache.getPermissions()).organizers).toEqual([]);
    expect(uitpas.calls).toBe(2);
  });

  it('honours a caller’s maxAgeMs', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    const cache = createPermissionsCache({ table, uitpas, now: time.now });
    await cache.getPermissions();
    time.state.now += 2 * MINUTE;
    await cache.getPermissions({ maxAgeMs: MINUTE });
    expect(uitpas.calls).toBe(2);
  });

  it('refresh() always asks UiTPAS', async () => {
    const uitpas = fakeUitpas();
    const cache = createPermissionsCache({ table, uitpas });
    await cache.getPermissions();
    await cache.refresh();
    expect(uitpas.calls).toBe(2);
  });

  it('shares one UiTPAS call between concurrent callers', async () => {
    const uitpas = fakeUitpas();
    let release: () => void = () => undefined;
    uitpas.gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const cache = createPermissionsCache({ table, uitpas });
    const calls = Array.from({ length: 5 }, () => cache.getPermissions());
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    const answers = await Promise.all(calls);
    expect(uitpas.calls).toBe(1);
    expect(new Set(answers.map((answer) => answer.fetchedAt)).size).toBe(1);
  });

  it('throws when UiTPAS cannot answer and nothing fresh is cached, and tries again next time', async () => {
    const uitpas = fakeUitpas();
    uitpas.answer = new UpstreamUnavailable('uitpas', 'timeout', false);
    const cache = createPermissionsCache({ table, uitpas });
    await expect(cache.getPermissions()).rejects.toBeInstanceOf(UpstreamUnavailable);
    uitpas.answer = response;
    await expect(cache.getPermissions()).resolves.toMatchObject({ organizers: expect.any(Array) });
    expect(uitpas.calls).toBe(2);
  });

  it('never replaces a newer stored answer with an older one', async () => {
    const uitpas = fakeUitpas();
    const late = clock(Date.parse('2026-03-01T11:00:00.000Z'));
    const early = clock(Date.parse('2026-03-01T10:00:00.000Z'));
    await createPermissionsCache({ table, uitpas, now: late.now }).refresh();
    await createPermissionsCache({ table, uitpas, now: early.now }).refresh();
    const { Item } = await table.doc.send(
      new GetCommand({ TableName: table.name, Key: PERMISSIONS_CACHE_KEY }),
    );
    expect(Item?.fetchedAt).toBe('2026-03-01T11:00:00.000Z');
  });

  it('stores card-system limits and reads them back', async () => {
    const uitpas = fakeUitpas();
    uitpas.answer = [
      {
        organizer: { id: ORGANIZER, name: 'Test organizer' },
        permissionDetails: [{ id: 'TARIFFS_READ', cardSystemIds: [2] }, { id: 'TICKETSALES_REGISTER' }],
      },
    ];
    const time = clock();
    const stored = await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    const other = await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    expect(uitpas.calls).toBe(1);
    expect(other.organizers).toEqual(stored.organizers);
    expect(other.organizers[0]?.cardSystemLimits).toEqual({ TARIFFS_READ: [2] });
  });

  it('reads an item stored before card systems were kept as not limited', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    const old = { organizerId: ORGANIZER, name: 'Test organizer', permissions: ['TARIFFS_READ'] };
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          ...PERMISSIONS_CACHE_KEY,
          kind: 'cache',
          organizers: [old],
          fetchedAt: new Date(time.now()).toISOString(),
        },
      }),
    );
    const read = await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    expect(uitpas.calls).toBe(0);
    expect(read.organizers).toEqual([old]);
  });

  it('asks UiTPAS again rather than read malformed card-system limits as "not limited"', async () => {
    const uitpas = fakeUitpas();
    const time = clock();
    await table.doc.send(
      new PutCommand({
        TableName: table.name,
        Item: {
          ...PERMISSIONS_CACHE_KEY,
          organizers: [
            {
              organizerId: ORGANIZER,
              name: '',
              permissions: ['TARIFFS_READ'],
              cardSystemLimits: { TARIFFS_READ: 'x' },
            },
          ],
          fetchedAt: new Date(time.now()).toISOString(),
        },
      }),
    );
    await createPermissionsCache({ table, uitpas, now: time.now }).getPermissions();
    expect(uitpas.calls).toBe(1);
  });
});

import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuditRepository } from '../lib/adapters/dynamodb/audit.js';
import { createMappingRepository } from '../lib/adapters/dynamodb/mappings.js';
import { PROBLEM_CONTENT_TYPE } from '../lib/adapters/http/problem.js';
import type { Principal } from '../lib/domain/access.js';
import { UpstreamUnavailable } from '../lib/domain/errors.js';
import { createHandler } from '../lib/handlers/manage-mappings.js';
import type { MappingDeps } from '../lib/use-cases/mapping-admin/deps.js';
import { recordSyncedUitdatabankId } from '../lib/use-cases/mapping-admin/events.js';
import { createLocalTable, type LocalDynamo, startLocalDynamo } from '../local/dynamo.js';
import { type ApiEventInput, apiEvent, BASKET, lambdaContext } from '../test-support/api-event.js';

const TABLE = 'manage-mappings-test';
const UDB_FESTIVAL = '5a0967f9-cc06-4c3c-9206-30481a767434';
const UDB_LIMITED = 'd83b5b8a-108a-45d6-9ac9-8bdc44a0a24a';
const UDB_NO_PERMISSION = '373d6cee-b4ae-4637-9b7c-eeb79e45f044';
const UDB_LEGACY = 'D04BE067-FBE7-6633-2351893716796CB5';
const UDB_MISSING = '00000000-0000-4000-8000-000000000000';
const UDB_UNREACHABLE = '11111111-1111-4111-8111-111111111111';
const ORGANIZER_A = '0ce87cbc-9299-4528-8d35-92225dc9489f';
const ORGANIZER_MISSING = '22222222-2222-4222-8222-222222222222';
/** The organizer of UDB_NO_PERMISSION, as in the sandbox's test dataset. */
const ORGANIZER_OTHER = '53391b0a-5468-4fdf-9194-0e0bb35eec9a';

const admin = (keyId: string, organisations: string[]): Principal => ({
  keyId,
  clientName: `admin-${keyId}`,
  role: 'admin',
  organisations,
});
const KEY_A = admin('key-a', ['org-a']);
const KEY_B = admin('key-b', ['org-b']);
const KEY_AB = admin('key-ab', ['org-a', 'org-b']);
const OPERATOR = admin('key-op', ['*']);

let dynamo: LocalDynamo;
let deps: MappingDeps;
const uitdatabankCalls: string[] = [];
let handler: ReturnType<typeof createHandler>;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  const table = await createLocalTable(dynamo.endpoint, TABLE);
  const organizerOf = new Map([
    [UDB_FESTIVAL, ORGANIZER_A],
    [UDB_LIMITED, ORGANIZER_A],
    [UDB_LEGACY, ORGANIZER_A],
    [UDB_NO_PERMISSION, ORGANIZER_OTHER],
  ]);
  deps = {
    mappings: createMappingRepository(table),
    audit: createAuditRepository(table),
    uitdatabankEvents: {
      async find(id) {
        uitdatabankCalls.push(id);
        if (id === UDB_UNREACHABLE) throw new UpstreamUnavailable('uitdatabank-entry', 'timeout', false);
        const organizerId = organizerOf.get(id);
        return organizerId === undefined ? undefined : { organizerId };
      },
    },
    uitdatabankOrganizers: { exists: async (id) => id === ORGANIZER_A || id === ORGANIZER_OTHER },
  };
  handler = createHandler(() => deps);
  for (const [organisationId, principal] of [
    ['org-a', KEY_A],
    ['org-b', KEY_B],
    ['org-c', OPERATOR],
  ] as const) {
    const response = await call(principal, 'PUT', `/v1/organisations/{organisationId}`, {
      pathParameters: { organisationId },
      body: { name: `Organisation ${organisationId}` },
    });
    expect(response.statusCode).toBe(201);
  }
});
afterAll(() => dynamo.close());

async function call(
  principal: Principal | undefined,
  method: string,
  route: string,
  input: Omit<ApiEventInput, 'method' | 'route' | 'principal'> = {},
) {
  const response = await handler(apiEvent({ method, route, principal, ...input }), lambdaContext());
  return {
    statusCode: response.statusCode,
    headers: response.headers ?? {},
    body: response.body ? JSON.parse(response.body) : undefined,
  };
}

const eventBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Festival',
  startDate: '2026-09-01T20:00:00+02:00',
  endDate: '2026-09-01T23:00:00+02:00',
  organisationId: 'org-a',
  labels: ['UiTPAS'],
  ticketTypes: [
    { id: 'base', name: 'Basistarief', price: 10, standard: true },
    { id: 'reduced', name: 'Reductie', price: 7.5, standard: false },
  ],
  ...overrides,
});

const putEvent = (principal: Principal, eventId: string, body: unknown, headers?: Record<string, string>) =>
  call(principal, 'PUT', '/v1/events/{eventId}', { pathParameters: { eventId }, body, headers });
const getEvent = (principal: Principal, eventId: string) =>
  call(principal, 'GET', '/v1/events/{eventId}', { pathParameters: { eventId } });
const deleteEvent = (principal: Principal, eventId: string, headers?: Record<string, string>) =>
  call(principal, 'DELETE', '/v1/events/{eventId}', { pathParameters: { eventId }, headers });
const auditOf = async (principal: Principal, entity: string, id: string) =>
  (await call(principal, 'GET', '/v1/audit', { query: { entity, id } })).body;
const pointers = (body: { invalidParams?: { pointer: string }[] }) =>
  (body.invalidParams ?? []).map((param) => param.pointer);

describe('events', () => {
  it('creates, reads, updates and deletes an event, with its version as ETag', async () => {
    const created = await putEvent(KEY_A, 'ev-crud', eventBody());
    expect(created.statusCode).toBe(201);
    expect(created.headers.ETag).toBe('"1"');
    expect(created.body).toMatchObject({
      eventId: 'ev-crud',
      organisationId: 'org-a',
      version: 1,
      updatedBy: 'admin-key-a',
      ticketTypes: [{ id: 'base', price: 10, standard: true }, { id: 'reduced' }],
    });

    const read = await getEvent(KEY_A, 'ev-crud');
    expect(read.statusCode).toBe(200);
    expect(read.body).toEqual(created.body);

    const updated = await putEvent(
      KEY_A,
      'ev-crud',
      eventBody({ name: 'Festival 2026', hint: 'Kies eerst' }),
    );
    expect(updated.statusCode).toBe(200);
    expect(updated.body).toMatchObject({ name: 'Festival 2026', hint: 'Kies eerst', version: 2 });
    expect(updated.body.createdAt).toBe(created.body.createdAt);

    expect((await deleteEvent(KEY_A, 'ev-crud')).statusCode).toBe(204);
    expect((await getEvent(KEY_A, 'ev-crud')).statusCode).toBe(404);
    expect((await deleteEvent(KEY_A, 'ev-crud')).body.type).toBe(
      'urn:uitpas-ticketing:problem:event-not-found',
    );
  });

  it('accepts a stored event sent back as it was read, without a new version', async () => {
    const created = await putEvent(KEY_A, 'ev-roundtrip', eventBody({ uitdatabankId: UDB_FESTIVAL }));
    const again = await putEvent(KEY_A, 'ev-roundtrip', created.body);
    expect(again.statusCode).toBe(200);
    expect(again.body.version).toBe(1);
    expect((await auditOf(KEY_A, 'event', 'ev-roundtrip')).items).toHaveLength(1);
  });

  it('saves an event with zero or several standard ticket types: that is for the readiness check', async () => {
    const none = await putEvent(KEY_A, 'ev-no-standard', eventBody({ ticketTypes: [] }));
    expect(none.statusCode).toBe(201);
    const two = eventBody({
      ticketTypes: [
        { id: 'a', name: 'A', price: 10, standard: true },
        { id: 'b', name: 'B', price: 12, standard: true },
      ],
    });
    expect((await putEvent(KEY_A, 'ev-two-standard', two)).statusCode).toBe(201);
  });

  it('names every invalid field and stores nothing', async () => {
    const response = await putEvent(
      KEY_A,
      'ev-invalid',
      eventBody({
        name: '',
        endDate: '2026-09-01T19:00:00+02:00',
        ticketTypes: [
          { id: 'base', name: 'Basis', price: 10.005, standard: true },
          { id: 'base', name: 'Dubbel', price: -1, standard: false },
        ],
        uitdatabankId: 'https://io.uitdatabank.be/events/x',
        uitdatabankID: 'typo',
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['Content-Type']).toBe(PROBLEM_CONTENT_TYPE);
    expect(pointers(response.body)).toEqual(
      expect.arrayContaining([
        '/name',
        '/ticketTypes/0/price',
        '/ticketTypes/1/price',
        '/uitdatabankId',
        '/',
      ]),
    );
    expect((await getEvent(KEY_A, 'ev-invalid')).statusCode).toBe(404);
  });

  it('refuses an end before the start and duplicate ticket type ids, naming the field', async () => {
    const response = await putEvent(
      KEY_A,
      'ev-invalid-2',
      eventBody({
        endDate: '2026-09-01T19:00:00+02:00',
        ticketTypes: [
          { id: 'base', name: 'Basis', price: 10, standard: true },
          { id: 'base', name: 'Dubbel', price: 5, standard: false },
        ],
      }),
    );
    expect(response.statusCode).toBe(400);
    expect(pointers(response.body)).toEqual(['/endDate', '/ticketTypes/1/id']);
  });

  it.each([
    ['a space', 'bad id'],
    ['a slash-free but too long id', 'x'.repeat(101)],
    ['a star', '*'],
  ])('refuses an event id with %s in the path', async (_name, eventId) => {
    const response = await getEvent(KEY_A, eventId);
    expect(response.statusCode).toBe(400);
    expect(pointers(response.body)).toEqual(['path.eventId']);
  });

  it('refuses a body about another event than the path', async () => {
    const response = await putEvent(KEY_A, 'ev-path', eventBody({ eventId: 'ev-other' }));
    expect(response.statusCode).toBe(400);
    expect(pointers(response.body)).toEqual(['/eventId']);
    expect((await getEvent(KEY_A, 'ev-other')).statusCode).toBe(404);
  });

  it('needs an existing organisation and promotor', async () => {
    const noOrganisation = await putEvent(OPERATOR, 'ev-orphan', eventBody({ organisationId: 'org-none' }));
    expect(noOrganisation.statusCode).toBe(422);
    expect(noOrganisation.body.type).toBe('urn:uitpas-ticketing:problem:unknown-organisation');
    expect(pointers(noOrganisation.body)).toEqual(['/organisationId']);

    const noPromotor = await putEvent(KEY_A, 'ev-orphan', eventBody({ promotorId: 'promo-none' }));
    expect(noPromotor.statusCode).toBe(422);
    expect(pointers(noPromotor.body)).toEqual(['/promotorId']);
    expect((await getEvent(OPERATOR, 'ev-orphan')).statusCode).toBe(404);
  });

  it('refuses a promotor of an organisation the key may not act for as unknown', async () => {
    await call(KEY_B, 'PUT', '/v1/promotors/{promotorId}', {
      pathParameters: { promotorId: 'promo-of-b' },
      body: { name: 'B Productions', organisationId: 'org-b' },
    });
    const response = await putEvent(KEY_A, 'ev-foreign-promotor', eventBody({ promotorId: 'promo-of-b' }));
    expect(response.statusCode).toBe(422);
    expect(response.body.type).toBe('urn:uitpas-ticketing:problem:unknown-promotor');
  });

  it('refuses a key without the admin role', async () => {
    const response = await getEvent(BASKET, 'ev-any');
    expect(response.statusCode).toBe(403);
  });
});

describe('free text', () => {
  it.each([
    ['an ESC in the hint', { hint: 'Kies \u001b[2J eerst' }, '/hint'],
    ['a NUL in the name', { name: 'Fest\u0000ival' }, '/name'],
    ['a tab in a label', { labels: ['UiTPAS', 'a\tb'] }, '/labels/1'],
    [
      'a line feed in a ticket type name',
      {
        ticketTypes: [{ id: 'base', name: 'Basis\ntarief', price: 10, standard: true }],
      },
      '/ticketTypes/0/name',
    ],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_name, overrides, pointer) => {
    const answer = await putEvent(KEY_A, 'ev-control', eventBody(overrides));
    expect(answer.statusCode).toBe(400);
    expect(pointers(answer.body)).toEqual([pointer]);
    expect(answer.body.invalidParams[0].detail).toMatch(/control characters/);
    expect((await getEvent(KEY_A, 'ev-control')).statusCode).toBe(404);
  });

  it('refuses control characters in organisation and promotor names', async () => {
    const organisation = await call(OPERATOR, 'PUT', '/v1/organisations/{organisationId}', {
      pathParameters: { organisationId: 'org-control' },
      body: { name: 'Cultuur\u0007centrum' },
    });
    expect(organisation.statusCode).toBe(400);
    expect(pointers(organisation.body)).toEqual(['/name']);
    const promotor = await call(KEY_A, 'PUT', '/v1/promotors/{promotorId}', {
      pathParameters: { promotorId: 'pr-control' },
      body: { name: '\u202eevil', organisationId: 'org-a' },
    });
    expect(promotor.statusCode).toBe(400);
    expect(pointers(promotor.body)).toEqual(['/name']);
  });

  it('keeps a hint of several lines', async () => {
    const answer = await putEvent(
      KEY_A,
      'ev-lines',
      eventBody({ hint: 'Kies eerst het basistarief.\nDan je UiTPAS.' }),
    );
    expect(answer.statusCode).toBe(201);
    expect(answer.body.hint).toBe('Kies eerst het basistarief.\nDan je UiTPAS.');
  });
});

describe('the UiTdatabank id', () => {
  it('must exist in UiTdatabank: a 422 that names the field', async () => {
    const response = await putEvent(KEY_A, 'ev-udb-missing', eventBody({ uitdatabankId: UDB_MISSING }));
    expect(response.statusCode).toBe(422);
    expect(response.body).toMatchObject({
      type: 'urn:uitpas-ticketing:problem:uitdatabank-event-not-found',
      invalidParams: [{ pointer: '/uitdatabankId' }],
    });
    expect((await getEvent(KEY_A, 'ev-udb-missing')).statusCode).toBe(404);
  });

  it('stores the mapping as unverified when UiTdatabank cannot be reached, and says so', async () => {
    const response = await putEvent(KEY_A, 'ev-udb-down', eventBody({ uitdatabankId: UDB_UNREACHABLE }));
    expect(response.statusCode).toBe(201);
    expect(response.body.organizerCheck).toMatchObject({
      status: 'unverified',
      reason: 'uitdatabank-unreachable',
    });
    expect((await getEvent(KEY_A, 'ev-udb-down')).body).toMatchObject({
      uitdatabankId: UDB_UNREACHABLE,
      organizerCheck: { status: 'unverified' },
    });
  });

  it('is checked in UiTdatabank only when it is new or changed', async () => {
    await putEvent(KEY_A, 'ev-udb-once', eventBody({ uitdatabankId: UDB_LEGACY }));
    const before = uitdatabankCalls.length;
    await putEvent(KEY_A, 'ev-udb-once', eventBody({ uitdatabankId: UDB_LEGACY, name: 'Renamed' }));
    expect(uitdatabankCalls.length).toBe(before);
  });

  it('entered by hand is never overwritten by the sync', async () => {
    const created = await putEvent(KEY_A, 'ev-manual', eventBody({ uitdatabankId: UDB_FESTIVAL }));
    expect(created.body).toMatchObject({ uitdatabankId: UDB_FESTIVAL, uitdatabankIdSource: 'manual' });
    const result = await deps.mappings.setSyncedUitdatabankId('ev-manual', UDB_LIMITED, created.body.version);
    expect(result.outcome).toBe('manual-mapping-kept');
    expect((await getEvent(KEY_A, 'ev-manual')).body).toMatchObject({
      uitdatabankId: UDB_FESTIVAL,
      uitdatabankIdSource: 'manual',
      version: 1,
    });
  });

  it('set by the sync is kept by an admin save without it, and replaced by a manual one', async () => {
    const created = await putEvent(KEY_A, 'ev-synced', eventBody({ labels: ['uitDB'] }));
    const synced = await recordSyncedUitdatabankId(
      { eventId: 'ev-synced', uitdatabankId: UDB_LIMITED, expectedVersion: created.body.version },
      deps,
    );
    expect(synced.outcome).toBe('stored');

    const kept = await putEvent(KEY_A, 'ev-synced', eventBody({ labels: ['uitDB'], name: 'Renamed' }));
    expect(kept.body).toMatchObject({ uitdatabankId: UDB_LIMITED, uitdatabankIdSource: 'sync', version: 3 });

    const removed = await putEvent(KEY_A, 'ev-synced', eventBody({ labels: ['uitDB'], uitdatabankId: null }));
    expect(removed.statusCode).toBe(422);
    expect(removed.body.type).toBe('urn:uitpas-ticketing:problem:uitdatabank-id-from-sync');

    const manual = await putEvent(
      KEY_A,
      'ev-synced',
      eventBody({ labels: ['uitDB'], uitdatabankId: UDB_FESTIVAL }),
    );
    expect(manual.body).toMatchObject({
      uitdatabankId: UDB_FESTIVAL,
      uitdatabankIdSource: 'manual',
      version: 4,
    });

    const trail = await auditOf(KEY_A, 'event', 'ev-synced');
    expect(trail.items[2]).toMatchObject({
      action: 'update',
      version: 2,
      actor: { clientName: 'uitdatabank-sync' },
      changes: { uitdatabankId: { after: UDB_LIMITED }, uitdatabankIdSource: { after: 'sync' } },
    });
  });

  it('entered by hand is removed with an explicit null', async () => {
    await putEvent(KEY_A, 'ev-unmap', eventBody({ uitdatabankId: UDB_FESTIVAL }));
    const removed = await putEvent(KEY_A, 'ev-unmap', eventBody({ uitdatabankId: null }));
    expect(removed.statusCode).toBe(200);
    expect(removed.body).not.toHaveProperty('uitdatabankId');
    expect(removed.body).not.toHaveProperty('uitdatabankIdSource');
  });
});

describe('access scoping', () => {
  beforeAll(async () => {
    expect((await putEvent(KEY_B, 'ev-of-b', eventBody({ organisationId: 'org-b' }))).statusCode).toBe(201);
  });

  it('answers 404 for another organisation’s event, as for one that does not exist', async () => {
    const foreign = await getEvent(KEY_A, 'ev-of-b');
    const missing = await getEvent(KEY_A, 'ev-never-existed');
    expect(foreign.statusCode).toBe(404);
    expect(foreign.body.type).toBe(missing.body.type);
    expect(foreign.body.detail).toBe(missing.body.detail.replace('ev-never-existed', 'ev-of-b'));
  });

  it('does not let a key overwrite or delete another organisation’s event', async () => {
    const overwrite = await putEvent(
      KEY_A,
      'ev-of-b',
      eventBody({ organisationId: 'org-a', name: 'Hijacked' }),
    );
    expect(overwrite.statusCode).toBe(404);
    expect((await deleteEvent(KEY_A, 'ev-of-b')).statusCode).toBe(404);
    expect((await getEvent(KEY_B, 'ev-of-b')).body).toMatchObject({ name: 'Festival', version: 1 });
  });

  it('does not let a key write into an organisation it may not act for', async () => {
    const response = await putEvent(KEY_A, 'ev-into-b', eventBody({ organisationId: 'org-b' }));
    expect(response.statusCode).toBe(403);
    expect(response.body.type).toBe('urn:uitpas-ticketing:problem:organisation-not-allowed');
    expect((await getEvent(KEY_B, 'ev-into-b')).statusCode).toBe(404);
  });

  it('moves an event between organisations only for a key that may act for both', async () => {
    await putEvent(KEY_AB, 'ev-moving', eventBody({ organisationId: 'org-a' }));
    const moved = await putEvent(KEY_AB, 'ev-moving', eventBody({ organisationId: 'org-b' }));
    expect(moved.body.organisationId).toBe('org-b');
    expect((await getEvent(KEY_A, 'ev-moving')).statusCode).toBe(404);
    expect((await getEvent(KEY_B, 'ev-moving')).statusCode).toBe(200);
  });

  it('lets an operator key (`*`) act for every organisation', async () => {
    expect((await getEvent(OPERATOR, 'ev-of-b')).statusCode).toBe(200);
    expect((await putEvent(OPERATOR, 'ev-op-c', eventBody({ organisationId: 'org-c' }))).statusCode).toBe(
      201,
    );
  });

  it('hides another organisation’s audit trail', async () => {
    expect((await auditOf(KEY_B, 'event', 'ev-of-b')).items).toHaveLength(1);
    expect((await auditOf(KEY_A, 'event', 'ev-of-b')).items).toEqual([]);
  });
});

describe('concurrent saves', () => {
  it('lets exactly one of two saves of the same version win; the other gets a 409', async () => {
    await putEvent(KEY_A, 'ev-race', eventBody());
    const results = await Promise.all([
      putEvent(KEY_A, 'ev-race', eventBody({ name: 'Alice' }), { 'if-match': '"1"' }),
      putEvent(KEY_A, 'ev-race', eventBody({ name: 'Bob' }), { 'if-match': '"1"' }),
    ]);
    expect(results.map((result) => result.statusCode).sort()).toEqual([200, 409]);
    const winner = results.find((result) => result.statusCode === 200);
    const loser = results.find((result) => result.statusCode === 409);
    expect(loser?.body.type).toBe('urn:uitpas-ticketing:problem:version-conflict');
    expect((await getEvent(KEY_A, 'ev-race')).body).toMatchObject({ name: winner?.body.name, version: 2 });
    expect((await auditOf(KEY_A, 'event', 'ev-race')).items).toHaveLength(2);
  });

  it('refuses a save from a stale form, with the current version', async () => {
    await putEvent(KEY_A, 'ev-stale', eventBody());
    await putEvent(KEY_A, 'ev-stale', eventBody({ name: 'Newer' }));
    const stale = await putEvent(KEY_A, 'ev-stale', eventBody({ name: 'Old form', version: 1 }));
    expect(stale.statusCode).toBe(409);
    expect(stale.body.currentVersion).toBe(2);
    expect((await getEvent(KEY_A, 'ev-stale')).body.name).toBe('Newer');
    const staleDelete = await deleteEvent(KEY_A, 'ev-stale', { 'if-match': '1' });
    expect(staleDelete.statusCode).toBe(409);
  });

  it('without a version, lets the last writer win, each save whole', async () => {
    const results = await Promise.all([
      putEvent(KEY_A, 'ev-last-wins', eventBody({ name: 'One' })),
      putEvent(KEY_A, 'ev-last-wins', eventBody({ name: 'Two' })),
    ]);
    expect(results.map((result) => result.statusCode).sort()).toEqual([200, 201]);
    const stored = (await getEvent(KEY_A, 'ev-last-wins')).body;
    expect(stored.version).toBe(2);
    expect(['One', 'Two']).toContain(stored.name);
  });

  it.each([
    ['not a number', { 'if-match': 'abc' }, undefined],
    ['disagreeing with the body', { 'if-match': '"2"' }, 3],
  ])('refuses an If-Match %s', async (_name, headers, version) => {
    const response = await putEvent(KEY_A, 'ev-if-match', eventBody({ version }), headers);
    expect(response.statusCode).toBe(400);
    expect(pointers(response.body)).toEqual(['header.If-Match']);
  });
});

describe('the external-mapping list', () => {
  const listIds = async (principal: Principal, query: Record<string, string | string[]>) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page += 1) {
      const response = await call(principal, 'GET', '/v1/events', {
        query: { ...query, ...(cursor ? { cursor } : {}) },
      });
      expect(response.statusCode).toBe(200);
      ids.push(...response.body.items.map((item: { eventId: string }) => item.eventId));
      cursor = response.body.nextCursor ?? undefined;
      if (!cursor) break;
    }
    return ids.filter((id) => id.startsWith('list-'));
  };

  beforeAll(async () => {
    const saves: [Principal, string, Record<string, unknown>][] = [
      [
        KEY_A,
        'list-a-uitpas',
        { labels: ['UiTPAS'], startDate: '2026-12-01T20:00:00+01:00', endDate: undefined },
      ],
      [
        KEY_A,
        'list-a-uitdb',
        { labels: ['uitDB'], startDate: '2026-12-02T20:00:00+01:00', endDate: undefined },
      ],
      [
        KEY_A,
        'list-a-mapped',
        {
          labels: ['UiTPAS', 'uitDB'],
          uitdatabankId: UDB_FESTIVAL,
          startDate: '2026-12-03T20:00:00+01:00',
          endDate: undefined,
        },
      ],
      [KEY_A, 'list-a-plain', { labels: ['concert'] }],
      [KEY_B, 'list-b-uitpas', { organisationId: 'org-b', labels: ['UiTPAS'] }],
      [KEY_B, 'list-b-mapped', { organisationId: 'org-b', labels: ['uitDB'], uitdatabankId: UDB_LIMITED }],
      [OPERATOR, 'list-c-uitpas', { organisationId: 'org-c', labels: ['UiTPAS'] }],
    ];
    for (const [principal, eventId, overrides] of saves)
      expect((await putEvent(principal, eventId, eventBody(overrides))).statusCode).toBe(201);
  });

  it('pages through all of the caller’s organisations and no other, with a cursor', async () => {
    const ids = await listIds(KEY_AB, { limit: '1' });
    expect(ids.sort()).toEqual([
      'list-a-mapped',
      'list-a-uitdb',
      'list-a-uitpas',
      'list-b-mapped',
      'list-b-uitpas',
    ]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('shows a single-organisation key only its own events', async () => {
    expect((await listIds(KEY_A, { limit: '2' })).sort()).toEqual([
      'list-a-mapped',
      'list-a-uitdb',
      'list-a-uitpas',
    ]);
    expect(await listIds(KEY_B, {})).toEqual(expect.not.arrayContaining(['list-a-uitpas', 'list-c-uitpas']));
  });

  it('filters on the mapped state and the label', async () => {
    expect((await listIds(KEY_AB, { mapped: 'false' })).sort()).toEqual([
      'list-a-uitdb',
      'list-a-uitpas',
      'list-b-uitpas',
    ]);
    expect((await listIds(KEY_AB, { mapped: 'true', limit: '1' })).sort()).toEqual([
      'list-a-mapped',
      'list-b-mapped',
    ]);
    expect((await listIds(KEY_A, { label: 'uitDB' })).sort()).toEqual(['list-a-mapped', 'list-a-uitdb']);
    expect((await listIds(KEY_A, { label: ['UiTPAS', 'uitDB'] })).sort()).toEqual([
      'list-a-mapped',
      'list-a-uitdb',
      'list-a-uitpas',
    ]);
    expect(await listIds(KEY_AB, { organisationId: 'org-b' })).toEqual(['list-b-mapped', 'list-b-uitpas']);
  });

  it('lists every organisation for an operator key', async () => {
    expect(await listIds(OPERATOR, {})).toEqual(expect.arrayContaining(['list-a-uitpas', 'list-c-uitpas']));
  });

  it('refuses another organisation, an unknown label and a cursor for another filter', async () => {
    expect((await call(KEY_A, 'GET', '/v1/events', { query: { organisationId: 'org-b' } })).statusCode).toBe(
      403,
    );
    const label = await call(KEY_A, 'GET', '/v1/events', { query: { label: 'uitpas' } });
    expect(label.statusCode).toBe(400);
    expect(pointers(label.body)).toEqual(['query.label']);
    const first = await call(KEY_A, 'GET', '/v1/events', { query: { limit: '1' } });
    const reused = await call(KEY_A, 'GET', '/v1/events', {
      query: { limit: '1', mapped: 'true', cursor: first.body.nextCursor },
    });
    expect(reused.statusCode).toBe(400);
    expect(reused.body.type).toBe('urn:uitpas-ticketing:problem:invalid-cursor');
    const tooMany = await call(KEY_A, 'GET', '/v1/events', { query: { limit: '101' } });
    expect(pointers(tooMany.body)).toEqual(['query.limit']);
  });
});

describe('organisations', () => {
  const putOrganisation = (principal: Principal, organisationId: string, body: unknown) =>
    call(principal, 'PUT', '/v1/organisations/{organisationId}', {
      pathParameters: { organisationId },
      body,
    });

  it('stores the UiTdatabank organizer id, checked to exist', async () => {
    const saved = await putOrganisation(KEY_A, 'org-a', {
      name: 'CC Gent',
      uitdatabankOrganizerId: ORGANIZER_A,
      defaultPlaceId: UDB_LEGACY,
    });
    expect(saved.statusCode).toBe(200);
    expect(saved.body).toMatchObject({ uitdatabankOrganizerId: ORGANIZER_A, version: 2 });
    const missing = await putOrganisation(KEY_A, 'org-a', {
      name: 'CC Gent',
      uitdatabankOrganizerId: ORGANIZER_MISSING,
    });
    expect(missing.statusCode).toBe(422);
    expect(pointers(missing.body)).toEqual(['/uitdatabankOrganizerId']);
    const malformed = await putOrganisation(KEY_A, 'org-a', {
      name: 'CC Gent',
      uitdatabankOrganizerId: 'not/an/id',
    });
    expect(malformed.statusCode).toBe(400);
    const trail = await auditOf(KEY_A, 'organisation', 'org-a');
    expect(trail.items[0]).toMatchObject({
      action: 'update',
      actor: { clientName: 'admin-key-a', keyId: 'key-a' },
      changes: {
        name: { before: 'Organisation org-a', after: 'CC Gent' },
        uitdatabankOrganizerId: { after: ORGANIZER_A },
      },
    });
  });

  it('is written, read and listed only by keys that may act for it', async () => {
    expect((await putOrganisation(KEY_A, 'org-b', { name: 'Mine now' })).statusCode).toBe(403);
    expect(
      (
        await call(KEY_A, 'GET', '/v1/organisations/{organisationId}', {
          pathParameters: { organisationId: 'org-b' },
        })
      ).statusCode,
    ).toBe(404);
    const mine = await call(KEY_A, 'GET', '/v1/organisations');
    expect(mine.body.items.map((item: { organisationId: string }) => item.organisationId)).toEqual(['org-a']);
    const all = await call(OPERATOR, 'GET', '/v1/organisations');
    expect(all.body.items.map((item: { organisationId: string }) => item.organisationId)).toEqual(
      expect.arrayContaining(['org-a', 'org-b', 'org-c']),
    );
  });

  it('cannot be deleted while it has UiTPAS events, and is deleted once empty', async () => {
    expect((await putOrganisation(KEY_AB, 'org-tmp', { name: 'Temporary' })).statusCode).toBe(403);
    const operatorKey = OPERATOR;
    await putOrganisation(operatorKey, 'org-tmp', { name: 'Temporary' });
    await putEvent(operatorKey, 'ev-tmp', eventBody({ organisationId: 'org-tmp' }));
    const del = () =>
      call(operatorKey, 'DELETE', '/v1/organisations/{organisationId}', {
        pathParameters: { organisationId: 'org-tmp' },
      });
    const refused = await del();
    expect(refused.statusCode).toBe(409);
    expect(refused.body.type).toBe('urn:uitpas-ticketing:problem:organisation-in-use');
    await deleteEvent(operatorKey, 'ev-tmp');
    expect((await del()).statusCode).toBe(204);
    expect((await del()).statusCode).toBe(404);
    const trail = await auditOf(operatorKey, 'organisation', 'org-tmp');
    expect(trail.items.map((item: { action: string }) => item.action)).toEqual(['delete', 'create']);
    expect(trail.items[0].changes.name).toEqual({ before: 'Temporary' });
  });
});

describe('promotors', () => {
  const putPromotor = (principal: Principal, promotorId: string, body: unknown) =>
    call(principal, 'PUT', '/v1/promotors/{promotorId}', { pathParameters: { promotorId }, body });
  const getPromotor = (principal: Principal, promotorId: string) =>
    call(principal, 'GET', '/v1/promotors/{promotorId}', { pathParameters: { promotorId } });

  it('creates, reads, lists, updates and deletes a promotor of the key’s organisation', async () => {
    const created = await putPromotor(KEY_A, 'promo-a', { name: 'A Live', organisationId: 'org-a' });
    expect(created.statusCode).toBe(201);
    expect((await getPromotor(KEY_A, 'promo-a')).body).toMatchObject({
      name: 'A Live',
      organisationId: 'org-a',
    });
    const updated = await putPromotor(KEY_A, 'promo-a', {
      name: 'A Live',
      organisationId: 'org-a',
      uitdatabankOrganizerId: ORGANIZER_A,
    });
    expect(updated.body).toMatchObject({ version: 2, uitdatabankOrganizerId: ORGANIZER_A });
    const list = await call(KEY_A, 'GET', '/v1/promotors', { query: { organisationId: 'org-a' } });
    expect(list.body.items.map((item: { promotorId: string }) => item.promotorId)).toContain('promo-a');

    const withPromotor = await putEvent(KEY_A, 'ev-promoted', eventBody({ promotorId: 'promo-a' }));
    expect(withPromotor.body.promotorId).toBe('promo-a');

    const del = await call(KEY_A, 'DELETE', '/v1/promotors/{promotorId}', {
      pathParameters: { promotorId: 'promo-a' },
      headers: { 'if-match': '"2"' },
    });
    expect(del.statusCode).toBe(204);
    expect((await getPromotor(KEY_A, 'promo-a')).statusCode).toBe(404);
    const trail = await auditOf(KEY_A, 'promotor', 'promo-a');
    expect(trail.items.map((item: { action: string }) => item.action)).toEqual([
      'delete',
      'update',
      'create',
    ]);
  });

  it('keeps another organisation’s promotors invisible', async () => {
    await putPromotor(KEY_B, 'promo-b', { name: 'B Live', organisationId: 'org-b' });
    expect((await getPromotor(KEY_A, 'promo-b')).statusCode).toBe(404);
    expect((await putPromotor(KEY_A, 'promo-b', { name: 'Taken', organisationId: 'org-a' })).statusCode).toBe(
      404,
    );
    expect((await putPromotor(KEY_A, 'promo-new', { name: 'X', organisationId: 'org-b' })).statusCode).toBe(
      403,
    );
    const mine = await call(KEY_A, 'GET', '/v1/promotors');
    expect(mine.body.items.map((item: { promotorId: string }) => item.promotorId)).not.toContain('promo-b');
    expect(
      (await call(KEY_A, 'GET', '/v1/promotors', { query: { organisationId: 'org-b' } })).statusCode,
    ).toBe(403);
  });

  it('keeps its organisation from being deleted', async () => {
    await putPromotor(KEY_B, 'promo-b2', { name: 'B2', organisationId: 'org-b' });
    const refused = await call(KEY_B, 'DELETE', '/v1/organisations/{organisationId}', {
      pathParameters: { organisationId: 'org-b' },
    });
    expect(refused.statusCode).toBe(409);
  });
});

describe('the audit trail', () => {
  it('records who changed what and when, for every change, newest first', async () => {
    await putEvent(KEY_A, 'ev-audited', eventBody());
    await putEvent(KEY_AB, 'ev-audited', eventBody({ name: 'Renamed', uitdatabankId: UDB_FESTIVAL }));
    await deleteEvent(KEY_A, 'ev-audited');
    const trail = await auditOf(KEY_A, 'event', 'ev-audited');
    expect(trail.items.map((item: { action: string }) => item.action)).toEqual([
      'delete',
      'update',
      'create',
    ]);
    const [deleted, updated, created] = trail.items;
    expect(created).toMatchObject({
      entity: 'event',
      entityId: 'ev-audited',
      version: 1,
      actor: { clientName: 'admin-key-a', keyId: 'key-a' },
      organisationIds: ['org-a'],
      changes: { name: { after: 'Festival' }, labels: { after: ['UiTPAS'] } },
    });
    expect(Date.parse(created.at)).not.toBeNaN();
    expect(updated).toMatchObject({ version: 2, actor: { keyId: 'key-ab' } });
    expect(updated.changes).toEqual({
      name: { before: 'Festival', after: 'Renamed' },
      uitdatabankId: { after: UDB_FESTIVAL },
      uitdatabankIdSource: { after: 'manual' },
      // org-a's organizer, saved above, is that of UDB_FESTIVAL.
      organizerCheck: {
        after: { status: 'match', uitdatabankId: UDB_FESTIVAL, checkedAt: expect.any(String) },
      },
    });
    expect(deleted).toMatchObject({ version: 2, changes: { name: { before: 'Renamed' } } });
    expect(deleted.changes).not.toHaveProperty('version');
  });

  it('refuses an unknown entity kind or a bad id', async () => {
    const response = await call(KEY_A, 'GET', '/v1/audit', { query: { entity: 'apikey', id: 'a b' } });
    expect(response.statusCode).toBe(400);
    expect(pointers(response.body)).toEqual(['query.entity', 'query.id']);
  });
});

describe('the invoke-local events in events/manage-mappings', () => {
  const fixture = (name: string) =>
    JSON.parse(
      readFileSync(new URL(`../events/manage-mappings/${name}.json`, import.meta.url), 'utf8'),
    ) as APIGatewayProxyEventV2;

  it('set up the demo organisation and events, and read them back', async () => {
    // A table of their own: org-a of the tests above has claimed the same UiTdatabank events.
    const table = await createLocalTable(dynamo.endpoint, `${TABLE}-fixtures`);
    const own = createHandler(() => ({
      ...deps,
      mappings: createMappingRepository(table),
      audit: createAuditRepository(table),
    }));
    const run = async (name: string) => {
      const response = await own(fixture(name), lambdaContext());
      return { statusCode: response.statusCode, body: JSON.parse(response.body ?? 'null') };
    };
    expect((await run('put-organisation')).statusCode).toBe(201);
    expect((await run('put-promotor')).statusCode).toBe(201);
    for (const name of ['put-event', 'put-event-limited', 'put-event-no-permission'])
      expect((await run(name)).statusCode).toBe(201);
    const festival = await run('get-event');
    expect(festival.body).toMatchObject({
      eventId: 'demo-festival',
      uitdatabankId: UDB_FESTIVAL,
      uitdatabankIdSource: 'manual',
      labels: ['UiTPAS'],
      ticketTypes: [{ price: 10, standard: true }],
    });
    const listed = await run('list-events');
    expect(listed.body.items.map((item: { eventId: string }) => item.eventId)).toEqual([
      'demo-festival',
      'demo-limited',
      'demo-no-permission',
    ]);
  });
});

describe('the deployed handler', () => {
  it('serves the routes from the table named in its environment', async () => {
    process.env.TABLE_NAME = TABLE;
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    const { handler: deployed } = await import('./manage-mappings.js');
    const response = await deployed(
      apiEvent({
        method: 'GET',
        route: '/v1/organisations/{organisationId}',
        pathParameters: { organisationId: 'org-a' },
        principal: KEY_A,
      }),
      lambdaContext(),
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body ?? '{}').organisationId).toBe('org-a');
  });
});
